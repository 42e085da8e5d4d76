// SPDX-License-Identifier: BSL-1.0
// typq/engine/statement_cache.hpp: statements a session has prepared on the server (each with
// the server's description of it and the column plans made from that), and the cache that
// prepares a statement once it has run often enough (psycopg's prepare_threshold), keeping the
// most recently used.

#ifndef TYPQ_ENGINE_STATEMENT_CACHE_HPP
#define TYPQ_ENGINE_STATEMENT_CACHE_HPP

#include <typq/config.hpp>
#include <typq/engine/pq_handle.hpp>

#include <libpq-fe.h>

#include <atomic>         // whether deallocations are pending
#include <cstddef>        // std::size_t
#include <cstring>        // std::memcmp
#include <exception>      // std::exception_ptr
#include <iterator>       // std::prev
#include <list>           // the recency order
#include <memory>         // std::shared_ptr, std::weak_ptr
#include <mutex>          // the deallocation queue may be fed from another thread
#include <optional>       // the threshold
#include <string>         // statement names and texts
#include <string_view>    // keys
#include <unordered_map>  // the index
#include <utility>        // std::pair, std::move
#include <vector>         // parameter types, plans, names

namespace typq::engine {

/// Names of prepared statements to deallocate on the server the next time the session is free to
/// (outside a transaction block). Fed by the destructor of a prepared_statement, which may run in
/// whichever thread drops the last result that kept it, hence the mutex.
class deallocation_queue {
public:
    void push(std::string name)
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        names_.push_back(std::move(name));
        pending_.store(true, std::memory_order_release);
    }
    /// Takes every queued name.
    [[nodiscard]] std::vector<std::string> take()
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        pending_.store(false, std::memory_order_relaxed);
        return std::move(names_);
    }
    /// Whether names are queued: one load, on every statement's way.
    [[nodiscard]] bool pending() const noexcept { return pending_.load(std::memory_order_acquire); }

private:
    std::mutex mutex_;
    std::vector<std::string> names_;
    std::atomic<bool> pending_{false};
};

/// One statement prepared on the server: what Parse was given, what Describe answered, and the
/// column plans made from that answer for each row type read from it (each plan's column names
/// point into `description`, so whoever keeps a plan keeps this object). When the last owner lets
/// go, the statement is queued for deallocation on its session, if the session still exists.
struct prepared_statement {
    prepared_statement(std::string statement_name, std::string statement_text, std::vector<Oid> parameter_types,
        std::weak_ptr<deallocation_queue> queue)
        : name(std::move(statement_name)), text(std::move(statement_text)), types(std::move(parameter_types)),
          deallocations(std::move(queue))
    {
    }
    prepared_statement(const prepared_statement&) = delete;
    prepared_statement& operator=(const prepared_statement&) = delete;
    ~prepared_statement()
    {
        if (!prepared)
            return;
        if (const auto queue = deallocations.lock()) {
            try {
                queue->push(std::move(name));
            }
            catch (...) {  // NOLINT(bugprone-empty-catch): out of memory; the server frees it at disconnect
            }
        }
    }

    /// The plan made for `key` (a row type and result format), or null.
    [[nodiscard]] const void* plan(const void* key) const noexcept
    {
        for (const auto& [k, p] : plans)
            if (k == key)
                return p.get();
        return nullptr;
    }

    std::string name;
    std::string text;
    std::vector<Oid> types;
    result_handle description;  // PQdescribePrepared's answer: the result columns
    std::vector<std::pair<const void*, std::shared_ptr<const void>>> plans;
    bool prepared = false;       // the server has it (Parse succeeded)
    std::size_t segment = 0;     // queued in a pipeline: the segment (between sync points) of its Parse
    std::exception_ptr parse_error;  // queued in a pipeline: why its Parse failed
    std::weak_ptr<deallocation_queue> deallocations;
};

/// What identifies a statement in the cache: its text and its parameters' types (the same text
/// with other types is another statement to the server).
/// `text_hash` is the hash of the statement as written (basic_sql::hash(), computed when it was
/// checked), which equal keys share by definition: a named statement is keyed by its rewritten
/// text but hashed by its original one.
struct statement_key {
    std::string_view text;
    std::size_t text_hash = 0;
    const Oid* types = nullptr;
    std::size_t count = 0;

    friend bool operator==(const statement_key& a, const statement_key& b) noexcept
    {
        return a.text_hash == b.text_hash && a.count == b.count && a.text == b.text
            && (a.count == 0 || std::memcmp(a.types, b.types, a.count * sizeof(Oid)) == 0);
    }
};

struct statement_key_hash {
    std::size_t operator()(const statement_key& key) const noexcept
    {
        std::size_t hash = key.text_hash;
        for (std::size_t i = 0; i < key.count; ++i)
            hash = hash * 31 + key.types[i];
        return hash;
    }
};

