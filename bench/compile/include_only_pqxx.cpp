// SPDX-License-Identifier: BSL-1.0
// bench/compile/include_only_pqxx.cpp: libpqxx's umbrella header and nothing else, for
// bench/compile_time.sh.

#include <pqxx/pqxx>

int main()
{
    return 0;
}
