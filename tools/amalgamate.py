#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Generate single_include/typq/typq.hpp (and asio.hpp) from include/typq/.

Starts at include/typq/typq.hpp and inlines each `#include <typq/...>` the first time it is
seen (later repeats are dropped); every other include stays where it is. The output is the
same bytes for the same input (no dates, LF line endings).

    python3 tools/amalgamate.py                 write single_include/typq/typq.hpp
    python3 tools/amalgamate.py --output PATH   write PATH instead
    python3 tools/amalgamate.py --check         exit 1 if the file on disk is out of date

Every header under include/typq/ must be reachable from the umbrella, except the opt-in
bridges listed in OPT_IN_BRIDGES (headers with extra dependencies that users include
themselves; they stay out of the single header) and the Asio layer: typq/asio.hpp and
typq/asio/*.hpp become a second file, single_include/typq/asio.hpp, which includes
<typq/typq.hpp> (the first file) and inlines only the Asio layer, so that the synchronous single
header never pulls in Asio.
"""

import argparse
import pathlib
import re
import sys

# Headers (as spelled in `#include <...>`) that stay out of the single header on purpose.
OPT_IN_BRIDGES = ["typq/nlohmann_json.hpp"]  # needs nlohmann-json3-dev

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE_DIR = ROOT / "include"
UMBRELLA = "typq/typq.hpp"
ASIO_UMBRELLA = "typq/asio.hpp"
ASIO_PREFIX = "typq/asio/"
VERSION_HEADER = "typq/version.hpp"
DEFAULT_OUTPUT = pathlib.Path("single_include") / "typq" / "typq.hpp"
REGENERATE = "python3 tools/amalgamate.py"

TYPQ_INCLUDE = re.compile(r'^\s*#\s*include\s*<(typq/[^>]+)>')
QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
VERSION_PART = re.compile(r'^\s*#\s*define\s+TYPQ_VERSION_(MAJOR|MINOR|PATCH)\s+(\d+)\s*$', re.M)


class Error(Exception):
    """A problem with the input headers; the message says which and where."""


def read_header(name):
    path = INCLUDE_DIR / name
    if not path.is_file():
        raise Error(f"include/{name} does not exist")
    text = path.read_bytes().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def version():
    parts = dict(VERSION_PART.findall(read_header(VERSION_HEADER)))
    missing = [p for p in ("MAJOR", "MINOR", "PATCH") if p not in parts]
    if missing:
        raise Error(f"include/{VERSION_HEADER} lacks #define TYPQ_VERSION_{missing[0]} <number>")
    return f"{parts['MAJOR']}.{parts['MINOR']}.{parts['PATCH']}"


def in_asio_layer(name):
    return name == ASIO_UMBRELLA or name.startswith(ASIO_PREFIX)


def amalgamate(umbrella=UMBRELLA, inlined_before=frozenset()):
    """Returns (text of the single header, set of headers inlined). Headers in `inlined_before`
    (the first file's, for the Asio file) are left as #include <typq/typq.hpp>."""
    seen = set()
    out = []
    asio = umbrella == ASIO_UMBRELLA

    def inline(name, included_from):
        if in_asio_layer(name) and not asio:
            raise Error(f"{included_from} includes <{name}>: the Asio layer stays out of the synchronous "
                        "headers (and of single_include/typq/typq.hpp)")
        if name in OPT_IN_BRIDGES:
            raise Error(f"{included_from} includes <{name}>, an opt-in bridge that must stay out of "
                        "the umbrella (listed in OPT_IN_BRIDGES in tools/amalgamate.py)")
        seen.add(name)
        try:
            text = read_header(name)
        except Error as e:
            raise Error(f"{included_from}: {e}") from None
        out.append(f"// ----- begin <{name}> -----\n")
        for number, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), 1):
            where = f"include/{name}:{number}"
            quoted = QUOTED_INCLUDE.match(line)
            if quoted:
                raise Error(f"{where}: #include \"{quoted.group(1)}\": typq headers include each other "
                            "only as <typq/...> (the spelling the amalgamation follows)")
            m = TYPQ_INCLUDE.match(line)
            if m:
                target = m.group(1)
                if target in inlined_before:
                    if UMBRELLA not in seen:
                        seen.add(UMBRELLA)
                        out.append(f"#include <{UMBRELLA}>  // the synchronous single header, next to this one\n")
                    continue
                if target not in seen:
                    inline(target, where)
                continue  # inlined above, or already earlier in the file: drop the line
            out.append(line + "\n")
        out.append(f"// ----- end <{name}> -----\n")

    inline(umbrella, "tools/amalgamate.py")

    what = "the Asio layer of typq's single-header form" if asio else "the single-header form of typq"
    banner = (
        "// SPDX-License-Identifier: BSL-1.0\n"
        f"// typq {version()}: {what}, GENERATED from include/ by tools/amalgamate.py.\n"
        "// DO NOT EDIT BY HAND: edit the headers under include/typq/, then regenerate with\n"
        f"//     {REGENERATE}\n"
        "// Build with -std=c++20, libpq's include directory and -lpq, Boost 1.81 headers visible.\n"
        "\n"
    )
    return banner + "".join(out), seen


def all_headers():
    return sorted(p.relative_to(INCLUDE_DIR).as_posix() for p in (INCLUDE_DIR / "typq").rglob("*.hpp"))


def main(argv):
    parser = argparse.ArgumentParser(description="Generate the single header single_include/typq/typq.hpp.")
    parser.add_argument("--output", type=pathlib.Path, default=None,
                        help=f"where to write (default: {DEFAULT_OUTPUT.as_posix()} in the repository)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the output file differs from what would be generated")
    args = parser.parse_args(argv)
    output = args.output if args.output is not None else ROOT / DEFAULT_OUTPUT

    try:
        text, seen = amalgamate()
        asio_text, asio_seen = amalgamate(ASIO_UMBRELLA, frozenset(seen))
        unreachable = [h for h in all_headers()
                       if h not in seen and h not in asio_seen and h not in OPT_IN_BRIDGES]
        if unreachable:
            raise Error("not reachable from include/" + UMBRELLA + " or include/" + ASIO_UMBRELLA
                        + " (include them from an umbrella, or list opt-in bridges in OPT_IN_BRIDGES): "
                        + ", ".join("include/" + h for h in unreachable))
    except (Error, UnicodeDecodeError, OSError) as e:
        print(f"amalgamate.py: error: {e}", file=sys.stderr)
        return 2

    status = 0
    for path, content, count in ((output, text, len(seen)), (output.parent / "asio.hpp", asio_text, len(asio_seen))):
        data = content.encode("utf-8")
        current = path.read_bytes() if path.is_file() else None
        if args.check:
            if current == data:
                print(f"amalgamate.py: {path} is up to date")
                continue
            state = "does not exist" if current is None else "is out of date with include/"
            print(f"amalgamate.py: {path} {state}; regenerate it with `{REGENERATE}`"
                  f"{'' if args.output is None else ' --output ' + str(args.output)} and commit it",
                  file=sys.stderr)
            status = 1
        elif current != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"amalgamate.py: wrote {path} ({count} headers)")
        else:
            print(f"amalgamate.py: {path} unchanged ({count} headers)")
    return status

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
