#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# tests/support/consumer_check.sh MODE SOURCE_DIR BUILD_DIR CXX GENERATOR VERSION
#
# Builds and runs tests/consumer in a temporary directory, the way a user's project uses typq:
#   find_package      `cmake --install BUILD_DIR` into a temporary prefix, then find_package(typq)
#   add_subdirectory  add_subdirectory(SOURCE_DIR)
#   pkg_config        `cmake --install BUILD_DIR` into a temporary prefix, then the compiler alone
#                     with `pkg-config --cflags --libs typq` (PKG_CONFIG_PATH set to that prefix)

set -euo pipefail

if [[ $# -ne 6 ]]; then
    echo "usage: $0 find_package|add_subdirectory|pkg_config SOURCE_DIR BUILD_DIR CXX GENERATOR VERSION" >&2
    exit 2
fi
mode=$1 source_dir=$2 build_dir=$3 cxx=$4 generator=$5 version=$6

work=$(mktemp -d /tmp/typq-consumer.XXXXXX)
trap 'rm -rf -- "$work"' EXIT

if [[ $mode == pkg_config ]]; then
    cmake --install "$build_dir" --prefix "$work/prefix"
    # Only this prefix's typq.pc (libpq.pc still comes from the system's own directories).
    export PKG_CONFIG_PATH="$work/prefix/share/pkgconfig"
    found=$(pkg-config --modversion typq)
    if [[ $found != "$version" ]]; then
        echo "pkg-config says typq is '$found', expected $version" >&2
        exit 1
    fi
    flags=$(pkg-config --cflags --libs typq)
    echo "pkg-config --cflags --libs typq: $flags"
    if [[ $flags != *"$work/prefix/"* ]]; then
        echo "pkg-config's flags do not point into the install prefix $work/prefix" >&2
        exit 1
    fi
    # shellcheck disable=SC2086 # the flags are words
    "$cxx" -std=c++20 "$source_dir/tests/consumer/main.cpp" "$source_dir/tests/consumer/second.cpp" $flags -o "$work/consumer"
    "$work/consumer"
    echo "consumer ($mode): built and ran"
    exit 0
fi

args=(-S "$source_dir/tests/consumer" -B "$work/build" -G "$generator"
      -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug
      -DTYPQ_CONSUMER_MODE="$mode" -DTYPQ_EXPECTED_VERSION="$version")
case $mode in
    find_package)
        cmake --install "$build_dir" --prefix "$work/prefix"
        args+=(-DCMAKE_PREFIX_PATH="$work/prefix" -DTYPQ_EXPECTED_PREFIX="$work/prefix")
        ;;
    add_subdirectory)
        args+=(-DTYPQ_SOURCE_DIR="$source_dir")
        ;;
    *)
        echo "$0: unknown mode '$mode'" >&2
        exit 2
        ;;
esac

cmake "${args[@]}"
cmake --build "$work/build"
"$work/build/consumer"
echo "consumer ($mode): built and ran"
