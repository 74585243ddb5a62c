// Implementation of conduit::app::detail::EventLoop.
#include "app/event_loop.hpp"

#include "app/openapi_document.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>
#include <stdexcept>

#include "conduit/core/log.hpp"
#include "conduit/http/controller.hpp"
#include "core/internal/current_loop.hpp"

namespace conduit::app::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Runs a conduit::Task<void> on the loop as an asio coroutine.
asio::awaitable<void> await_task(Task<void> task) {
  auto executor = co_await asio::this_coro::executor;
  std::exception_ptr error;
  bool done = false;
  asio::steady_timer wake(executor, std::chrono::steady_clock::time_point::max());
  conduit::detail::spawn(std::move(task), [&](std::exception_ptr e) {
    error = e;
    done = true;
    wake.cancel();
  });
  if (!done) {
    boost::system::error_code ec;
    co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (error) std::rethrow_exception(error);
}

void log_close_failure(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::error("channel close() failed: {}", e.what());
  } catch (...) {
  }
}

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

EventLoop::EventLoop(int index, int count, const ApplicationOptions& options,
                     const ApplicationSpec& spec, asio::ssl::context* tls)
    : index_(index), count_(count), options_(options), spec_(spec), tls_(tls) {
  std::random_device device;
  std::uint64_t seed = (std::uint64_t(device()) << 32) ^ device();
  rng_state_[0] = splitmix(seed);
  rng_state_[1] = splitmix(seed);
}

EventLoop::~EventLoop() = default;

void EventLoop::open_listener(const tcp::endpoint& endpoint, bool ipv6_only) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) {
    int one = 1;
    if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      ec.assign(errno, boost::system::system_category());
    }
  }
  if (!ec && endpoint.address().is_v6()) {
    acceptor_.set_option(asio::ip::v6_only(ipv6_only), ec);
  }
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    std::string where =
        endpoint.address().is_v6()
            ? "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port())
            : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  }
}

std::uint16_t EventLoop::local_port() const {
  boost::system::error_code ec;
  auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void EventLoop::run(std::function<void(std::string)> on_ready) {
  conduit::detail::set_current_io_context(&io_);
  conduit::detail::set_current_loop_share({index_, count_});
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        channel_ = spec_.make_channel();
        channel_->attach(&options_, index_);
        co_await await_task(channel_->prepare());
        entry_point_ = channel_->entry_point();
        if (!entry_point_) throw std::runtime_error("entry_point() returned no controller");
        entry_point_->did_add_to_channel();
        if (options_.serve_docs)
          entry_point_ = with_docs(entry_point_, spec_.name, options_.openapi);
        channel_->will_start_receiving_requests();
      },
      [this, on_ready](std::exception_ptr error) {
        std::string message;
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            message = e.what();
          } catch (...) {
            message = "unknown error while preparing the channel";
          }
          if (message.empty()) message = "channel preparation failed";
        }
        on_ready(message);
        if (message.empty()) {
          start_accepting();
        } else {
          boost::system::error_code ec;
          acceptor_.close(ec);
        }
      });
  io_.run();

  // Forced (or never drained): the channel still gets its close() on this same thread.
  if (channel_ && !channel_close_started_) {
    io_.restart();
    channel_close_started_ = true;
    asio::co_spawn(io_, await_task(channel_->close()), log_close_failure);
    io_.run_until(
        close_by_.value_or(std::chrono::steady_clock::now() + options_.limits.shutdown_grace));
  }
  log::write_lines(log_buffer_);
  log_buffer_.clear();
  // Handlers still suspended after a forced stop will never resume: destroy their
  // frames now (the io_context is not run again, so nothing can resume them later).
  auto suspended = std::move(suspended_handlers_);
  for (auto frame : suspended) frame.destroy();
  entry_point_.reset();
  channel_.reset();
  conduit::detail::set_current_io_context(nullptr);
  conduit::detail::set_current_loop_share({});
}

void EventLoop::start_accepting() {
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        asio::steady_timer backoff(io_);
        // Out of file descriptors (EMFILE/ENFILE) or similar: accept fails until some
        // connection closes. One warning per episode and one line when it ends (not
        // one per retry), and the retries back off rather than spin.
        constexpr auto kFirstBackoff = std::chrono::milliseconds(50);
        constexpr auto kLongestBackoff = std::chrono::milliseconds(500);
        auto delay = kFirstBackoff;
        std::size_t failures = 0;
        while (!draining_) {
          boost::system::error_code ec;
          tcp::socket socket =
              co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
          if (draining_) break;
          if (ec) {
            if (ec == asio::error::operation_aborted) break;
            if (failures++ == 0) {
              log::warn("accept failed: {}; retrying with back-off until it succeeds",
                        ec.message());
            }
            backoff.expires_after(delay);
            delay = std::min(delay * 2, kLongestBackoff);
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
          }
          if (failures != 0) {
            log::info("accepting connections again after {} failed attempts", failures);
            failures = 0;
            delay = kFirstBackoff;
          }
          if (sessions_.size() >= options_.limits.max_connections_per_loop) {
            continue;  // dropping the socket closes it
          }
          start_session(*this, std::move(socket), tls_);
        }
      },
      asio::detached);
}

