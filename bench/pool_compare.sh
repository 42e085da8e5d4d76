#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# bench/pool_compare.sh: issue 13's pool benchmark: typq::async_pool (bench/pool_throughput.cpp)
# against asyncpg's pool on uvloop (bench/asyncpg_pool.py), the same statement, table, tasks and
# pool size, ROUNDS rounds alternating the two (docs/performance.md).
#
#   TYPQ_BENCH_DSN=... bench/pool_compare.sh TYPQ_POOL_BENCH [ROUNDS] [TASKS] [POOL] [QUERIES]
#
# Needs python3-asyncpg and python3-uvloop (tools/run-bench installs them); runs Debian's
# /usr/bin/python3, where they are installed.

set -euo pipefail
bench=${1:?usage: pool_compare.sh TYPQ_POOL_BENCH [ROUNDS] [TASKS] [POOL] [QUERIES]}
rounds=${2:-3}
tasks=${3:-64}
size=${4:-8}
queries=${5:-100000}
: "${TYPQ_BENCH_DSN:?set TYPQ_BENCH_DSN to the conninfo of the server}"
here=$(dirname "$0")
"$bench" --dsn "$TYPQ_BENCH_DSN" --tasks "$tasks" --pool "$size" --queries 1000 >/dev/null  # the table, warm
for ((r = 1; r <= rounds; r++)); do
    "$bench" --dsn "$TYPQ_BENCH_DSN" --tasks "$tasks" --pool "$size" --queries "$queries"
    /usr/bin/python3 "$here/asyncpg_pool.py" "$TYPQ_BENCH_DSN" "$tasks" "$size" "$queries"
done
