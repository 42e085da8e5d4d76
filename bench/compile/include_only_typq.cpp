// SPDX-License-Identifier: BSL-1.0
// bench/compile/include_only_typq.cpp: typq's umbrella header and nothing else, for
// bench/compile_time.sh: what including typq costs before any query is instantiated.

#include <typq/typq.hpp>

int main()
{
    return 0;
}
