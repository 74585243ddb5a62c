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
      pool.release(std::move(waiter->connection));
    } else if (waiter->slot) {
      pool.free_slot();
    }
  }
};

// Frees a counted slot unless the connection for it was opened.
class Pool::SlotGuard {
 public:
  explicit SlotGuard(Pool& pool) : pool_(&pool) {}
  ~SlotGuard() {
    if (pool_) pool_->free_slot();
  }
  void dismiss() noexcept { pool_ = nullptr; }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  Pool* pool_;
};

// ---- Pool -------------------------------------------------------------------------------

Pool::Pool(asio::io_context& io, std::shared_ptr<const ConnectionSettings> settings,
           std::size_t max_connections, std::chrono::milliseconds acquire_timeout,
           std::string redacted_url)
    : io_(io),
      settings_(std::move(settings)),
      max_(std::max<std::size_t>(1, max_connections)),
      acquire_timeout_(acquire_timeout),
      redacted_url_(std::move(redacted_url)) {}

Pool::~Pool() { close(); }

Task<Lease> Pool::acquire() {
  if (closed_) throw detail::closed_error();
  while (!idle_.empty()) {
    std::shared_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    connection->stop_watching();
    if (connection->check_alive()) co_return Lease(this, std::move(connection));
    connection->close();
    free_slot();
  }
  if (open_ < max_) {
    ++open_;
    co_return co_await open_connection();
  }
  auto waiter = std::make_shared<Waiter>(io_);
  waiter->timer.expires_after(acquire_timeout_);
  waiters_.push_back(waiter);
  co_await WaitAwaiter(*this, waiter);
  if (waiter->connection) co_return Lease(this, std::move(waiter->connection));
  if (waiter->slot) co_return co_await open_connection();
  remove_waiter(waiter);
  if (closed_) throw detail::closed_error();
  throw detail::pool_exhausted_error("no database connection became free within " +
                                     std::to_string(acquire_timeout_.count()) + " ms (pool of " +
                                     std::to_string(max_) + ")");
}

Task<Lease> Pool::open_connection() {
  SlotGuard slot(*this);
  auto connection = std::make_shared<Connection>(io_, settings_);
  try {
    co_await connection->connect();
  } catch (const DatabaseError& e) {
    log::warn("database {}: {}", redacted_url_, e.what());
    throw;
  }
  slot.dismiss();
  co_return Lease(this, std::move(connection));
}

void Pool::release(std::shared_ptr<Connection> connection) noexcept {
  if (closed_ || !connection->reusable()) {
    connection->close();
    free_slot();
    return;
  }
  while (!waiters_.empty()) {
    std::shared_ptr<Waiter> waiter = std::move(waiters_.front());
    waiters_.pop_front();
    if (waiter->done) continue;
    waiter->connection = std::move(connection);
    try {
      waiter->timer.cancel();
    } catch (...) {
    }
    return;
  }
  try {
    make_idle(std::move(connection));
  } catch (...) {
    free_slot();  // out of memory: dropping the connection is the safe answer
  }
}

void Pool::free_slot() noexcept {
  while (!waiters_.empty()) {
    std::shared_ptr<Waiter> waiter = std::move(waiters_.front());
    waiters_.pop_front();
    if (waiter->done) continue;
    waiter->slot = true;
    try {
      waiter->timer.cancel();
    } catch (...) {
    }
    return;
  }
  if (open_ > 0) --open_;
}

void Pool::make_idle(std::shared_ptr<Connection> connection) {
  Connection* raw = connection.get();
  idle_.push_back(std::move(connection));
  raw->watch_while_idle([this, raw] { remove_idle(raw); });
}

void Pool::remove_idle(Connection* connection) noexcept {
  auto it = std::find_if(idle_.begin(), idle_.end(),
                         [&](const auto& c) { return c.get() == connection; });
  if (it == idle_.end()) return;
  // Called from the connection's own handler, which holds a reference: erasing is safe.
  idle_.erase(it);
  free_slot();
}

void Pool::remove_waiter(const std::shared_ptr<Waiter>& waiter) noexcept {
  auto it = std::find(waiters_.begin(), waiters_.end(), waiter);
  if (it != waiters_.end()) waiters_.erase(it);
}

void Pool::close() noexcept {
  closed_ = true;
  for (auto& connection : idle_) connection->close();
  open_ -= std::min(open_, idle_.size());
  idle_.clear();
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
  s.idle = idle_.size();
  s.waiting = static_cast<std::size_t>(
      std::count_if(waiters_.begin(), waiters_.end(), [](const auto& w) { return !w->done; }));
  return s;
}

}  // namespace conduit::db::pg
