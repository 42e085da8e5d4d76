-- SPDX-License-Identifier: BSL-1.0
-- The schema of examples/16_schema_check.cpp. schema.hpp next to it is generated from this file
-- and the example's statements by typq-schema (target example_16_schema_header; docs/schema.md):
-- change a column here, regenerate, rebuild, and the compiler names the statement and the field
-- that no longer fit.
CREATE TYPE order_status AS ENUM ('open', 'paid', 'shipped');

CREATE TABLE customer (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    phone text
);

CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer,
    status order_status NOT NULL DEFAULT 'open',
    total numeric(12, 2) NOT NULL,
    note text
);
