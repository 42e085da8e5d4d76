// SPDX-License-Identifier: BSL-1.0
// typq/engine/bind.hpp: a statement's parameters, encoded once into one reusable byte buffer,
// with the arrays of OIDs, lengths and formats that libpq's PQsend* functions take.

#ifndef TYPQ_ENGINE_BIND_HPP
#define TYPQ_ENGINE_BIND_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/server_types.hpp>
#include <typq/type.hpp>
#include <typq/detail/type_name.hpp>

#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t
#include <string>       // the byte buffer, messages
#include <string_view>  // field names in messages
#include <vector>       // the per-parameter arrays

namespace typq::engine {

/// The largest message the server reads (PQ_LARGE_MESSAGE_LIMIT in its pqcomm.h: 1 GiB - 2,
/// length word included). A longer Bind or Parse message makes it drop the session, so typq
/// refuses such a statement before anything is sent.
inline constexpr std::size_t max_message_size = 0x3FFFFFFE;

/// The Bind protocol message counts parameters in an int16.
inline constexpr std::size_t max_parameters = 65535;

/// A statement's parameters, encoded: each value's bytes in one buffer (writer::put_bare), its
/// length in the array libpq reads lengths from, with the other arrays libpq reads. Reused from
/// statement to statement, so that a statement allocates nothing once the buffers have grown.
class bind_buffer {
public:
    /// Starts a statement of `count` parameters, each then set once, in order.
    void start(std::size_t count)
    {
        written_ = 0;  // the buffer keeps its length: room for the next values
        oids_.resize(count);
        lengths_.resize(count);
        formats_.resize(count);
        offsets_.resize(count);
        text_values_ = 0;
    }

    /// Encodes `value` as parameter `index` with its typq::type; `types` resolves types only the
    /// server knows, and `field` names the struct field a named statement took it from.
    /// @throws typq::conversion_error naming the parameter when the value cannot be encoded.
    template <class T>
    TYPQ_ALWAYS_INLINE void set(std::size_t index, const T& value, const server_types& types, std::string_view field = {})
    {
        const std::size_t start = written_;
        std::int32_t length = -1;
        try {
            oids_[index] = static_cast<Oid>(detail::param_oid_of<T>(types));
            writer out(bytes_, written_, &types);
            length = out.put_bare(value);
            // libpq reads a text-format parameter up to its NUL.
            if constexpr (detail::param_format_of<T>() == format::text) {
                if (length >= 0) {
                    out.put_be(char{0});
                    ++text_values_;
                }
            }
        }
        catch (const conversion_error& e) {
            throw_parameter_error(e, index, field, &detail::type_name<T>, type<T>::sql_type);
        }
        lengths_[index] = length;
        formats_[index] = static_cast<int>(detail::param_format_of<T>());
        offsets_[index] = start;
    }

    /// Sets parameter `index` to a NULL of type T: all that preparing a statement for T needs.
    template <class T>
    void set_null(std::size_t index, const server_types& types, std::string_view field = {})
    {
        try {
            oids_[index] = static_cast<Oid>(detail::param_oid_of<T>(types));
        }
        catch (const conversion_error& e) {
            throw_parameter_error(e, index, field, &detail::type_name<T>, type<T>::sql_type);
        }
        lengths_[index] = -1;
        formats_[index] = static_cast<int>(detail::param_format_of<T>());
        offsets_[index] = written_;
    }

    [[nodiscard]] int count() const noexcept { return static_cast<int>(oids_.size()); }
    [[nodiscard]] const Oid* types() const noexcept { return oids_.data(); }
    [[nodiscard]] const int* lengths() const noexcept { return lengths_.data(); }
    [[nodiscard]] const int* formats() const noexcept { return formats_.data(); }

    /// Each value's address in the buffer (null for NULL), once no value will be added.
    [[nodiscard]] const char* const* values()
    {
        values_.resize(offsets_.size());
        for (std::size_t i = 0; i < offsets_.size(); ++i)
            values_[i] = lengths_[i] < 0 ? nullptr : bytes_.data() + offsets_[i];
        return values_.data();
    }

