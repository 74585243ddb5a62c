// conduit::app::detail::EventLoop: one thread, one io_context, one listener, one channel.
//
// Connections accepted by a loop live their whole life on it, so sessions, the channel
// and its controllers are touched by one thread only and need no locks. On Linux every
// loop has its own SO_REUSEPORT listener and the kernel spreads connections across them.
//
// Thread-safety: construct and open_listener() on the starting thread before run();
// begin_drain() and force_stop() may be called from any thread (they post to the loop).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "conduit/app/application.hpp"
#include "conduit/core/log.hpp"

#include <fmt/compile.h>

namespace conduit::app::detail {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Close now if idle between requests; otherwise close after the current response.
  virtual void drain() = 0;
  // Close the connection now.
  virtual void abort() = 0;
};

class EventLoop {
 public:
  // Loop `index` of `count` (the database pools split their connections by it).
  EventLoop(int index, int count, const ApplicationOptions& options, const ApplicationSpec& spec,
            boost::asio::ssl::context* tls);
  ~EventLoop();

  // Binds and listens on `endpoint` (SO_REUSEPORT, so every loop can bind the same
  // port). Throws std::runtime_error naming the address on failure.
  void open_listener(const boost::asio::ip::tcp::endpoint& endpoint, bool ipv6_only);
  std::uint16_t local_port() const;

  // The thread body: prepares the channel, reports through on_ready (empty string on
  // success, else the error), accepts and serves until drained, then closes the channel.
  void run(std::function<void(std::string)> on_ready);

  void begin_drain();
  // Aborts the sessions and stops the loop; the channel's close() (if it has not run yet)
  // then gets until `close_by` (the end of the shutdown grace), not a grace of its own.
  void force_stop(std::chrono::steady_clock::time_point close_by);

  // ---- used by sessions (loop thread only) -----------------------------------------------
  boost::asio::io_context& io() noexcept { return io_; }
  const ApplicationOptions& options() const noexcept { return options_; }
  Controller& entry_point() noexcept { return *entry_point_; }
  bool draining() const noexcept { return draining_; }
  std::list<SessionBase*>::iterator add_session(SessionBase* session);
  void remove_session(std::list<SessionBase*>::iterator it);
  // The cached HTTP Date header value, refreshed at most once per second.
  const std::string& http_date();
  // Queues one request log line; the lines of one loop turn go out in one write(2)
  // right after the turn's ready handlers have run (so every line is flushed promptly).
  template <class Format, class... Args>
  void log_request(const Format& format, Args&&... args) {
    if (!log::enabled(log::Level::info)) return;
    log::append_prefix(log_buffer_, log::Level::info);
    std::size_t start = log_buffer_.size();
    fmt::format_to(std::back_inserter(log_buffer_), format, std::forward<Args>(args)...);
    log::finish_line(log_buffer_, start);
    schedule_log_flush();
  }
  // The line of one answered request: "<method> <path> <status> <ms>ms request_id=<id>
  // remote=<address>", timestamped with `finished` (the steady time the answer was
  // ready). Written without an intermediate string or another clock read.
  void log_request_line(std::string_view method, std::string_view path, int status,
                        std::chrono::steady_clock::duration took, std::string_view request_id,
                        std::string_view remote, std::chrono::steady_clock::time_point finished);
  // A fresh X-Request-ID (32 hex digits), valid until the next call.
  std::string_view next_request_id();
  // Handlers that suspended: tracked so that a forced stop can destroy their frames
  // (and everything they await) instead of leaking them.
  void track_handler(std::coroutine_handle<> frame) { suspended_handlers_.insert(frame); }
  void untrack_handler(std::coroutine_handle<> frame) { suspended_handlers_.erase(frame); }

 private:
  void start_accepting();
  void schedule_log_flush();
  // Once draining and the last connection has gone, the channel's close() runs: it
  // releases what keeps the loop busy (database connections watching their sockets), so
  // the loop can end without waiting out the shutdown grace.
  void close_channel_when_idle();

  int index_;
  int count_;
  const ApplicationOptions& options_;
  const ApplicationSpec& spec_;
  boost::asio::ssl::context* tls_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::unique_ptr<ApplicationChannel> channel_;
  std::shared_ptr<Controller> entry_point_;
  std::list<SessionBase*> sessions_;
  struct HandleLess {
    bool operator()(std::coroutine_handle<> a, std::coroutine_handle<> b) const noexcept {
      return a.address() < b.address();
    }
  };
  std::set<std::coroutine_handle<>, HandleLess> suspended_handlers_;
  bool draining_ = false;
  bool channel_close_started_ = false;
  std::optional<std::chrono::steady_clock::time_point> close_by_;  // set by force_stop
  std::atomic<bool> stopped_{false};
  std::string log_buffer_;
  bool log_flush_scheduled_ = false;
  std::string date_;
  std::int64_t date_second_ = -1;
  std::uint64_t rng_state_[2];
  char request_id_[32];
  // Wall time minus steady time, refreshed once a second, so a log line's timestamp can
  // be derived from the steady time the request already read.
  std::chrono::system_clock::duration wall_offset_{};
  std::chrono::steady_clock::time_point wall_offset_until_{};
};

// Starts a session for an accepted socket (plain or TLS according to the loop).
void start_session(EventLoop& loop, boost::asio::ip::tcp::socket socket,
                   boost::asio::ssl::context* tls);

}  // namespace conduit::app::detail
