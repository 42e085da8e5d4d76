// SPDX-License-Identifier: BSL-1.0
// tests/consumer/second.cpp: a second translation unit including typq, header-only. A definition in
// a header that is not inline (a function of typq's missing TYPQ_DECL, say) is then compiled into
// both files, and the link fails with a duplicate symbol.

#include <typq/typq.hpp>

int second_translation_unit()
{
    return TYPQ_VERSION_MAJOR >= 0 ? 0 : 1;
}
