# SPDX-License-Identifier: BSL-1.0
# cmake/typq_schema.cmake: typq_schema_header(), the targets that keep a program's generated
# schema header (typq-schema's output; typq checks statements against it at compile time when
# TYPQ_SCHEMA_HEADER names it) in step with its code and its database.
#
#   typq_schema_header(<target> HEADER <path>
#                      [SOURCES_DIR <dir>...] [SOURCES <file>...]
#                      [SETUP <sql>...] [DSN <dsn>])
#
# adds two targets, neither part of the normal build:
#   <target>        scans the sources for checked statements (tools/typq-schema-scan.py) and
#                   writes the header at <path>;
#   <target>_check  scans again and fails when the header is not what the database says now
#                   (CI, against a database the migrations have just run on, or with SETUP).
# The scanner reads ${CMAKE_BINARY_DIR}/compile_commands.json, which must hold the translation
# units to scan: set CMAKE_EXPORT_COMPILE_COMMANDS ON before the program's targets are created
# (or the EXPORT_COMPILE_COMMANDS property of those targets); the scanner says so when it is missing.
# SOURCES_DIR scans the translation units under each directory and the headers there; SOURCES
# scans those files only (at least one of the two); both: the files, and the directories'.
# SETUP runs each SQL script first, in order, in a transaction typq-schema rolls back (a schema.sql
# kept with the code: an empty database is enough, and it is left as it was).
# Without DSN, typq-schema connects with $TYPQ_DSN, else libpq's PG* variables, when the target
# runs; a DSN given here is written into the build files.
# Relative paths are taken from the calling directory's source directory. The header's first line
# names <target> as the way to regenerate it, not the command, whose query list is in the build
# tree: the header is the same whoever generates it.
# A compile command's TYPQ_SCHEMA_HEADER and TYPQ_SCHEMA_STRICT definitions do not reach the
# scanner: a stale header must not keep the scan that replaces it from parsing the code.

# The scanner beside this file in typq's source tree, else (an installed typq) typq-schema-scan in
# the bin directory of the install; a cache entry, so that it can be pointed elsewhere.
get_filename_component(_typq_schema_scanner "${CMAKE_CURRENT_LIST_DIR}/../tools/typq-schema-scan.py" ABSOLUTE)
if(NOT EXISTS "${_typq_schema_scanner}")
    # <prefix>/share/cmake/typq/typq_schema.cmake -> <prefix>/bin/typq-schema-scan
    get_filename_component(_typq_schema_scanner "${CMAKE_CURRENT_LIST_DIR}/../../../bin/typq-schema-scan" ABSOLUTE)
endif()
set(TYPQ_SCHEMA_SCANNER "${_typq_schema_scanner}"
    CACHE FILEPATH "tools/typq-schema-scan.py, which typq_schema_header() targets run")

function(typq_schema_header target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "HEADER;DSN" "SOURCES_DIR;SOURCES;SETUP")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "typq_schema_header(${target}): unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT arg_HEADER OR (NOT arg_SOURCES_DIR AND NOT arg_SOURCES))
        message(FATAL_ERROR "typq_schema_header(${target}): HEADER <path> and SOURCES_DIR <dir>... or "
                            "SOURCES <file>... are required")
    endif()

    # The tool: built here (typq's TYPQ_BUILD_TOOLS; the target may be defined after this call,
    # as it is for typq's own examples), or installed.
    if(TARGET typq-schema OR TYPQ_BUILD_TOOLS)
        set(tool "$<TARGET_FILE:typq-schema>")
        set(tool_target typq-schema)
    else()
        find_program(TYPQ_SCHEMA_EXECUTABLE typq-schema)
        if(NOT TYPQ_SCHEMA_EXECUTABLE)
            message(FATAL_ERROR "typq_schema_header(${target}): typq-schema is neither a target nor on the PATH: "
                                "set TYPQ_BUILD_TOOLS ON before add_subdirectory() of typq (it is off in a "
                                "project that includes typq), or install typq-schema")
        endif()
        set(tool "${TYPQ_SCHEMA_EXECUTABLE}")
        set(tool_target "")
    endif()
    if(Python3_EXECUTABLE)
        set(python "${Python3_EXECUTABLE}")
    else()
        set(python python3)
    endif()

    # Paths under the top source directory are written relative to it (the commands run there).
    get_filename_component(header "${arg_HEADER}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    cmake_path(IS_PREFIX CMAKE_SOURCE_DIR "${header}" NORMALIZE under_source)
    if(under_source)
        file(RELATIVE_PATH header "${CMAKE_SOURCE_DIR}" "${header}")
    endif()
    set(queries "${CMAKE_CURRENT_BINARY_DIR}/${target}.queries")
    set(scan_args -p "${CMAKE_BINARY_DIR}" --root "${CMAKE_SOURCE_DIR}" -o "${queries}")
    foreach(dir IN LISTS arg_SOURCES_DIR)
        get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        list(APPEND scan_args --source-dir "${dir}")
    endforeach()
    foreach(file IN LISTS arg_SOURCES)
        get_filename_component(file "${file}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        list(APPEND scan_args --source "${file}")
    endforeach()
    set(describe_args "")
    if(DEFINED arg_DSN)
        list(APPEND describe_args --dsn "${arg_DSN}")
    endif()
    foreach(script IN LISTS arg_SETUP)
        get_filename_component(script "${script}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        list(APPEND describe_args --setup "${script}")
    endforeach()
    list(APPEND describe_args --queries "${queries}" --regenerate "cmake --build <build directory> --target ${target}")

    add_custom_target(${target}
        COMMAND "${python}" "${TYPQ_SCHEMA_SCANNER}" ${scan_args}
        COMMAND "${tool}" ${describe_args} --output "${header}"
        WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
        COMMENT "typq-schema: describing the statements of ${arg_SOURCES_DIR}${arg_SOURCES} into ${header}"
        VERBATIM)
    add_custom_target(${target}_check
        COMMAND "${python}" "${TYPQ_SCHEMA_SCANNER}" ${scan_args}
        COMMAND "${tool}" ${describe_args} --check "${header}"
        WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
        COMMENT "typq-schema: checking ${header} against the database"
        VERBATIM)
    if(tool_target)
        add_dependencies(${target} ${tool_target})
        add_dependencies(${target}_check ${tool_target})
    endif()
endfunction()
