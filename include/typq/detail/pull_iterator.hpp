// SPDX-License-Identifier: BSL-1.0
// typq/detail/pull_iterator.hpp: the iterator of every range whose values are read from the server
// as the iteration reaches them (a stream, a cursor, a COPY reader): an input iterator that asks
// its range for the current value, to move on, and whether it has ended.

#ifndef TYPQ_DETAIL_PULL_ITERATOR_HPP
#define TYPQ_DETAIL_PULL_ITERATOR_HPP

#include <cstddef>      // std::ptrdiff_t
#include <iterator>     // std::default_sentinel_t, std::input_iterator_tag
#include <memory>       // std::addressof
#include <type_traits>  // std::is_reference_v

namespace typq::detail {

/// An input iterator over `Range`, which has (accessible to this class) `current()` returning
/// `Reference`, `advance()`, and `exhausted()`. Ends at std::default_sentinel.
template <class Range, class Value, class Reference = const Value&>
class pull_iterator {
public:
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using reference = Reference;

    pull_iterator() = default;
    explicit pull_iterator(Range* range) noexcept : range_(range) {}

    [[nodiscard]] reference operator*() const noexcept { return range_->current(); }
    [[nodiscard]] const Value* operator->() const noexcept
        requires std::is_reference_v<Reference>
    {
        return std::addressof(range_->current());
    }
    /// Reads the next value. @throws what reading it throws (the statement's error, a
    ///         conversion_error for a value).
    pull_iterator& operator++()
    {
        range_->advance();
        return *this;
    }
    void operator++(int) { ++*this; }
    [[nodiscard]] friend bool operator==(const pull_iterator& it, std::default_sentinel_t) noexcept { return it.at_end(); }

private:
    // A member, so that the range's friendship with this class covers it.
    [[nodiscard]] bool at_end() const noexcept { return !range_ || range_->exhausted(); }

    Range* range_ = nullptr;
};

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_PULL_ITERATOR_HPP