    /// The size of the Bind message these parameters make for a statement name of
    /// `statement_name_size` bytes, as the server counts it: each value is its int4 length and
    /// its bytes (the buffer's, less the NULs after text values); one result format code.
    [[nodiscard]] std::size_t bind_message_size(std::size_t statement_name_size) const noexcept
    {
        return 4 + 1 + (statement_name_size + 1) + 2 + 2 * formats_.size() + 2 + 4 * lengths_.size()
            + (written_ - text_values_) + 2 + 2;
    }

    /// Keeps the buffers for the next statement, but not one-off huge ones.
    void trim() noexcept
    {
        if (bytes_.capacity() > (std::size_t{1} << 20)) {
            std::string().swap(bytes_);
            written_ = 0;
        }
    }

private:
    [[noreturn]] TYPQ_DECL static void throw_parameter_error(const conversion_error& e, std::size_t index,
        std::string_view field, std::string (*cpp_type)(), std::string_view sql_type);

    std::string bytes_;          // the values, then room for more
    std::size_t written_ = 0;    // the values' bytes
    std::vector<Oid> oids_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    std::vector<std::size_t> offsets_;
    std::vector<const char*> values_;
    std::size_t text_values_ = 0;  // NULs after text values, which the message does not carry
};

[[noreturn]] TYPQ_DECL void throw_message_too_large(const bind_buffer& params, std::size_t statement_size,
    std::size_t name_size);

/// Refuses, before anything is sent, a statement that the protocol cannot carry or the server
/// would drop the connection for: more than 65,535 parameters, or a Bind or Parse message of
/// 1 GiB or more.
/// @throws typq::usage_error saying which limit and by how much.
inline void check_message_sizes(const bind_buffer& params, std::size_t statement_size, std::size_t name_size)
{
    const auto count = static_cast<std::size_t>(params.count());
    if (count > max_parameters || params.bind_message_size(name_size) > max_message_size
        || 4 + (name_size + 1) + (statement_size + 1) + 2 + 4 * count > max_message_size) [[unlikely]]
        throw_message_too_large(params, statement_size, name_size);
}

#if TYPQ_DEFINITIONS

[[noreturn]] TYPQ_DECL void bind_buffer::throw_parameter_error(const conversion_error& e, std::size_t index,
    std::string_view field, std::string (*cpp_type)(), std::string_view sql_type)
{
    // "parameter $2 (std::string)" or "parameter $1 (field "email", std::string)".
    std::string where = "parameter $" + std::to_string(index + 1) + " (";
    if (!field.empty()) {
        where += "field \"";
        where += field;
        where += "\", ";
    }
    const std::string type = cpp_type();
    where += type + ")";
    // The adapter's SQL type when the error does not name one (a value too large to frame).
    throw conversion_error(where + ": " + e.what(),
        conversion_site{{}, e.sql_type().empty() ? std::string(sql_type) : e.sql_type(), std::string(field), type});
}

[[noreturn]] TYPQ_DECL void throw_message_too_large(const bind_buffer& params, std::size_t statement_size,
    std::size_t name_size)
{
    if (static_cast<std::size_t>(params.count()) > max_parameters)
        throw usage_error("the statement has " + std::to_string(params.count())
            + " parameters; PostgreSQL's protocol carries at most 65535: nothing was sent");
    if (const std::size_t bind = params.bind_message_size(name_size); bind > max_message_size)
        throw usage_error("the statement's parameters take " + std::to_string(bind)
            + " bytes in one message; PostgreSQL refuses a message of 1 GiB or more (and drops the connection): "
              "nothing was sent");
    throw usage_error("the statement's text takes " + std::to_string(statement_size + name_size)
        + " bytes in one message; PostgreSQL refuses a message of 1 GiB or more: nothing was sent");
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_BIND_HPP
