// SPDX-License-Identifier: BSL-1.0
// The one translation unit that compiles typq's non-template code when the program is built
// with TYPQ_SEPARATE_COMPILATION (see typq/config.hpp): it defines TYPQ_IMPLEMENTATION first.

#define TYPQ_IMPLEMENTATION
#include <typq/typq.hpp>
