// Implementation of the non-blocking libpq connection.
#include "db/postgres/pg_connection.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>
#include <thread>

#include "conduit/core/log.hpp"
#include "db/error_mapping.hpp"
#include "db/postgres/libpq_api.hpp"
#include "db/postgres/pg_socket.hpp"
#include "db/postgres/pg_statements.hpp"
#include "db/text_format.hpp"

namespace conduit::db::pg {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Wait = asio::posix::stream_descriptor::wait_type;

namespace {

// libpq prints notices (and the FATAL a server sends before closing an idle
// connection) on stderr by default.
void on_notice(void*, const char* message) {
  std::string_view text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  log::debug("postgres: {}", text);
}

bool needs_resolution(const std::string& host) {
  if (host.empty() || host.front() == '/' || host.front() == '@') return false;  // Unix socket
  if (host.find(',') != std::string::npos) return false;  // several hosts: libpq's business
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return static_cast<bool>(ec);
}

}  // namespace

bool is_self_connected(int fd) noexcept {
  if (fd < 0) return false;
  sockaddr_storage local{};
  sockaddr_storage peer{};
  socklen_t local_size = sizeof local;
  socklen_t peer_size = sizeof peer;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0) return false;
  if (local.ss_family != AF_INET && local.ss_family != AF_INET6) return false;
  // Not connected (yet): ENOTCONN.
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) return false;
  if (local.ss_family != peer.ss_family) return false;
  if (local.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(local);
    const auto& b = reinterpret_cast<const sockaddr_in&>(peer);
    return a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr;
  }
  const auto& a = reinterpret_cast<const sockaddr_in6&>(local);
  const auto& b = reinterpret_cast<const sockaddr_in6&>(peer);
  return a.sin6_port == b.sin6_port &&
         std::equal(std::begin(a.sin6_addr.s6_addr), std::end(a.sin6_addr.s6_addr),
                    std::begin(b.sin6_addr.s6_addr));
}

