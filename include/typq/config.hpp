// SPDX-License-Identifier: BSL-1.0
// typq/config.hpp: compiler feature checks and the separate-compilation switch; includes nothing
// from typq.

#ifndef TYPQ_CONFIG_HPP
#define TYPQ_CONFIG_HPP

/// @file
/// Compiler checks (C++20, g++ 12 or clang 14 and later: older ones stop with an `#error`) and
/// the one switch a program may set. By default typq is header-only: its non-template functions
/// are inline. A program that defines `TYPQ_SEPARATE_COMPILATION` in every translation unit
/// compiles them once instead, in the one translation unit that also defines
/// `TYPQ_IMPLEMENTATION` before it includes `<typq/typq.hpp>` (as Boost.Asio's
/// `BOOST_ASIO_SEPARATE_COMPILATION`). The other macros here are typq's own.

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

// Where typq's non-template functions are compiled. By default typq is header-only: they are
// inline, and every translation unit that uses one compiles it. Defining TYPQ_SEPARATE_COMPILATION
// for the whole program declares them only; they are then compiled once, in the one translation
// unit that defines TYPQ_IMPLEMENTATION before it includes <typq/typq.hpp>. Templates stay in the
// headers either way. (The model is Boost.Asio's BOOST_ASIO_SEPARATE_COMPILATION.)
#if defined(TYPQ_SEPARATE_COMPILATION)
#define TYPQ_DECL
#if defined(TYPQ_IMPLEMENTATION)
#define TYPQ_DEFINITIONS 1
#else
#define TYPQ_DEFINITIONS 0
#endif
#else
#define TYPQ_DECL inline
#define TYPQ_DEFINITIONS 1
#endif

// For the few functions on the hot path of every row whose inlining decides the speed of a wide
// fetch, where g++ 12's heuristics are known to flip with unrelated changes elsewhere in the
// translation unit (measured with bench/callgrind.sh: a call per field cost 5% of a wide fetch).
#if defined(__GNUC__) || defined(__clang__)
#define TYPQ_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define TYPQ_ALWAYS_INLINE inline
#endif

#endif  // TYPQ_CONFIG_HPP
