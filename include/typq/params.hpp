// SPDX-License-Identifier: BSL-1.0
// typq/params.hpp: typq::params, a list of parameter values whose number is known only at run
// time (a filter built from a form, an IN-list), bound through the same encoders as a variadic
// argument list.

#ifndef TYPQ_PARAMS_HPP
#define TYPQ_PARAMS_HPP

#include <typq/server_types.hpp>
#include <typq/sql.hpp>
#include <typq/type.hpp>
#include <typq/engine/bind.hpp>

#include <cstddef>      // std::size_t, std::byte
#include <memory>       // std::unique_ptr: each value
#include <optional>     // std::nullopt_t
#include <span>         // byte views, stored as vectors
#include <string>       // strings and views of them, stored as std::string
#include <string_view>  // stored as std::string
#include <type_traits>  // std::decay_t
#include <utility>      // std::move, std::forward
#include <vector>       // the values

namespace typq {

class params;

namespace detail {

// What a params keeps of a value of type T: its own copy, so that nothing it was given can
// dangle. Views and pointers to text become std::string, views of bytes std::vector<std::byte>.
template <class T>
struct param_storage {
    using type = T;
};
template <>
struct param_storage<const char*> {
    using type = std::string;
};
template <>
struct param_storage<char*> {
    using type = std::string;
};
template <>
struct param_storage<std::string_view> {
    using type = std::string;
};
template <>
struct param_storage<std::span<const std::byte>> {
    using type = std::vector<std::byte>;
};
template <>
struct param_storage<std::span<std::byte>> {
    using type = std::vector<std::byte>;
};
template <class T>
using param_storage_t = typename param_storage<std::decay_t<T>>::type;  // decay: char[N] is const char*

}  // namespace detail

/// Parameter values collected at run time, for a statement whose number of placeholders is known
/// only then: pass one as the only argument, `conn.query<T>(typq::runtime(text), ps)` (or with a
/// typq::format_sql fragment, or a literal), and its values bind `$1..$N` in order. The statement
/// is checked when it runs: its placeholders must be exactly `$1..$size()`, by the same rules as
/// runtime SQL (typq::usage_error otherwise), and more than 65,535 values (the protocol's limit)
/// are refused before anything is sent.
///
/// Any type that can be a parameter can be added, NULLs included (`std::nullopt`, an empty
/// `std::optional`); each value is encoded as it would be as an argument of its own. A params
/// owns copies of its values: strings and byte views are copied into `std::string` and
/// `std::vector<std::byte>`. Copyable and movable.
///
/// @par Example
/// ```
/// typq::params ps;
/// std::string in;
/// for (std::int64_t id : ids) {
///     ps.push_back(id);
///     in += (in.empty() ? "$" : ", $") + std::to_string(ps.size());
/// }
/// auto rows = conn.query<user>(typq::runtime("SELECT * FROM users WHERE id IN (" + in + ")"), ps);
/// ```
class params {
public:
    /// No values.
    params() = default;

    /// A list of `values`, in order.
    template <class... T>
        requires(sizeof...(T) > 0 && (!std::is_same_v<std::remove_cvref_t<T>, params> && ...))
    explicit params(T&&... values)
    {
        values_.reserve(sizeof...(T));
        (push_back(std::forward<T>(values)), ...);
    }

    /// A copy of every value of `other`.
    params(const params& other) : needs_types_(other.needs_types_)
    {
        values_.reserve(other.values_.size());
        for (const auto& value : other.values_)
            values_.push_back(value->clone());
    }
    /// Replaces the values with copies of `other`'s.
    params& operator=(const params& other)
    {
        if (this != &other)
            *this = params(other);
        return *this;
    }
    /// Takes `other`'s values, leaving it valid but unspecified (clear() it to reuse it).
    params(params&&) noexcept = default;
    /// Takes `other`'s values, as the move constructor does.
    params& operator=(params&&) noexcept = default;
    ~params() = default;

    /// Appends `value` as the next parameter (`$size()` once added).
    template <class T>
    void push_back(T&& value)
    {
        using stored = detail::param_storage_t<T>;
        static_assert(!std::is_same_v<stored, params>, "typq: a typq::params cannot hold another typq::params");
        static_assert(detail::require_encodable<stored>());
        values_.push_back(std::make_unique<holder<stored>>(store(std::forward<T>(value))));
        needs_types_ = needs_types_ || looked_up<stored>;
    }

    /// The number of values: the statement's placeholders must be `$1..$size()`.
    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
    /// True when there are no values.
    [[nodiscard]] bool empty() const noexcept { return values_.empty(); }
    /// Makes room for `count` values (as std::vector::reserve).
    void reserve(std::size_t count) { values_.reserve(count); }
    /// Removes every value.
    void clear() noexcept
    {
        values_.clear();
        needs_types_ = false;
    }

    /// Encodes every value into `out`, in order (engine code: see engine::bind_arguments).
    /// @throws typq::conversion_error naming the parameter ($N) that cannot be encoded.
    void bind(engine::bind_buffer& out, const server_types& types) const
    {
        out.start(values_.size());
        for (std::size_t i = 0; i < values_.size(); ++i)
            values_[i]->set(out, i, types);
    }

    /// Whether a value's type is one only the server knows (an enum, a composite...), whose OID
    /// binding looks up.
    [[nodiscard]] bool needs_types() const noexcept { return needs_types_; }

private:
    // The copy a params keeps of `v` (see detail::param_storage).
    template <class T>
    static detail::param_storage_t<T> store(T&& v)
    {
        using given = std::remove_cvref_t<T>;
        if constexpr (std::is_array_v<given>) {
            // A character array as its adapter sends it: up to its unused end of NULs (a NUL
            // before other text stays, and is refused when the statement is bound).
            std::string text(v, std::extent_v<given>);
            text.erase(text.find_last_not_of('\0') + 1);
            return text;
        }
        else if constexpr (std::is_pointer_v<given>) {
            if (!v)
                throw conversion_error("null const char* (use std::nullopt to send NULL)",
                    conversion_site{{}, "text", {}, {}});
            return std::string(v);
        }
        else if constexpr (std::is_same_v<detail::param_storage_t<T>, given>)
            return std::forward<T>(v);
        else if constexpr (std::is_same_v<given, std::string_view>)
            return std::string(v);
        else
            return std::vector<std::byte>(v.begin(), v.end());
    }

    struct entry {
        entry() = default;
        entry(const entry&) = delete;
        entry& operator=(const entry&) = delete;
        virtual ~entry() = default;
        virtual void set(engine::bind_buffer& out, std::size_t index, const server_types& types) const = 0;
        [[nodiscard]] virtual std::unique_ptr<entry> clone() const = 0;
    };
    template <class T>
    struct holder final : entry {
        explicit holder(T v) : stored(std::move(v)) {}
        void set(engine::bind_buffer& out, std::size_t index, const server_types& types) const override
        {
            out.set(index, stored, types);
        }
        [[nodiscard]] std::unique_ptr<entry> clone() const override { return std::make_unique<holder>(stored); }
        T stored;
    };

    std::vector<std::unique_ptr<entry>> values_;
    bool needs_types_ = false;
};

}  // namespace typq

#endif  // TYPQ_PARAMS_HPP
