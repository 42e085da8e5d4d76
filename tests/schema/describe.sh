#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# tests/schema/describe.sh: CTest's schema.describe, typq-schema end to end against the test server.
#
#   describe.sh TOOL DSN_FILE PSQL WORK_DIR -- CXX FLAGS...
#
# In a schema of its own (typq_schema_describe, dropped at the end, so that tests running beside
# it see nothing), it creates tables, a view, an enum, a domain and a composite, then:
#   1. describes tests/schema/describe.queries without --keep-going: exit 1, the refused statement
#      named by its location, no header written;
#   2. with --keep-going: the header, compared with tests/schema/describe.expected.hpp once the OIDs
#      of the schema's types (which differ between databases) are replaced by @typname@ and the
#      server's version by @version@: everything else must match byte for byte;
#   3. --check passes on that header;
#   4. the header compiles (CXX FLAGS -fsyntax-only), and describe() finds the statements whose
#      texts a translation unit spells as a program would (escapes, UTF-8, several lines);
#   5. after ALTER TABLE ... ALTER COLUMN score TYPE bigint, --check fails (exit 1) naming the
#      statement that reads score and the column's old and new description;
#   6. a bad command line exits 2.
# The DSN is TYPQ_TEST_DSN when set, else the fixture's DSN_FILE.

set -euo pipefail

