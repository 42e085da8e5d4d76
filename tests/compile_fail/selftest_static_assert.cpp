// expect: typq_selftest_marker
// SPDX-License-Identifier: BSL-1.0
// Proves the compile-fail machinery: this file must be rejected, and for this reason only.

#include <typq/typq.hpp>

template <class T>
inline constexpr bool false_v = false;

template <class T>
void reject()
{
    static_assert(false_v<T>, "typq_selftest_marker");
}

int main()
{
    reject<int>();
}
