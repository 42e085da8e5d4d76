#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""tools/check-snippets.py: compile every ```cpp block of README.md and docs/*.md, so that none goes stale.

    tools/check-snippets.py [--root DIR] [--keep DIR] [--verbose] [DOC.md ...] -- COMPILER FLAGS...

The blocks of all the documents become one generated translation unit, compiled once with
-fsyntax-only: parsing typq (and Asio) once costs less than compiling each block, or each
document, on its own. FLAGS give the standard, the warnings and the include directories (CTest's
docs.snippets passes the compile-fail tests' flags and their precompiled typq.hpp). A #line
directive before each block makes the compiler name the document and the line: an error reads
`docs/pool.md:12:5: error: ...`, and the script ends with the places of the errors, per document.
Exit status 1 when a block does not compile or a marker is malformed.
Only blocks fenced as ```cpp (or c++, cxx) are read; sh, cmake, text and plain blocks are not.

How a block becomes C++ (the whole convention):

  * Each block lives in a namespace of its own (snippet_<document>_<line>), so blocks may reuse
    names. It sees <typq/typq.hpp>, the usual standard headers (<array> <chrono> <cstddef>
    <cstdint> <iostream> <map> <optional> <span> <string> <string_view> <tuple> <utility>
    <vector>), and one type at global scope that fragments use without declaring it:
        struct user { std::int64_t id; std::string name; };
  * A block is cut in two. Its leading declarations (struct, class, enum, union, namespace,
    template, using, typedef, concept, static_assert, constexpr/inline variables, and function
    definitions) stay at namespace scope; from its first statement on, the rest is the body of a
    function, in a nested scope (so the block may declare its own `conn`). `#include` lines move to
    the top of the unit.
  * That function's parameters are the names that fragments use without declaring them:
        typq::connection& conn, typq::pool& pool, std::string conninfo
    Anything else a block uses, it declares itself.
  * A marker, an HTML comment on the last non-blank line before the opening fence, changes that:
        <!-- snippet: global -->          the leading declarations go to global scope: for
                                          `template <> struct typq::type<T>` (which must be declared
                                          there, and so must T)
        <!-- snippet: async -->           the statements are the body of a coroutine returning
                                          boost::asio::awaitable<void>, whose parameters are
                                          typq::async_connection& conn, typq::async_pool& pool,
                                          std::string conninfo, boost::asio::io_context& io;
                                          the unit then includes <typq/asio.hpp>
        <!-- snippet: global async -->    both
        <!-- snippet: skip REASON -->     not compiled; the reason is required ("must not compile:
                                          tests/compile_fail/x.cpp checks that it does not")
        <!-- snippet: from FILE -->       a quotation of FILE (say examples/05_transactions.cpp),
                                          which CTest builds and runs: not compiled here, but each
                                          line must be in FILE, in the same order and without gaps
                                          (indentation and blank lines aside), except where a line
                                          `// ...` marks that lines are left out
Warnings: those in FLAGS, minus -Wshadow and the unused-entity warnings, which fragments cannot
avoid (and g++'s -Wsubobject-linkage, which takes the document for a header).

The documents' relative links are checked too, outside code: [text](path), [text](path#anchor) and
[text](#anchor) must name a file that exists and, for a Markdown file, a heading it has (GitHub's
anchors: lower case, punctuation dropped, spaces as hyphens, -1, -2... for repeats). Moving a
section, or renaming a heading others link to, then fails the test instead of leaving dead links.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

CPP_INFO = {"cpp", "c++", "cxx"}
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")

# What fragments conventionally use without declaring it (see the docstring).
SYNC_PARAMS = "typq::connection& conn, typq::pool& pool, std::string conninfo"
ASYNC_PARAMS = ("typq::async_connection& conn, typq::async_pool& pool, std::string conninfo, "
                "boost::asio::io_context& io")

PRELUDE = """\
#include <typq/typq.hpp>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>
"""

CONTEXT = """\
struct user {
    std::int64_t id;
    std::string name;
};
"""

# Warnings that fragments cannot help: a block's own `conn` shadows the parameter, and a fragment's
# variables, parameters and types are there to be read, not used.
QUIET = ["-Wno-shadow", "-Wno-unused-variable", "-Wno-unused-but-set-variable", "-Wno-unused-parameter",
         "-Wno-unused-function", "-Wno-unused-local-typedefs"]

DECL_KEYWORDS = {"struct", "class", "union", "enum", "namespace", "template", "using", "typedef",
                 "concept", "static_assert", "inline", "constexpr", "consteval", "extern"}
STATEMENT_KEYWORDS = {"for", "while", "if", "do", "switch", "try", "return", "co_return", "co_await",
                      "co_yield", "else", "catch", "break", "continue", "throw", "goto"}


class Block:
    def __init__(self, doc, line, lines, marker, marker_line):
        self.doc = doc              # path relative to the root, as messages name it
        self.line = line            # line number of the block's first line of code
        self.lines = lines          # the code, without the fences
        self.marker = marker        # the marker's text after "snippet:", or None
        self.marker_line = marker_line


def read_blocks(root, doc):
    """The ```cpp blocks of one Markdown file, with the marker before each."""
    blocks = []
    with open(os.path.join(root, doc), encoding="utf-8") as f:
        text = f.read().split("\n")
    i = 0
    last_nonblank = None  # (index, text) of the last non-blank line outside code blocks
    while i < len(text):
        m = FENCE.match(text[i])
        if not m:
            if text[i].strip():
                last_nonblank = (i, text[i])
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3).lower()
        start = i + 1
        j = start
        close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        while j < len(text) and not close.match(text[j]):
            j += 1
        if info in CPP_INFO:
            marker = marker_line = None
            if last_nonblank:
                mm = MARKER.match(last_nonblank[1])
                if mm:
                    marker, marker_line = mm.group(1), last_nonblank[0] + 1
            body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in text[start:j]]
            blocks.append(Block(doc, start + 1, body, marker, marker_line))
        last_nonblank = None
        i = j + 1
    return blocks


def code_only(line, in_comment):
    """The line without comments, string and character literals; and whether a /* */ comment is
    still open at its end. Good enough for counting braces in documentation snippets."""
    out = []
    i = 0
    n = len(line)
    while i < n:
        if in_comment:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out), True
            i = end + 2
            in_comment = False
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            in_comment = True
            i += 2
            continue
        m = re.match(r'R"([^(\s]*)\(', line[i:])
        if m and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_")):
            end = line.find(")" + m.group(1) + '"', i + m.end())
            i = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""')
            continue
        if c in "\"'":
            # A digit separator (1'000'000) is not a character literal.
            if c == "'" and i > 0 and line[i - 1].isalnum() and i + 1 < n and line[i + 1].isalnum():
                i += 1
                continue
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out), in_comment


