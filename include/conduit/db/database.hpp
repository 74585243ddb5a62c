// conduit::db::Database: asynchronous access to PostgreSQL (libpq) or SQLite.
//
//   // In ApplicationChannel::prepare(), on the channel's own event loop:
//   db_ = db::Database::open(config.database);
//   // In a handler:
//   db::Result r = co_await db_->execute("SELECT name FROM heroes WHERE id = $1", id);
//   auto outcome = co_await db_->transaction([&](db::Transaction& tx) -> Task<void> {
//     co_await tx.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2",
//                         amount, from);
//     if (...) throw db::Rollback("insufficient funds");
//     co_await tx.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2",
//                         amount, to);
//   });
//
// Placeholders are always $1..$n, for both backends. Nothing here blocks a loop thread:
//
// PostgreSQL: a pool per Database, hence per event loop, of at most max_connections libpq
// connections (by default this loop's share of maxConnectionCount, the process's total) driven
// non-blocking on the loop's io_context. Connections open on first use; statements share them
// through libpq's pipeline mode (pipeline_depth), and a statement or transaction waits at most
// acquire_timeout for a connection (then 503); a broken connection (server restart, network drop,
// timeout) is discarded and the next query opens a new one. A failed connection attempt marks the
// database down: requests fail at once with 503 while one probe at a time retries with exponential
// backoff (DatabaseOptions::reconnect_backoff), instead of every request trying to connect.
// Statements are prepared once per connection and cached by SQL text and parameter types. A query
// that outlives its timeout is cancelled (PQcancel on a helper thread), its connection is dropped,
// and the caller gets a 503.
//
// SQLite: each database file (and the one shared ":memory:" database of the process)
// has one connection on its own worker thread; every Database opened on it submits its
// statements there and is resumed on its own loop. A transaction holds that connection
// exclusively; other statements wait for it at most acquire_timeout. Foreign keys are
// on, files use WAL.
//
// A Database belongs to the event loop that opened it (Database::open must run on a
// conduit event loop, e.g. in prepare(); it throws std::logic_error elsewhere) and must
// be used and destroyed on that loop, before the loop's io_context is destroyed.
// Errors are DatabaseError (database_error.hpp), which map to HTTP responses.
//
// Thread-safety: see above; a Database and its transactions are single-loop objects.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/config/database_configuration.hpp"
#include "conduit/core/task.hpp"
#include "conduit/db/database_error.hpp"
#include "conduit/db/dialect.hpp"
#include "conduit/db/result.hpp"
#include "conduit/db/value.hpp"

