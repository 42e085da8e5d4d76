# SPDX-License-Identifier: BSL-1.0
# cmake/typq_schema.cmake: typq_schema_header(), the targets that keep a program's generated
# schema header (typq-schema's output; typq checks statements against it at compile time when
# TYPQ_SCHEMA_HEADER names it) in step with its code and its database.
#
#   typq_schema_header(<target> HEADER <path> SOURCES_DIR <dir>... [DSN <dsn>])
#
# adds two targets, neither part of the normal build:
#   <target>        scans the sources for checked statements (tools/typq-schema-scan.py, which
#                   reads ${CMAKE_BINARY_DIR}/compile_commands.json: set CMAKE_EXPORT_COMPILE_COMMANDS
#                   ON before the program's targets are created) and writes the header at <path>;
#   <target>_check  scans again and fails when the header is not what the database says now
#                   (CI, against a database the migrations have just run on).
# Without DSN, typq-schema connects with $TYPQ_DSN, else libpq's PG* variables, when the target
# runs; a DSN given here is written into the build files.
# Relative paths are taken from the calling directory's source directory.

# The scanner beside this file in typq's source tree; a cache entry, so that an install can point elsewhere.
get_filename_component(_typq_schema_scanner "${CMAKE_CURRENT_LIST_DIR}/../tools/typq-schema-scan.py" ABSOLUTE)
set(TYPQ_SCHEMA_SCANNER "${_typq_schema_scanner}"
    CACHE FILEPATH "tools/typq-schema-scan.py, which typq_schema_header() targets run")

function(typq_schema_header target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "HEADER;DSN" "SOURCES_DIR")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "typq_schema_header(${target}): unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT arg_HEADER OR NOT arg_SOURCES_DIR)
        message(FATAL_ERROR "typq_schema_header(${target}): HEADER <path> and SOURCES_DIR <dir>... are required")
    endif()
    if(NOT CMAKE_EXPORT_COMPILE_COMMANDS)
        message(WARNING "typq_schema_header(${target}): the scanner reads ${CMAKE_BINARY_DIR}/compile_commands.json; "
                        "set CMAKE_EXPORT_COMPILE_COMMANDS ON before the targets it should scan are created")
    endif()

    # The tool: built here, or installed.
    if(TARGET typq-schema)
        set(tool "$<TARGET_FILE:typq-schema>")
    else()
        find_program(TYPQ_SCHEMA_EXECUTABLE typq-schema)
        if(NOT TYPQ_SCHEMA_EXECUTABLE)
            message(FATAL_ERROR "typq_schema_header(${target}): typq-schema is neither a target nor on the PATH: "
                                "set TYPQ_BUILD_TOOLS ON before add_subdirectory() of typq (it is off in a "
                                "project that includes typq), or install typq-schema")
        endif()
        set(tool "${TYPQ_SCHEMA_EXECUTABLE}")
    endif()
    if(Python3_EXECUTABLE)
        set(python "${Python3_EXECUTABLE}")
    else()
        set(python python3)
    endif()

    # Paths under the top source directory are written relative to it (the commands run there),
    # so that the command line in the header's first comment reads the same on every machine.
    set(queries "${CMAKE_CURRENT_BINARY_DIR}/${target}.queries")
    get_filename_component(header "${arg_HEADER}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    foreach(name IN ITEMS queries header)
        cmake_path(IS_PREFIX CMAKE_SOURCE_DIR "${${name}}" NORMALIZE under_source)
        if(under_source)
            file(RELATIVE_PATH ${name} "${CMAKE_SOURCE_DIR}" "${${name}}")
        endif()
    endforeach()
    set(scan_args -p "${CMAKE_BINARY_DIR}" --root "${CMAKE_SOURCE_DIR}" -o "${queries}")
    foreach(dir IN LISTS arg_SOURCES_DIR)
        get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        list(APPEND scan_args --source-dir "${dir}")
    endforeach()
    set(dsn_args "")
    if(DEFINED arg_DSN)
        set(dsn_args --dsn "${arg_DSN}")
    endif()

    add_custom_target(${target}
        COMMAND "${python}" "${TYPQ_SCHEMA_SCANNER}" ${scan_args}
        COMMAND "${tool}" ${dsn_args} --queries "${queries}" --output "${header}"
        WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
        COMMENT "typq-schema: describing the statements of ${arg_SOURCES_DIR} into ${header}"
        VERBATIM)
    add_custom_target(${target}_check
        COMMAND "${python}" "${TYPQ_SCHEMA_SCANNER}" ${scan_args}
        COMMAND "${tool}" ${dsn_args} --queries "${queries}" --check "${header}"
        WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
        COMMENT "typq-schema: checking ${header} against the database"
        VERBATIM)
    if(TARGET typq-schema)
        add_dependencies(${target} typq-schema)
        add_dependencies(${target}_check typq-schema)
    endif()
endfunction()
