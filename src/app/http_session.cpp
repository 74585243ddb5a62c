// HttpSession: one HTTP/1.1 connection (plain or TLS) served by a coroutine.
//
// Reading: bytes accumulate in the connection's RequestReader (request_reader.hpp),
// which hands out complete requests and the limit errors (431, 414, 413, 400 and
// close). Every request already in the buffer is answered before anything is written,
// and the answers go out in one write: that is what makes pipelining cheap.
//
// Deadlines follow the phase the connection is in, and one watchdog timer per
// connection enforces them without being re-armed on the per-request path:
//   idle (keep-alive)  keep_alive_timeout, from the last answer written
//                      (header_timeout for the first request of a connection)
//   header             header_timeout, from the first byte of the request
//   body               body_timeout, from the end of the header
//   handler            none for the watchdog: the handler's own limit
//                      (request_timeout, then 503) ends the phase; a safety net
//                      closes the connection if even that answer cannot be queued
//   write              write_timeout per write; a write in the middle of reading a
//                      request puts the read phase's deadline back afterwards
// A handler that finishes without suspending never enters the handler phase, so the
// synchronous path only stores a deadline and compares it.
//
// Per request, on the synchronous path, nothing is allocated by the session: the
// InFlight and its Request are reused, the handler's root frame comes from the frame
// cache, and the log line is formatted straight into the loop's buffer.
//
// Handlers run as conduit::Tasks. Most finish without suspending and are answered
// inline; one that suspends is awaited with the per-request time limit, after which the
// client gets 503 and the handler's late result is dropped (its state is shared, so it
// may finish safely after the connection moved on).
//
// Thread-safety: a session lives on its loop's thread only.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

#include "app/event_loop.hpp"
#include "app/request_reader.hpp"
#include "app/response_writer.hpp"
#include "conduit/core/log.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/gzip.hpp"
#include "conduit/http/http_error.hpp"

namespace conduit::app::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAwaitable = asio::use_awaitable;
constexpr std::size_t kReadChunk = 16 * 1024;

// What a request's handler produced, shared with the handler's coroutine so a late
// finish (after the time limit) writes into memory that is still alive. A session
// reuses its InFlight (and the Request's buffers) for as long as handlers finish
// without suspending, which is nearly always.
struct InFlight {
  Request request;
  std::optional<Response> response;
  std::exception_ptr error;
  bool done = false;
  asio::steady_timer* waker = nullptr;
  // The handler's root frame while it is suspended, and the loop tracking it.
  std::coroutine_handle<> frame;
  EventLoop* tracker = nullptr;

  void reset() {
    request.reset();
    response.reset();
    error = nullptr;
    done = false;
    waker = nullptr;
    frame = {};
    tracker = nullptr;
  }
};

// The root coroutine of one handler call (like detail::spawn, but its frame comes from
// the frame cache: one per request).
struct HandlerRoot {
  std::coroutine_handle<> frame;
  struct promise_type {
    static void* operator new(std::size_t size) { return conduit::detail::allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept {
      conduit::detail::deallocate_frame(frame, size);
    }
    HandlerRoot get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };
};

HandlerRoot run_handler(Task<Response> task, std::shared_ptr<InFlight> flight) {
  try {
    flight->response.emplace(co_await std::move(task));
  } catch (...) {
    flight->error = std::current_exception();
  }
  flight->done = true;
  if (flight->tracker) flight->tracker->untrack_handler(flight->frame);
  if (flight->waker) flight->waker->cancel();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The rightmost entry of a comma-separated header that proxies append to.
std::string_view rightmost(const std::vector<std::string_view>& values) {
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    std::string_view v = *it;
    auto comma = v.rfind(',');
    auto last = trim(comma == std::string_view::npos ? v : v.substr(comma + 1));
    if (!last.empty()) return last;
  }
  return {};
}

template <class Stream>
tcp::socket& socket_of(Stream& stream) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) {
    return stream;
  } else {
    return stream.next_layer();
  }
}

