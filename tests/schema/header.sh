#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# tests/schema/header.sh: a committed schema header is what typq-schema makes of its sources and
# setup scripts against the test server (CTest's schema.compile_fail_header and
# example.16_schema_header).
#
#   header.sh DSN --tool TOOL --python PYTHON --scanner SCANNER --root ROOT
#             --header HEADER --work WORK_DIR --name TEST_NAME [--regenerate COMMAND] [--setup SQL]...
#             [--drift SED_SCRIPT --expect REGEX...] -- FILE... -- COMPILER FLAGS...
#
# With --drift, what a user sees who changes the schema (CTest's example.16_schema_drift): each
# setup script is edited with SED_SCRIPT (which must change something), the header regenerated from
# it into WORK_DIR, and FILE... compiled against it: the test passes when the compiler refuses them
# with a message that matches every REGEX.
#
# tools/typq-schema-scan.py lists the statements of FILE... (parsed with FLAGS) and of the headers
# in their directories, then typq-schema describes them, each SQL script run first (--setup, in the
# transaction it rolls back), and --checks HEADER: the test fails when the committed header is not
# current. With TYPQ_SCHEMA_REGENERATE=1 in the environment it writes HEADER instead (--output).
# The statements' places are relative to ROOT, and the header's first line names COMMAND, else
# this test, as the way to regenerate it (not the command, whose query list is in the build
# tree), so that the header is the same whoever makes it, wherever the build tree is. Type names come from
# format_type, which depends on the search_path: the scripts run after
# `SET search_path TO "$user", public`, the server's default, whatever the DSN sets.
# CTest runs it through tests/support/with_dsn.sh, which passes the fixture's DSN (TYPQ_TEST_DSN's
# when that is set) first.

set -euo pipefail

usage() {
    echo "usage: $0 DSN --tool TOOL --python PYTHON --scanner SCANNER --root ROOT" \
         "--header HEADER --work WORK_DIR --name TEST_NAME [--regenerate COMMAND] [--setup SQL]..." \
         "-- FILE... -- COMPILER FLAGS..." >&2
    exit 2
}

[[ $# -gt 0 ]] || usage
dsn=$1
shift
tool= python= scanner= root= header= work= name= regenerate= drift=
setup=()
expect=()
while [[ $# -gt 0 && $1 != -- ]]; do
    [[ $# -ge 2 ]] || usage
    case $1 in
        --tool) tool=$(realpath "$2") ;;
        --python) python=$2 ;;
        --scanner) scanner=$(realpath "$2") ;;
        --root) root=$(realpath "$2") ;;
        --header) header=$(realpath -m "$2") ;;
        --work) work=$(realpath -m "$2") ;;
        --name) name=$2 ;;
        --regenerate) regenerate=$2 ;;
        --setup) setup+=("$(realpath "$2")") ;;
        --drift) drift=$2 ;;
        --expect) expect+=("$2") ;;
        *) usage ;;
    esac
    shift 2
done
[[ -n $tool && -n $python && -n $scanner && -n $root && -n $header && -n $work && -n $name ]] || usage
[[ $# -gt 0 ]] || usage
shift  # --
files=()
while [[ $# -gt 0 && $1 != -- ]]; do
    files+=("$(realpath "$1")")
    shift
done
[[ ${#files[@]} -gt 0 && $# -ge 2 ]] || usage
shift  # --

rm -rf "$work"
mkdir -p "$work"
# Only the statements of FILE... and the headers beside them: typq's own (include/typq/, under ROOT
# too) are not the program's, and typq's check leaves them alone.
source_dirs=()
for dir in $(printf '%s\n' "${files[@]}" | xargs -d '\n' dirname | sort -u); do
    source_dirs+=(--source-dir "$dir")
done
"$python" "$scanner" --root "$root" "${source_dirs[@]}" -o "$work/queries" "${files[@]}" -- "$@"

if [[ -n $drift ]]; then
    # The schema as the user changed it: copies of the setup scripts, edited.
    drifted=()
    for script in "${setup[@]}"; do
        copy=$work/drifted.$(basename "$script")
        sed -e "$drift" "$script" >"$copy"
        drifted+=("$copy")
    done
    if cmp -s <(cat "${setup[@]}") <(cat "${drifted[@]}"); then
        echo "header.sh: --drift '$drift' changes nothing in ${setup[*]}" >&2
        exit 1
    fi
    setup=("${drifted[@]}")
    header=$work/drifted.hpp
fi

printf 'SET search_path TO "$user", public;\n' >"$work/search_path.sql"
setup_args=(--setup "$work/search_path.sql")
cd "$root"
for script in "${setup[@]}"; do
    setup_args+=(--setup "$(realpath --relative-to="$root" "$script")")
done
relative_header=$(realpath -m --relative-to="$root" "$header")
if [[ ${TYPQ_SCHEMA_REGENERATE:-} == 1 ]]; then
    mode=--output
else
    mode=--check
fi
if [[ -n $drift ]]; then
    "$tool" --dsn "$dsn" "${setup_args[@]}" --queries "$work/queries" --output "$header"
    status=0
    "$@" -fsyntax-only "-DTYPQ_SCHEMA_HEADER=\"$header\"" -DTYPQ_SCHEMA_STRICT "${files[@]}" >"$work/compiler.log" 2>&1 \
        || status=$?
    if [[ $status -eq 0 ]]; then
        echo "header.sh: after '$drift', ${files[*]} still compile(s) against $header" >&2
        exit 1
    fi
    for regex in "${expect[@]}"; do
        if ! grep -Eq -- "$regex" "$work/compiler.log"; then
            echo "header.sh: the compiler's messages ($work/compiler.log) do not match: $regex" >&2
            head -n 40 "$work/compiler.log" >&2
            exit 1
        fi
    done
    echo "header.sh: after '$drift' the compiler refuses ${files[*]}, as expected:"
    grep -E -- "error" "$work/compiler.log" | head -n 5
    exit 0
fi
exec "$tool" --dsn "$dsn" "${setup_args[@]}" --queries "$work/queries" "$mode" "$relative_header" \
    --regenerate "${regenerate:-TYPQ_SCHEMA_REGENERATE=1 ctest -R $name}"
