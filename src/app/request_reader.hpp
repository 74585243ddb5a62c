// RequestReader: the incremental HTTP/1.1 request reader of one connection.
//
// Bytes read from the socket go into its buffer (prepare/commit); parse() consumes them
// and reports when a request's header is complete while its body is still to come
// (for deadlines and Expect: 100-continue), when a whole request is ready, or a client
// error with the status and message to answer. Pipelined requests stay in the buffer
// and are read one after the other. The limits are the server's: request line
// (414), one header line or the whole header section (431), body (413); anything
// malformed is 400. Parsing is Beast's (its basic_parser, with callbacks that fill the
// conduit::Request directly).
//
// Header-only because both the server (conduit_app) and the request fuzzer, which
// builds without the rest of conduit_app, use it.
//
// Thread-safety: one reader per connection, used by one thread.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/optional/optional.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "conduit/app/application_options.hpp"
#include "conduit/http/headers.hpp"
#include "conduit/http/request.hpp"

namespace conduit::detail {

// Beast's parser, delivering straight into a conduit::Request: the fields are views of
// the input while Beast calls back, so they are copied once, into the Request, and no
// intermediate field container (a node and a tree insertion per field) is built.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(Request& request, std::string& body, std::size_t line_limit, std::size_t body_limit)
      : request_(request), body_(body), line_limit_(line_limit), body_limit_(body_limit) {}

  bool target_ok() const noexcept { return target_ok_; }
  bool expects_continue() const noexcept { return expects_continue_; }
  // 414 for an over-long request line, 431 for an over-long field line, else 0.
  int line_status() const noexcept { return line_status_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                       int version, error_code&) override {
    request_.set_method(method);
    request_.set_version(version);
    target_ok_ = request_.set_target(target);
    if (target.size() + method.size() + 10 > line_limit_) line_status_ = 414;
  }
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code&) override {
    request_.mutable_headers().add(name_string, value);
    if (line_status_ == 0 && name_string.size() + value.size() + 2 > line_limit_) {
      line_status_ = 431;
    }
    // Only the first Expect field counts.
    if (name == boost::beast::http::field::expect && !seen_expect_) {
      seen_expect_ = true;
      expects_continue_ = iequals(value, "100-continue");
    }
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length)
      body_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, body_limit_)));
  }
  std::size_t on_body_impl(string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  Request& request_;
  std::string& body_;
  std::size_t line_limit_;
  std::size_t body_limit_;
  bool target_ok_ = false;
  bool seen_expect_ = false;
  bool expects_continue_ = false;
  int line_status_ = 0;
};

class RequestReader {
 public:
  enum class Event {
    need_more,    // read more bytes, then parse() again
    header_done,  // the header is complete and valid, the body is still to come
    request,      // a whole request is ready: take() it
    error,        // answer error_status()/error_message() and close the connection
  };

  explicit RequestReader(const ServerLimits& limits) : limits_(limits) {}
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // ---- input -------------------------------------------------------------------------
  boost::beast::flat_buffer::mutable_buffers_type prepare(std::size_t n) { return in_.prepare(n); }
  void commit(std::size_t n) { in_.commit(n); }
  // Bytes received and not parsed yet.
  std::size_t buffered() const noexcept { return in_.size(); }
  // True between the first parse() of a request and take().
  bool in_progress() const noexcept { return parser_.has_value(); }

  // Parses what is buffered into `request` (a default-constructed or reset() one; the
  // same object for every call until take()): method, version, target and headers.
  // header_done is reported at most once per request.
  Event parse(Request& request) {
    namespace http = boost::beast::http;
    if (!parser_) start(request);
    RequestParser& parser = *parser_;
    for (;;) {
      boost::system::error_code ec;
      std::size_t used = parser.put(in_.data(), ec);
      in_.consume(used);  // consuming everything resets the buffer: no copying
      if (parser.is_done()) {
        if (!header_checked_ && !check_header_lines()) return Event::error;
        header_checked_ = true;
        return Event::request;
      }
      // Beast reports success with nothing consumed when the header is done and the
      // body has not arrived yet: that also means "read more".
      if (ec == http::error::need_more || (!ec && used == 0)) {
        if (parser.is_header_done() && !header_checked_) {
          header_checked_ = true;
          if (!check_header_lines()) return Event::error;
          return Event::header_done;
        }
        return Event::need_more;
      }
      if (ec) {
        if (ec == http::error::header_limit) {
          // No line end within the allowed bytes means the request line is too long.
          if (parser.got_some() && request_line_fits()) {
            fail(431, "request header too large");
          } else {
            fail(414, "request URI too long");
          }
        } else if (ec == http::error::body_limit) {
          fail(413, "entity length exceeds maximum");
        } else {
          fail(400, "malformed request");
        }
        return Event::error;
      }
    }
  }

  // ---- after header_done or request ----------------------------------------------------
  bool expects_continue() const noexcept { return parser_->expects_continue(); }
  // From the flags the parser kept while reading the header (no field lookup).
  bool keep_alive() const { return parser_->keep_alive(); }

  // ---- after request -------------------------------------------------------------------
  // Moves the body into `request` (the one given to parse()) and ends the request.
  // False when the target is malformed.
  bool take(Request& request) {
    request.set_body(std::move(body_));
    body_.clear();
    bool target_ok = parser_->target_ok();
    finish();
    return target_ok;
  }
  // Ends the current request without taking it.
  void finish() noexcept { parser_.reset(); }

  // ---- after error ---------------------------------------------------------------------
  int error_status() const noexcept { return error_status_; }
  std::string_view error_message() const noexcept { return error_message_; }

 private:
  void start(Request& request) {
    parser_.emplace(request, body_, limits_.max_header_line_bytes, limits_.max_body_bytes);
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(limits_.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(limits_.max_body_bytes);
    parser_->eager(true);
    header_checked_ = false;
    body_.clear();
  }

  void fail(int status, std::string_view message) {
    error_status_ = status;
    error_message_ = message;
  }

  // Beast only bounds the whole header section: the request line and each field line
  // have their own limit.
  bool check_header_lines() {
    switch (parser_->line_status()) {
      case 0:
        return true;
      case 414:
        fail(414, "request URI too long");
        return false;
      default:
        fail(431, "request header too large");
        return false;
    }
  }

  bool request_line_fits() const {
    auto data = static_cast<const char*>(in_.data().data());
    std::string_view view(data, std::min(in_.size(), limits_.max_header_line_bytes));
    return view.find('\n') != std::string_view::npos;
  }

  const ServerLimits& limits_;
  boost::beast::flat_buffer in_;
  std::string body_;
  std::optional<RequestParser> parser_;
  bool header_checked_ = false;
  int error_status_ = 0;
  std::string_view error_message_;
};

}  // namespace conduit::detail
