-- SPDX-License-Identifier: BSL-1.0
-- The schema the compile-fail tests of the schema check are described against (schema.hpp is
-- generated from it and from the statements of the tests here: see README.md).
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE account (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    nickname text,
    born date,
    feeling mood NOT NULL DEFAULT 'ok',
    tags text[] NOT NULL DEFAULT '{}'
);
