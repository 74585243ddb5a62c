// Implementation of the per-loop PostgreSQL connection pool.
#include "db/postgres/pg_pool.hpp"

#include <algorithm>

#include "conduit/core/log.hpp"
#include "db/error_mapping.hpp"

namespace conduit::db::pg {

namespace asio = boost::asio;

// ---- Lease ------------------------------------------------------------------------------

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    reset();
    pool_ = other.pool_;
    connection_ = std::move(other.connection_);
  }
  return *this;
}

void Lease::reset() noexcept {
  if (connection_) pool_->release(std::move(connection_));
  connection_.reset();
}

// ---- waiting for a connection -------------------------------------------------------------

struct Pool::Waiter {
  explicit Waiter(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;  // the acquire deadline; cancelled to wake the waiter early
  std::coroutine_handle<> handle;
  std::shared_ptr<Connection> connection;  // handed over by release()
  bool slot = false;                       // a slot freed for it: open a connection
  bool done = false;                       // resumed, or its coroutine is gone
  bool exclusive = false;                  // a transaction's lease, not one statement
  bool refused = false;                    // the database is down: fail at once
};

// Has a constructor on purpose: GCC 12 destroys the members of a brace-initialised
// aggregate awaiter twice when it is the operand of co_await.
struct Pool::WaitAwaiter {
  WaitAwaiter(Pool& p, std::shared_ptr<Waiter> w) : pool(p), waiter(std::move(w)) {}
  WaitAwaiter(const WaitAwaiter&) = delete;
  WaitAwaiter& operator=(const WaitAwaiter&) = delete;

  Pool& pool;
  std::shared_ptr<Waiter> waiter;

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    waiter->handle = handle;
    waiter->timer.async_wait([w = waiter](const boost::system::error_code&) {
      if (w->done) return;
      w->done = true;
      if (auto h = std::exchange(w->handle, {})) h.resume();
    });
  }
  void await_resume() const noexcept { waiter->done = true; }
  ~WaitAwaiter() {
    if (waiter->done) return;
    // The waiting coroutine is being destroyed: give back whatever it was handed.
    waiter->done = true;
    waiter->handle = {};
    pool.remove_waiter(waiter);
    try {
      waiter->timer.cancel();
    } catch (...) {
    }
    if (waiter->connection) {
      // A shared connection handed to a statement stays shared; a leased one returns.
      if (waiter->exclusive) pool.release(std::move(waiter->connection));
      waiter->connection.reset();
    } else if (waiter->slot) {
      if (pool.connecting_ > 0) --pool.connecting_;
      pool.free_slot();
    }
  }
};

// Ends a reserved slot's opening; frees the slot unless the connection for it was opened.
class Pool::SlotGuard {
 public:
  explicit SlotGuard(Pool& pool) : pool_(&pool) {}
  ~SlotGuard() {
    if (pool_->connecting_ > 0) --pool_->connecting_;
    if (!opened_) pool_->free_slot();
  }
  void dismiss() noexcept { opened_ = true; }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  Pool* pool_;
  bool opened_ = false;
};

// ---- Pool -------------------------------------------------------------------------------

Pool::Pool(asio::io_context& io, std::shared_ptr<const ConnectionSettings> settings,
           std::size_t max_connections, std::size_t pipeline_depth,
           std::chrono::milliseconds pipeline_stall, std::chrono::milliseconds acquire_timeout,
           std::chrono::milliseconds reconnect_backoff,
           std::chrono::milliseconds reconnect_backoff_max, std::string redacted_url)
    : io_(io),
      settings_(std::move(settings)),
      max_(std::max<std::size_t>(1, max_connections)),
      depth_(std::max<std::size_t>(1, pipeline_depth)),
      stall_(pipeline_stall),
      acquire_timeout_(acquire_timeout),
      redacted_url_(std::move(redacted_url)),
      backoff_min_(std::max(reconnect_backoff, std::chrono::milliseconds(1))),
      backoff_max_(std::max(reconnect_backoff_max, backoff_min_)),
      // Differs per pool and per process: loops and dynos do not probe in step.
      jitter_state_(
          static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(this)) ^
          static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())) {
}

