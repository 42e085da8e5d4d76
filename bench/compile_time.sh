#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# bench/compile_time.sh: how long a one-query program takes to compile, and the compiler's peak
# memory, with typq (include/ and the single header), libpqxx and libpq alone; then what typq's
# umbrella header costs, from clang's -ftime-trace.
#
#   bench/compile_time.sh [OUT_DIR]
#
# Environment: CXX (default g++), RUNS (default 3), CXXFLAGS_BENCH (default "-O2 -std=c++20").
# Each program is compiled to an object file (-c) RUNS times, the programs taking turns, under
# /usr/bin/time; the table gives the median wall time, the median CPU time (user + sys) and the
# median peak resident memory ("Maximum resident set size"). The single header is generated
# into OUT_DIR with tools/amalgamate.py. The include-only rows compile an empty main() after the
# umbrella header: the price of the #include before any query is instantiated.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d /tmp/typq-compile.XXXXXX)}
mkdir -p "$out"
cxx=${CXX:-g++}
runs=${RUNS:-3}
read -r -a flags <<<"${CXXFLAGS_BENCH:--O2 -std=c++20}"
[[ -x /usr/bin/time ]] || { echo "compile_time.sh: /usr/bin/time is missing (Debian: apt-get install time)" >&2; exit 1; }

pg_include=$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
read -r -a pqxx_flags <<<"$(pkg-config --cflags libpqxx 2>/dev/null || true)"
src=$root/bench/compile

# The single header of the headers being measured; if the tree cannot be amalgamated right now
# (a header not yet in the umbrella), the committed single_include/, which may be older.
single=$out/single_include
if ! python3 "$root/tools/amalgamate.py" --output "$single/typq/typq.hpp" >/dev/null 2>"$out/amalgamate.log"; then
    if [[ -f $root/single_include/typq/typq.hpp ]]; then
        single=$root/single_include
        echo "compile_time.sh: tools/amalgamate.py failed ($(head -c 120 "$out/amalgamate.log")...);" \
             "measuring the committed single_include/ instead" >&2
    else
        echo "compile_time.sh: tools/amalgamate.py failed, see $out/amalgamate.log" >&2
        exit 1
    fi
fi

names=("typq" "typq, single header" "libpqxx" "libpq" "typq, #include only" "libpqxx, #include only"
    "typq, TYPQ_SEPARATE_COMPILATION and <typq/connection.hpp> only")
sources=(one_query_typq one_query_typq one_query_pqxx one_query_libpq include_only_typq include_only_pqxx
    one_query_typq_separate)
includes=("-I$root/include" "-I$single" "" "" "-I$root/include" "" "-I$root/include")

for ((round = 1; round <= runs; round++)); do
    for i in "${!names[@]}"; do
        extra=()
        [[ -n ${includes[$i]} ]] && extra+=("${includes[$i]}")
        [[ ${sources[$i]} == *pqxx* ]] && extra+=("${pqxx_flags[@]}")
        [[ ${sources[$i]} == *separate* ]] && extra+=(-DTYPQ_SEPARATE_COMPILATION)
        /usr/bin/time -f "%e %U %S %M" -o "$out/time.$i.$round" \
            "$cxx" "${flags[@]}" "${extra[@]}" "-I$pg_include" -c "$src/${sources[$i]}.cpp" -o "$out/${sources[$i]}.$i.o"
    done
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "| program ($cxx ${flags[*]} -c) | wall s | CPU s | peak memory MB | CPU / libpqxx |"
echo "|---|--:|--:|--:|--:|"
declare -A cpu
for i in "${!names[@]}"; do
    cpu[$i]=$(for f in "$out"/time."$i".*; do awk '{print $2 + $3}' "$f"; done | median)
done
for i in "${!names[@]}"; do
    wall=$(for f in "$out"/time."$i".*; do awk '{print $1}' "$f"; done | median)
    rss=$(for f in "$out"/time."$i".*; do awk '{print $4}' "$f"; done | median)
    awk -v n="${names[$i]}" -v w="$wall" -v c="${cpu[$i]}" -v m="$rss" -v base="${cpu[2]}" 'BEGIN {
        printf "| %s | %.2f | %.2f | %.0f | %.2fx |\n", n, w, c, m / 1024, c / base }'
done

if command -v clang++ >/dev/null; then
    echo
    echo "clang++ -ftime-trace ${flags[*]} on bench/compile/one_query_typq.cpp:"
    mkdir -p "$out/trace"
    clang++ "${flags[@]}" -ftime-trace -ftime-trace-granularity=50 "-I$root/include" "-I$pg_include" \
        -c "$src/one_query_typq.cpp" -o "$out/trace/one_query_typq.o"
    python3 "$root/bench/time_trace.py" "$out/trace/one_query_typq.json"
fi
