#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""tools/typq-schema-scan.py: list the checked queries of a code base, for typq-schema to describe.

    tools/typq-schema-scan.py -p BUILD_DIR [--source-dir DIR ...] [--source FILE ...] [--root DIR] [-j N] [-o OUT]
    tools/typq-schema-scan.py [--source-dir DIR ...] [--root DIR] [-j N] [-o OUT] FILE... -- COMPILER FLAGS...

A checked query is a string literal that the compiler turns into a typq statement: a constructor
call of typq::basic_sql<...> (what execute/prepare/execute_many and, before issue 15, the query
forms convert their literal to) or typq::basic_row_sql<...> (the query forms' typq::row_sql).
A literal that becomes a typq::script (execute without arguments), a sql_fragment, a
basic_sql_format, or a std::string (typq::runtime(...)) is not one, nor is any other literal.
Only the compiler knows which conversion happens, so the translation units are parsed with
libclang (Debian's python3-clang-14) and the scanner reads the conversions off its AST.

With -p, the translation units are those of BUILD_DIR/compile_commands.json whose file is under a
--source-dir or is a --source (all of them without either). With FILEs, each FILE is parsed with the
FLAGS after `--` (the first word there is the compiler, which is not run: it only keeps the command
line familiar).
Of the compiler's flags only those that change what the code means are passed on (-I, -isystem,
-iquote, -idirafter, -D, -U, -include, -imacros, -std, -stdlib, --sysroot, -isysroot, -pthread,
-fbracket-depth, -ftemplate-depth): a g++ command's warning and code-generation flags are not all
clang's. -fbracket-depth is 2048 unless the command says otherwise, since g++ has no such limit.
TYPQ_SCHEMA_HEADER and TYPQ_SCHEMA_STRICT are not defined, whatever the command says: the header
the scan is to regenerate may be stale, and must not keep the code from parsing.

The literals listed are those written in a parsed translation unit's own file, and those in the
headers under a --source-dir (without one: under --root, or none when --source names the files);
never those in system headers (-isystem), nor typq's own statements (its headers' directory, which
its check leaves alone too). A header seen by many translation units gives each literal once.

The output (OUT, or standard output) is the QUERY LIST that typq-schema (tools/typq-schema) reads:
UTF-8 text, one line per occurrence (the same text may occur many times),
    <path>:<line>:<column>\\t<SQL text>
sorted by path, line and column, the path relative to --root (default: the current directory)
when it is under it. In the SQL text a backslash, newline, tab and carriage return are written
\\\\ \\n \\t \\r; every other byte is as it is. Lines starting with # are comments.