Pool::~Pool() { close(); }

std::shared_ptr<Pool::Waiter> Pool::enqueue_waiter(bool exclusive) {
  auto waiter = std::make_shared<Waiter>(io_);
  waiter->exclusive = exclusive;
  waiter->timer.expires_after(acquire_timeout_);
  waiters_.push_back(waiter);
  return waiter;
}

Task<Lease> Pool::acquire() {
  if (closed_) throw detail::closed_error();
  if (waiters_.empty()) {
    if (auto connection = take_idle()) co_return lease(std::move(connection));
    if (fail_fast()) throw_unavailable();
    if (open_ < max_ && !connect_refused()) {
      reserve_slot();
      std::shared_ptr<Connection> opened = co_await open_connection();
      co_return lease(std::move(opened));
    }
  }
  auto waiter = enqueue_waiter(true);
  dispatch();  // reserves a connection to drain when none is free
  co_await WaitAwaiter(*this, waiter);
  if (waiter->connection) co_return lease(std::move(waiter->connection));
  if (waiter->refused) throw_unavailable();
  if (waiter->slot) {
    std::shared_ptr<Connection> opened = co_await open_connection();
    co_return lease(std::move(opened));
  }
  remove_waiter(waiter);
  if (closed_) throw detail::closed_error();
  throw detail::pool_exhausted_error("no database connection became free within " +
                                     std::to_string(acquire_timeout_.count()) + " ms (pool of " +
                                     std::to_string(max_) + ")");
}

Task<Result> Pool::execute(const std::string& sql, const std::vector<Value>& params,
                           std::chrono::milliseconds timeout) {
  for (;;) {
    if (closed_) throw detail::closed_error();
    std::shared_ptr<Connection> connection;
    if (waiters_.empty()) connection = pick_shared();
    if (!connection && fail_fast()) throw_unavailable();
    if (!connection && waiters_.empty() && open_ < max_ && !connect_refused()) {
      reserve_slot();
      connection = co_await open_connection();
      if (!share(connection)) throw detail::connection_error("cannot enter pipeline mode", {});
      dispatch();  // statements that queued meanwhile may use it too
    }
    if (!connection) {
      auto waiter = enqueue_waiter(false);
      co_await WaitAwaiter(*this, waiter);
      if (waiter->slot) {
        connection = co_await open_connection();
        if (!share(connection)) throw detail::connection_error("cannot enter pipeline mode", {});
        dispatch();
      } else if (waiter->connection) {
        connection = std::move(waiter->connection);
      } else if (waiter->refused) {
        throw_unavailable();
      } else {
        remove_waiter(waiter);
        if (closed_) throw detail::closed_error();
        throw detail::pool_exhausted_error("no database connection became free within " +
                                           std::to_string(acquire_timeout_.count()) +
                                           " ms (pool of " + std::to_string(max_) + ")");
      }
    }
    // Handed over through the waiter's timer: it may have broken meanwhile.
    if (!connection->sharing()) continue;
    co_return co_await connection->execute_pipelined(sql, params, timeout);
  }
}

void Pool::reserve_slot() noexcept {
  ++open_;
  ++connecting_;
}

bool Pool::connect_refused() const noexcept {
  if (!down_) return false;
  // One probe at a time, and only once the delay has passed.
  if (connecting_ > 0) return true;
  return std::chrono::steady_clock::now() < retry_at_;
}

void Pool::throw_unavailable() const {
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
      retry_at_ - std::chrono::steady_clock::now());
  auto error = detail::connection_error(
      "database unavailable since the last connection attempt failed (next attempt in " +
          std::to_string(std::max<std::int64_t>(0, wait.count())) + " ms)",
      {});
  error.mark_logged();  // the outage was logged when it began
  throw error;
}

