// SPDX-License-Identifier: BSL-1.0
// typq/version.hpp: the library version; CMake reads it from here.

#ifndef TYPQ_VERSION_HPP
#define TYPQ_VERSION_HPP

/// @file
/// The library version, as three macros (CMakeLists.txt reads the project's version from them).

/// The major version.
#define TYPQ_VERSION_MAJOR 0
/// The minor version.
#define TYPQ_VERSION_MINOR 1
/// The patch version.
#define TYPQ_VERSION_PATCH 0

#endif  // TYPQ_VERSION_HPP
