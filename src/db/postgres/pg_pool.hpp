// The PostgreSQL connection pool of one Database (one event loop): at most `max`
// connections, opened on demand, reused most-recently-used first, and a bounded FIFO wait
// for a free one.
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
       std::size_t max_connections, std::chrono::milliseconds acquire_timeout,
       std::string redacted_url);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection, opened if needed. Throws UnavailableError: connection_failed or
  // timeout (opening), pool_exhausted (no free connection in time), closed.
  Task<Lease> acquire();
  void close() noexcept;
  PoolStats stats() const noexcept;

 private:
  friend class Lease;
  struct Waiter;
  struct WaitAwaiter;
  class SlotGuard;

  void release(std::shared_ptr<Connection> connection) noexcept;
  // A connection went away: its slot goes to the first waiter, else the pool shrinks.
  void free_slot() noexcept;
  void make_idle(std::shared_ptr<Connection> connection);
  void remove_idle(Connection* connection) noexcept;
  void remove_waiter(const std::shared_ptr<Waiter>& waiter) noexcept;
  // Opens a connection for a slot the caller has already counted.
  Task<Lease> open_connection();

  boost::asio::io_context& io_;
  std::shared_ptr<const ConnectionSettings> settings_;
  std::size_t max_;
  std::chrono::milliseconds acquire_timeout_;
  std::string redacted_url_;
  std::vector<std::shared_ptr<Connection>> idle_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::size_t open_ = 0;  // idle + leased + opening
  bool closed_ = false;
};

}  // namespace conduit::db::pg