void Pool::on_connect_failed(const std::string& why) noexcept {
  ++connect_failures_;
  const auto now = std::chrono::steady_clock::now();
  if (!down_) {
    down_ = true;
    down_since_ = now;
    outage_failures_ = 0;
    backoff_ = backoff_min_;
    log::warn("database {} unavailable: {}; answering 503 and retrying with backoff (up to {} ms)",
              redacted_url_, why, backoff_max_.count());
  } else {
    backoff_ = std::min(backoff_ * 2, backoff_max_);
    log::debug("database {} still unavailable: {}", redacted_url_, why);
  }
  ++outage_failures_;
  // Jitter: somewhere between half and all of the delay (xorshift: no shared state).
  jitter_state_ ^= jitter_state_ << 13;
  jitter_state_ ^= jitter_state_ >> 7;
  jitter_state_ ^= jitter_state_ << 17;
  const auto half = backoff_.count() / 2;
  const auto jitter =
      static_cast<std::int64_t>(jitter_state_ % static_cast<std::uint64_t>(half + 1));
  retry_at_ = now + std::chrono::milliseconds(backoff_.count() - half + jitter);
}

void Pool::on_connected() noexcept {
  if (!down_) return;
  down_ = false;
  backoff_ = backoff_min_;
  const auto lasted = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - down_since_);
  log::info("database {} reachable again after {} ms ({} failed attempt(s))", redacted_url_,
            lasted.count(), outage_failures_);
}

Task<std::shared_ptr<Connection>> Pool::open_connection() {
  SlotGuard slot(*this);
  auto connection = std::make_shared<Connection>(io_, settings_);
  ++connect_attempts_;
  try {
    co_await connection->connect();
  } catch (DatabaseError& e) {
    // Logged here, once per outage, rather than by every request that reports it.
    on_connect_failed(e.what());
    e.mark_logged();
    throw;
  }
  on_connected();
  slot.dismiss();
  co_return connection;
}

bool Pool::share(const std::shared_ptr<Connection>& connection) noexcept {
  bool shared = false;
  try {
    Connection* raw = connection.get();
    shared = !closed_ && connection->reusable() &&
             connection->start_sharing([this, raw] { on_connection_change(raw); });
    if (shared) shared_.push_back(connection);
  } catch (...) {
    shared = false;
  }
  if (!shared) {
    connection->close();
    free_slot();
  }
  return shared;
}

std::shared_ptr<Connection> Pool::pick_shared() const noexcept {
  // The busiest connection that is below the depth and not stalled: statements sent in
  // one loop turn then leave in one segment, and one wake-up reads their results.
  const auto stalled_before = std::chrono::steady_clock::now() - stall_;
  const std::shared_ptr<Connection>* packed = nullptr;
  const std::shared_ptr<Connection>* least = nullptr;
  for (auto it = shared_.rbegin(); it != shared_.rend(); ++it) {
    Connection* c = it->get();
    const std::size_t n = c->in_flight();
    if (c == draining_ || !c->sharing() || n >= depth_) continue;
    if (!least || n < (*least)->in_flight()) least = &*it;
    if (n > 0 && c->oldest_sent() <= stalled_before) continue;
    if (!packed || n > (*packed)->in_flight()) packed = &*it;
  }
  if (packed) return *packed;
  // Every connection is stalled behind a slow statement: another one, else the least busy.
  if (open_ < max_ || !least) return nullptr;
  return *least;
}

std::shared_ptr<Connection> Pool::take_idle() {
  for (;;) {
    std::shared_ptr<Connection> connection;
    for (auto it = shared_.rbegin(); it != shared_.rend(); ++it) {
      if ((*it)->in_flight() == 0 && (!connection || it->get() == draining_)) connection = *it;
    }
    if (!connection) return nullptr;
    remove_shared(connection.get());
    if (connection->stop_sharing() && connection->check_alive()) return connection;
    connection->close();
    if (open_ > 0) --open_;
  }
}

Lease Pool::lease(std::shared_ptr<Connection> connection) {
  std::erase_if(leased_, [](const auto& weak) { return weak.expired(); });
  leased_.push_back(connection);
  return Lease(this, std::move(connection));
}