// Cancel requests are sent from detached threads (PQcancel blocks). A shutdown cancels
// what still runs and then the process exits: without a wait, it could end before a thread
// has sent its request, and the server would go on with a statement nobody waits for (a
// backend in pg_sleep does not notice that its client left). So the process, at exit, waits
// a bounded time for the requests still being sent.
class CancelsInFlight {
 public:
  void started() {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  void finished() {
    std::lock_guard lock(mutex_);
    if (--count_ == 0) done_.notify_all();
  }
  void wait(std::chrono::milliseconds at_most) {
    std::unique_lock lock(mutex_);
    done_.wait_for(lock, at_most, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  int count_ = 0;
};

// Never destroyed, so a request still being sent after the wait gave up stays safe.
CancelsInFlight& cancels_in_flight() {
  static CancelsInFlight* cancels = [] {
    auto* made = new CancelsInFlight;
    std::atexit([] { cancels_in_flight().wait(std::chrono::seconds(1)); });
    return made;
  }();
  return *cancels;
}

void send_cancel(PGconn* conn) noexcept {
  PGcancel* cancel = pq().PQgetCancel(conn);
  if (!cancel) return;
  try {
    cancels_in_flight().started();
    try {
      std::thread([cancel] {
        char error[256];
        pq().PQcancel(cancel, error, sizeof error);
        pq().PQfreeCancel(cancel);
        cancels_in_flight().finished();
      }).detach();
    } catch (...) {
      cancels_in_flight().finished();
      throw;
    }
  } catch (...) {
    pq().PQfreeCancel(cancel);
  }
}

bool preparable(std::string_view sql) {
  std::size_t i = 0;
  for (;;) {
    while (i < sql.size() &&
           (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r' || sql[i] == '(')) {
      ++i;
    }
    if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return false;
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i);
      if (i == std::string_view::npos) return false;
      i += 2;
    } else {
      break;
    }
  }
  std::size_t end = i;
  while (end < sql.size() &&
         ((sql[end] >= 'a' && sql[end] <= 'z') || (sql[end] >= 'A' && sql[end] <= 'Z'))) {
    ++end;
  }
  const std::string_view word = sql.substr(i, end - i);
  for (std::string_view keyword : {"select", "insert", "update", "delete", "with", "values"}) {
    if (detail::equals_ci(word, keyword)) return true;
  }
  return false;
}

bool is_error(const PGresult* r) {
  const auto status = pq().PQresultStatus(r);
  return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE ||
         status == PGRES_NONFATAL_ERROR || status == PGRES_PIPELINE_ABORTED;
}

bool is_stale_statement(const PGresult* r) {
  const char* state = pq().PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (!state) return false;
  const std::string_view s(state);
  if (s == "26000") return true;
  const char* message = pq().PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  return s == "0A000" && message &&
         std::string_view(message).find("cached plan") != std::string_view::npos;
}

// Arms the operation's deadline; when it passes, pending waits are cancelled and the
// coroutine sees timed_out_. Ends the operation on every exit path, including the
// destruction of an abandoned coroutine (then nobody must be resumed).
class Connection::OpScope {
 public:
  OpScope(Connection& c, milliseconds timeout, std::string_view what) : c_(c) {
    c_.timed_out_ = false;
    c_.wait_error_ = {};
    c_.in_op_ = true;
    c_.op_timeout_ = timeout;
    c_.op_what_ = what;
    const auto op = ++c_.op_;
    c_.deadline_.expires_after(timeout);
    c_.deadline_.async_wait([weak = c_.weak_from_this(), op](const boost::system::error_code& ec) {
      if (ec) return;
      auto self = weak.lock();
      if (!self || !self->in_op_ || self->op_ != op) return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      if (self->socket_.is_open()) self->socket_.cancel(ignored);
      if (self->resolving_) {
        // A getaddrinfo already running cannot be interrupted, and a cancelled resolve
        // only completes when it returns: resume the connect now, and let the late
        // result find nobody waiting.
        self->resolving_ = false;
        self->resolver_.cancel();
        if (auto waiter = std::exchange(self->waiter_, {})) waiter.resume();
      }
    });
  }
  ~OpScope() {
    c_.in_op_ = false;
    c_.resolving_ = false;
    c_.waiter_ = {};
    try {
      c_.deadline_.cancel();
    } catch (...) {
    }
  }
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;

 private:
  Connection& c_;
};

// Suspends until libpq's socket is ready (or the wait is cancelled by the deadline).
// Awaiters here have constructors: GCC 12 mishandles brace-initialised aggregate awaiters
// in co_await expressions (it destroys their members twice).
struct Connection::SocketWait {
  SocketWait(Connection& connection, Wait wait_type) : c(connection), type(wait_type) {}
  Connection& c;
  Wait type;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    c.waiter_ = handle;
    c.socket_.async_wait(type, [weak = c.weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self) return;
      self->wait_error_ = ec;
      if (auto waiter = std::exchange(self->waiter_, {})) waiter.resume();
    });
  }
  void await_resume() const noexcept {}
};

struct Connection::ResolveWait {
  explicit ResolveWait(Connection& connection) : c(connection) {}
  Connection& c;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    c.waiter_ = handle;
    c.resolving_ = true;
    c.resolver_.async_resolve(
        c.settings_->host, std::to_string(c.settings_->port),
        [weak = c.weak_from_this()](const boost::system::error_code& ec,
                                    asio::ip::tcp::resolver::results_type results) {
          auto self = weak.lock();
          if (!self || !self->resolving_) return;  // the deadline already resumed the connect
          self->resolving_ = false;
          self->wait_error_ = ec;
          self->resolved_ = std::move(results);
          if (auto waiter = std::exchange(self->waiter_, {})) waiter.resume();
        });
  }
  void await_resume() const noexcept {}
};

Connection::Connection(asio::io_context& io, std::shared_ptr<const ConnectionSettings> settings)
    : settings_(std::move(settings)), socket_(io), deadline_(io), resolver_(io) {}

Connection::~Connection() { close(); }

void Connection::release_socket() noexcept {
  // libpq owns the file descriptor: release it from Asio without closing it.
  try {
    if (socket_.is_open()) socket_.release();
  } catch (...) {
  }
}

void Connection::mark_broken() noexcept {
  broken_ = true;
  // libpq may already have closed the descriptor; drop our registration before this
  // loop can open another socket with the same number.
  release_socket();
}

void Connection::close() noexcept {
  if (!pending_.empty()) {
    // Nobody may be left waiting on a connection that is gone.
    fail_pipeline(std::make_exception_ptr(detail::closed_error()));
  }
  sharing_ = false;
  ++generation_;
  on_change_ = nullptr;
  waiter_ = {};
  release_socket();
  try {
    resolver_.cancel();
    deadline_.cancel();
  } catch (...) {
  }
  if (conn_) {
    pq().PQfinish(conn_);
    conn_ = nullptr;
  }
}

void Connection::cancel() noexcept {
  if (in_op_) {
    if (conn_ && connected_) send_cancel(conn_);
    closing_ = true;
    boost::system::error_code ignored;
    if (socket_.is_open()) socket_.cancel(ignored);  // resumes the operation: check_wait()
    return;
  }
  if (pending_.empty()) return;
  if (conn_) send_cancel(conn_);
  close();  // fails every statement in flight with 503 closed
}

void Connection::fail_connection(std::string_view what) {
  mark_broken();
  throw detail::connection_error(what, settings_->password);
}