void EventLoop::schedule_log_flush() {
  if (log_flush_scheduled_) return;
  log_flush_scheduled_ = true;
  asio::post(io_, [this] {
    log_flush_scheduled_ = false;
    log::write_lines(log_buffer_);
    log_buffer_.clear();
  });
}

void EventLoop::close_channel_when_idle() {
  if (!draining_ || !sessions_.empty() || channel_close_started_ || !channel_) return;
  channel_close_started_ = true;
  asio::co_spawn(io_, await_task(channel_->close()), log_close_failure);
}

void EventLoop::begin_drain() {
  asio::post(io_, [this] {
    if (draining_) return;
    draining_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    // drain() may close and unregister the session, so iterate over a copy.
    std::vector<SessionBase*> sessions(sessions_.begin(), sessions_.end());
    for (SessionBase* session : sessions) session->drain();
    close_channel_when_idle();
  });
}

void EventLoop::force_stop(std::chrono::steady_clock::time_point close_by) {
  asio::post(io_, [this, close_by] {
    close_by_ = close_by;
    draining_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    std::vector<SessionBase*> sessions(sessions_.begin(), sessions_.end());
    for (SessionBase* session : sessions) session->abort();
    io_.stop();
  });
}

std::list<SessionBase*>::iterator EventLoop::add_session(SessionBase* session) {
  return sessions_.insert(sessions_.end(), session);
}

void EventLoop::remove_session(std::list<SessionBase*>::iterator it) {
  sessions_.erase(it);
  close_channel_when_idle();
}

const std::string& EventLoop::http_date() {
  std::time_t now = std::time(nullptr);
  if (now != date_second_) {
    date_second_ = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::size_t n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    date_.assign(buffer, n);
  }
  return date_;
}

std::string_view EventLoop::next_request_id() {
  // xorshift128+: request ids need to be unique, not secret.
  auto next = [this] {
    std::uint64_t s1 = rng_state_[0];
    const std::uint64_t s0 = rng_state_[1];
    rng_state_[0] = s0;
    s1 ^= s1 << 23;
    rng_state_[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return rng_state_[1] + s0;
  };
  // Two hex digits per byte, low nibble first (the digit order of the original loop).
  static constexpr auto kPairs = [] {
    constexpr char hex[] = "0123456789abcdef";
    std::array<char, 512> pairs{};
    for (int byte = 0; byte < 256; ++byte) {
      pairs[2 * byte] = hex[byte & 0xf];
      pairs[2 * byte + 1] = hex[byte >> 4];
    }
    return pairs;
  }();
  std::uint64_t words[2] = {next(), next()};
  char* out = request_id_;
  for (std::uint64_t word : words) {
    for (int i = 0; i < 8; ++i, word >>= 8) {
      std::memcpy(out, &kPairs[2 * (word & 0xff)], 2);
      out += 2;
    }
  }
  return std::string_view(request_id_, sizeof request_id_);
}

void EventLoop::log_request_line(std::string_view method, std::string_view path, int status,
                                 std::chrono::steady_clock::duration took,
                                 std::string_view request_id, std::string_view remote,
                                 std::chrono::steady_clock::time_point finished) {
  if (!log::enabled(log::Level::info)) return;
  if (finished >= wall_offset_until_) {
    auto steady = std::chrono::steady_clock::now();
    wall_offset_ =
        std::chrono::system_clock::now().time_since_epoch() -
        std::chrono::duration_cast<std::chrono::system_clock::duration>(steady.time_since_epoch());
    wall_offset_until_ = steady + std::chrono::seconds(1);
  }
  auto wall = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(finished.time_since_epoch()) +
      wall_offset_);
  log::append_prefix(log_buffer_, log::Level::info, wall);
  const std::size_t start = log_buffer_.size();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  if (us < 0) us = 0;
  char numbers[64];
  char* p = numbers;
  *p++ = ' ';
  p = std::to_chars(p, numbers + 8, status).ptr;
  *p++ = ' ';
  p = std::to_chars(p, numbers + 40, us / 1000).ptr;
  const auto fraction = static_cast<int>(us % 1000);
  *p++ = '.';
  *p++ = char('0' + fraction / 100);
  *p++ = char('0' + fraction / 10 % 10);
  *p++ = char('0' + fraction % 10);
  log_buffer_.reserve(log_buffer_.size() + method.size() + path.size() + request_id.size() +
                      remote.size() + 96);
  log_buffer_.append(method);
  log_buffer_.push_back(' ');
  log_buffer_.append(path);
  log_buffer_.append(numbers, p);
  log_buffer_.append("ms request_id=");
  log_buffer_.append(request_id);
  log_buffer_.append(" remote=");
  log_buffer_.append(remote);
  // Only the decoded path can hold a line break (the method is a token, the id checked,
  // the address an address or a header value, which cannot hold one).
  bool one_line = true;
  for (char c : path) one_line &= c != '\n' && c != '\r';
  if (one_line) {
    log_buffer_.push_back('\n');
  } else {
    log::finish_line(log_buffer_, start);
  }
  schedule_log_flush();
}

}  // namespace conduit::app::detail
