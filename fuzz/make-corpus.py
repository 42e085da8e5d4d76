#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
# fuzz/make-corpus.py: the seed corpora of typq's fuzz harnesses, made from real server output.
#
#   fuzz/make-corpus.py              start a throwaway server (tests/support/pg_fixture.sh), write
#                                    fuzz/corpus/<harness>/<label>, stop the server
#   fuzz/make-corpus.py --dsn DSN    use that server instead
#
# Each file is one value's binary form exactly as the server sends it in a result (the type's
# *send function: int4send, numeric_send, array_send...), asked for over edge literals: NaN,
# infinities, huge numerics, BC dates, NULL elements, 2-D arrays, lower bounds other than 1.
# The SQL lexer's seeds are statements (text), not server output. Needs psql and python3, and the
# server's hstore extension (postgresql-contrib); the enums and the extension are made in a
# transaction that is rolled back.
# The corpus is committed; re-run this after adding seeds (files are rewritten, never appended).

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

# (harness, label, SQL expression of type bytea). Labels name the file; keep them unique.
SEEDS = [
    # scalar: bool, int2/int4/int8, float4/float8 (the harness also tries oid columns).
    ("scalar", "bool_true", "boolsend(true)"),
    ("scalar", "bool_false", "boolsend(false)"),
    ("scalar", "int2_min", "int2send('-32768'::int2)"),
    ("scalar", "int2_max", "int2send(32767::int2)"),
    ("scalar", "int4_min", "int4send('-2147483648'::int4)"),
    ("scalar", "int4_42", "int4send(42)"),
    ("scalar", "int8_min", "int8send('-9223372036854775808'::int8)"),
    ("scalar", "int8_max", "int8send(9223372036854775807)"),
    ("scalar", "float4_nan", "float4send('NaN'::float4)"),
    ("scalar", "float4_neg_inf", "float4send('-Infinity'::float4)"),
    ("scalar", "float4_denormal", "float4send('1.4e-45'::float4)"),
    ("scalar", "float8_neg_zero", "float8send('-0'::float8)"),
    ("scalar", "float8_inf", "float8send('Infinity'::float8)"),
    ("scalar", "float8_max", "float8send('1.7976931348623157e308'::float8)"),
    ("scalar", "float8_tenth", "float8send(0.1::float8)"),
    # text: text, varchar, bpchar, name are the text's bytes.
    ("text", "empty", "textsend('')"),
    ("text", "ascii", "textsend('hello, world')"),
    ("text", "utf8", "textsend('grüße 日本 🐘')"),
    ("text", "bpchar_padded", "bpcharsend('ab'::char(5))"),
    ("text", "name", "namesend('pg_catalog'::name)"),
    # bytea
    ("bytea", "empty", "byteasend(''::bytea)"),
    ("bytea", "all_bytes", "byteasend(decode('00017f80feff', 'hex'))"),
    # numeric: numeric_send, and int columns into numeric.
    ("numeric", "zero", "numeric_send(0::numeric)"),
    ("numeric", "zero_scale_3", "numeric_send(0.000::numeric)"),
    ("numeric", "nan", "numeric_send('NaN'::numeric)"),
    ("numeric", "inf", "numeric_send('Infinity'::numeric)"),
    ("numeric", "neg_inf", "numeric_send('-Infinity'::numeric)"),
    ("numeric", "neg_1_50", "numeric_send(-1.50::numeric)"),
    ("numeric", "tiny", "numeric_send(0.000000000000000000000000000001::numeric)"),
    ("numeric", "huge", "numeric_send(('1' || repeat('0', 120))::numeric)"),
    ("numeric", "big_scale", "numeric_send(round(1::numeric / 3, 60))"),
    ("numeric", "int8_min", "numeric_send((-9223372036854775808)::numeric)"),
    ("numeric", "pi", "numeric_send(pi()::numeric)"),
    ("numeric", "int4_col", "int4send(-12345)"),
    ("numeric", "int8_col", "int8send(9223372036854775807)"),
    # chrono: date, timestamp(tz), time, timetz, interval.
    ("chrono", "date_epoch", "date_send('2000-01-01'::date)"),
    ("chrono", "date_bc", "date_send('4714-11-24 BC'::date)"),
    ("chrono", "date_last", "date_send('5874897-12-31'::date)"),
    ("chrono", "date_inf", "date_send('infinity'::date)"),
    ("chrono", "date_neg_inf", "date_send('-infinity'::date)"),
    ("chrono", "timestamp_bc", "timestamp_send('4714-11-24 00:00:00 BC'::timestamp)"),
    ("chrono", "timestamp_last", "timestamp_send('294276-12-31 23:59:59.999999'::timestamp)"),
    ("chrono", "timestamp_inf", "timestamp_send('infinity'::timestamp)"),
    ("chrono", "timestamptz_now", "timestamptz_send('2024-02-29 12:34:56.789012+00'::timestamptz)"),
    ("chrono", "timestamptz_neg_inf", "timestamptz_send('-infinity'::timestamptz)"),
    ("chrono", "time_midnight", "time_send('00:00'::time)"),
    ("chrono", "time_24", "time_send('24:00:00'::time)"),
    ("chrono", "timetz_east", "timetz_send('12:00+05:30'::timetz)"),
    ("chrono", "timetz_limit", "timetz_send('23:59:59.999999-15:59:59'::timetz)"),
    ("chrono", "interval_mixed", "interval_send('1 year 2 mons -3 days 04:05:06.789'::interval)"),
    ("chrono", "interval_seconds", "interval_send('90 seconds'::interval)"),
    ("chrono", "interval_min", "interval_send('-178956970 years -8 months -2147483647 days -2562047788:00:54.775807'::interval)"),
    # array: array_send over several element types, NULLs, 2-D, lower bounds.
    ("array", "int4_empty", "array_send('{}'::int4[])"),
    ("array", "int4_1d", "array_send('{1,2,3}'::int4[])"),
    ("array", "int4_lower_0", "array_send('[0:2]={1,2,3}'::int4[])"),
    ("array", "int4_null", "array_send('{1,NULL,3}'::int4[])"),
    ("array", "int4_2d", "array_send('{{1,2},{3,4}}'::int4[])"),
    ("array", "int4_2x3", "array_send('[-1:0][5:7]={{1,2,3},{4,5,6}}'::int4[])"),
    ("array", "int8_3d", "array_send('{{{1,NULL},{3,4}},{{5,6},{7,8}}}'::int8[])"),
    ("array", "int2_1d", "array_send('{-32768,0,32767}'::int2[])"),
    ("array", "float8_special", "array_send('{NaN,Infinity,-0,1.5}'::float8[])"),
    ("array", "bool", "array_send('{t,f,NULL}'::bool[])"),
    ("array", "text", "array_send(ARRAY['a', '', NULL, 'grüße', 'with \"quote\"'])"),
    ("array", "text_2d", "array_send('{{a,b},{c,NULL}}'::text[])"),
    ("array", "bytea", "array_send(ARRAY['\\x00ff'::bytea, ''::bytea])"),
    ("array", "numeric", "array_send('{1.50,NaN,-Infinity,NULL,0.001}'::numeric[])"),
    ("array", "uuid", "array_send(ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid])"),
    ("array", "timestamptz", "array_send(ARRAY['infinity'::timestamptz, '2000-01-01 00:00+00', NULL])"),
    # uuid
    ("uuid", "nil", "uuid_send('00000000-0000-0000-0000-000000000000'::uuid)"),
    ("uuid", "max", "uuid_send('ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)"),
    ("uuid", "v4", "uuid_send('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid)"),
    ("uuid", "text_braces", "convert_to('{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}', 'UTF8')"),
    # json / jsonb
    ("json", "json_object", "json_send('{\"a\": [1, 2.5, null], \"b\": \"x\"}'::json)"),
    ("json", "json_dup_keys", "json_send('{\"k\":1,\"k\":2}'::json)"),
    ("json", "jsonb_object", "jsonb_send('{\"long key\": {\"n\": -1e3}, \"a\": true}'::jsonb)"),
    ("json", "jsonb_scalar", "jsonb_send('\"grüße\"'::jsonb)"),
    ("json", "jsonb_empty_array", "jsonb_send('[]'::jsonb)"),
    # network: inet, cidr, macaddr, macaddr8 (binary), and their text forms for parse.
    ("network", "inet_v4", "inet_send('192.168.0.1/24'::inet)"),
    ("network", "inet_v4_host", "inet_send('10.1.2.3'::inet)"),
    ("network", "inet_v6", "inet_send('2001:db8::1/64'::inet)"),
    ("network", "inet_v4_mapped", "inet_send('::ffff:1.2.3.4'::inet)"),
    ("network", "cidr_v4", "cidr_send('10.0.0.0/8'::cidr)"),
    ("network", "cidr_v4_zero", "cidr_send('0.0.0.0/0'::cidr)"),
    ("network", "cidr_v6", "cidr_send('2001:db8::/32'::cidr)"),
    ("network", "macaddr", "macaddr_send('08:00:2b:01:02:03'::macaddr)"),
    ("network", "macaddr8", "macaddr8_send('08:00:2b:ff:fe:01:02:03'::macaddr8)"),
    ("network", "text_inet_v6", "convert_to(('::ffff:1.2.3.4/120'::inet)::text, 'UTF8')"),
    ("network", "text_cidr", "convert_to(('2001:db8::/32'::cidr)::text, 'UTF8')"),
    ("network", "text_macaddr", "convert_to('0800.2b01.0203', 'UTF8')"),
    ("network", "text_macaddr8", "convert_to(('08:00:2b:01:02:03:04:05'::macaddr8)::text, 'UTF8')"),
    # money
    ("money", "cents", "cash_send('1234.56'::money)"),
    ("money", "min", "cash_send('-92233720368547758.08'::money)"),
    ("money", "max", "cash_send('92233720368547758.07'::money)"),
    # bit / varbit
    ("bit", "bit_empty", "varbit_send(B''::varbit)"),
    ("bit", "bit_5", "bit_send(B'10110'::bit(5))"),
    ("bit", "bit_8", "bit_send(B'11111111'::bit(8))"),
    ("bit", "varbit_13", "varbit_send(B'1010101010101'::varbit)"),
    # misc: oid, regclass, "char"
    ("misc", "oid_max", "oidsend(4294967295::oid)"),
    ("misc", "regclass", "oidsend('pg_class'::regclass::oid)"),
    ("misc", "char_r", "charsend('r'::\"char\")"),
    ("misc", "char_empty", "charsend(''::\"char\")"),
    ("misc", "char_high", "charsend(chr(200)::\"char\")"),
    # range: range_send of the six built-in range types (canonical forms, unbounded sides,
    # infinities, NaN and extreme bounds), multirange_send of their multiranges, an int4range[].
    ("range", "int4_empty", "range_send('empty'::int4range)"),
    ("range", "int4_1_5", "range_send(int4range(1, 5))"),
    ("range", "int4_upper_only", "range_send('(,5]'::int4range)"),
    ("range", "int4_lower_only", "range_send('[1,)'::int4range)"),
    ("range", "int4_unbounded", "range_send('(,)'::int4range)"),
    ("range", "int4_extremes", "range_send('[-2147483648,2147483646]'::int4range)"),
    ("range", "int8_extremes", "range_send('[-9223372036854775808,9223372036854775807)'::int8range)"),
    ("range", "num_inclusive", "range_send('[1.50,2.000]'::numrange)"),
    ("range", "num_nan", "range_send(numrange(1, 'NaN'))"),
    ("range", "num_infinities", "range_send(numrange('-Infinity', 'Infinity'))"),
    ("range", "num_exclusive", "range_send('(0.001,)'::numrange)"),
    ("range", "date_infinity", "range_send('[2000-01-01,infinity)'::daterange)"),
    ("range", "date_bc", "range_send(daterange('4714-11-24 BC', '5874897-12-30', '[]'))"),
    ("range", "date_neg_infinity", "range_send('[-infinity,2020-01-01)'::daterange)"),
    ("range", "ts_infinity", "range_send('[\"2020-01-01 10:00\",infinity)'::tsrange)"),
    ("range", "ts_extremes", "range_send(tsrange('4714-11-24 00:00 BC', '294247-01-10 04:00:54.775806', '[]'))"),
    ("range", "tstz_exclusive", "range_send(tstzrange('2020-01-01 10:00+05', '2020-01-01 12:00:00.5+00', '(]'))"),
    ("range", "tstz_unbounded", "range_send('(,)'::tstzrange)"),
    ("range", "int4_multi_empty", "multirange_send('{}'::int4multirange)"),
    ("range", "int4_multi", "multirange_send('{[1,3),[5,7)}'::int4multirange)"),
    ("range", "int4_multi_unbounded", "multirange_send('{(,0),[10,)}'::int4multirange)"),
    ("range", "int8_multi", "multirange_send('{[-9223372036854775808,0),[5,6)}'::int8multirange)"),
    ("range", "num_multi", "multirange_send('{[1.5,2.5],(3,NaN)}'::nummultirange)"),
    ("range", "date_multi", "multirange_send('{[2000-01-01,2000-02-01),[2001-01-01,infinity)}'::datemultirange)"),
    ("range", "ts_multi", "multirange_send('{[\"2000-01-01 00:00\",\"2000-01-01 00:00:00.000001\"]}'::tsmultirange)"),
    ("range", "tstz_multi", "multirange_send('{(,\"2000-01-01 00:00+00\"),[infinity,infinity]}'::tstzmultirange)"),
    ("range", "int4_array", "array_send('{\"[1,5)\",empty,\"(,)\"}'::int4range[])"),
    # composite: record_send of anonymous records (ROW(...)) shaped like the harness's structs
    # (int4, text, int4[], record, int4range, record), their variants, arrays of records...
    ("composite", "outer", "record_send(ROW(1, 'x'::text, ARRAY[1, 2], ROW(2, NULL::text), int4range(1, 5), ROW(3, 'y'::text)))"),
    ("composite", "outer_nulls", "record_send(ROW(-2147483648, NULL::text, '{}'::int4[], ROW(0, ''::text), 'empty'::int4range, NULL::record))"),
    ("composite", "outer_other_types", "record_send(ROW(7::int2, 'v'::varchar, '[0:1]={5,6}'::int4[], ROW(2147483647, 'grüße'::varchar), '(,)'::int4range, ROW(1::int2, NULL::text)))"),
    ("composite", "inner", "record_send(ROW(5, 'note'::text))"),
    ("composite", "inner_null", "record_send(ROW(5, NULL::text))"),
    ("composite", "one_attribute", "record_send(ROW(1))"),
    ("composite", "wrong_type", "record_send(ROW(1, 2))"),
    # ... and the named types of the harness's registry (fuzz_outer: span, n of domain fuzz_int,
    # name, maybe, list, nested; fuzz_inner: note, id), which it reads by attribute name.
    # Values of the named types (made in the setup below), whose OIDs are then rewritten to those of
    # the harness's type registry (COMPOSITE_OIDS).
    ("composite", "named_outer", "record_send(ROW(int4range(1, 5), 1, 'x', ROW('y', 3), ARRAY[1, 2], ROW(NULL, 2))::fuzz_outer)"),
    ("composite", "named_outer_nulls", "record_send(ROW('(,)', -2147483648, NULL, NULL, '{}', ROW('', -1))::fuzz_outer)"),
    ("composite", "named_outer_anonymous", "record_send(ROW(int4range(1, 5), 1, 'x'::text, ROW(3, 'y'::text), ARRAY[1, 2], ROW(2, NULL::text)))"),
    ("composite", "named_inner", "record_send(ROW('note', 5)::fuzz_inner)"),
    ("composite", "inner_array", "array_send(ARRAY[ROW(1, 'a'::text), ROW(2, NULL::text)])"),
    ("composite", "outer_array", "array_send(ARRAY[ROW(1, 'x'::text, ARRAY[3], ROW(2, 'z'::text), int4range(1, 2), NULL::record), NULL])"),
    # hstore: hstore_send (pairs sorted by key length, then bytes), NULL values, empty strings.
    ("hstore", "empty", "hstore_send(''::hstore)"),
    ("hstore", "pairs", "hstore_send('b=>1, aa=>NULL, a=>\"\"'::hstore)"),
    ("hstore", "empty_key", "hstore_send('\"\"=>\"\"'::hstore)"),
    ("hstore", "quoted", "hstore_send(hstore(ARRAY['key with spaces', 'grüße 🐘', 'q\"\\\\'], ARRAY['va\"lue', NULL, '=>']))"),
    ("hstore", "long", "hstore_send(hstore(repeat('k', 300), repeat('v', 1000)))"),
    # enum: enum_send, the label's text, of the harness's enums (made in the setup below).
    ("enum", "mood_sad", "enum_send('sad'::fuzz_mood)"),
    ("enum", "mood_happy", "enum_send('happy'::fuzz_mood)"),
    ("enum", "edge_lowest", "enum_send('lowest'::fuzz_edge)"),
    ("enum", "color_spaces", "enum_send('dark blue'::fuzz_color)"),
    ("enum", "color_quoted", "enum_send('Red \"quoted\"'::fuzz_color)"),
    ("enum", "color_utf8", "enum_send('grüße 🐘'::fuzz_color)"),
    ("enum", "color_longest", "enum_send('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'::fuzz_color)"),
    ("enum", "not_a_label", "textsend('green-')"),
]

