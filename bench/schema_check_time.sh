#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# bench/schema_check_time.sh: what the compile-time schema check (docs/schema.md) costs a build,
# per checked statement: one program of N distinct statements, compiled without and with the header
# typq-schema generates for it (TYPQ_SCHEMA_HEADER, strict), the difference divided by N.
#
#   bench/schema_check_time.sh TYPQ_SCHEMA [N] [OUT_DIR]
#
# TYPQ_SCHEMA is the built typq-schema tool. The server comes from TYPQ_BENCH_DSN (nothing is left
# in it: the table is made by --setup, inside a transaction the tool rolls back). Environment: CXX
# (default g++), RUNS (default 3), CXXFLAGS_BENCH (default "-O2 -std=c++20"). The statements take
# turns among the forms (query<Row>, query_one, query_value, execute with a named struct) and four
# row types, as a program's would; each is a different text, so each is looked up and checked.
# Prints the scan and describe times, the median compile times (wall, as CPU is noisier to read
# from /usr/bin/time here) and the cost per statement.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tool=${1:?usage: schema_check_time.sh TYPQ_SCHEMA [N] [OUT_DIR]}
n=${2:-200}
out=${3:-$(mktemp -d /tmp/typq-schema-time.XXXXXX)}
mkdir -p "$out"
cxx=${CXX:-g++}
runs=${RUNS:-3}
read -r -a flags <<<"${CXXFLAGS_BENCH:--O2 -std=c++20}"
: "${TYPQ_BENCH_DSN:?set TYPQ_BENCH_DSN to the conninfo of the server}"
pg_include=$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)

cat >"$out/schema.sql" <<'SQL'
CREATE TABLE bench_account (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    nickname text,
    born date,
    score integer NOT NULL
);
SQL

# The program: N functions, each running one statement that differs from the others by a constant.
{
    cat <<'CPP'
#include <typq/typq.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

struct account { std::int64_t id; std::string email; std::optional<std::string> nickname; };
struct account_score { std::int64_t id; std::int32_t score; };
struct account_born { std::int64_t id; std::optional<std::chrono::year_month_day> born; };
struct score_change { std::int64_t id; std::int32_t score; };
CPP
    for ((i = 0; i < n; ++i)); do
        case $((i % 4)) in
        0) echo "void q$i(typq::connection& c) { (void)c.query<account>(\"SELECT id, email, nickname FROM bench_account WHERE id > \$1 AND score <> $i\", std::int64_t{$i}); }" ;;
        1) echo "void q$i(typq::connection& c) { (void)c.query_one<account_score>(\"SELECT id, score FROM bench_account WHERE email = \$1 AND id <> $i\", std::string(\"x\")); }" ;;
        2) echo "void q$i(typq::connection& c) { (void)c.query_value<std::optional<std::int64_t>>(\"SELECT max(id) FROM bench_account WHERE score > \$1 + $i\", $i); }" ;;
        3) echo "void q$i(typq::connection& c) { (void)c.execute(\"UPDATE bench_account SET score = :score WHERE id = :id AND id <> $i\", score_change{$i, 1}); }" ;;
        esac
    done
    echo "int main() {}"
} >"$out/program.cpp"

includes=(-I"$root/include" -I"$pg_include")

start=$(date +%s.%N)
python3 "$root/tools/typq-schema-scan.py" --root "$out" -o "$out/queries" "$out/program.cpp" -- \
    "$cxx" "${flags[@]}" "${includes[@]}"
scanned=$(date +%s.%N)
"$tool" --dsn "$TYPQ_BENCH_DSN" --setup "$out/schema.sql" --queries "$out/queries" --output "$out/schema.hpp"
described=$(date +%s.%N)
statements=$(grep -vc '^#' "$out/queries" || true)
echo "statements: $statements found by the scanner in $(echo "$scanned - $start" | bc) s;" \
     "described in $(echo "$described - $scanned" | bc) s; header $(wc -c <"$out/schema.hpp") bytes"

# Each compile RUNS times, the two taking turns; wall seconds from /usr/bin/time.
compile() {  # compile LABEL [extra flags...] -> one wall time
    local label=$1
    shift
    /usr/bin/time -f "%e" -o "$out/time.$label" "$cxx" "${flags[@]}" "${includes[@]}" "$@" -c "$out/program.cpp" \
        -o "$out/program.$label.o"
    cat "$out/time.$label"
}
without=()
with=()
for ((r = 0; r < runs; ++r)); do
    without+=("$(compile without)")
    with+=("$(compile with "-DTYPQ_SCHEMA_HEADER=\"$out/schema.hpp\"" -DTYPQ_SCHEMA_STRICT)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
m0=$(median "${without[@]}")
m1=$(median "${with[@]}")
echo "compiler: $($cxx --version | head -n 1); flags: ${flags[*]}; $runs runs each"
echo "without the header: median $m0 s (${without[*]})"
echo "with the header:    median $m1 s (${with[*]})"
echo "per checked statement: $(echo "scale=2; ($m1 - $m0) * 1000 / $n" | bc) ms"