/// A least-recently-used map from statement_key to V, holding at most `capacity` entries. Keys
/// point into the entries' own copies of the text and types.
template <class V>
class statement_lru {
public:
    struct entry {
        std::string text;
        std::size_t text_hash;
        std::vector<Oid> types;
        V value;
        const char* source = nullptr;  // the string literal last found to name it, if any
        [[nodiscard]] statement_key key() const noexcept { return {text, text_hash, types.data(), types.size()}; }
    };

    /// The entry for `key`, made the most recent; null when absent.
    [[nodiscard]] entry* find(const statement_key& key)
    {
        const auto found = index_.find(key);
        if (found == index_.end())
            return nullptr;
        if (found->second != order_.begin())
            order_.splice(order_.begin(), order_, found->second);
        return &*found->second;
    }

    /// The most recent entry, or null.
    [[nodiscard]] entry* front() noexcept { return order_.empty() ? nullptr : &order_.front(); }

    /// Adds `key` with `value` as the most recent entry (it must be absent), evicting the least
    /// recent beyond `capacity`.
    entry& insert(const statement_key& key, V value, std::size_t capacity)
    {
        order_.push_front(
            entry{std::string(key.text), key.text_hash, std::vector<Oid>(key.types, key.types + key.count), std::move(value)});
        index_.emplace(order_.front().key(), order_.begin());
        while (order_.size() > capacity && order_.size() > 1)
            erase(std::prev(order_.end()));
        return order_.front();
    }

    void erase(const statement_key& key)
    {
        if (const auto found = index_.find(key); found != index_.end())
            erase(found->second);
    }

    void clear() noexcept
    {
        index_.clear();
        order_.clear();
    }

    [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }

    template <class F>
    void for_each(F f)
    {
        for (entry& e : order_)
            f(e.value);
    }

private:
    using iterator = typename std::list<entry>::iterator;
    void erase(iterator at)
    {
        index_.erase(at->key());
        order_.erase(at);
    }

    std::list<entry> order_;  // most recent first
    std::unordered_map<statement_key, iterator, statement_key_hash> index_;
};

/// The automatic preparation of a session's statements: how often each statement text has run,
/// and the statements prepared once that reached the threshold.
class statement_cache {
public:
    /// The prepared statement for `key`, or null (then count() says whether to prepare it).
    /// `source` is the string literal the statement was written as, or null: a statement run
    /// again from the same literal, with the same parameter types, is found without hashing or
    /// comparing its text (a literal's text never changes).
    [[nodiscard]] const std::shared_ptr<prepared_statement>* find(const statement_key& key, const char* source)
    {
        if (auto* last = prepared_.front(); source && last && last->source == source
            && last->types.size() == key.count
            && (key.count == 0 || std::memcmp(last->types.data(), key.types, key.count * sizeof(Oid)) == 0))
            return &last->value;
        auto* entry = prepared_.find(key);
        if (!entry)
            return nullptr;
        entry->source = source;
        return &entry->value;
    }

    /// Counts one more run of `key`; true when it should be prepared now.
    bool count(const statement_key& key, const std::optional<std::size_t>& threshold, std::size_t capacity)
    {
        if (!threshold || capacity == 0)
            return false;
        if (*threshold == 0)
            return true;
        auto* entry = counts_.find(key);
        if (!entry) {
            counts_.insert(key, 1, capacity);
            return false;
        }
        if (entry->value < *threshold) {
            ++entry->value;
            return false;
        }
        counts_.erase(key);
        return true;
    }

    /// Keeps `statement`, now prepared, under `key`.
    void add(const statement_key& key, std::shared_ptr<prepared_statement> statement, std::size_t capacity)
    {
        prepared_.insert(key, std::move(statement), capacity);
    }

    /// Forgets `key`'s statement (it was invalidated); it is deallocated when no result keeps it.
    void forget(const statement_key& key) { prepared_.erase(key); }

    /// Forgets every statement; they are deallocated when no result keeps them.
    void clear() noexcept
    {
        prepared_.clear();
        counts_.clear();
    }

    /// Forgets every statement, which the server has already dropped (DISCARD ALL, DEALLOCATE
    /// ALL): none is deallocated, and the program's typq::prepared statements are prepared again.
    void clear_discarded() noexcept
    {
        prepared_.for_each([](std::shared_ptr<prepared_statement>& statement) { statement->prepared = false; });
        clear();
        ++generation_;
    }

    /// How many times the server dropped every prepared statement: a typq::prepared made before
    /// the last time is prepared again before it runs.
    [[nodiscard]] std::size_t generation() const noexcept { return generation_; }

    [[nodiscard]] std::size_t size() const noexcept { return prepared_.size(); }

private:
    statement_lru<std::shared_ptr<prepared_statement>> prepared_;
    statement_lru<std::size_t> counts_;
    std::size_t generation_ = 0;
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_STATEMENT_CACHE_HPP
