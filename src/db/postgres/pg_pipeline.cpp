// Shared use of a PostgreSQL connection: libpq's pipeline mode (see pg_connection.hpp).
//
// Each statement goes out as [Parse] Bind/Execute Sync, so each is its own implicit
// transaction: an error or a slow statement never rolls back another caller's work, and
// libpq reports PGRES_PIPELINE_SYNC at the end of every statement's results, which is how
// results are matched to the callers, in order, from one FIFO of entries.
//
// The entries live in the connection; the caller's slot (result, error, coroutine) lives
// in its coroutine frame. A caller resumed from on_readable() may do anything (send more
// statements here, close the pool, destroy other coroutines), so results are handed over
// one at a time, and the loop re-checks the connection after every resumption.
//
// Thread-safety: single loop, like the rest of Connection.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>

#include <algorithm>

#include "conduit/core/log.hpp"
#include "db/error_mapping.hpp"
#include "db/postgres/libpq_api.hpp"
#include "db/postgres/pg_connection.hpp"
#include "db/postgres/pg_statements.hpp"

namespace conduit::db::pg {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Wait = asio::posix::stream_descriptor::wait_type;

struct Connection::PipelineSlot {
  std::coroutine_handle<> waiter;
  ResultPtr result;
  std::exception_ptr error;
  bool done = false;
};

// Waits for the entry submit() just queued. Has a constructor on purpose (GCC 12 and
// brace-initialised awaiters, see DEVELOPERS.md).
class Connection::PipelineAwait {
 public:
  explicit PipelineAwait(Connection& c) : c_(c) {
    c_.pending_.back().slot = &slot_;
    ++c_.live_;
  }
  PipelineAwait(const PipelineAwait&) = delete;
  PipelineAwait& operator=(const PipelineAwait&) = delete;
  ~PipelineAwait() {
    if (!slot_.done) c_.abandon(&slot_);
  }
  bool await_ready() const noexcept { return slot_.done; }
  void await_suspend(std::coroutine_handle<> handle) noexcept { slot_.waiter = handle; }
  ResultPtr await_resume() {
    if (slot_.error) std::rethrow_exception(slot_.error);
    return std::move(slot_.result);
  }

