#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""bench/asyncpg_pool.py: issue 13's pool benchmark, asyncpg's side (Debian: python3-asyncpg,
python3-uvloop): TASKS tasks on uvloop share an asyncpg pool of POOL connections and run QUERIES
point queries in all, each taking a connection, fetchrow, giving it back; the same statement and
table as bench/pool_throughput.cpp. Prints one line in the same format.

    asyncpg_pool.py DSN [TASKS] [POOL] [QUERIES]     (DSN: a libpq conninfo "host=... port=...")
"""
import asyncio
import resource
import sys
import time

import asyncpg
import uvloop


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def connect_args(dsn):
    # asyncpg takes keyword arguments; the fixture's conninfo is "key=value ..." pairs.
    args = dict(part.split("=", 1) for part in dsn.split())
    out = {}
    for key, name in (("host", "host"), ("port", "port"), ("user", "user"), ("dbname", "database"), ("password", "password")):
        if key in args:
            out[name] = int(args[key]) if key == "port" else args[key]
    return out


async def main(dsn, tasks, size, queries):
    pool = await asyncpg.create_pool(min_size=size, max_size=size, **connect_args(dsn))
    left = queries
    checksum = 0

    async def task():
        nonlocal left, checksum
        while left > 0:
            item_id = 1 + left % 10000
            left -= 1
            async with pool.acquire() as conn:
                row = await conn.fetchrow("SELECT id, name, score FROM pool_items WHERE id = $1", item_id)
                checksum += row["id"]

    cpu_start = cpu_seconds()
    start = time.monotonic()
    await asyncio.gather(*(task() for _ in range(tasks)))
    wall = time.monotonic() - start
    cpu = cpu_seconds() - cpu_start
    print(f"asyncpg pool (uvloop): {queries} queries, {tasks} tasks, pool {size}: {wall:.3f} s, "
          f"{queries / wall:.0f} queries/s, client CPU {cpu * 1e6 / queries:.2f} us/query (checksum {checksum})")
    await pool.close()


if __name__ == "__main__":
    dsn = sys.argv[1]
    tasks, size, queries = (int(a) for a in (sys.argv[2:5] + ["64", "8", "100000"][len(sys.argv[2:5]):]))
    uvloop.install()
    asyncio.run(main(dsn, tasks, size, queries))
