// HttpSession: one HTTP/1.1 connection (plain or TLS) served by a coroutine.
//
// Reading: bytes accumulate in a flat buffer and Beast's request parser consumes
// complete requests from it. Every request already in the buffer is answered before
// anything is written, and the answers go out in one write: that is what makes
// pipelining cheap. Limits: header size (431, 414 for the request line), body size
// (413), malformed input (400 and close), and deadlines enforced by one watchdog timer
// per connection (header, body, keep-alive idle, write).
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
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>

#include "app/event_loop.hpp"
#include "app/response_writer.hpp"
#include "conduit/core/log.hpp"
#include "conduit/http/gzip.hpp"
#include "conduit/http/http_error.hpp"

namespace conduit::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAwaitable = asio::use_awaitable;
constexpr std::size_t kReadChunk = 16 * 1024;

// What a request's handler produced, shared with the handler's coroutine so a late
// finish (after the time limit) writes into memory that is still alive.
struct InFlight {
  Request request;
  std::optional<Response> response;
  std::exception_ptr error;
  bool done = false;
  asio::steady_timer* waker = nullptr;
  // The handler's root frame while it is suspended, and the loop tracking it.
  std::coroutine_handle<> frame;
  EventLoop* tracker = nullptr;
};

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
        watchdog_(loop.io()) {
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

  void set_deadline(std::chrono::milliseconds within) {
    auto next = Clock::now() + within;
    bool earlier = next < deadline_;
    deadline_ = next;
    // A later deadline is picked up when the timer wakes; only an earlier one needs it
    // re-armed now.
    if (earlier) watchdog_.cancel();
  }

  asio::awaitable<void> watch() {
    while (!closed_) {
      watchdog_.expires_at(deadline_);
      boost::system::error_code ec;
      co_await watchdog_.async_wait(asio::redirect_error(kAwaitable, ec));
      if (closed_) break;
      if (Clock::now() >= deadline_) {
        timed_out_ = true;
        close();
        break;
      }
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

  // Reads more bytes into in_; false when the connection ended or timed out.
  asio::awaitable<bool> read_more() {
    boost::system::error_code ec;
    std::size_t n = co_await stream_.async_read_some(in_.prepare(kReadChunk),
                                                     asio::redirect_error(kAwaitable, ec));
    if (ec) co_return false;
    in_.commit(n);
    co_return true;
  }

  void queue_error(int status, std::string_view message) {
    Response response = Response::error(status, message);
    std::string request_id = loop_.next_request_id();
    WireContext context{loop_.http_date(), request_id, false, false};
    append_response(out_, response, context);
    if (loop_.options().log_requests) {
      loop_.log_request(FMT_COMPILE("- - {} 0.000ms request_id={} remote={} error=\"{}\""), status,
                        context.request_id, remote_, message);
    }
  }

  // After the header is parsed: request-line and per-line limits (Beast only bounds the
  // whole header section).
  std::optional<std::pair<int, std::string_view>> check_header_lines(
      const http::request_parser<http::string_body>& parser) const {
    const auto& message = parser.get();
    std::size_t line_limit = limits_.max_header_line_bytes;
    if (message.target().size() + message.method_string().size() + 10 > line_limit) {
      return std::pair{414, std::string_view("request URI too long")};
    }
    for (const auto& field : message) {
      if (field.name_string().size() + field.value().size() + 2 > line_limit) {
        return std::pair{431, std::string_view("request header too large")};
      }
    }
    return std::nullopt;
  }

  asio::awaitable<void> serve() {
    if (!co_await handshake()) co_return;
    bool first = true;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
      parser.body_limit(limits_.max_body_bytes);
      parser.eager(true);
      bool sent_continue = false;
      bool header_checked = false;

      // Between requests the connection is idle: keep-alive deadline (the header
      // deadline for the very first request).
      if (in_.size() == 0) {
        if (!co_await flush()) co_return;
        if (draining_) co_return;
        idle_ = true;
        set_deadline(first ? limits_.header_timeout : limits_.keep_alive_timeout);
        if (!co_await read_more()) co_return;
        idle_ = false;
      }
      if (!first || in_.size() > 0) set_deadline(limits_.header_timeout);
      first = false;

      while (!parser.is_done()) {
        boost::system::error_code ec;
        std::size_t used = parser.put(in_.data(), ec);
        in_.consume(used);
        // Beast reports success with nothing consumed when the header is done and the
        // body has not arrived yet: that also means "read more".
        if (ec == http::error::need_more || (!ec && used == 0 && !parser.is_done())) {
          if (parser.is_header_done() && !header_checked) {
            header_checked = true;
            if (auto bad = check_header_lines(parser)) {
              queue_error(bad->first, bad->second);
              co_await flush();
              co_return;
            }
            set_deadline(limits_.body_timeout);
            auto expect = parser.get()[http::field::expect];
            if (!sent_continue && iequals(expect, "100-continue")) {
              sent_continue = true;
              if (!co_await flush()) co_return;
              out_.append("HTTP/1.1 100 Continue\r\n\r\n");
              if (!co_await flush()) co_return;
            }
          }
          if (!co_await flush()) co_return;
          if (!co_await read_more()) co_return;
          continue;
        }
        if (ec) {
          if (ec == http::error::header_limit) {
            // No CRLF in the allowed bytes means the request line itself is too long.
            queue_error(parser.got_some() && request_line_fits() ? 431 : 414,
                        parser.got_some() && request_line_fits() ? "request header too large"
                                                                 : "request URI too long");
          } else if (ec == http::error::body_limit) {
            queue_error(413, "entity length exceeds maximum");
          } else {
            queue_error(400, "malformed request");
          }
          co_await flush();
          co_return;
        }
      }
      if (!header_checked) {
        if (auto bad = check_header_lines(parser)) {
          queue_error(bad->first, bad->second);
          co_await flush();
          co_return;
        }
      }

      bool wants_keep_alive = parser.get().keep_alive();
      bool keep_alive = co_await answer(parser.release(), wants_keep_alive);
      if (!keep_alive || closed_) {
        co_await flush();
        co_return;
      }
      // Pipelined requests already in the buffer are answered before writing, up to a
      // bound so one connection cannot starve the loop.
      if (++pipelined_ >= limits_.max_pipelined_requests || in_.size() == 0) {
        pipelined_ = 0;
        if (!co_await flush()) co_return;
      }
    }
  }

  bool request_line_fits() const {
    auto data = static_cast<const char*>(in_.data().data());
    std::string_view view(data, std::min(in_.size(), limits_.max_header_line_bytes));
    return view.find("\r\n") != std::string_view::npos || view.find('\n') != std::string_view::npos;
  }

  void fill_request(Request& request, http::request<http::string_body>& message) {
    request.set_method(std::string(message.method_string()));
    request.set_version(static_cast<int>(message.version()));
    auto& headers = request.mutable_headers();
    headers.reserve(std::distance(message.begin(), message.end()));
    for (const auto& field : message) headers.add(field.name_string(), field.value());
    request.set_body(std::move(message.body()));
    request.set_remote_address(remote_);
    request.set_scheme(std::is_same_v<Stream, tcp::socket> ? "http" : "https");
    if (loop_.options().trust_proxy) {
      auto forwarded_for = rightmost(headers.get_all("x-forwarded-for"));
      if (!forwarded_for.empty()) request.set_remote_address(std::string(forwarded_for));
      auto proto = rightmost(headers.get_all("x-forwarded-proto"));
      if (proto == "https" || proto == "http") request.set_scheme(std::string(proto));
    }
    auto given_id = headers.get("x-request-id");
    request.set_request_id(given_id && is_valid_request_id(*given_id) ? std::string(*given_id)
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

  // Runs the request through the channel and queues the response; returns whether the
  // connection stays open (not when the client or a shutdown says otherwise).
  asio::awaitable<bool> answer(http::request<http::string_body> message, bool wants_keep_alive) {
    auto started = Clock::now();
    auto flight = std::make_shared<InFlight>();
    Request& request = flight->request;
    fill_request(request, message);
    Response response;
    if (!request.set_target(std::string(message.target()))) {
      response = Response::error(400, "malformed request target");
    } else {
      auto root = detail::spawn(loop_.entry_point().receive(request),
                                [flight](std::exception_ptr error, std::optional<Response> result) {
                                  flight->error = error;
                                  flight->response = std::move(result);
                                  flight->done = true;
                                  if (flight->tracker)
                                    flight->tracker->untrack_handler(flight->frame);
                                  if (flight->waker) flight->waker->cancel();
                                });
      if (!flight->done) {
        flight->frame = root.frame;
        flight->tracker = &loop_;
        loop_.track_handler(root.frame);
        // The handler suspended (database, timer...): wait for it within the limit.
        asio::steady_timer limit(loop_.io(), limits_.request_timeout);
        flight->waker = &limit;
        boost::system::error_code ec;
        co_await limit.async_wait(asio::redirect_error(kAwaitable, ec));
        flight->waker = nullptr;
      }
      if (!flight->done) {
        log::warn("request exceeded {}ms: {} {} request_id={}", limits_.request_timeout.count(),
                  request.method(), request.path(), request.request_id());
        response = Response::error(503, "request timed out");
      } else if (flight->error) {
        response = response_for(flight->error);
      } else {
        response = std::move(*flight->response);
      }
    }
    if (loop_.options().compress_responses) maybe_compress(request, response);
    // Decided after the handler: a shutdown that began meanwhile closes the connection.
    bool keep_alive = wants_keep_alive && !draining_;
    WireContext context{loop_.http_date(), request.request_id(), request.method() == "HEAD",
                        keep_alive};
    append_response(out_, response, context);
    if (loop_.options().log_requests) {
      auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
      loop_.log_request(FMT_COMPILE("{} {} {} {}.{:03}ms request_id={} remote={}"),
                        request.method(), request.path(), response.status(), us / 1000, us % 1000,
                        request.request_id(), request.remote_address());
    }
    co_return keep_alive;
  }

  EventLoop& loop_;
  const ServerLimits& limits_;
  Stream stream_;
  std::string remote_;
  asio::steady_timer watchdog_;
  Clock::time_point deadline_;
  beast::flat_buffer in_;
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

}  // namespace conduit::detail
