#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# tests/schema/describe.sh: CTest's schema.describe, typq-schema end to end against the test server.
#
#   describe.sh DSN TOOL PSQL WORK_DIR -- CXX FLAGS...
#
# CTest runs it through tests/support/with_dsn.sh, which passes the fixture's DSN (TYPQ_TEST_DSN's
# when that is set) first.
#
# Every run of typq-schema makes its schema with --setup tests/schema/describe.setup.sql (tables,
# a view, an enum, a domain and a composite, in the schema typq_schema_describe) inside the
# transaction it rolls back, so that nothing stays in the database and tests running beside it
# see nothing. Then:
#   1. describes tests/schema/describe.queries without --keep-going: exit 1, the refused statement
#      named by its location, no header written;
#   2. with --keep-going: the header, compared with tests/schema/describe.expected.hpp once the
#      server's version is replaced by @version@: everything else, the ids of the schema's types
#      included (made from their names, the same in every database), must match byte for byte;
#   3. --check passes on that header; passes, with a note, when a statement only moved; fails when
#      one is gone;
#   4. the header compiles (CXX FLAGS -fsyntax-only), and describe() finds the statements whose
#      texts a translation unit spells as a program would (escapes, UTF-8, several lines, :name
#      placeholders); typq.hpp compiles with it as TYPQ_SCHEMA_HEADER (in the single-header build
#      too, which has no typq/schema.hpp), and checks a statement against it;
#   5. after ALTER TABLE ... ALTER COLUMN score TYPE bigint (a second --setup), --check fails
#      (exit 1) naming the statement that reads score and the column's old and new description;
#   6. a setup script the server refuses, or one that would commit, fails (exit 1) naming the
#      file, line and column; two types whose synthetic ids collide fail (exit 1);
#   7. the database has no typq_schema_describe afterwards;
#   8. a bad command line, or a setup file that cannot be read, exits 2.

set -euo pipefail

