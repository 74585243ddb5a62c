// Implementation of conduit::sleep_for on the current loop's io_context.
#include "conduit/app/sleep.hpp"

#include <boost/asio/steady_timer.hpp>

#include <coroutine>
#include <memory>
#include <stdexcept>

#include "core/internal/current_loop.hpp"

namespace conduit {

namespace {
struct TimerAwaiter {
  boost::asio::steady_timer& timer;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    timer.async_wait([handle](const boost::system::error_code&) { handle.resume(); });
  }
  void await_resume() const noexcept {}
};
}  // namespace

Task<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::io_context* io = detail::current_io_context();
  if (!io) throw std::logic_error("conduit::sleep_for used outside a conduit event loop");
  boost::asio::steady_timer timer(*io, duration);
  co_await TimerAwaiter{timer};
}

}  // namespace conduit
