#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# tests/support/with_dsn.sh DSN_FILE PROGRAM [ARGS...]: runs PROGRAM "$(cat DSN_FILE)" ARGS...
# CTest runs the examples through it, with the dsn file written by pg_fixture.sh.

set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 DSN_FILE PROGRAM [ARGS...]" >&2
    exit 2
fi
dsn_file=$1
program=$2
shift 2

if [[ ! -r $dsn_file ]]; then
    echo "with_dsn.sh: $dsn_file does not exist: run through ctest (its pg fixture writes it), or set TYPQ_TEST_DSN" >&2
    exit 2
fi
dsn=$(<"$dsn_file")
exec "$program" "$dsn" "$@"