def split_items(lines):
    """Groups the block's lines into top-level items: (first index, last index, code text).
    Comment-only and blank lines join the item after them."""
    items = []
    depth = 0
    in_comment = False
    start = None
    code = []
    for idx, line in enumerate(lines):
        text, in_comment = code_only(line, in_comment)
        stripped = text.strip()
        if start is None:
            if not stripped:
                continue
            start = idx
        if stripped.startswith("#") and depth == 0 and not code:
            items.append((start, idx, stripped))
            start = None
            continue
        code.append(stripped)
        depth += stripped.count("{") + stripped.count("(") + stripped.count("[")
        depth -= stripped.count("}") + stripped.count(")") + stripped.count("]")
        if depth <= 0 and stripped and (stripped.endswith(";") or stripped.endswith("}")):
            # `} catch (...) {` and `} else {` continue a statement; they end in `{`, not here.
            # But a try/if whose next line starts with catch/else is one statement: look ahead.
            nxt = next_code_line(lines, idx + 1)
            if nxt is not None and re.match(r"^\}?\s*(catch|else)\b", nxt):
                continue
            items.append((start, idx, " ".join(code)))
            start = None
            code = []
            depth = 0
    if start is not None and code:
        items.append((start, len(lines) - 1, " ".join(code)))
    return items


def next_code_line(lines, idx):
    in_comment = False
    for line in lines[idx:]:
        text, in_comment = code_only(line, in_comment)
        if text.strip():
            return text.strip()
    return None


