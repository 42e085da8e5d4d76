// SPDX-License-Identifier: BSL-1.0
// tests/support/catch_main.cpp: Catch2's main(), compiled once and linked into every test area.

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
