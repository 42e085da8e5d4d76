#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Summarise a clang -ftime-trace JSON file: where a translation unit's compile time goes.

    python3 bench/time_trace.py TRACE.json [--top N]

Prints clang's own totals (frontend, backend, parsing, template instantiation), then the time
spent parsing headers: exclusive ("self") time grouped by library (typq, Boost.PFR, other Boost,
libpq, the C++ standard library, the C library), and the headers with the largest inclusive time.
A header's cost lands on whichever header includes it first; self time is a header's inclusive
time minus the headers it includes, so the groups add up to the total parse time.
"""

import argparse
import json
import sys


def group_of(path):
    if "/typq/" in path:
        return "typq headers"
    if "/boost/pfr" in path:
        return "Boost.PFR"
    if "/boost/" in path:
        return "other Boost"
    if "/postgresql/" in path or path.endswith("libpq-fe.h") or path.endswith("postgres_ext.h"):
        return "libpq (libpq-fe.h)"
    if "/c++/" in path:
        return "C++ standard library"
    if path.startswith("/usr/include") or path.startswith("/usr/lib"):
        return "C library and system"
    return "the program itself"


def short(path):
    for marker in ("/include/typq/", "/single_include/typq/"):
        if marker in path:
            return "typq/" + path.split(marker, 1)[1]
    for marker in ("/c++/12/", "/c++/v1/"):
        if marker in path:
            return "<" + path.split(marker, 1)[1] + ">"
    if "/boost/" in path:
        return "<boost/" + path.split("/boost/", 1)[1] + ">"
    if "/postgresql/" in path:
        return "<" + path.split("/postgresql/", 1)[1] + ">"
    if path.startswith("/usr/include/"):
        return "<" + path[len("/usr/include/"):] + ">"
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trace")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()

    with open(args.trace, encoding="utf-8") as f:
        events = json.load(f)["traceEvents"]
    complete = [e for e in events if e.get("ph") == "X"]

    totals = {e["name"][len("Total "):]: e["dur"] / 1e6 for e in complete if e["name"].startswith("Total ")}
    print("clang's totals (seconds; nested, so they overlap):")
    for name in ("ExecuteCompiler", "Frontend", "Source", "ParseClass", "PerformPendingInstantiations",
                 "InstantiateFunction", "InstantiateClass", "CodeGen Function", "Backend", "OptModule",
                 "CodeGenPasses", "Optimizer"):
        if name in totals:
            print(f"  {name:30s} {totals[name]:7.3f}")

    # Source events nest like the includes; compute each one's self time with a stack.
    sources = sorted((e for e in complete if e["name"] == "Source"), key=lambda e: (e["ts"], -e["dur"]))
    self_time = {}
    inclusive = {}
    depth_of = {}
    stack = []  # [event, children_duration]
    for e in sources:
        while stack and e["ts"] >= stack[-1][0]["ts"] + stack[-1][0]["dur"]:
            done, children = stack.pop()
            self_time[id(done)] = done["dur"] - children
        if stack:
            stack[-1][1] += e["dur"]
        depth_of[id(e)] = len(stack) + 1
        stack.append([e, 0])
    while stack:
        done, children = stack.pop()
        self_time[id(done)] = done["dur"] - children

    groups = {}
    for e in sources:
        path = e["args"]["detail"]
        groups[group_of(path)] = groups.get(group_of(path), 0) + self_time[id(e)]
        inclusive[path] = inclusive.get(path, 0) + e["dur"]
    parse_total = sum(groups.values())
    print(f"\nparsing headers: {parse_total / 1e6:.3f} s, self time by library:")
    for name, dur in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {name:30s} {dur / 1e6:7.3f}  {100 * dur / parse_total:5.1f}%")

    print(f"\nheaders by self time (their own text, without what they include), top {args.top}:")
    own = {}
    for e in sources:
        own[e["args"]["detail"]] = own.get(e["args"]["detail"], 0) + self_time[id(e)]
    for path, dur in sorted(own.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {dur / 1e6:7.3f}  {short(path)}")

    print(f"\nheaders by inclusive parse time (depth 1 = included by the program), top {args.top}:")
    firsts = {}
    for e in sources:
        firsts.setdefault(e["args"]["detail"], depth_of[id(e)])
    for path, dur in sorted(inclusive.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {dur / 1e6:7.3f}  depth {firsts[path]}  {short(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