def is_declaration(code):
    if code.startswith("#"):
        return True
    first = re.match(r"[A-Za-z_]\w*", code)
    word = first.group(0) if first else ""
    if word in DECL_KEYWORDS:
        return True
    if word in STATEMENT_KEYWORDS or code.startswith("{") or code.startswith("["):
        return False
    # A function definition: `type name(params) [-> type] { ... }`, ending in a brace of its own.
    if code.endswith("}") and not code.endswith("};"):
        head = code.split("{", 1)[0]
        if re.search(r"[\w>&*]\s+[A-Za-z_][\w:]*\s*\(", head) and "=" not in head.split("(", 1)[0]:
            return True
    return False


def translate(block):
    """The C++ for one block: (hoisted include lines, text at global scope)."""
    modes = (block.marker or "").split()
    is_global = "global" in modes
    is_async = "async" in modes
    items = split_items(block.lines)
    includes = []
    decl_end = 0  # lines [0, decl_end) are declarations
    body_start = None
    for first, last, code in items:
        if code.startswith("#include"):
            includes.append(block.lines[first:last + 1])
            continue
        if body_start is None and is_declaration(code):
            decl_end = last + 1
            continue
        if body_start is None:
            body_start = first
    name = "snippet_{}_{}".format(re.sub(r"[^A-Za-z0-9]+", "_", block.doc), block.line)
    doc = block.doc.replace("\\", "/")
    hoisted = {i for i, (first, last, code) in enumerate(items) if code.startswith("#include")}

    def emit(lo, hi):
        out = []
        skip = set()
        for i in hoisted:
            skip.update(range(items[i][0], items[i][1] + 1))
        out.append('#line {} "{}"'.format(block.line + lo, doc))
        for k in range(lo, hi):
            out.append("" if k in skip else block.lines[k])
        return "\n".join(out)

    parts = []
    decl_hi = body_start if body_start is not None else len(block.lines)
    decl_text = emit(0, decl_hi) if decl_hi > 0 else ""
    if is_global and decl_text:
        parts.append(decl_text)
    parts.append("namespace {} {{".format(name))
    if not is_global and decl_text:
        parts.append(decl_text)
    if body_start is not None:
        if is_async:
            parts.append("[[maybe_unused]] boost::asio::awaitable<void> body({}) {{ {{".format(ASYNC_PARAMS))
        else:
            parts.append("[[maybe_unused]] void body({}) {{ {{".format(SYNC_PARAMS))
        parts.append(emit(body_start, len(block.lines)))
        parts.append("}" + (" co_return;" if is_async else "") + " }")
    parts.append("}}  // namespace {}".format(name))
    if re.search(r"\bint\s+main\s*\(", "\n".join(block.lines)):
        # A whole program: its main() may end without `return`, which only ::main may do, and
        # here it is in a namespace.
        parts.insert(0, '#pragma GCC diagnostic push\n#pragma GCC diagnostic ignored "-Wreturn-type"')
        parts.append("#pragma GCC diagnostic pop")
    return includes, "\n".join(parts)


def unit_for(blocks):
    includes = []
    bodies = []
    needs_asio = False
    for block in blocks:
        inc, text = translate(block)
        for lines in inc:
            for line in lines:
                if line.strip() and line.strip() not in includes:
                    includes.append(line.strip())
        if "async" in (block.marker or "").split():
            needs_asio = True
        bodies.append(text)
    if needs_asio and "#include <typq/asio.hpp>" not in " ".join(includes):
        includes.append("#include <typq/asio.hpp>")
    head = [PRELUDE]
    head += [line.split("//")[0].rstrip() for line in includes]
    head.append('#line 1 "<snippet context>"')
    head.append(CONTEXT)
    return "\n".join(head) + "\n" + "\n\n".join(bodies) + "\n"