if [[ $# -lt 6 || $5 != -- ]]; then
    echo "usage: $0 TOOL DSN_FILE PSQL WORK_DIR -- CXX FLAGS..." >&2
    exit 2
fi
tool=$(realpath "$1")  # the script changes directory
dsn_file=$2
psql_program=$3
work=$4
shift 5
source_dir=$(cd "$(dirname "$0")" && pwd)

if [[ -n ${TYPQ_TEST_DSN:-} ]]; then
    dsn=$TYPQ_TEST_DSN
elif [[ -r $dsn_file ]]; then
    dsn=$(<"$dsn_file")
else
    echo "describe.sh: $dsn_file does not exist: run through ctest (its pg fixture writes it), or set TYPQ_TEST_DSN" >&2
    exit 2
fi

fail() {
    echo "describe.sh: FAILED: $*" >&2
    exit 1
}

# psql without the user's psqlrc, stopping at the first error, quiet about IF EXISTS notices.
sql() { PGOPTIONS=--client-min-messages=warning "$psql_program" -X -q -v ON_ERROR_STOP=1 -d "$dsn" "$@"; }

trap 'sql -c "DROP SCHEMA IF EXISTS typq_schema_describe CASCADE" || true' EXIT
sql <<'EOF'
DROP SCHEMA IF EXISTS typq_schema_describe CASCADE;
CREATE SCHEMA typq_schema_describe;
CREATE TYPE typq_schema_describe.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN typq_schema_describe.email AS text CHECK (VALUE LIKE '%@%');
CREATE TYPE typq_schema_describe.address AS (street text, city text);
CREATE TABLE typq_schema_describe.users (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    nickname varchar(40),
    email typq_schema_describe.email,
    mood typq_schema_describe.mood NOT NULL,
    moods typq_schema_describe.mood[],
    home typq_schema_describe.address,
    score integer NOT NULL DEFAULT 0
);
CREATE TABLE typq_schema_describe.orders (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES typq_schema_describe.users,
    total numeric(12, 2) NOT NULL,
    note text
);
CREATE TABLE typq_schema_describe.events (at date NOT NULL, what text) PARTITION BY RANGE (at);
CREATE VIEW typq_schema_describe.user_names AS SELECT id, name FROM typq_schema_describe.users;
EOF

# Relative paths, so that the header's first line (the command that regenerates it) is the same
# wherever the build tree is.
rm -rf "$work"
mkdir -p "$work"
cd "$work"
cp "$source_dir/describe.queries" describe.queries

# --- 1. a statement the server refuses fails the run -------------------------------------------
status=0
"$tool" --dsn "$dsn" --queries describe.queries --output describe.hpp 2>refused.txt || status=$?
cat refused.txt >&2
[[ $status -eq 1 ]] || fail "a refused statement without --keep-going: exit $status, expected 1"
grep -qF 'app/misc.cpp:20:9: error: could not determine data type of parameter $1' refused.txt \
    || fail "the refused statement is not named by its location"
[[ ! -e describe.hpp ]] || fail "a header was written although a statement was refused"

# --- 2. with --keep-going: the expected header -------------------------------------------------
"$tool" --dsn "$dsn" --queries describe.queries --output describe.hpp --keep-going 2>kept.txt \
    || fail "--keep-going: exit $?"
grep -qF 'app/misc.cpp:20:9: error:' kept.txt || fail "--keep-going did not report the refused statement"

# The OIDs of the schema's types, largest first (no OID is a prefix of a longer one then; \b
# keeps one from matching inside another number anyway).
sed_script=$(sql -A -t -F ' ' -c "SELECT oid, typname FROM pg_type
    WHERE typnamespace = 'typq_schema_describe'::regnamespace ORDER BY oid DESC" \
    | while read -r oid name; do printf 's/\\b%s\\b/@%s@/g\n' "$oid" "$name"; done)
sed -E -e "$sed_script" -e 's/described by PostgreSQL [0-9.]+\./described by PostgreSQL @version@./' \
    describe.hpp >describe.normalized.hpp
diff -u "$source_dir/describe.expected.hpp" describe.normalized.hpp \
    || fail "the header differs from tests/schema/describe.expected.hpp (the diff above; - expected, + written)"

# --- 3. --check passes on the header just written ----------------------------------------------
"$tool" --dsn "$dsn" --queries describe.queries --check describe.hpp --keep-going 2>/dev/null \
    || fail "--check failed on the header just written"

# --- 4. the header compiles, and describe() finds the statements as a program spells them ------
cat >compile.cpp <<'EOF'
// Written by tests/schema/describe.sh: the generated header compiles, and describe() finds the
// statements whose literals a program writes (escapes, UTF-8, a statement over several lines).
#include "describe.hpp"

#include <typq/sql.hpp>

struct counting_reader final : typq::schema::reader {
    int parameters = 0;
    int columns = 0;
    bool last_nullable = false;
    constexpr void parameter(int, unsigned, std::string_view, std::initializer_list<unsigned>) override { ++parameters; }
    constexpr void column(std::string_view, unsigned, std::string_view, bool nullable) override
    {
        ++columns;
        last_nullable = nullable;
    }
};

// parameters * 100 + columns, or -1 when the header does not describe `text`.
constexpr int shape_of(std::string_view text)
{
    counting_reader r;
    return typq_schema::describe(typq::detail::sql_hash(text), text, r) ? r.parameters * 100 + r.columns : -1;
}

static_assert(shape_of("SELECT id, name, nickname FROM typq_schema_describe.users WHERE id = $1") == 103);
static_assert(shape_of("SELECT 'tab\there' AS \"quote\"\"d\", 'naïve' AS \"back\\slash\"\n"
                       "FROM typq_schema_describe.users\n"
                       "WHERE id = $1") == 102);
static_assert(shape_of("DELETE FROM typq_schema_describe.orders") == 0);
static_assert(shape_of("COPY typq_schema_describe.users (id, name) FROM STDIN") == -1);
static_assert(shape_of("SELECT $1 IS NULL AS missing") == -1);
static_assert(shape_of("SELECT id, name, nickname FROM typq_schema_describe.users WHERE id = $2") == -1);
EOF
"$@" -I "$source_dir/../../include" compile.cpp || fail "the generated header does not compile (above)"

# --- 5. after a migration, --check names what changed ------------------------------------------
sql -c "ALTER TABLE typq_schema_describe.users ALTER COLUMN score TYPE bigint"
status=0
"$tool" --dsn "$dsn" --queries describe.queries --check describe.hpp --keep-going 2>check.txt || status=$?
cat check.txt >&2
[[ $status -eq 1 ]] || fail "--check after ALTER TABLE: exit $status, expected 1"
grep -qF 'app/profile.cpp:12: changed: "SELECT mood, moods, email, home, score FROM typq_schema_describe.users WHERE mood = $1"' \
    check.txt || fail "--check does not name the changed statement"
grep -qF -- '- r.column("score", 23, "integer", false);' check.txt || fail "--check does not show the old column"
grep -qF -- '+ r.column("score", 20, "bigint", false);' check.txt || fail "--check does not show the new column"

# --- 6. usage ---------------------------------------------------------------------------------
status=0
"$tool" --queries describe.queries 2>/dev/null || status=$?
[[ $status -eq 2 ]] || fail "no --output or --check: exit $status, expected 2"

echo "describe.sh: passed"