if [[ $# -lt 6 || $5 != -- ]]; then
    echo "usage: $0 DSN TOOL PSQL WORK_DIR -- CXX FLAGS..." >&2
    exit 2
fi
dsn=$1
tool=$(realpath "$2")  # the script changes directory
psql_program=$3
work=$4
shift 5
source_dir=$(cd "$(dirname "$0")" && pwd)

fail() {
    echo "describe.sh: FAILED: $*" >&2
    exit 1
}

# psql without the user's psqlrc, stopping at the first error, quiet about IF EXISTS notices.
sql() { PGOPTIONS=--client-min-messages=warning "$psql_program" -X -q -v ON_ERROR_STOP=1 -d "$dsn" "$@"; }

# Left by a run of this script from before its schema moved into describe.setup.sql, if any.
sql -c "DROP SCHEMA IF EXISTS typq_schema_describe CASCADE"

# Relative paths, so that the header's first line (the command that regenerates it) is the same
# wherever the build tree is.
rm -rf "$work"
mkdir -p "$work"
cd "$work"
cp "$source_dir/describe.queries" describe.queries
cp "$source_dir/describe.setup.sql" describe.setup.sql
setup=(--setup describe.setup.sql)

# --- 1. a statement the server refuses fails the run -------------------------------------------
status=0
"$tool" --dsn "$dsn" "${setup[@]}" --queries describe.queries --output describe.hpp 2>refused.txt || status=$?
cat refused.txt >&2
[[ $status -eq 1 ]] || fail "a refused statement without --keep-going: exit $status, expected 1"
grep -qF 'app/misc.cpp:20:9: error: could not determine data type of parameter $1' refused.txt \
    || fail "the refused statement is not named by its location"
[[ ! -e describe.hpp ]] || fail "a header was written although a statement was refused"

# --- 2. with --keep-going: the expected header -------------------------------------------------
# The statements after the refused one are described too: each is rolled back to a savepoint.
"$tool" --dsn "$dsn" "${setup[@]}" --queries describe.queries --output describe.hpp --keep-going 2>kept.txt \
    || fail "--keep-going: exit $?"
grep -qF 'app/misc.cpp:20:9: error:' kept.txt || fail "--keep-going did not report the refused statement"
sed -E -e 's/described by PostgreSQL [0-9.]+\./described by PostgreSQL @version@./' describe.hpp >describe.normalized.hpp
diff -u "$source_dir/describe.expected.hpp" describe.normalized.hpp \
    || fail "the header differs from tests/schema/describe.expected.hpp (the diff above; - expected, + written)"

# --- 3. --check passes on the header just written; a move is a note, a statement gone a failure --
"$tool" --dsn "$dsn" "${setup[@]}" --queries describe.queries --check describe.hpp --keep-going 2>/dev/null \
    || fail "--check failed on the header just written"
sed -e 's|^app/users.cpp:10:9\t|app/users.cpp:14:9\t|' describe.queries >moved.queries
status=0
"$tool" --dsn "$dsn" "${setup[@]}" --queries moved.queries --check describe.hpp --keep-going 2>moved.txt || status=$?
cat moved.txt >&2
[[ $status -eq 0 ]] || fail "--check after a statement moved: exit $status, expected 0 (a note)"
grep -qF 'app/admin.cpp:44: note: moved: "SELECT id, name, nickname FROM typq_schema_describe.users WHERE id = $1"' \
    moved.txt || fail "--check does not note the statement that moved"
grep -qF '+ // app/admin.cpp:44, app/users.cpp:14' moved.txt || fail "--check does not show the new locations"
grep -v '^app/reports.cpp:30:9' describe.queries >gone.queries
status=0
"$tool" --dsn "$dsn" "${setup[@]}" --queries gone.queries --check describe.hpp --keep-going 2>gone.txt || status=$?
cat gone.txt >&2
[[ $status -eq 1 ]] || fail "--check after a statement went: exit $status, expected 1"
grep -qF 'app/reports.cpp:30: gone: "SELECT at, what FROM typq_schema_describe.events"' gone.txt \
    || fail "--check does not name the statement that went"

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
    consteval void parameter(int, unsigned, std::string_view, std::initializer_list<unsigned>) override { ++parameters; }
    consteval void column(std::string_view, unsigned, std::string_view, bool nullable) override
    {
        ++columns;
        last_nullable = nullable;
    }
};

// parameters * 100 + columns, or -1 when the header does not describe `text`.
consteval int shape_of(std::string_view text)
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
// Described as "... SET name = $1 WHERE id = $2 AND name IS DISTINCT FROM $1", keyed as written.
static_assert(shape_of("UPDATE typq_schema_describe.users SET name = :name WHERE id = :id AND name IS DISTINCT FROM :name") == 200);
EOF
"$@" -I "$source_dir/../../include" compile.cpp || fail "the generated header does not compile (above)"

# typq includes the header itself, after typq/schema.hpp's contents: with the flags alone, which in
# the single-header build name single_include/, where there is no typq/schema.hpp. Strict: each
# statement must be found; the enum, its array and the :name parameters are checked.
cat >checked.cpp <<'EOF'
// Written by tests/schema/describe.sh: typq checks statements against the generated header.
#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

enum class user_mood { sad, ok, happy };
template <>
struct typq::type<user_mood> : typq::enum_type<user_mood, "typq_schema_describe.mood"> {};

struct user_brief {
    std::int64_t id;
    std::string name;
    std::optional<std::string> nickname;
};

struct profile {
    user_mood mood;
    std::optional<std::vector<user_mood>> moods;
    std::optional<std::string> email;
    int score;
};

struct new_name {
    std::string name;
    std::int64_t id;
};

void run(typq::connection& conn)
{
    (void)conn.query_one<user_brief>("SELECT id, name, nickname FROM typq_schema_describe.users WHERE id = $1", std::int64_t{1});
    (void)conn.query<typq::ignoring_extra<profile>>(
        "SELECT mood, moods, email, home, score FROM typq_schema_describe.users WHERE mood = $1", user_mood::ok);
    (void)conn.execute("UPDATE typq_schema_describe.users SET name = :name WHERE id = :id AND name IS DISTINCT FROM :name",
        new_name{"Ada", 1});
}
EOF
"$@" "-DTYPQ_SCHEMA_HEADER=\"$PWD/describe.hpp\"" -DTYPQ_SCHEMA_STRICT checked.cpp \
    || fail "typq.hpp with the generated header as TYPQ_SCHEMA_HEADER does not compile (above)"

# --- 5. after a migration, --check names what changed ------------------------------------------
echo "ALTER TABLE typq_schema_describe.users ALTER COLUMN score TYPE bigint;" >migrate.sql
status=0
"$tool" --dsn "$dsn" "${setup[@]}" --setup migrate.sql --queries describe.queries --check describe.hpp --keep-going \
    2>check.txt || status=$?
cat check.txt >&2
[[ $status -eq 1 ]] || fail "--check after ALTER TABLE: exit $status, expected 1"
grep -qF 'app/profile.cpp:12: changed: "SELECT mood, moods, email, home, score FROM typq_schema_describe.users WHERE mood = $1"' \
    check.txt || fail "--check does not name the changed statement"
grep -qF -- '- r.column("score", 23, "integer", false);' check.txt || fail "--check does not show the old column"
grep -qF -- '+ r.column("score", 20, "bigint", false);' check.txt || fail "--check does not show the new column"

# --- 6. setup scripts the server refuses or that would commit; colliding synthetic ids -------------
printf -- '-- a mistake on line 3\nCREATE TABLE typq_schema_describe.more (id bigint);\nCREATE TABLE typq_schema_describe.other (id bigint) WITH OIDS WRONG;\n' >bad.sql
status=0
"$tool" --dsn "$dsn" "${setup[@]}" --setup bad.sql --queries describe.queries --output bad.hpp --keep-going \
    2>bad.txt || status=$?
cat bad.txt >&2
[[ $status -eq 1 ]] || fail "a setup script with an error: exit $status, expected 1"
grep -qE '^typq-schema: bad\.sql:3:[0-9]+: error: syntax error at or near "' bad.txt \
    || fail "the setup script's error does not name the file, line and column"
[[ ! -e bad.hpp ]] || fail "a header was written although a setup script failed"

printf 'CREATE TABLE typq_schema_describe_committed (id bigint);\ncommit;\n' >commit.sql
status=0
"$tool" --dsn "$dsn" --setup commit.sql --queries describe.queries --output commit.hpp --keep-going \
    2>commit.txt || status=$?
cat commit.txt >&2
[[ $status -eq 1 ]] || fail "a setup script that commits: exit $status, expected 1"
grep -qF 'typq-schema: commit.sql:2:1: error: the setup script ends the transaction' commit.txt \
    || fail "the COMMIT in the setup script is not named"
[[ $(sql -A -t -c "SELECT to_regclass('typq_schema_describe_committed') IS NULL") == t ]] \
    || fail "the setup script's table stayed in the database"

# FNV-1a gives these two names the same 31 bits: the header could not tell them apart.
cat >collide.sql <<'EOF'
CREATE TYPE typq_schema_describe.collide_188904 AS ENUM ('a');
CREATE TYPE typq_schema_describe.collide_558220 AS ENUM ('b');
EOF
printf 'app/collide.cpp:1:1\tSELECT NULL::typq_schema_describe.collide_188904 AS a, NULL::typq_schema_describe.collide_558220 AS b\n' \
    >collide.queries
status=0
"$tool" --dsn "$dsn" "${setup[@]}" --setup collide.sql --queries collide.queries --output collide.hpp 2>collide.txt \
    || status=$?
cat collide.txt >&2
[[ $status -eq 1 ]] || fail "two types with one synthetic id: exit $status, expected 1"
grep -qF 'typq-schema: types typq_schema_describe.collide_188904 and typq_schema_describe.collide_558220 have the same synthetic id in the header (0xbaafeec2' \
    collide.txt || fail "the colliding types are not named"

# --- 7. nothing stayed in the database --------------------------------------------------------
[[ $(sql -A -t -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'typq_schema_describe'") == 0 ]] \
    || fail "the schema made by --setup stayed in the database"

# --- 8. usage ---------------------------------------------------------------------------------
status=0
"$tool" --queries describe.queries 2>/dev/null || status=$?
[[ $status -eq 2 ]] || fail "no --output or --check: exit $status, expected 2"
status=0
"$tool" --dsn "$dsn" --setup missing.sql --queries describe.queries --output missing.hpp 2>/dev/null || status=$?
[[ $status -eq 2 ]] || fail "an unreadable setup script: exit $status, expected 2"

echo "describe.sh: passed"
