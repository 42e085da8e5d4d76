// SPDX-License-Identifier: BSL-1.0
// Proves the compile-fail machinery: this file must compile (warning-free) against typq.

#include <typq/typq.hpp>

static_assert(TYPQ_VERSION_MAJOR >= 0);

int main()
{
    return 0;
}