def outside_code(text):
    """The Markdown text with fenced blocks and inline code spans blanked (line numbers kept)."""
    out = []
    fence = None
    for line in text.split("\n"):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(2)
            out.append("")
        elif fence is not None:
            if re.match(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", line):
                fence = None
            out.append("")
        else:
            out.append(re.sub(r"(`+).*?\1", "", line))
    return out


def anchors(root, doc, cache={}):
    """The anchors GitHub makes for the headings of one Markdown file."""
    if doc not in cache:
        seen = {}
        found = set()
        with open(os.path.join(root, doc), encoding="utf-8") as f:
            lines = outside_code(f.read())
        for line in lines:
            m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not m:
                continue
            slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            found.add(slug if n == 0 else "{}-{}".format(slug, n))
        cache[doc] = found
    return cache[doc]


def check_links(root, doc):
    """Problems with the document's relative links: a missing file, or a missing heading."""
    problems = []
    with open(os.path.join(root, doc), encoding="utf-8") as f:
        lines = outside_code(f.read())
    for number, line in enumerate(lines, 1):
        for m in re.finditer(r"\[[^\]]*\]\(([^)\s]+)\)", line):
            url = m.group(1)
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
                continue  # https:, mailto:
            path, _, anchor = url.partition("#")
            target = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
            if not os.path.exists(os.path.join(root, target)):
                problems.append("{}:{}: link to {}: there is no {}".format(doc, number, url, target))
            elif anchor and target.endswith(".md") and anchor not in anchors(root, target):
                problems.append("{}:{}: link to {}: {} has no heading whose anchor is #{}".format(
                    doc, number, url, target, anchor))
    return problems


def error_lines(output, doc):
    """The document's lines that the compiler's errors point at: the error's own place when it is in
    the document, else the last place in the document that led to it ("required from here",
    "in 'constexpr' expansion of")."""
    place = re.compile(r"^" + re.escape(doc) + r":(\d+):\d+:")
    found = set()
    last = None
    for line in output.splitlines():
        m = place.match(line)
        if m:
            last = int(m.group(1))
        if re.search(r":\d+:\d+: (fatal )?error:", line):
            if last is not None:
                found.add(last)
            last = None
        elif re.search(r":\d+:\d+: (warning|note):", line) and not m:
            last = None
    return sorted(found)


def check_quotation(root, block, source):
    """Problems with a block that quotes `source`: each of its lines must be one of the file's, in
    the file's order and without gaps, compared without indentation and blank lines; a line
    `// ...` lets the quotation skip lines of the file."""
    path = os.path.join(root, source)
    try:
        with open(path, encoding="utf-8") as f:
            file_lines = [(n + 1, line.strip()) for n, line in enumerate(f.read().split("\n")) if line.strip()]
    except OSError as e:
        return ["{}:{}: cannot read {}: {}".format(block.doc, block.marker_line, source, e.strerror)]
    runs = [[]]
    for n, line in enumerate(block.lines):
        text = line.strip()
        if text in ("// ...", "..."):
            runs.append([])
        elif text:
            runs[-1].append((block.line + n, text))
    at = 0  # index into file_lines where the next run may start
    for run in runs:
        if not run:
            continue
        found = None
        for start in range(at, len(file_lines) - len(run) + 1):
            if all(file_lines[start + k][1] == run[k][1] for k in range(len(run))):
                found = start
                break
        if found is None:
            # Name the first line of the run that has no match where it should be.
            for start in range(at, len(file_lines)):
                if file_lines[start][1] == run[0][1]:
                    k = 0
                    while k < len(run) and start + k < len(file_lines) and file_lines[start + k][1] == run[k][1]:
                        k += 1
                    doc_line, text = run[min(k, len(run) - 1)]
                    return ["{}:{}: this line of the quotation is not the next line of {} (line {}): `{}`".format(
                        block.doc, doc_line, source, file_lines[start + k][0] if start + k < len(file_lines) else "end",
                        text)]
            doc_line, text = run[0]
            return ["{}:{}: not found in {}{}: `{}`".format(
                block.doc, doc_line, source, " after line {}".format(file_lines[at - 1][0]) if at else "", text)]
        at = found + len(run)
    return []


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        print("usage: check-snippets.py [--root DIR] [--keep DIR] [--verbose] [DOC.md ...] -- COMPILER FLAGS...",
              file=sys.stderr)
        return 2
    cut = argv.index("--")
    parser = argparse.ArgumentParser(description="Compile the C++ blocks of typq's Markdown files.")
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--keep", help="write the generated translation unit (snippets.cpp) into this directory")
    parser.add_argument("--verbose", action="store_true", help="print the blocks per document and the time")
    parser.add_argument("docs", nargs="*", help="Markdown files relative to the root (default: README.md docs/*.md)")
    args = parser.parse_args(argv[:cut])
    command = argv[cut + 1:]
    if not command:
        print("check-snippets: no compiler after `--`", file=sys.stderr)
        return 2
    root = os.path.abspath(args.root)
    docs = args.docs
    if not docs:
        docs = ["README.md"] + sorted(
            "docs/" + f for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md"))

    problems = []
    to_compile = []
    total = skipped = quoted = 0
    for doc in docs:
        problems += check_links(root, doc)
        blocks = read_blocks(root, doc)
        total += len(blocks)
        count = 0
        for b in blocks:
            modes = (b.marker or "").split()
            if b.marker is not None and (not modes or modes[0] not in ("skip", "global", "async", "from")
                                         or (modes[0] in ("global", "async")
                                             and any(m not in ("global", "async") for m in modes))):
                problems.append("{}:{}: unknown snippet marker `{}` (global, async, skip REASON, from FILE)".format(
                    doc, b.marker_line, b.marker))
                continue
            if modes and modes[0] == "from":
                quoted += 1
                if len(modes) != 2:
                    problems.append("{}:{}: `snippet: from` needs one file".format(doc, b.marker_line))
                else:
                    problems += check_quotation(root, b, modes[1])
                continue
            if modes and modes[0] == "skip":
                if len(modes) < 2:
                    problems.append("{}:{}: `snippet: skip` needs a reason".format(doc, b.marker_line))
                skipped += 1
                continue
            to_compile.append(b)
            count += 1
        if args.verbose:
            print("check-snippets: {}: {} C++ block(s) to compile".format(doc, count))

    failing = []
    if to_compile:
        quiet = list(QUIET)
        version = subprocess.run([command[0], "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True)
        if "clang" not in version.stdout:
            # g++ takes the document (named by #line) for a header, where a type without linkage, such
            # as a coroutine's lambda, is worth a warning.
            quiet.append("-Wno-subobject-linkage")
        unit = unit_for(to_compile)
        with tempfile.TemporaryDirectory(prefix="typq-snippets-") as tmp:
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
            path = os.path.join(args.keep or tmp, "snippets.cpp")
            with open(path, "w", encoding="utf-8") as f:
                f.write(unit)
            # From the root, so that the documents' names in messages are relative to it.
            cmd = command + quiet + ["-fsyntax-only", "-x", "c++", path]
            began = time.monotonic()
            proc = subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            took = time.monotonic() - began
        if args.verbose:
            print("check-snippets: compiled {} blocks in {:.1f} s".format(len(to_compile), took))
        if proc.returncode != 0:
            sys.stdout.write(proc.stdout)
            for doc in docs:
                lines = error_lines(proc.stdout, doc)
                if not lines:
                    continue
                starts = [b.line for b in to_compile if b.doc == doc]
                fences = sorted({max((s for s in starts if s <= ln), default=ln + 1) - 1 for ln in lines})
                failing.append("{}: C++ blocks do not compile: errors at {} (in the blocks whose fences are at "
                               "line {}); the compiler's messages are above".format(
                                   doc, ", ".join("{}:{}".format(doc, ln) for ln in lines),
                                   ", ".join(map(str, fences))))
            if not failing:
                failing.append("the snippets do not compile (the compiler's messages are above; command: {})".format(
                    " ".join(cmd)))
    for problem in problems + failing:
        print("check-snippets: " + problem)
    print("check-snippets: {} C++ blocks in {} documents: {} compiled, {} quoted from examples, {} skipped; {}".format(
        total, len(docs), len(to_compile), quoted, skipped, "FAILED" if problems or failing else "all good"))
    return 1 if problems or failing else 0


if __name__ == "__main__":
    sys.exit(main())
