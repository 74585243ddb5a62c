// One libpq connection driven non-blocking on an event loop: PQconnectStart/PQconnectPoll,
// PQsendPrepare/PQsendQueryPrepared with a per-connection statement cache, and
// PQconsumeInput/PQisBusy/PQgetResult, waiting for socket readiness through an Asio
// stream_descriptor on libpq's socket (released, never closed, before PQfinish).
//
// Each operation has a deadline. When it passes, a cancel request goes to the server
// from a short-lived helper thread (PQcancel blocks), the connection is marked broken
// (its pool discards it rather than wait for the server), and the operation throws the
// 503 timeout error. Host names are resolved with Asio's asynchronous resolver and handed
// to libpq as hostaddr, because libpq resolves names synchronously.
//
// While idle in its pool the connection watches its socket, so a server that closes it
// (restart, pg_terminate_backend, network drop) is noticed and the connection dropped
// before anyone uses it.
//
// Thread-safety: owned and used by one event loop; one operation at a time.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/result.hpp"
#include "conduit/db/value.hpp"
#include "db/postgres/pg_types.hpp"

namespace conduit::db::pg {

struct ConnectionSettings {
  std::string conninfo;  // contains the password: never log it
  std::string password;  // removed from every error message
  std::string host;      // to resolve asynchronously; empty or '/...' for Unix sockets
  std::uint16_t port = 5432;
  std::chrono::milliseconds connect_timeout{10'000};
  std::size_t statement_cache_size = 256;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::io_context& io, std::shared_ptr<const ConnectionSettings> settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects, sets TimeZone to UTC. Throws UnavailableError (connection_failed, timeout).
  Task<void> connect();
  // One statement through the extended protocol, prepared and cached when it is a
  // query or DML statement.
  Task<Result> execute(const std::string& sql, const std::vector<Value>& params,
                       std::chrono::milliseconds timeout);
  // The simple protocol: several statements, no parameters (scripts, BEGIN, COMMIT).
  Task<Result> execute_simple(const std::string& sql, std::chrono::milliseconds timeout);

  // Connected, not broken, nothing in flight and not inside a transaction.
  bool reusable() const noexcept;
  bool broken() const noexcept { return broken_ || !conn_; }
  // Inside a transaction that an error aborted (COMMIT would roll back).
  bool in_failed_transaction() const noexcept;
  int backend_pid() const noexcept;

  // Idle in the pool: calls `on_lost` (once) if the server closes the connection.
  void watch_while_idle(std::function<void()> on_lost);
  void stop_watching() noexcept;
  // A non-blocking last check before a lease: reads whatever the server sent while idle.
  bool check_alive() noexcept;

  void close() noexcept;

 private:
  class OpScope;
  struct SocketWait;
  struct ResolveWait;

  Task<bool> attempt(const std::string& conninfo, std::string& error);
  Task<void> flush();
  Task<ResultPtr> collect();
  void check_wait();  // after every wait: timeout or socket failure
  [[noreturn]] void fail_connection(std::string_view what);
  [[noreturn]] void raise_result_error(const PGresult* result);
  void arm_idle_wait();
  void release_socket() noexcept;
  void mark_broken() noexcept;

  std::shared_ptr<const ConnectionSettings> settings_;
  PGconn* conn_ = nullptr;
  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer deadline_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::resolver::results_type resolved_;
  boost::system::error_code wait_error_;
  std::coroutine_handle<> waiter_;
  std::uint64_t op_ = 0;
  std::chrono::milliseconds op_timeout_{0};
  std::string op_what_;  // for the timeout message: "the query", "connecting to the database"
  bool connected_ = false;
  bool resolving_ = false;  // a ResolveWait is pending
  bool in_op_ = false;
  bool timed_out_ = false;
  bool broken_ = false;
  bool idle_ = false;
  std::function<void()> on_lost_;
  std::unordered_map<std::string, std::string> statements_;  // cache key -> statement name
  std::uint64_t next_statement_ = 0;
};

}  // namespace conduit::db::pg
