// SPDX-License-Identifier: BSL-1.0
// typq/version.hpp: the library version; CMake reads it from here.

#ifndef TYPQ_VERSION_HPP
#define TYPQ_VERSION_HPP

#define TYPQ_VERSION_MAJOR 0
#define TYPQ_VERSION_MINOR 1
#define TYPQ_VERSION_PATCH 0

#endif  // TYPQ_VERSION_HPP