template <class Stream>
class HttpSession final : public SessionBase,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(EventLoop& loop, Stream stream, std::string remote)
      : loop_(loop),
        limits_(loop.options().limits),
        stream_(std::move(stream)),
        remote_(std::move(remote)),
        watchdog_(loop.io()),
        reader_(limits_) {
    // Bounded below so that a zero timeout cannot make the watchdog spin.
    shortest_timeout_ = std::max(std::chrono::milliseconds(10),
                                 std::min({limits_.header_timeout, limits_.body_timeout,
                                           limits_.keep_alive_timeout, limits_.write_timeout}));
    deadline_ = Clock::now() + limits_.header_timeout;
  }

  void start() {
    registration_ = loop_.add_session(this);
    auto self = this->shared_from_this();
    asio::co_spawn(loop_.io(), serve(), [self](std::exception_ptr) { self->finish(); });
    asio::co_spawn(loop_.io(), watch(), [self](std::exception_ptr) {});
  }

  void drain() override {
    draining_ = true;
    if (idle_) close();
  }
  void abort() override { close(); }

 private:
  void finish() {
    close();
    if (registered_) {
      registered_ = false;
      loop_.remove_session(registration_);
    }
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_of(stream_).shutdown(tcp::socket::shutdown_both, ec);
    socket_of(stream_).close(ec);
    watchdog_.cancel();
  }

  void set_deadline(std::chrono::milliseconds within, Clock::time_point now) {
    deadline_ = now + within;
    // A later deadline is picked up when the timer wakes. The timer is never armed more
    // than the shortest timeout ahead (see watch()), so a new deadline is almost never
    // earlier than it: re-arming (a wake-up and timerfd syscalls) stays off the
    // per-request path.
    if (deadline_ < armed_) watchdog_.cancel();
  }
  void set_deadline(std::chrono::milliseconds within) { set_deadline(within, Clock::now()); }
  // Puts back a deadline saved before a write (only ever earlier than the write's).
  void restore_deadline(Clock::time_point deadline) {
    deadline_ = deadline;
    if (deadline_ < armed_) watchdog_.cancel();
  }

  asio::awaitable<void> watch() {
    while (!closed_) {
      auto now = Clock::now();
      if (now >= deadline_) {
        timed_out_ = true;
        close();
        break;
      }
      armed_ = std::min(deadline_, now + shortest_timeout_);
      watchdog_.expires_at(armed_);
      boost::system::error_code ec;
      co_await watchdog_.async_wait(asio::redirect_error(kAwaitable, ec));
    }
  }

  asio::awaitable<bool> handshake() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      co_return true;
    } else {
      boost::system::error_code ec;
      co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                       asio::redirect_error(kAwaitable, ec));
      co_return !ec;
    }
  }

  asio::awaitable<bool> flush() {
    if (out_.empty()) co_return true;
    set_deadline(limits_.write_timeout);
    boost::system::error_code ec;
    co_await asio::async_write(stream_, asio::buffer(out_), asio::redirect_error(kAwaitable, ec));
    out_.clear();
    co_return !ec;
  }

  // A write while a request is being read (answers to the requests pipelined before
  // it, 100 Continue): the read phase's deadline goes on afterwards, so writing cannot
  // extend the header or body deadline to the write timeout.
  asio::awaitable<bool> flush_while_reading() {
    if (out_.empty()) co_return true;
    Clock::time_point reading = deadline_;
    if (!co_await flush()) co_return false;
    restore_deadline(reading);
    co_return true;
  }

  // Reads more bytes into the reader; false when the connection ended or timed out.
  asio::awaitable<bool> read_more() {
    boost::system::error_code ec;
    std::size_t n = co_await stream_.async_read_some(reader_.prepare(kReadChunk),
                                                     asio::redirect_error(kAwaitable, ec));
    if (ec) co_return false;
    reader_.commit(n);
    co_return true;
  }

  // Reads the next request's first bytes on an idle connection. Plain TCP: what is
  // already there (a pipelining client's next batch) is read at once with the buffers the
  // connection has, as before; otherwise the buffers are freed and the connection waits
  // for readiness with none, so thousands of idle keep-alive connections cost little
  // memory (the read buffer is allocated again when bytes arrive). TLS keeps its buffers:
  // OpenSSL's own dominate there.
  asio::awaitable<bool> read_when_idle() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      boost::system::error_code ec;
      if (!stream_.non_blocking()) stream_.non_blocking(true, ec);
      std::size_t n = stream_.read_some(reader_.prepare(kReadChunk), ec);
      if (!ec) {
        reader_.commit(n);
        co_return true;
      }
      if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
      reader_.release_buffers();
      std::string().swap(out_);
      if (flight_ && flight_.use_count() == 1) flight_.reset();
      co_await stream_.async_wait(tcp::socket::wait_read, asio::redirect_error(kAwaitable, ec));
      if (ec) co_return false;
    }
    co_return co_await read_more();
  }

  void queue_error(int status, std::string_view message) {
    Response response = Response::error(status, message);
    std::string_view request_id = loop_.next_request_id();
    WireContext context{loop_.http_date(), request_id, false, false};
    append_response(out_, response, context);
    if (loop_.options().log_requests) {
      loop_.log_request(FMT_COMPILE("- - {} 0.000ms request_id={} remote={} error=\"{}\""), status,
                        context.request_id, remote_, message);
    }
  }

  asio::awaitable<void> serve() {
    if (!co_await handshake()) co_return;
    bool first = true;
    Clock::time_point now = Clock::now();
    for (;;) {
      // Between requests the connection is idle: keep-alive deadline (the header
      // deadline for the very first request). Empty lines before a request line
      // (RFC 9112 §2.2) leave it idle.
      reader_.skip_empty_lines();
      if (reader_.buffered() == 0) {
        if (!co_await flush()) co_return;
        if (draining_) co_return;
        idle_ = true;
        set_deadline(first ? limits_.header_timeout : limits_.keep_alive_timeout);
        if (!co_await read_when_idle()) co_return;
        idle_ = false;
        now = Clock::now();
      }
      first = false;
      set_deadline(limits_.header_timeout, now);

      bool sent_continue = false;
      bool waited = false;
      InFlight& flight = next_flight();
      for (;;) {
        auto event = reader_.parse(flight.request);
        if (event == RequestReader::Event::request) break;
        if (event == RequestReader::Event::error) {
          queue_error(reader_.error_status(), reader_.error_message());
          co_await flush();
          co_return;
        }
        if (event == RequestReader::Event::header_done) {
          set_deadline(limits_.body_timeout);
          if (!sent_continue && reader_.expects_continue()) {
            sent_continue = true;
            if (!co_await flush_while_reading()) co_return;
            out_.append("HTTP/1.1 100 Continue\r\n\r\n");
          }
        }
        if (!co_await flush_while_reading()) co_return;
        if (!co_await read_more()) co_return;
        waited = true;
      }

      bool wants_keep_alive = reader_.keep_alive();
      // A request read without waiting started when the previous answer was ready or its
      // bytes arrived (`now`); one that waited for more bytes starts now.
      Clock::time_point started = waited ? Clock::now() : now;
      bool target_ok = reader_.take(flight.request);
      fill_request(flight.request);
      Response response;
      if (!target_ok) {
        response = Response::error(400, "malformed request target");
      } else {
        auto root = run_handler(loop_.entry_point().receive(flight.request), flight_);
        if (!flight.done) {
          // The handler suspended (database, timer...): wait for it within the limit.
          // The header or body deadline no longer applies; the watchdog only keeps a
          // safety net beyond the limit (the answer is queued when the limit passes).
          set_deadline(limits_.request_timeout + limits_.write_timeout + shortest_timeout_);
          co_await await_handler(flight_, root.frame);
        }
        if (!flight.done) {
          log::warn("request exceeded {}ms: {} {} request_id={}", limits_.request_timeout.count(),
                    flight.request.method(), flight.request.path(), flight.request.request_id());
          response = Response::error(503, "request timed out");
        } else if (flight.error) {
          response = response_for(flight.error);
        } else {
          response = std::move(*flight.response);
        }
      }
      bool keep_alive = answer(flight.request, response, wants_keep_alive, started, now);
      if (!keep_alive || closed_) {
        co_await flush();
        co_return;
      }
      // Pipelined requests already in the buffer are answered before writing, up to a
      // bound so one connection cannot starve the loop.
      if (++pipelined_ >= limits_.max_pipelined_requests || reader_.buffered() == 0) {
        pipelined_ = 0;
        if (!co_await flush()) co_return;
        now = Clock::now();
      }
    }
  }

  // The InFlight of the next request: the previous one again unless a handler that
  // timed out still holds it.
  InFlight& next_flight() {
    if (flight_ && flight_.use_count() == 1) {
      flight_->reset();
    } else {
      flight_ = std::make_shared<InFlight>();
    }
    return *flight_;
  }

  asio::awaitable<void> await_handler(std::shared_ptr<InFlight> flight,
                                      std::coroutine_handle<> frame) {
    flight->frame = frame;
    flight->tracker = &loop_;
    loop_.track_handler(frame);
    asio::steady_timer limit(loop_.io(), limits_.request_timeout);
    flight->waker = &limit;
    boost::system::error_code ec;
    co_await limit.async_wait(asio::redirect_error(kAwaitable, ec));
    flight->waker = nullptr;
  }

  // The connection's part of the request: client address, scheme, request id.
  void fill_request(Request& request) {
    request.set_remote_address(remote_);
    request.set_scheme(std::is_same_v<Stream, tcp::socket> ? "http" : "https");
    const Headers& headers = request.headers();
    if (loop_.options().trust_proxy) {
      auto forwarded_for = rightmost(headers.get_all("x-forwarded-for"));
      if (!forwarded_for.empty()) request.set_remote_address(forwarded_for);
      auto proto = rightmost(headers.get_all("x-forwarded-proto"));
      if (proto == "https" || proto == "http") request.set_scheme(proto);
    }
    auto given_id = headers.get("x-request-id");
    request.set_request_id(given_id && is_valid_request_id(*given_id) ? *given_id
                                                                      : loop_.next_request_id());
  }

  static Response response_for(std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const HttpError& e) {
      return e.response();
    } catch (const std::exception& e) {
      log::error("uncaught exception: {}", e.what());
    } catch (...) {
      log::error("uncaught non-standard exception");
    }
    return Response::error(500, "internal server error");
  }

  // Queues the response (and its log line); returns whether the connection stays open
  // (not when the client or a shutdown says otherwise). `now` becomes the time the
  // answer was ready.
  bool answer(const Request& request, Response& response, bool wants_keep_alive,
              Clock::time_point started, Clock::time_point& now) {
    if (loop_.options().compress_responses) maybe_compress(request, response);
    // Decided after the handler: a shutdown that began meanwhile closes the connection.
    bool keep_alive = wants_keep_alive && !draining_;
    WireContext context{loop_.http_date(), request.request_id(), request.method() == "HEAD",
                        keep_alive};
    append_response(out_, response, context);
    now = Clock::now();
    if (loop_.options().log_requests) {
      loop_.log_request_line(request.method(), request.path(), response.status(), now - started,
                             request.request_id(), request.remote_address(), now);
    }
    return keep_alive;
  }

  EventLoop& loop_;
  const ServerLimits& limits_;
  Stream stream_;
  std::string remote_;
  asio::steady_timer watchdog_;
  Clock::time_point deadline_;
  Clock::time_point armed_ = Clock::time_point::max();
  std::chrono::milliseconds shortest_timeout_;
  RequestReader reader_;
  std::shared_ptr<InFlight> flight_;
  std::string out_;
  std::list<SessionBase*>::iterator registration_;
  bool registered_ = true;
  bool idle_ = false;
  bool draining_ = false;
  bool closed_ = false;
  bool timed_out_ = false;
  std::size_t pipelined_ = 0;
};

std::string remote_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "-";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return address.to_v6().to_v4().to_string();
  }
  return address.to_string();
}

}  // namespace

void start_session(EventLoop& loop, tcp::socket socket, asio::ssl::context* tls) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  std::string remote = remote_of(socket);
  if (tls) {
    auto session = std::make_shared<HttpSession<asio::ssl::stream<tcp::socket>>>(
        loop, asio::ssl::stream<tcp::socket>(std::move(socket), *tls), std::move(remote));
    session->start();
  } else {
    auto session =
        std::make_shared<HttpSession<tcp::socket>>(loop, std::move(socket), std::move(remote));
    session->start();
  }
}

}  // namespace conduit::app::detail
