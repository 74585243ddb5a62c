// One libpq connection driven non-blocking on an event loop: PQconnectStart/PQconnectPoll,
// PQsendPrepare/PQsendQueryPrepared with a per-connection statement cache, and
// PQconsumeInput/PQisBusy/PQgetResult, waiting for socket readiness through an Asio
// stream_descriptor on libpq's socket (released, never closed, before PQfinish).
//
// A connection is used in one of two ways, chosen by its pool:
// - exclusively (a transaction, a script): one operation at a time, execute() and
//   execute_simple(), each with its own deadline;
// - shared (pg_pipeline.cpp): in libpq's pipeline mode, execute_pipelined() queues a
//   statement behind those already in flight, each followed by its own Sync, so every
//   statement is its own implicit transaction and an error aborts nobody else's. One read
//   wait stays armed on the socket the whole time: it collects results for all the
//   statements in flight (one wake-up serves a batch) and, when nothing is in flight,
//   notices a server that closes the connection (restart, pg_terminate_backend, network
//   drop), so the pool drops it before anyone uses it.
//
// When an operation outlives its deadline, a cancel request goes to the server from a
// short-lived helper thread (PQcancel blocks), the connection is marked broken (its pool
// discards it rather than wait for the server), and the operation throws the 503 timeout
// error; statements queued behind it on a shared connection fail with a 503 too. Host
// names are resolved with Asio's asynchronous resolver and handed to libpq as hostaddr,
// because libpq resolves names synchronously.
//
// Thread-safety: owned and used by one event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
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

  // A non-blocking last check before exclusive use: reads whatever the server sent while
  // idle.
  bool check_alive() noexcept;

  // ---- shared use (pg_pipeline.cpp) ----
  // Enters pipeline mode and arms the socket's read wait. `on_change` runs on the loop
  // after statements complete and when the connection breaks (then broken() is true).
  // False when libpq refuses (the connection is not idle): close it instead.
  bool start_sharing(std::function<void()> on_change);
  // Back to exclusive use; only when nothing is in flight. False if libpq refuses.
  bool stop_sharing() noexcept;
  bool sharing() const noexcept { return sharing_; }
  // Statements sent and not yet answered (including those whose caller went away).
  std::size_t in_flight() const noexcept { return pending_.size(); }
  // When the oldest statement in flight was sent (only while in_flight() > 0).
  std::chrono::steady_clock::time_point oldest_sent() const noexcept {
    return pending_.front().sent;
  }
  // One statement through the extended protocol, queued behind those in flight, prepared
  // and cached like execute(). If the caller's coroutine is destroyed while it waits and
  // nobody else waits on this connection, the connection breaks (and its pool drops it),
  // which stops the server's work as an abandoned exclusive operation does.
  Task<Result> execute_pipelined(const std::string& sql, const std::vector<Value>& params,
                                 std::chrono::milliseconds timeout);

  void close() noexcept;
  // Stops what runs on this connection now (Database::close at shutdown): asks the server
  // to cancel it, then fails it with 503 closed. Statements in flight on a shared
  // connection fail at once and the connection closes; an exclusive operation (a
  // transaction's statement) fails when its coroutine resumes, through Asio, and leaves
  // the connection broken. Nothing running: nothing happens.
  void cancel() noexcept;
  // An exclusive operation is running (its coroutine waits on the socket).
  bool in_operation() const noexcept { return in_op_; }

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
  void release_socket() noexcept;
  void mark_broken() noexcept;

  // Shared use.
  struct PipelineSlot;
  class PipelineAwait;
  struct PipelineEntry {
    PipelineSlot* slot = nullptr;  // null once its coroutine went away
    ResultPtr result;              // the first error, else the last result
    std::chrono::steady_clock::time_point sent;
    std::chrono::steady_clock::time_point deadline;
    std::chrono::milliseconds timeout{0};
  };
  // Sends the statement and its Sync; returns the prepared statement's name ("" when
  // unprepared) and whether it was prepared just now. Throws after breaking the pipeline.
  std::pair<std::string, bool> submit(const std::string& sql, const std::string& key,
                                      const Params& params, bool cacheable);
  // Holds the statements sent during one loop turn in the socket (TCP_CORK) and lets
  // them go together when the turn's handlers have run: one segment and one wake-up of
  // the server instead of one per statement.
  void cork() noexcept;
  void arm_read();
  void arm_write();
  void arm_deadline(std::chrono::steady_clock::time_point at);
  void on_readable();
  void on_deadline();
  // Breaks the connection and fails every statement in flight: `expired` ones with the
  // timeout error, the others with `error`.
  void fail_pipeline(const std::exception_ptr& error, bool timed_out = false);
  void abandon(PipelineSlot* slot) noexcept;
  void forget_statement(const std::string& key, const std::string& name) noexcept;
  void notify_change() noexcept;

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
  bool closing_ = false;  // cancel() during an exclusive operation
  // Shared use.
  std::deque<PipelineEntry> pending_;
  std::function<void()> on_change_;
  std::uint64_t generation_ = 0;  // bumped when sharing starts or stops: stale handlers see it
  std::uint64_t deadline_seq_ = 0;
  std::chrono::steady_clock::time_point deadline_at_{};
  std::size_t live_ = 0;  // entries whose coroutine still waits
  bool sharing_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool deadline_armed_ = false;
  bool corked_ = false;
  bool cork_unsupported_ = false;                            // not TCP (a Unix socket)
  std::unordered_map<std::string, std::string> statements_;  // cache key -> statement name
  std::uint64_t next_statement_ = 0;
};

}  // namespace conduit::db::pg