 private:
  Connection& c_;
  PipelineSlot slot_;
};

bool Connection::start_sharing(std::function<void()> on_change) {
  if (broken() || sharing_) return false;
  if (pq().PQenterPipelineMode(conn_) != 1) return false;
  sharing_ = true;
  ++generation_;
  reading_ = writing_ = deadline_armed_ = false;
  on_change_ = std::move(on_change);
  arm_read();
  return true;
}

bool Connection::stop_sharing() noexcept {
  if (!sharing_ || !pending_.empty()) return false;
  sharing_ = false;
  ++generation_;
  reading_ = writing_ = deadline_armed_ = false;
  on_change_ = nullptr;
  boost::system::error_code ignored;
  if (socket_.is_open()) socket_.cancel(ignored);
  return !broken() && pq().PQexitPipelineMode(conn_) == 1;
}

Task<Result> Connection::execute_pipelined(const std::string& sql, const std::vector<Value>& params,
                                           milliseconds timeout) {
  const Params p(params);  // may throw ValueError before anything is sent
  const bool cacheable = settings_->statement_cache_size > 0 && preparable(sql);
  const std::string key = cacheable ? p.cache_key(sql) : std::string();
  for (int attempt_number = 0;; ++attempt_number) {
    // Not fail_connection(): that would leave the others in flight without a reader.
    if (broken() || !sharing_) throw detail::connection_error("connection is closed", {});
    auto [name, prepared_now] = submit(sql, key, p, cacheable);
    pending_.back().sent = Clock::now();
    pending_.back().deadline = pending_.back().sent + timeout;
    pending_.back().timeout = timeout;
    arm_deadline(pending_.back().deadline);
    ResultPtr result;
    {
      PipelineAwait wait(*this);
      result = co_await wait;
    }
    if (!result) {
      // A statement with no result before its Sync: libpq and we disagree; trust neither.
      auto error = std::make_exception_ptr(
          detail::connection_error("no result from the server", settings_->password));
      fail_pipeline(error);
      notify_change();
      std::rethrow_exception(error);
    }
    if (!is_error(result.get())) co_return to_result(result.get());
    if (!name.empty()) {
      if (prepared_now) {
        // Its Parse failed: nothing by that name exists on the server.
        forget_statement(key, name);
      } else if (is_stale_statement(result.get())) {
        forget_statement(key, name);
        // Each statement is its own transaction here, so nothing was lost: prepare it
        // again, once.
        if (attempt_number == 0) continue;
      }
    }
    raise_result_error(result.get());
  }
}

std::pair<std::string, bool> Connection::submit(const std::string& sql, const std::string& key,
                                                const Params& p, bool cacheable) {
  auto failed = [this] {
    auto error = std::make_exception_ptr(
        detail::connection_error(pq().PQerrorMessage(conn_), settings_->password));
    fail_pipeline(error);
    std::rethrow_exception(error);
  };
  std::pair<std::string, bool> used{std::string(), false};
  cork();
  if (cacheable) {
    auto statement = statements_.find(key);
    if (statement == statements_.end() && statements_.size() < settings_->statement_cache_size) {
      std::string name = "conduit_" + std::to_string(++next_statement_);
      if (!pq().PQsendPrepare(conn_, name.c_str(), sql.c_str(), p.count(), p.types())) failed();
      // Cached at once, so statements queued behind this one use it too.
      statement = statements_.emplace(key, std::move(name)).first;
      used.second = true;
    }
    if (statement != statements_.end()) used.first = statement->second;
  }
  const int sent = !used.first.empty()
                       ? pq().PQsendQueryPrepared(conn_, used.first.c_str(), p.count(), p.values(),
                                                  p.lengths(), p.formats(), 0)
                       : pq().PQsendQueryParams(conn_, sql.c_str(), p.count(), p.types(),
                                                p.values(), p.lengths(), p.formats(), 0);
  if (!sent) failed();
  // libpq 15's PQpipelineSync also flushes what it can without blocking.
  if (!pq().PQpipelineSync(conn_)) failed();
  pending_.emplace_back();
  const int unsent = pq().PQflush(conn_);
  if (unsent < 0) failed();
  if (unsent > 0) arm_write();
  arm_read();
  return used;
}

void Connection::cork() noexcept {
  if (corked_ || cork_unsupported_) return;
  const int fd = pq().PQsocket(conn_);
  int on = 1;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on) != 0) {
    cork_unsupported_ = true;
    return;
  }
  corked_ = true;
  try {
    // Posted from a handler, this runs after every handler already queued in this turn.
    asio::post(socket_.get_executor(), [weak = weak_from_this(), fd] {
      auto self = weak.lock();
      if (!self || !self->corked_) return;
      self->corked_ = false;
      if (!self->conn_ || pq().PQsocket(self->conn_) != fd) return;
      int off = 0;
      ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
    });
  } catch (...) {
    int off = 0;
    ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
    corked_ = false;
  }
}

void Connection::arm_read() {
  if (reading_ || !sharing_ || !socket_.is_open()) return;
  reading_ = true;
  socket_.async_wait(Wait::wait_read, [weak = weak_from_this(), generation = generation_](
                                          const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!self || self->generation_ != generation) return;
    self->reading_ = false;
    if (ec) {
      self->fail_pipeline(std::make_exception_ptr(
          detail::connection_error(ec.message(), self->settings_->password)));
      self->notify_change();
      return;
    }
    self->on_readable();
  });
}

void Connection::arm_write() {
  if (writing_ || !sharing_ || !socket_.is_open()) return;
  writing_ = true;
  socket_.async_wait(Wait::wait_write, [weak = weak_from_this(), generation = generation_](
                                           const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!self || self->generation_ != generation) return;
    self->writing_ = false;
    const int unsent = ec ? -1 : pq().PQflush(self->conn_);
    if (unsent > 0) {
      self->arm_write();
    } else if (unsent < 0) {
      self->fail_pipeline(std::make_exception_ptr(detail::connection_error(
          ec ? ec.message() : std::string(pq().PQerrorMessage(self->conn_)),
          self->settings_->password)));
      self->notify_change();
    }
  });
}

void Connection::arm_deadline(Clock::time_point at) {
  // One timer for all statements in flight, armed for the earliest deadline it knows;
  // when it fires early for the front statement it re-arms for the next one.
  if (deadline_armed_ && deadline_at_ <= at) return;
  deadline_armed_ = true;
  deadline_at_ = at;
  const auto seq = ++deadline_seq_;
  deadline_.expires_at(at);
  deadline_.async_wait([weak = weak_from_this(), generation = generation_,
                        seq](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->generation_ != generation || self->deadline_seq_ != seq) return;
    self->deadline_armed_ = false;
    self->on_deadline();
  });
}

