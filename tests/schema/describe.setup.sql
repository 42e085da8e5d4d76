-- SPDX-License-Identifier: BSL-1.0
-- tests/schema/describe.setup.sql: the schema tests/schema/describe.sh describes against, made by
-- typq-schema --setup inside the transaction it rolls back (nothing of it stays in the database):
-- tables, a view, an enum, a domain and a composite, in a schema of their own.
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
