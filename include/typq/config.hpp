// SPDX-License-Identifier: BSL-1.0
// typq/config.hpp: compiler feature checks; includes nothing from typq.

#ifndef TYPQ_CONFIG_HPP
#define TYPQ_CONFIG_HPP

#if !defined(__cplusplus) || __cplusplus < 202002L
#error "typq needs C++20 (-std=c++20)"
#endif

#if defined(__clang__)
#if __clang_major__ < 14
#error "typq needs clang 14 or newer"
#endif
#elif defined(__GNUC__)
#if __GNUC__ < 12
#error "typq needs g++ 12 or newer"
#endif
#endif

#endif  // TYPQ_CONFIG_HPP