void Connection::check_wait() {
  if (closing_) {
    mark_broken();
    throw detail::closed_error();
  }
  if (timed_out_) {
    if (connected_ && conn_) send_cancel(conn_);
    mark_broken();
    throw detail::timeout_error(op_what_ + " took longer than " +
                                std::to_string(op_timeout_.count()) + " ms");
  }
  if (wait_error_ && wait_error_ != asio::error::operation_aborted) {
    fail_connection(wait_error_.message());
  }
}

Task<bool> Connection::attempt(const std::string& conninfo, std::string& error) {
  conn_ = pq().PQconnectStart(conninfo.c_str());
  if (!conn_) throw std::bad_alloc();
  pq().PQsetNoticeProcessor(conn_, on_notice, nullptr);
  auto give_up = [&] {
    error = pq().PQerrorMessage(conn_);
    release_socket();
    pq().PQfinish(conn_);
    conn_ = nullptr;
  };
  if (pq().PQstatus(conn_) == CONNECTION_BAD) {
    give_up();
    co_return false;
  }
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) {
      give_up();
      co_return false;
    }
    // The socket can change between polls (another address, SSL retry), so it is
    // registered for one wait at a time and released before libpq runs again.
    boost::system::error_code ec;
    socket_.assign(pq().PQsocket(conn_), ec);
    if (ec) {
      give_up();
      error = "cannot watch the connection socket: " + ec.message();
      co_return false;
    }
    co_await SocketWait(*this,
                        status == PGRES_POLLING_READING ? Wait::wait_read : Wait::wait_write);
    release_socket();
    if (timed_out_) {
      give_up();
      throw detail::timeout_error("connecting to the database took longer than " +
                                  std::to_string(op_timeout_.count()) + " ms");
    }
    if (const int fd = pq().PQsocket(conn_); is_self_connected(fd)) {
      // Nobody listens on the port and the socket reached itself: a failed attempt. An
      // abortive close (RST, no TIME_WAIT) frees the port for the server at once.
      const linger abort_close{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
      give_up();
      error = "the connection reached its own socket (nothing listens on the port)";
      co_return false;
    }
    status = pq().PQconnectPoll(conn_);
  }
  co_return true;
}

Task<void> Connection::connect() {
  OpScope scope(*this, settings_->connect_timeout, "connecting to the database");
  std::vector<std::string> addresses;
  if (needs_resolution(settings_->host)) {
    co_await ResolveWait(*this);
    if (timed_out_) {
      throw detail::timeout_error("resolving the database host took longer than " +
                                  std::to_string(op_timeout_.count()) + " ms");
    }
    if (wait_error_) {
      throw detail::connection_error("cannot resolve the database host: " + wait_error_.message(),
                                     settings_->password);
    }
    for (const auto& entry : resolved_) {
      std::string address = entry.endpoint().address().to_string();
      if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
        addresses.push_back(std::move(address));
      }
    }
    resolved_ = {};
  }
  std::string error;
  const std::size_t attempts = addresses.empty() ? 1 : addresses.size();
  for (std::size_t i = 0; i < attempts && !conn_; ++i) {
    std::string conninfo = settings_->conninfo;
    if (!addresses.empty()) conninfo += " hostaddr='" + addresses[i] + "'";
    co_await attempt(conninfo, error);
  }
  if (!conn_) throw detail::connection_error(error, settings_->password);
  connected_ = true;
  if (pq().PQsetnonblocking(conn_, 1) != 0) fail_connection(pq().PQerrorMessage(conn_));
  boost::system::error_code ec;
  socket_.assign(pq().PQsocket(conn_), ec);
  if (ec) fail_connection("cannot watch the connection socket: " + ec.message());
  // DateTime semantics of Conduit: the session works in UTC.
  if (!pq().PQsendQuery(conn_, "SET TimeZone TO 'UTC'"))
    fail_connection(pq().PQerrorMessage(conn_));
  co_await flush();
  ResultPtr result = co_await collect();
  if (!result || is_error(result.get())) raise_result_error(result.get());
}

Task<void> Connection::flush() {
  for (;;) {
    const int pending = pq().PQflush(conn_);
    if (pending == 0) co_return;
    if (pending < 0) fail_connection(pq().PQerrorMessage(conn_));
    co_await SocketWait(*this, Wait::wait_write);
    check_wait();
  }
}