void Pool::release(std::shared_ptr<Connection> connection) noexcept {
  std::erase_if(leased_, [&](const auto& weak) {
    auto c = weak.lock();
    return !c || c == connection;
  });
  if (closed_ || !connection->reusable()) {
    connection->close();
    free_slot();
    return;
  }
  if (share(connection)) dispatch();
}

void Pool::free_slot() noexcept {
  if (open_ > 0) --open_;
  dispatch();
}

void Pool::dispatch() noexcept {
  auto wake = [](const std::shared_ptr<Waiter>& waiter) {
    try {
      waiter->timer.cancel();
    } catch (...) {
    }
  };
  while (!waiters_.empty()) {
    std::shared_ptr<Waiter> waiter = waiters_.front();
    if (waiter->done || closed_) {
      if (closed_) wake(waiter);
      waiters_.pop_front();
      continue;
    }
    std::shared_ptr<Connection> connection;
    try {
      connection = waiter->exclusive ? take_idle() : pick_shared();
    } catch (...) {
    }
    if (connection) {
      if (connection.get() == draining_) draining_ = nullptr;
      waiter->connection = std::move(connection);
    } else if (fail_fast()) {
      waiter->refused = true;
    } else if (open_ < max_ && !connect_refused()) {
      reserve_slot();
      waiter->slot = true;
    } else {
      if (waiter->exclusive && !draining_) {
        // Let the least busy connection drain for it.
        for (const auto& c : shared_) {
          if (!draining_ || c->in_flight() < draining_->in_flight()) draining_ = c.get();
        }
      }
      return;
    }
    waiters_.pop_front();
    wake(waiter);
  }
}

void Pool::on_connection_change(Connection* connection) noexcept {
  if (connection->broken() || !connection->sharing()) {
    if (remove_shared(connection)) {
      connection->close();
      free_slot();
    }
    return;
  }
  if (closed_ && connection->in_flight() == 0) {
    if (remove_shared(connection)) {
      connection->close();
      if (open_ > 0) --open_;
    }
    return;
  }
  if (!waiters_.empty()) dispatch();
}

bool Pool::remove_shared(Connection* connection) noexcept {
  if (draining_ == connection) draining_ = nullptr;
  auto it = std::find_if(shared_.begin(), shared_.end(),
                         [&](const auto& c) { return c.get() == connection; });
  if (it == shared_.end()) return false;
  shared_.erase(it);
  return true;
}

void Pool::remove_waiter(const std::shared_ptr<Waiter>& waiter) noexcept {
  auto it = std::find(waiters_.begin(), waiters_.end(), waiter);
  if (it != waiters_.end()) waiters_.erase(it);
}

void Pool::close() noexcept {
  closed_ = true;
  // Every shared connection closes now; statements in flight fail with 503 closed (their
  // callers resume inside cancel(), hence the copy) after a cancel request to the server.
  std::vector<std::shared_ptr<Connection>> shared;
  shared.swap(shared_);
  draining_ = nullptr;
  for (auto& connection : shared) {
    connection->cancel();
    connection->close();
    if (open_ > 0) --open_;
  }
  // A transaction's running statement fails when it resumes; its Lease then closes the
  // connection (release() on a closed pool).
  std::vector<std::weak_ptr<Connection>> leased;
  leased.swap(leased_);
  for (auto& weak : leased) {
    if (auto connection = weak.lock()) connection->cancel();
  }
  // Waiters wake up, see closed_ and fail.
  for (auto& waiter : waiters_) {
    try {
      waiter->timer.cancel();
    } catch (...) {
    }
  }
}

PoolStats Pool::stats() const noexcept {
  PoolStats s;
  s.open = open_;
  s.idle = static_cast<std::size_t>(std::count_if(
      shared_.begin(), shared_.end(), [](const auto& c) { return c->in_flight() == 0; }));
  s.waiting = static_cast<std::size_t>(
      std::count_if(waiters_.begin(), waiters_.end(), [](const auto& w) { return !w->done; }));
  s.connect_attempts = connect_attempts_;
  s.connect_failures = connect_failures_;
  s.down = down_;
  return s;
}

}  // namespace conduit::db::pg