# The OIDs fuzz/fuzz_composite.cpp's type registry gives its named types: in the composite seeds, each
# type's OID on the server (record_send writes the attributes' type OIDs) becomes the harness's.
COMPOSITE_OIDS = {"fuzz_int": 16390, "fuzz_inner": 16384, "fuzz_outer": 16385}

# Run before the seeds, in a transaction that is rolled back (nothing stays on a --dsn server):
# the types the seeds above name.
SETUP = [
    "CREATE EXTENSION IF NOT EXISTS hstore",
    "CREATE DOMAIN fuzz_int AS int4",
    "CREATE TYPE fuzz_inner AS (note text, id int4)",
    "CREATE TYPE fuzz_outer AS (span int4range, n fuzz_int, name text, maybe fuzz_inner, list int4[], nested fuzz_inner)",
    "CREATE TYPE fuzz_mood AS ENUM ('sad', 'ok', 'happy')",
    "CREATE TYPE fuzz_edge AS ENUM ('lowest', 'zero', 'highest')",
    "CREATE TYPE fuzz_color AS ENUM ('Red \"quoted\"', 'green', 'green-yellow', 'grüße 🐘', "
    "'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_', 'dark blue')",
]

# The SQL lexer reads statements: these are typq's own kinds of placeholders and skipped tokens.
SQL_SEEDS = {
    "positional": "SELECT $1::int4, $2 FROM t WHERE id = $3",
    "named": "UPDATE t SET name = :name, a = :a WHERE id = :id AND x::text = ':id'",
    "comments": "SELECT /* $1 /* nested :a */ */ $1 -- :name\n, :id",
    "strings": "SELECT 'it''s $1', E'\\' :a', U&'\\0041', B'101', X'ff', 'a'\n'b' , $1",
    "dollar_quote": "DO $body$ BEGIN PERFORM $1; END $body$; SELECT $$ :a $$, $1",
    "identifiers": "SELECT \"$1\", U&\"a\", a$1, :a$1, arr[lo:hi], arr[1:2] FROM \"t\"\"\"",
    "numbers": "SELECT 1e9$1, 1_000, .5e-3, 1..10, 0x1F, 1abc, $1",
    "unterminated": "SELECT '$1",
    "colon_equals": "SELECT f(a := $1), x::int, :id",
    "too_large": "SELECT $65536",
}