The text is the compiler's: libclang spells a string literal expression as its value after
concatenation, escapes and raw strings, re-escaped (clang's StringLiteral::outputString), which
holds for literals that come from a macro too; such a literal is listed at the place of the macro's
use. The array type (const char[N]) confirms the byte count of every value decoded.

What cannot be scanned is said on standard error, as a warning: a literal passed to a call that
depends on a template parameter (in a template, or a generic lambda: `conn.execute("...", v)` with
`v` of type T) is converted only in each instantiation, which libclang does not show.
A translation unit with errors fails the scan (exit status 1, the errors printed as
path:line:col: error: message): its list would silently lack queries. Usage errors exit with 2.

    tools/typq-schema-scan.py --check-libclang   exits 0 when libclang can be loaded (CMake asks)
"""

import argparse
import concurrent.futures
import ctypes
import glob
import json
import multiprocessing
import os
import re
import shlex
import subprocess
import sys
import time

# Debian's libclang bindings live in the system Python's directory, which another Python (pyenv's,
# a virtualenv) does not search.
DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages"
# The library itself, when the bindings' default name (libclang-14.so, from libclang-14-dev) is missing.
LIBCLANG_CANDIDATES = ["/usr/lib/x86_64-linux-gnu/libclang-14.so.1", "/usr/lib/llvm-14/lib/libclang-14.so.1"]
LLVM_CONFIG = "llvm-config-14"
CLANG = "clang++-14"

# The statement classes, by their canonical spelling (an inline namespace inside typq allowed).
STATEMENT_TYPE = re.compile(r"^(?:const\s+)?typq::(?:\w+::)*(?:basic_sql|basic_row_sql)<")
# What typq calls its statement-taking functions: a dependent call to one of these with a literal
# is worth a warning (for other names it would only be noise).
STATEMENT_FUNCTIONS = {"execute", "query", "query_one", "query_opt", "query_value", "stream", "cursor",
                       "prepare", "execute_many"}

# Compiler flags passed to libclang. These take a value, as the next word or (the first ones) glued
# to the flag (-Ifoo); -include and the like only as the next word, -include-pch being another flag.
KEPT_WITH_VALUE_GLUED = ("-I", "-D", "-U", "-isystem", "-iquote", "-idirafter")
KEPT_WITH_VALUE = KEPT_WITH_VALUE_GLUED + ("-include", "-imacros", "-isysroot")
KEPT_ATTACHED = ("-std=", "-stdlib=", "--sysroot=", "-fbracket-depth=", "-ftemplate-depth=")
# Clang refuses a fold expression over more than 256 operands, g++ does not: a g++ build's command
# has no -fbracket-depth, and bench/client_typq.cpp folds over 500 (its clang build passes 2048).
# The command's own flag, if any, comes after this one and wins.
CLANG_DEFAULTS = ["-fbracket-depth=2048"]
KEPT_ALONE = {"-pthread", "-nostdinc", "-nostdinc++"}
# Flags whose value names a path, made absolute against the compile command's directory.
PATH_FLAGS = {"-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros", "-isysroot"}
# Flags of a compile command that take the next word as their value (dropped with it). A clang
# build's precompiled header (-Xclang -include-pch -Xclang FILE) goes too: the file includes its
# own headers, and the precompiled one may be another clang's.
DROPPED_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ", "-Xclang", "-Xlinker", "-Xpreprocessor", "-x", "-arch", "-target",
                      "-include-pch", "--param"}

# Definitions the scanner leaves out (see the docstring).
DROPPED_DEFINES = {"TYPQ_SCHEMA_HEADER", "TYPQ_SCHEMA_STRICT"}

# How clang's StringLiteral::outputString escapes a byte (besides \ooo octal for the unprintable).
SPELLING_ESCAPES = {"\\": 0x5c, '"': 0x22, "'": 0x27, "?": 0x3f, "a": 0x07, "b": 0x08, "f": 0x0c, "n": 0x0a,
                    "r": 0x0d, "t": 0x09, "v": 0x0b}


# --- libclang -------------------------------------------------------------------------------------

def fail(message):
    """Stops with a message and status 2: the scan cannot start (what is missing, a wrong argument)."""
    print("typq-schema-scan: " + message, file=sys.stderr)
    sys.exit(2)


def import_cindex():
    """The clang.cindex module, from this Python's path or else Debian's."""
    try:
        import clang.cindex as cindex
    except ImportError:
        if DEBIAN_DIST_PACKAGES in sys.path:
            raise
        sys.path.append(DEBIAN_DIST_PACKAGES)
        import clang.cindex as cindex
    return cindex


def libclang_candidates():
    """Where libclang may be when the bindings do not find it by their own name for it."""
    found = list(LIBCLANG_CANDIDATES)
    try:
        libdir = subprocess.run([LLVM_CONFIG, "--libdir"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, check=True).stdout.strip()
        found += sorted(glob.glob(os.path.join(libdir, "libclang-14.so*")))
    except (OSError, subprocess.CalledProcessError):
        pass
    return [f for i, f in enumerate(found) if os.path.exists(f) and f not in found[:i]]


def load_clang():
    """clang.cindex with its library loaded, or a SystemExit that says what is missing."""
    try:
        cindex = import_cindex()
    except ImportError:
        fail("cannot import clang.cindex (install Debian's python3-clang-14)")
    try:
        cindex.conf.lib  # loads the library: failing here, not in the middle of the first parse
        return cindex
    except cindex.LibclangError:
        pass
    for candidate in libclang_candidates():
        cindex.Config.set_library_file(candidate)
        try:
            cindex.conf.lib
            return cindex
        except cindex.LibclangError:
            continue
    fail("clang.cindex cannot find libclang (install libclang1-14)")


def resource_dir():
    """Clang's own headers (stddef.h, ...), which libclang needs and does not always find alone."""
    try:
        found = subprocess.run([CLANG, "-print-resource-dir"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, check=True).stdout.strip()
        if found and os.path.isdir(found):
            return found
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        libdir = subprocess.run([LLVM_CONFIG, "--libdir"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    found = sorted(glob.glob(os.path.join(libdir, "clang", "*", "include", "stddef.h")))
    return os.path.dirname(os.path.dirname(found[-1])) if found else None


# --- compile commands -----------------------------------------------------------------------------

def clang_flags(words, directory):
    """The flags of a compiler command line (without the compiler) that libclang should see."""
    kept = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        flag = next((f for f in KEPT_WITH_VALUE if word == f), None) or \
            next((f for f in KEPT_WITH_VALUE_GLUED if word.startswith(f)), None)
        if flag is not None:
            if word == flag:
                if i >= len(words):
                    break
                value = words[i]
                i += 1
            else:
                value = word[len(flag):]
            if flag in PATH_FLAGS and not os.path.isabs(value):
                value = os.path.normpath(os.path.join(directory, value))
            if flag == "-D" and value.split("=", 1)[0] in DROPPED_DEFINES:
                continue
            kept += [flag, value]
        elif word.startswith(KEPT_ATTACHED) or word in KEPT_ALONE:
            kept.append(word)
        elif word in DROPPED_WITH_VALUE:
            i += 1
    return kept


def read_compile_commands(build_dir):
    """(file, flags) for each entry of BUILD_DIR/compile_commands.json, files absolute."""
    path = os.path.join(build_dir, "compile_commands.json")
    try:
        with open(path, encoding="utf-8") as f:
            entries = json.load(f)
    except OSError as e:
        fail("cannot read {}: {} (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)".format(
            path, e.strerror))
    units = []
    for entry in entries:
        directory = entry.get("directory", build_dir)
        words = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
        source = os.path.normpath(os.path.join(directory, entry["file"]))
        # The source file is one of the words: drop it, whatever spelling the command gave it.
        rest = [w for w in words[1:] if os.path.normpath(os.path.join(directory, w)) != source]
        units.append((source, clang_flags(rest, directory)))
    return units


def is_under(path, directories):
    return any(path == d or path.startswith(d.rstrip(os.sep) + os.sep) for d in directories)


# --- one translation unit -------------------------------------------------------------------------

def decode_spelling(spelling):
    """The bytes of a literal from libclang's spelling of it, or None for a wide or UTF-16/32 one.

    The spelling is clang's StringLiteral::outputString: an optional prefix, then the value in
    quotes with \\\\ \\" \\a \\b \\f \\n \\r \\t \\v for those bytes, any other unprintable byte
    (and every byte of a UTF-8 sequence) as three octal digits, the rest as it is.
    """
    if spelling.startswith("u8"):
        spelling = spelling[2:]
    if not (len(spelling) >= 2 and spelling[0] == '"' and spelling[-1] == '"'):
        return None
    body = spelling[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
        elif body[i + 1] in SPELLING_ESCAPES:
            out.append(SPELLING_ESCAPES[body[i + 1]])
            i += 2
        elif re.match(r"[0-7]{3}", body[i + 1:i + 4]):
            out.append(int(body[i + 1:i + 4], 8) & 0xff)
            i += 4
        else:
            raise ValueError("unexpected escape in libclang's spelling " + spelling)
    return bytes(out)


def array_length(type_spelling):
    """N of `const char[N]`, or None."""
    m = re.search(r"\[(\d+)\]$", type_spelling)
    return int(m.group(1)) if m else None


def unwrap(cursor, cindex):
    """The expression under implicit conversions and parentheses."""
    kinds = (cindex.CursorKind.UNEXPOSED_EXPR, cindex.CursorKind.PAREN_EXPR)
    while cursor.kind in kinds:
        children = list(cursor.get_children())
        if len(children) != 1:
            break
        cursor = children[0]
    return cursor


def converted_literal(call, cindex):
    """(the string literal a statement class's constructor call converts, the constructor), or None."""
    constructor = call.referenced
    if constructor is None or constructor.kind != cindex.CursorKind.CONSTRUCTOR:
        return None  # a function returning a statement: what it was made from is not here
    arguments = list(call.get_children())
    # The literal is the first argument; any other must be a default one, which has no place in
    # the source (the constructor's `const char* file = __builtin_FILE()`).
    if not arguments or any(a.location.file is not None for a in arguments[1:]):
        return None
    literal = unwrap(arguments[0], cindex)
    return (literal, constructor) if literal.kind == cindex.CursorKind.STRING_LITERAL else None


def typq_directory(constructor):
    """typq's headers' directory (include/typq/, or the single header's), where the statement class is.

    typq's check leaves the statements written there alone (typq_own_statement in
    typq/detail/schema_check.hpp: those under the directory of its own header): so does the scanner.
    """
    return os.path.dirname(os.path.normpath(os.path.abspath(constructor.location.file.name)))


def callee_name(call, cindex):
    """The name a dependent call calls (`execute` of conn.execute<T>(...)), from its tokens."""
    children = list(call.get_children())
    if not children:
        return None
    depth = 0
    name = None
    for token in children[0].get_tokens():
        text = token.spelling
        if text == "<":
            depth += 1
        elif text in (">", ">>"):
            depth = max(0, depth - len(text))
        elif depth == 0 and token.kind == cindex.TokenKind.IDENTIFIER:
            name = text
    return name


def is_dependent_call(call, cindex):
    """Whether the call is resolved only in a template's instantiations."""
    if call.type.kind == cindex.TypeKind.DEPENDENT or "<dependent type>" in call.type.spelling:
        return True  # a member of an object of type T (a generic lambda's `auto& conn`)
    # A member of typq::connection with arguments of type T: the overloads are left unresolved.
    children = list(call.get_children())
    return bool(children) and any(c.kind == cindex.CursorKind.OVERLOADED_DECL_REF for c in children[0].get_children())


def dependent_literals(call, cindex):
    """The string literals passed to a dependent call of one of typq's statement-taking names."""
    if not is_dependent_call(call, cindex) or callee_name(call, cindex) not in STATEMENT_FUNCTIONS:
        return []
    arguments = [unwrap(a, cindex) for a in list(call.get_children())[1:]]
    return [a for a in arguments if a.kind == cindex.CursorKind.STRING_LITERAL]


def in_system_header(location):
    """Whether the location is in a header found through -isystem (or the compiler's own)."""
    # The bindings of libclang 14 do not wrap clang_Location_isInSystemHeader; ctypes calls it.
    function = CINDEX.conf.lib.clang_Location_isInSystemHeader
    if function.restype is not ctypes.c_int:
        function.argtypes = [CINDEX.SourceLocation]
        function.restype = ctypes.c_int
    return function(location) != 0


class Scan:
    """What one translation unit gives: occurrences, warnings, errors (all plain data, to pickle)."""

    def __init__(self, source):
        self.source = source
        self.occurrences = []  # (file, line, column, bytes)
        self.warnings = []  # (shown path, line, column, message), to sort by place
        self.errors = []
        self.seconds = 0.0


def place(cursor):
    """(absolute path, line, column) of a cursor: for a macro's expansion, where the macro is used."""
    loc = cursor.location
    return (os.path.normpath(os.path.abspath(loc.file.name)), loc.line, loc.column)


def scan_unit(job):
    source, flags, listed_dirs, root = job
    cindex = CINDEX
    scan = Scan(source)
    began = time.monotonic()
    args = ["-x", "c++"] + CLANG_DEFAULTS + flags + (["-resource-dir", RESOURCE_DIR] if RESOURCE_DIR else [])
    try:
        tu = cindex.Index.create().parse(source, args=args)
    except cindex.TranslationUnitLoadError as e:
        scan.errors.append("{}: error: libclang could not parse it ({})".format(source, e))
        return scan
    for d in tu.diagnostics:
        if d.severity >= cindex.Diagnostic.Error:
            where = d.location
            name = where.file.name if where.file else source
            scan.errors.append("{}:{}:{}: error: {}".format(name, where.line, where.column, d.spelling))
    if scan.errors:
        scan.seconds = time.monotonic() - began
        return scan

    wanted = {}  # file name -> whether its literals are listed

    def listed(cursor):
        f = cursor.location.file
        if f is None:
            return True  # the translation unit itself
        name = f.name
        if name not in wanted:
            path = os.path.normpath(os.path.abspath(name))
            wanted[name] = (path == source or is_under(path, listed_dirs)) and not in_system_header(cursor.location)
        return wanted[name]

    # Declarations outside the listed files (the standard library, Boost, typq itself) are not
    # entered: that skips most of the AST. Inside a listed declaration everything is in its file,
    # a macro's expansion included, so the check is made at declaration level only.
    scope_kinds = {cindex.CursorKind.TRANSLATION_UNIT, cindex.CursorKind.NAMESPACE, cindex.CursorKind.LINKAGE_SPEC,
                   cindex.CursorKind.UNEXPOSED_DECL}
    stack = [tu.cursor]
    while stack:
        cursor = stack.pop()
        if cursor.kind == cindex.CursorKind.CALL_EXPR:
            if STATEMENT_TYPE.match(cursor.type.get_canonical().spelling):
                converted = converted_literal(cursor, cindex)
                if converted is not None and not is_under(place(converted[0])[0], [typq_directory(converted[1])]):
                    record(scan, converted[0], root)
            else:
                for literal in dependent_literals(cursor, cindex):
                    path, line, column = place(literal)
                    scan.warnings.append((shown_path(path, root), line, column,
                                          "a string literal passed to a call that depends on a template parameter "
                                          "is converted in each instantiation, which the scanner does not see: "
                                          "not listed"))
        inside_scope = cursor.kind in scope_kinds
        for child in cursor.get_children():
            if not inside_scope or listed(child):
                stack.append(child)
    scan.seconds = time.monotonic() - began
    return scan


def record(scan, literal, root):
    path, line, column = place(literal)
    try:
        value = decode_spelling(literal.spelling)
    except (ValueError, IndexError):
        value = None
    length = array_length(literal.type.get_canonical().spelling)
    if value is None or length is None or len(value) != length - 1:
        # Another libclang may spell literals otherwise: better no list than a wrong text in it.
        scan.errors.append("{}:{}:{}: error: cannot read the literal's value from libclang's spelling {} "
                           "(type {})".format(shown_path(path, root), line, column, literal.spelling,
                                              literal.type.spelling))
        return
    scan.occurrences.append((path, line, column, value))


# Set in the parent before the workers fork, so each has them without loading anything again.
CINDEX = None
RESOURCE_DIR = None


# --- the list -------------------------------------------------------------------------------------

def escape_sql(value):
    """The spec's escaping: \\\\ \\n \\t \\r, every other byte as it is."""
    value = value.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\t", b"\\t").replace(b"\r", b"\\r")
    return value


def shown_path(path, root):
    return os.path.relpath(path, root) if is_under(path, [root]) else path


def write_list(occurrences, root, out):
    rows = sorted({(shown_path(p, root), line, column, value) for p, line, column, value in occurrences})
    out.write(b"# typq query list (tools/typq-schema-scan.py): <path>:<line>:<column>\\t<SQL>\n")
    for path, line, column, value in rows:
        out.write("{}:{}:{}\t".format(path, line, column).encode("utf-8") + escape_sql(value) + b"\n")
    return len(rows)


def parse_command_line(argv):
    cut = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(
        prog="typq-schema-scan.py",
        usage="%(prog)s -p BUILD_DIR [options]  |  %(prog)s [options] FILE... -- COMPILER FLAGS...",
        description="List the string literals that typq checks as statements (the QUERY LIST typq-schema reads).")
    parser.add_argument("-p", dest="build_dir", help="the build directory, with compile_commands.json")
    parser.add_argument("--source-dir", action="append", default=[],
                        help="scan the translation units under DIR and list the literals of the headers under it "
                             "(repeatable; default: every translation unit, the headers under --root)")
    parser.add_argument("--source", action="append", default=[],
                        help="with -p: scan this translation unit of compile_commands.json (repeatable; with "
                             "--source-dir too: both)")
    parser.add_argument("--root", default=".", help="paths are written relative to DIR (default: .)")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 1, help="parse N translation units at once")
    parser.add_argument("-o", dest="output", help="write the list to OUT (default: standard output)")
    parser.add_argument("--verbose", action="store_true", help="print each translation unit's time")
    parser.add_argument("--check-libclang", action="store_true", help="exit 0 when libclang can be loaded")
    parser.add_argument("files", nargs="*", help="translation units to parse with the flags after --")
    args = parser.parse_args(argv[:cut])
    args.command = argv[cut + 1:] if cut < len(argv) else None
    if args.check_libclang:
        return args
    if bool(args.build_dir) == bool(args.files):
        parser.error("give either -p BUILD_DIR or FILE... -- COMPILER FLAGS...")
    if args.files and not args.command:
        parser.error("FILE... needs `-- COMPILER FLAGS...` after it")
    if args.build_dir and args.command is not None:
        parser.error("-p takes the flags from compile_commands.json: no `--`")
    if args.source and not args.build_dir:
        parser.error("--source picks files of compile_commands.json (-p): name the FILEs themselves instead")
    if args.j < 1:
        parser.error("-j needs at least 1")
    return args


def units_to_scan(args, source_dirs, sources):
    """(source, flags) of each translation unit, without repeats."""
    if args.build_dir:
        units = read_compile_commands(os.path.abspath(args.build_dir))
        missing = set(sources) - {u[0] for u in units}
        if missing:
            fail("not in {}: {}".format(
                os.path.join(args.build_dir, "compile_commands.json"), ", ".join(sorted(missing))))
        if source_dirs or sources:
            units = [u for u in units if u[0] in sources or is_under(u[0], source_dirs)]
    else:
        cwd = os.getcwd()
        flags = clang_flags(args.command[1:], cwd)
        units = [(os.path.normpath(os.path.abspath(f)), flags) for f in args.files]
    seen = set()
    unique = []
    for source, flags in units:
        key = (source, tuple(flags))
        if key not in seen:
            seen.add(key)
            unique.append((source, flags))
    return unique


def scan_all(jobs, workers):
    """The Scan of each job, parsed `workers` at a time."""
    if workers == 1 or len(jobs) == 1:
        return [scan_unit(job) for job in jobs]
    # Each worker is forked after libclang is loaded; parsing is CPU-bound, so processes, not threads.
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        return list(pool.map(scan_unit, jobs))


def report(scans, root, verbose):
    """Prints the errors and warnings; the occurrences, or None when a translation unit failed."""
    occurrences = []
    warnings = set()  # a header's warning comes from each translation unit that includes it
    failed = []
    for scan in scans:
        for e in scan.errors:
            print(e, file=sys.stderr)
        if scan.errors:
            failed.append(shown_path(scan.source, root))
        warnings.update(scan.warnings)
        occurrences += scan.occurrences
        if verbose:
            print("typq-schema-scan: {}: {:.1f} s".format(shown_path(scan.source, root), scan.seconds), file=sys.stderr)
    for path, line, column, message in sorted(warnings):
        print("{}:{}:{}: warning: {}".format(path, line, column, message), file=sys.stderr)
    if failed:
        print("typq-schema-scan: no list written: errors in {}".format(", ".join(failed)), file=sys.stderr)
        return None
    return occurrences


def write_output(occurrences, root, output):
    """Writes the list to `output` (replaced whole, never left half written) or standard output."""
    if not output:
        count = write_list(occurrences, root, sys.stdout.buffer)
        sys.stdout.flush()
        return count
    partial = output + ".partial"
    with open(partial, "wb") as out:
        count = write_list(occurrences, root, out)
    os.replace(partial, output)
    return count


def main():
    global CINDEX, RESOURCE_DIR
    args = parse_command_line(sys.argv[1:])
    CINDEX = load_clang()
    if args.check_libclang:
        print("typq-schema-scan: libclang loads ({})".format(CINDEX.conf.get_filename()))
        return 0
    RESOURCE_DIR = resource_dir()
    if RESOURCE_DIR is None:
        print("typq-schema-scan: warning: clang's resource directory not found ({} -print-resource-dir): "
              "<stddef.h> and the like may be missing".format(CLANG), file=sys.stderr)

    root = os.path.normpath(os.path.abspath(args.root))
    source_dirs = [os.path.normpath(os.path.abspath(d)) for d in args.source_dir]
    for d in source_dirs:
        if not os.path.isdir(d):
            fail("--source-dir {}: not a directory".format(d))
    sources = [os.path.normpath(os.path.abspath(f)) for f in args.source]
    units = units_to_scan(args, source_dirs, sources)
    if not units:
        fail("no translation unit to scan" + (" under " + ", ".join(source_dirs) if source_dirs else ""))
    for source, _ in units:
        if not os.path.isfile(source):
            fail("{}: no such file".format(source))
    listed_dirs = source_dirs or ([] if sources else [root])

    began = time.monotonic()
    scans = scan_all([(source, flags, listed_dirs, root) for source, flags in units], args.j)
    occurrences = report(scans, root, args.verbose)
    if occurrences is None:
        return 1
    count = write_output(occurrences, root, args.output)
    if args.verbose:
        print("typq-schema-scan: {} occurrences in {} translation units, {:.1f} s".format(
            count, len(units), time.monotonic() - began), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
