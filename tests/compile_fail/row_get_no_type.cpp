// expect: no_type_for<unsigned int>
// SPDX-License-Identifier: BSL-1.0
// typq::row::get<T> needs an adapter for T, as a struct's field does. Control: row_get_no_type_ok.cpp.

#include <typq/typq.hpp>

unsigned run(const typq::row& r)
{
    return r.get<unsigned>("n");
}