def psql_rows(dsn, query):
    # One session: BEGIN, the setup, the query, ROLLBACK (-q keeps the command tags out).
    commands = ["BEGIN", *SETUP, query, "ROLLBACK"]
    run = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", dsn]
                         + [arg for command in commands for arg in ("-c", command)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("make-corpus: psql failed: " + run.stderr.strip())
    return [line.split("\t") for line in run.stdout.splitlines() if line]


def main():
    parser = argparse.ArgumentParser(description="Make the seed corpora of typq's fuzz harnesses from real server output.")
    parser.add_argument("--dsn", help="conninfo of a server to ask (default: start a throwaway one)")
    args = parser.parse_args()

    state = None
    dsn = args.dsn
    if not dsn:
        state = tempfile.mkdtemp(prefix="typq-corpus.")
        subprocess.run(["bash", str(ROOT / "tests/support/pg_fixture.sh"), "start", state], check=True)
        dsn = (pathlib.Path(state) / "dsn").read_text().strip()
    try:
        labels = set()
        values = []
        for harness, label, expression in SEEDS:
            key = (harness, label)
            if key in labels:
                sys.exit(f"make-corpus: duplicate label {harness}/{label}")
            labels.add(key)
            literal = lambda s: "'" + s.replace("'", "''") + "'"
            values.append(f"({literal(harness)}, {literal(label)}, encode({expression}, 'hex'))")
        for name in COMPOSITE_OIDS:  # the server's OIDs of the named types, as oidsend writes them
            values.append(f"('oid', {literal(name)}, encode(oidsend({literal(name)}::regtype::oid), 'hex'))")
        query = "SET lc_monetary = 'C'; SELECT * FROM (VALUES " + ", ".join(values) + ") AS seed(harness, label, bytes)"
        rows = psql_rows(dsn, query)
        if len(rows) != len(SEEDS) + len(COMPOSITE_OIDS):
            sys.exit(f"make-corpus: expected {len(SEEDS) + len(COMPOSITE_OIDS)} rows, got {len(rows)}")
        server_oids = {label: bytes.fromhex(hex_bytes) for harness, label, hex_bytes in rows if harness == "oid"}
        rows = [row for row in rows if row[0] != "oid"]

        harnesses = {harness for harness, _, _ in SEEDS} | {"sql_lexer"}
        for harness in harnesses:
            shutil.rmtree(CORPUS / harness, ignore_errors=True)
            (CORPUS / harness).mkdir(parents=True)
        for harness, label, hex_bytes in rows:
            value = bytes.fromhex(hex_bytes)
            if harness == "composite":
                for name, harness_oid in COMPOSITE_OIDS.items():
                    value = value.replace(server_oids[name], harness_oid.to_bytes(4, "big"))
            (CORPUS / harness / label).write_bytes(value)
        for label, text in SQL_SEEDS.items():
            (CORPUS / "sql_lexer" / label).write_bytes(text.encode())
        total = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
        print(f"make-corpus: {len(rows) + len(SQL_SEEDS)} seeds for {len(harnesses)} harnesses, {total} bytes in {CORPUS}")
    finally:
        if state:
            subprocess.run(["bash", str(ROOT / "tests/support/pg_fixture.sh"), "stop", state], check=False)
            shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