Task<ResultPtr> Connection::collect() {
  ResultPtr kept;  // the first error, else the last result
  for (;;) {
    while (pq().PQisBusy(conn_)) {
      co_await SocketWait(*this, Wait::wait_read);
      check_wait();
      if (!pq().PQconsumeInput(conn_)) fail_connection(pq().PQerrorMessage(conn_));
    }
    PGresult* raw = pq().PQgetResult(conn_);
    if (!raw) break;
    ResultPtr next(raw);
    const auto status = pq().PQresultStatus(raw);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
      mark_broken();
      detail::raise(ErrorKind::query_failed, "COPY is not supported by conduit::db");
    }
    if (!kept || !is_error(kept.get())) kept = std::move(next);
  }
  if (pq().PQstatus(conn_) == CONNECTION_BAD) mark_broken();
  co_return kept;
}

void Connection::raise_result_error(const PGresult* result) {
  if (!conn_ || pq().PQstatus(conn_) == CONNECTION_BAD) mark_broken();
  if (!result) fail_connection(conn_ ? pq().PQerrorMessage(conn_) : "connection closed");
  const auto fields = error_fields(result);
  if (fields.sql_state.empty()) {
    // Produced by libpq itself, typically a lost connection.
    if (broken_) fail_connection(fields.primary);
    detail::raise(
        ErrorKind::query_failed,
        detail::redact("PostgreSQL: " + std::string(fields.primary), settings_->password));
  }
  std::rethrow_exception(detail::postgres_error(fields, settings_->password));
}

Task<Result> Connection::execute(const std::string& sql, const std::vector<Value>& params,
                                 milliseconds timeout) {
  if (broken()) fail_connection("connection is closed");
  const Params p(params);  // may throw ValueError before anything is sent
  OpScope scope(*this, timeout, "the query");
  const bool cacheable = settings_->statement_cache_size > 0 && preparable(sql);
  for (int attempt_number = 0;; ++attempt_number) {
    auto statement = statements_.end();
    if (cacheable) {
      std::string key = p.cache_key(sql);
      statement = statements_.find(key);
      if (statement == statements_.end() && statements_.size() < settings_->statement_cache_size) {
        std::string name = "conduit_" + std::to_string(++next_statement_);
        if (!pq().PQsendPrepare(conn_, name.c_str(), sql.c_str(), p.count(), p.types())) {
          fail_connection(pq().PQerrorMessage(conn_));
        }
        co_await flush();
        ResultPtr prepared = co_await collect();
        if (!prepared || pq().PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
          raise_result_error(prepared.get());
        }
        statement = statements_.emplace(std::move(key), std::move(name)).first;
      }
    }
    const bool is_prepared = statement != statements_.end();
    const int sent = is_prepared
                         ? pq().PQsendQueryPrepared(conn_, statement->second.c_str(), p.count(),
                                                    p.values(), p.lengths(), p.formats(), 0)
                         : pq().PQsendQueryParams(conn_, sql.c_str(), p.count(), p.types(),
                                                  p.values(), p.lengths(), p.formats(), 0);
    if (!sent) fail_connection(pq().PQerrorMessage(conn_));
    co_await flush();
    ResultPtr result = co_await collect();
    if (result && !is_error(result.get())) co_return to_result(result.get());
    if (is_prepared && result && is_stale_statement(result.get())) {
      statements_.erase(statement);
      // Outside a transaction nothing was lost: prepare it again once. Inside, the
      // transaction is aborted and the caller must see the error.
      if (attempt_number == 0 && pq().PQtransactionStatus(conn_) == PQTRANS_IDLE) continue;
    }
    raise_result_error(result.get());
  }
}

Task<Result> Connection::execute_simple(const std::string& sql, milliseconds timeout) {
  if (broken()) fail_connection("connection is closed");
  OpScope scope(*this, timeout, "the statement");
  if (!pq().PQsendQuery(conn_, sql.c_str())) fail_connection(pq().PQerrorMessage(conn_));
  co_await flush();
  ResultPtr result = co_await collect();
  if (!result) co_return Result();
  if (is_error(result.get())) raise_result_error(result.get());
  co_return to_result(result.get());
}

bool Connection::reusable() const noexcept {
  return conn_ && !broken_ && !in_op_ && pq().PQstatus(conn_) == CONNECTION_OK &&
         pq().PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool Connection::in_failed_transaction() const noexcept {
  return conn_ && pq().PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

int Connection::backend_pid() const noexcept { return conn_ ? pq().PQbackendPID(conn_) : 0; }

bool Connection::check_alive() noexcept {
  if (broken()) return false;
  // A server that closed the connection left an error message and then EOF; each read
  // consumes one of them.
  for (int i = 0; i < 4; ++i) {
    pollfd p{pq().PQsocket(conn_), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) break;
    if (!pq().PQconsumeInput(conn_) || pq().PQstatus(conn_) == CONNECTION_BAD) {
      mark_broken();
      return false;
    }
  }
  return pq().PQstatus(conn_) == CONNECTION_OK;
}

}  // namespace conduit::db::pg