void Connection::on_deadline() {
  if (pending_.empty()) return;
  const auto now = Clock::now();
  auto earliest = Clock::time_point::max();
  bool expired = false;
  for (const auto& entry : pending_) {
    if (entry.deadline <= now) expired = true;
    earliest = std::min(earliest, entry.deadline);
  }
  if (!expired) {
    arm_deadline(earliest);
    return;
  }
  send_cancel(conn_);
  fail_pipeline(std::make_exception_ptr(detail::connection_error(
                    "the connection was dropped: a statement before this one on it took "
                    "longer than its time limit",
                    {})),
                true);
  notify_change();
}

void Connection::on_readable() {
  const auto generation = generation_;
  if (!pq().PQconsumeInput(conn_)) {
    fail_pipeline(std::make_exception_ptr(
        detail::connection_error(pq().PQerrorMessage(conn_), settings_->password)));
    notify_change();
    return;
  }
  while (PGnotify* notification = pq().PQnotifies(conn_)) pq().PQfreemem(notification);
  bool completed = false;
  int nulls = 0;
  while (!pending_.empty() && !pq().PQisBusy(conn_)) {
    PGresult* raw = pq().PQgetResult(conn_);
    if (!raw) {
      // One NULL ends each statement's results; two in a row means nothing more is
      // ready (and guards against spinning if libpq's state ever disagrees with ours).
      if (++nulls > 1) break;
      continue;
    }
    nulls = 0;
    ResultPtr result(raw);
    const auto status = pq().PQresultStatus(raw);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
      fail_pipeline(std::make_exception_ptr(
          DatabaseError(ErrorKind::query_failed, "COPY is not supported by conduit::db")));
      notify_change();
      return;
    }
    PipelineEntry& front = pending_.front();
    if (status != PGRES_PIPELINE_SYNC) {
      if (!front.result || !is_error(front.result.get())) front.result = std::move(result);
      continue;
    }
    PipelineEntry entry = std::move(front);
    pending_.pop_front();
    completed = true;
    if (!entry.slot) continue;  // its caller went away
    --live_;
    entry.slot->result = std::move(entry.result);
    entry.slot->done = true;
    if (auto waiter = std::exchange(entry.slot->waiter, {})) waiter.resume();
    // The caller may have closed, shared out or broken this connection meanwhile.
    if (generation_ != generation || !sharing_ || broken()) return;
  }
  if (pq().PQstatus(conn_) == CONNECTION_BAD) {
    fail_pipeline(std::make_exception_ptr(
        detail::connection_error(pq().PQerrorMessage(conn_), settings_->password)));
    notify_change();
    return;
  }
  arm_read();
  if (completed) notify_change();
}

void Connection::fail_pipeline(const std::exception_ptr& error, bool timed_out) {
  mark_broken();
  sharing_ = false;
  ++generation_;
  reading_ = writing_ = deadline_armed_ = false;
  const auto now = Clock::now();
  // One entry at a time: a resumed caller may destroy another waiting coroutine, whose
  // awaiter then takes its slot out of pending_ before it is reached here.
  while (!pending_.empty()) {
    PipelineEntry entry = std::move(pending_.front());
    pending_.pop_front();
    if (!entry.slot) continue;
    --live_;
    if (timed_out && entry.deadline <= now) {
      entry.slot->error = std::make_exception_ptr(detail::timeout_error(
          "the query took longer than " + std::to_string(entry.timeout.count()) + " ms"));
    } else {
      entry.slot->error = error;
    }
    entry.slot->done = true;
    if (auto waiter = std::exchange(entry.slot->waiter, {})) waiter.resume();
  }
  live_ = 0;
}

void Connection::abandon(PipelineSlot* slot) noexcept {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [slot](const PipelineEntry& e) { return e.slot == slot; });
  if (it == pending_.end()) return;
  it->slot = nullptr;
  if (--live_ > 0) return;
  // Nobody waits on this connection any more, yet the server may still be working on
  // an abandoned statement: break it, as an abandoned exclusive operation does.
  if (conn_) send_cancel(conn_);
  pending_.clear();
  mark_broken();
  sharing_ = false;
  ++generation_;
  reading_ = writing_ = deadline_armed_ = false;
  notify_change();
}

void Connection::forget_statement(const std::string& key, const std::string& name) noexcept {
  auto it = statements_.find(key);
  // Only if it is still the one this statement used: a retry may have replaced it.
  if (it != statements_.end() && it->second == name) statements_.erase(it);
}

void Connection::notify_change() noexcept {
  if (!on_change_) return;
  // The pool may drop its reference to this connection from the callback.
  auto keep = shared_from_this();
  auto callback = on_change_;
  try {
    callback();
  } catch (const std::exception& e) {
    log::error("database pool: {}", e.what());
  }
}

}  // namespace conduit::db::pg