namespace conduit::db {

struct DatabaseOptions {
  // Connections of this Database (its event loop's pool). 0 (the default) takes this
  // loop's share of the configuration's maxConnectionCount, which is the PROCESS total:
  // with L event loops, loop i gets pool_share(maxConnectionCount, i, L) = the total / L,
  // one more for the first total % L loops, at least 1. So the server sees at most
  // max(maxConnectionCount, L) connections per process, and
  //   max(maxConnectionCount, loops) x processes per dyno x dynos <= the plan's limit
  // (Heroku's essential-0 plan: 20; maxConnectionCount 10 and 2 dynos of one process).
  // Without maxConnectionCount each loop's pool has 2. A value set here is this
  // Database's own count, not split.
  // Split rather than one pool shared by the loops, measured (bench/pool_bench.sh,
  // bench/README.md "Split or shared pool"): statements are pipelined, so a loop's share of
  // 1 or 2 connections serves single-row queries as fast as the whole total would, while a
  // shared pool would add a hop to the owning loop and back per statement, which cost half
  // to three times a whole /db request's CPU there. A transaction holds a connection to
  // itself: when requests use them, give each loop a share of at least 2
  // (maxConnectionCount >= 2 x loops).
  std::size_t max_connections = 0;
  // Per statement, unless execute() is given its own.
  std::chrono::milliseconds query_timeout{30'000};
  // Opening a connection, including DNS and TLS (PostgreSQL).
  std::chrono::milliseconds connect_timeout{10'000};
  // Waiting for a free connection before failing with 503 pool_exhausted.
  std::chrono::milliseconds acquire_timeout{5'000};
  // Prepared statements kept per connection; further statements run unprepared. A
  // configuration with pgbouncer=true (behind a transaction pooler) keeps none.
  std::size_t statement_cache_size = 256;
  // PostgreSQL: statements outside transactions share connections through libpq's
  // pipeline mode. Each statement keeps its own implicit transaction (a Sync after each),
  // so pipelining never joins two callers' work. A statement joins the busiest connection
  // that has fewer than pipeline_depth in flight and whose oldest statement has run for
  // less than pipeline_stall: packed statements leave in one TCP segment per loop turn
  // and their results come back in one read, which is most of the speed. A slow
  // statement stalls its connection, and the next ones go elsewhere (a new connection up
  // to max_connections, else the least busy). Only when every connection is full do
  // statements wait (acquire_timeout). pipeline_depth 1 runs one statement per
  // connection at a time; pipeline_stall 0 opens every connection before queueing
  // behind any statement. Transactions always have a connection to themselves. SQLite
  // ignores both.
  std::size_t pipeline_depth = 16;
  std::chrono::milliseconds pipeline_stall{20};
  // PostgreSQL: after a connection attempt fails, the pool counts the database as down.
  // Until the next attempt is due, statements and transactions that need a new connection
  // fail at once with 503 (no attempt of their own); then one attempt (never more at a
  // time) probes the server. The delay starts at reconnect_backoff, doubles after every
  // failed probe up to reconnect_backoff_max, and is drawn between half and all of that
  // (jitter, so that the loops and dynos of an application do not probe in step). The
  // outage and the recovery are logged once each. SQLite ignores both.
  std::chrono::milliseconds reconnect_backoff{50};
  std::chrono::milliseconds reconnect_backoff_max{5'000};
};

// Loop `loop_index`'s share of a process-wide connection count split across `loop_count`
// loops (see DatabaseOptions::max_connections): the shares add up to `total`, each >= 1.
std::size_t pool_share(std::size_t total, int loop_index, int loop_count) noexcept;

struct PoolStats {
  std::size_t open = 0;     // connections open or opening
  std::size_t idle = 0;     // of which idle in the pool
  std::size_t waiting = 0;  // queries waiting for a connection
  // PostgreSQL: connection attempts since the Database was opened, and of those the
  // failed ones; `down` while the last attempt failed (see reconnect_backoff).
  std::uint64_t connect_attempts = 0;
  std::uint64_t connect_failures = 0;
  bool down = false;
};

// What statements run on: a Database (each statement on any pooled connection) or a
// Transaction (every statement on the transaction's connection).
class Executor {
 public:
  virtual ~Executor() = default;
  Executor() = default;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs one statement with parameters $1..$n.
  Task<Result> execute(std::string_view sql, std::vector<Value> params = {});
  // The same with its own timeout instead of DatabaseOptions::query_timeout.
  Task<Result> execute(std::string_view sql, std::vector<Value> params,
                       std::chrono::milliseconds timeout);
  // The parameters as arguments: co_await db->execute("... WHERE id = $1", id).
  // Prefer this form inside coroutines: GCC 12 rejects a braced list such as
  // execute(sql, {a, b}) inside a co_await expression ("array used as initializer").
  template <class... Args>
  requires(sizeof...(Args) > 0 &&
           (std::constructible_from<Value, Args> && ...)) Task<Result> execute(std::string_view sql,
                                                                               Args&&... args) {
    std::vector<Value> params;
    params.reserve(sizeof...(Args));
    (params.emplace_back(std::forward<Args>(args)), ...);
    return execute(sql, std::move(params));
  }
  // Runs several ;-separated statements without parameters (schema scripts, migrations).
  Task<void> execute_script(std::string_view sql,
                            std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  virtual Dialect dialect() const noexcept = 0;

 protected:
  virtual std::chrono::milliseconds default_timeout() const noexcept = 0;
  virtual Task<Result> run(std::string sql, std::vector<Value> params,
                           std::chrono::milliseconds timeout) = 0;
  virtual Task<void> run_script(std::string sql, std::chrono::milliseconds timeout) = 0;
};

// The executor handed to a transaction body. Only valid inside the body; using it
// afterwards throws std::logic_error. Transactions do not nest: there is no
// Transaction::transaction, and a BEGIN issued by hand inside one is the server's error.
class Transaction : public Executor {
 protected:
  friend class Database;
  virtual Task<void> commit() = 0;
  virtual Task<void> rollback() = 0;
};

// Throw from a transaction body to roll back on purpose: transaction() then completes
// normally with committed == false and this reason (Conduit's `throw Rollback(reason)`).
class Rollback : public std::exception {
 public:
  explicit Rollback(std::string reason) : reason_(std::move(reason)) {}
  const std::string& reason() const noexcept { return reason_; }
  const char* what() const noexcept override { return reason_.c_str(); }

 private:
  std::string reason_;
};

struct TransactionOutcome {
  bool committed = false;
  std::string rollback_reason;  // set when a Rollback ended the transaction
  explicit operator bool() const noexcept { return committed; }
};

class Database : public Executor, public std::enable_shared_from_this<Database> {
 public:
  // Opens (lazily: no connection is made yet) the database described by `config`.
  // Must run on a conduit event loop. Throws ConfigError for a bad configuration.
  static std::shared_ptr<Database> open(const DatabaseConfiguration& config,
                                        DatabaseOptions options = {});

  // BEGIN on one connection, runs `body`, COMMIT when it returns. An exception from the
  // body rolls back and is rethrown; a Rollback rolls back and is reported in the outcome.
  // A failing COMMIT throws. Statements must go through the Transaction, not the Database
  // (which would take another connection and, with a pool of one, wait for this one).
  Task<TransactionOutcome> transaction(std::function<Task<void>(Transaction&)> body);

  // Closes idle connections and fails waiting and later statements with 503 `closed`.
  // PostgreSQL: what still runs is cancelled (shutdown must not wait on a stuck query):
  // statements in flight get a cancel request to the server and fail now with 503
  // `closed`; a transaction's running statement fails the same way when it resumes.
  // SQLite: connections in use close when their statement or transaction ends.
  virtual Task<void> close() = 0;

  virtual PoolStats stats() const = 0;
  // The database URL with the password replaced by ***, for logs.
  virtual const std::string& redacted_url() const noexcept = 0;

 protected:
  virtual Task<std::unique_ptr<Transaction>> begin() = 0;
};

std::string_view to_string(Dialect dialect) noexcept;

}  // namespace conduit::db
