#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# bench/callgrind.sh: instruction counts (callgrind's Ir) of each client, per workload.
#
#   bench/callgrind.sh TYPQ_BENCH [OUT_DIR]
#
# Runs TYPQ_BENCH once per workload and client under `valgrind --tool=callgrind
# --collect-atstart=no`, with --callgrind so that the program collects only around the timed part
# (the workload itself: no connection, setup or checksum). Sizes are smaller than the timed run's
# (valgrind is ~50x slower): point and prepared 2000 queries, wide 100000 rows, bulk 100000 rows,
# batch 2000 rows, stream 200000 rows, many 20000 rows, copy_in and copy_out 100000 rows; override
# with CG_POINT, CG_WIDE (also copy_out's), CG_BULK, CG_BATCH, CG_STREAM, CG_MANY, CG_COPY, the workloads with CG_WORKLOADS and the clients with CG_CLIENTS
# (default: libpq typq pqxx; a client that has no way to run a workload is left out).
# The server comes from TYPQ_BENCH_DSN. Prints a markdown table; keeps the callgrind.out files in
# OUT_DIR (default: a temporary directory) for callgrind_annotate.

set -euo pipefail

bench=${1:?usage: callgrind.sh TYPQ_BENCH [OUT_DIR]}
out=${2:-$(mktemp -d /tmp/typq-callgrind.XXXXXX)}
mkdir -p "$out"
: "${TYPQ_BENCH_DSN:?set TYPQ_BENCH_DSN to the conninfo of the server}"
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }

workloads=${CG_WORKLOADS:-point wide bulk batch prepared stream many copy_in copy_out}
clients=${CG_CLIENTS:-libpq typq pqxx}
declare -A size=([point]=${CG_POINT:-2000} [wide]=${CG_WIDE:-100000} [bulk]=${CG_BULK:-100000} [batch]=${CG_BATCH:-2000}
                 [prepared]=${CG_POINT:-2000} [stream]=${CG_STREAM:-200000} [many]=${CG_MANY:-20000}
                 [copy_in]=${CG_COPY:-100000} [copy_out]=${CG_WIDE:-100000})
declare -A unit=([point]=query [wide]=row [bulk]=row [batch]=row [prepared]=query [stream]=row [many]=row
                 [copy_in]=row [copy_out]=row)

echo "| workload | size | client | Ir | Ir / ${unit[point]} or row | Ir / libpq |"
echo "|---|---|---|--:|--:|--:|"
for w in $workloads; do
    base=""
    for c in $clients; do
        [[ $c == pqxx && ($w == stream || $w == many || $w == copy_in || $w == copy_out) ]] && continue  # not in libpqxx 6.4's way
        [[ ($c == typq-async || $c == libpq-asio) && $w != point && $w != prepared ]] && continue  # the async clients run these two
        file=$out/callgrind.$w.$c.out
        option=$w
        [[ $w == prepared ]] && option=point  # the prepared workload runs --point queries
        [[ $w == copy_in ]] && option=copy
        [[ $w == copy_out ]] && option=wide   # copy_out reads table wide
        valgrind --tool=callgrind --collect-atstart=no --dump-instr=no --callgrind-out-file="$file" \
            "$bench" --workloads "$w" --clients "$c" "--$option" "${size[$w]}" --rounds 1 --warmup 0 --callgrind \
            >"$out/callgrind.$w.$c.log" 2>&1 || { echo "callgrind.sh: $w $c failed, see $out/callgrind.$w.$c.log" >&2; exit 1; }
        ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$file")
        [[ -n $base ]] || base=$ir
        awk -v w="$w" -v n="${size[$w]}" -v c="$c" -v ir="$ir" -v base="$base" 'BEGIN {
            printf "| %s | %s | %s | %.0f | %.0f | %.2fx |\n", w, n, c, ir, ir / n, ir / base }'
    done
done
echo
echo "callgrind.sh: profiles in $out (callgrind_annotate $out/callgrind.wide.typq.out)"
