// SPDX-License-Identifier: BSL-1.0
// tests/consumer/main.cpp: compiles and links against typq::typq as a user's project does.

#include <typq/typq.hpp>

static_assert(TYPQ_VERSION_MAJOR >= 0);

int second_translation_unit();  // second.cpp: typq included header-only into two files of one program

int main()
{
    // A libpq function: the program must link libpq as well as compile typq's headers.
    return PQlibVersion() >= 150000 ? second_translation_unit() : 1;
}
