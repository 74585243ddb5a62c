// The PostgreSQL connection pool of one Database (one event loop): at most `max`
// connections, opened on demand.
//
// Connections not leased out are shared: in libpq's pipeline mode (pg_pipeline.cpp),
// each taking up to `pipeline_depth` statements at once from execute(). A statement goes
// to the busiest connection below the depth whose oldest statement has not been running
// for `pipeline_stall` or longer (packing statements makes batches: one segment sent and
// one wake-up for many results), else to a new connection while fewer than `max` are
// open, else to the least busy connection below the depth, else it waits (bounded,
// FIFO). A transaction leases a connection exclusively (acquire()): an idle shared one,
// a new one, or, when every connection is busy, the least busy one, which then takes no
// new statements until it drains (so a stream of statements cannot starve transactions).
//
// A Lease returns its connection on every path (scope exit, exception, destruction of an
// abandoned coroutine); a connection that is broken, mid-statement or inside a
// transaction is closed instead of reused, and its slot goes to the next waiter, which
// then opens a fresh connection. Waiters are always resumed through Asio (their timer),
// never inside release(), so releasing from a destructor cannot re-enter the caller.
//
// Thread-safety: single loop; no locks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "db/postgres/pg_connection.hpp"

namespace conduit::db::pg {

class Pool;

class Lease {
 public:
  Lease() = default;
  Lease(Pool* pool, std::shared_ptr<Connection> connection) noexcept
      : pool_(pool), connection_(std::move(connection)) {}
  Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) {}
  Lease& operator=(Lease&& other) noexcept;
  ~Lease() { reset(); }

  Connection* operator->() const noexcept { return connection_.get(); }
  Connection& operator*() const noexcept { return *connection_; }
  explicit operator bool() const noexcept { return static_cast<bool>(connection_); }
  // Returns the connection to the pool now.
  void reset() noexcept;

 private:
  Pool* pool_ = nullptr;
  std::shared_ptr<Connection> connection_;
};

class Pool {
 public:
  Pool(boost::asio::io_context& io, std::shared_ptr<const ConnectionSettings> settings,
       std::size_t max_connections, std::size_t pipeline_depth,
       std::chrono::milliseconds pipeline_stall, std::chrono::milliseconds acquire_timeout,
       std::chrono::milliseconds reconnect_backoff, std::chrono::milliseconds reconnect_backoff_max,
       std::string redacted_url);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection for exclusive use, opened if needed. Throws UnavailableError:
  // connection_failed or timeout (opening), pool_exhausted (no free connection in time),
  // closed.
  Task<Lease> acquire();
  // One statement on a shared connection; the same errors, plus the statement's own.
  Task<Result> execute(const std::string& sql, const std::vector<Value>& params,
                       std::chrono::milliseconds timeout);
  // Refuses new work (503 closed), closes idle connections, and cancels what still runs:
  // statements in flight fail now with 503 closed (and a cancel request stops them on the
  // server), a transaction's running statement when it resumes. Shutdown relies on it:
  // a stuck query must not hold the process past its grace period.
  void close() noexcept;
  PoolStats stats() const noexcept;

 private:
  friend class Lease;
  struct Waiter;
  struct WaitAwaiter;
  class SlotGuard;

  void release(std::shared_ptr<Connection> connection) noexcept;
  // Hands a connection to a transaction (or script), remembered in leased_.
  Lease lease(std::shared_ptr<Connection> connection);
  // A connection went away: one slot fewer open, which a waiter may take.
  void free_slot() noexcept;
  // Serves the waiters, first come first served, while connections allow.
  void dispatch() noexcept;
  // An idle shared connection (in_flight() == 0), or else one below the depth when no
  // connection can be opened; null when the caller should open one or wait.
  std::shared_ptr<Connection> pick_shared() const noexcept;
  // An idle shared connection taken out of sharing and checked, or null.
  std::shared_ptr<Connection> take_idle();
  // Puts a connection into shared use; false (and closed, slot freed) if it cannot be.
  bool share(const std::shared_ptr<Connection>& connection) noexcept;
  void on_connection_change(Connection* connection) noexcept;
  bool remove_shared(Connection* connection) noexcept;
  void remove_waiter(const std::shared_ptr<Waiter>& waiter) noexcept;
  std::shared_ptr<Waiter> enqueue_waiter(bool exclusive);
  // Counts a slot for a connection about to be opened (open_ and connecting_).
  void reserve_slot() noexcept;
  // Opens a connection for a slot reserved with reserve_slot().
  Task<std::shared_ptr<Connection>> open_connection();
  // Connections established (shared or leased), as opposed to being opened.
  std::size_t established() const noexcept { return open_ > connecting_ ? open_ - connecting_ : 0; }
  // The database is down and no new connection may be tried now (backoff, or the one
  // probe is in flight).
  bool connect_refused() const noexcept;
  // Nothing to wait for: connect_refused() and no connection to share or take over.
  bool fail_fast() const noexcept { return connect_refused() && established() == 0; }
  [[noreturn]] void throw_unavailable() const;
  void on_connect_failed(const std::string& why) noexcept;
  void on_connected() noexcept;

  boost::asio::io_context& io_;
  std::shared_ptr<const ConnectionSettings> settings_;
  std::size_t max_;
  std::size_t depth_;
  std::chrono::milliseconds stall_;
  std::chrono::milliseconds acquire_timeout_;
  std::string redacted_url_;
  std::vector<std::shared_ptr<Connection>> shared_;  // most recently used last
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::vector<std::weak_ptr<Connection>> leased_;  // held by Leases, for close()
  Connection* draining_ = nullptr;                 // kept free of new statements for a transaction
  std::size_t open_ = 0;                           // shared + leased + opening
  std::size_t connecting_ = 0;                     // of which being opened (or reserved to be)
  bool closed_ = false;
  // Outage state (see the top of this file).
  std::chrono::milliseconds backoff_min_;
  std::chrono::milliseconds backoff_max_;
  std::chrono::milliseconds backoff_{0};  // the current delay, before jitter
  bool down_ = false;
  std::chrono::steady_clock::time_point down_since_{};
  std::chrono::steady_clock::time_point retry_at_{};
  std::uint64_t connect_attempts_ = 0;
  std::uint64_t connect_failures_ = 0;
  std::uint64_t outage_failures_ = 0;
  std::uint64_t jitter_state_;
};

}  // namespace conduit::db::pg
