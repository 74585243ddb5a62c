// RequestReader: the incremental HTTP/1.1 request reader of one connection.
//
// Bytes read from the socket go into its buffer (prepare/commit); parse() consumes them
// and reports when a request's header is complete while its body is still to come
// (for deadlines and Expect: 100-continue), when a whole request is ready, or a client
// error with the status and message to answer. Pipelined requests stay in the buffer
// and are read one after the other. The limits are the server's: request line
// (414), one header line or the whole header section, counted from its first byte
// (431), body (413), a chunk line (400) and the trailer section (431), each refused as
// soon as the bytes buffered pass it; anything malformed is 400, and so are framing
// that could smuggle a request (RFC 9112 §6.3) and a missing or repeated Host (501 for
// a transfer coding other than chunked). Parsing is Beast's (its basic_parser, with
// callbacks that fill the conduit::Request directly). An announced body length is
// not reserved up front: the body grows as its bytes arrive.
//
// Header-only because both the server (conduit_app) and the request fuzzer, which
// builds without the rest of conduit_app, use it.
//
// Thread-safety: one reader per connection, used by one thread.
#pragma once

#include <boost/asio/buffer.hpp>
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

namespace conduit::app::detail {

// Beast's parser, delivering straight into a conduit::Request: the fields are views of
// the input while Beast calls back, so they are copied once, into the Request, and no
// intermediate field container (a node and a tree insertion per field) is built.
//
// It also checks what Beast lets through and what a server must refuse (RFC 9112):
// message framing (a Transfer-Encoding whose final coding is not chunked, a coding
// other than chunked, Content-Length together with Transfer-Encoding, Transfer-Encoding
// in HTTP/1.0) and the Host field (exactly one in HTTP/1.1, at most one otherwise).
// Trailer fields are checked against the line limit but never merged into the headers
// (RFC 9110 §6.5.1): a trailer cannot add a Host or an X-Forwarded-For after the fact.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // The first bytes of an announced body reserved up front; the rest grows as it arrives
  // (an announced length costs nothing until the bytes are there).
  static constexpr std::size_t kBodyReserve = 64 * 1024;

  RequestParser(Request& request, std::string& body, std::size_t line_limit, std::size_t body_limit)
      : request_(request), body_(body), line_limit_(line_limit), body_limit_(body_limit) {}

  bool target_ok() const noexcept { return target_ok_; }
  bool got_request_line() const noexcept { return version_ != 0; }
  bool expects_continue() const noexcept { return expects_continue_; }
  // 414 for an over-long request line, 431 for an over-long field line, else 0.
  int line_status() const noexcept { return line_status_; }
  // The status and message of a refused header (framing, Host), when Beast reports an
  // error because of it; 0 otherwise.
  int refusal_status() const noexcept { return refusal_status_; }
  std::string_view refusal_message() const noexcept { return refusal_message_; }
  // Chunked bodies: the chunk data still to come of the current chunk (0 between chunks,
  // where the next chunk line, or the last chunk and the trailer section, is expected),
  // and whether a CRLF ending the previous chunk's data precedes that line.
  std::uint64_t chunk_left() const noexcept { return chunk_left_; }
  bool after_chunk() const noexcept { return after_chunk_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                       int version, error_code&) override {
    request_.set_method(method);
    request_.set_version(version);
    version_ = version;
    target_ok_ = request_.set_target(target);
    if (target.size() + method.size() + 10 > line_limit_) line_status_ = 414;
  }
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code&) override {
    namespace http = boost::beast::http;
    if (line_status_ == 0 && name_string.size() + value.size() + 2 > line_limit_) {
      line_status_ = 431;
    }
    if (in_body_) return;  // a trailer field
    request_.mutable_headers().add(name_string, value);
    switch (name) {
      case http::field::expect:
        // Only the first Expect field counts.
        if (!seen_expect_) {
          seen_expect_ = true;
          expects_continue_ = iequals(value, "100-continue");
        }
        break;
      case http::field::host:
        ++host_fields_;
        break;
      case http::field::content_length:
        seen_content_length_ = true;
        break;
      case http::field::transfer_encoding:
        add_transfer_codings(value);
        break;
      default:
        break;
    }
  }
  void on_header_impl(error_code& ec) override {
    in_body_ = true;
    if (line_status_ != 0) return;  // 414 or 431 is answered (by the reader) first
    if (host_fields_ > 1) {
      refuse(400, "duplicate Host header", ec);
    } else if (host_fields_ == 0 && version_ >= 11) {
      refuse(400, "missing Host header", ec);
    } else if (seen_transfer_encoding_) {
      // RFC 9112 §6.1 and §6.3: anything but a final chunked cannot be framed reliably.
      if (seen_content_length_) {
        refuse(400, "Content-Length with Transfer-Encoding", ec);
      } else if (version_ < 11) {
        refuse(400, "Transfer-Encoding in an HTTP/1.0 request", ec);
      } else if (!last_coding_chunked_ || chunked_codings_ != 1) {
        refuse(400, "chunked must be the final transfer coding, once", ec);
      } else if (unknown_coding_) {
        refuse(501, "transfer coding not implemented", ec);
      }
    }
  }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) {
      body_.reserve(static_cast<std::size_t>(
          std::min<std::uint64_t>(*length, std::min(body_limit_, kBodyReserve))));
    }
  }
  std::size_t on_body_impl(string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t size, string_view, error_code&) override {
    chunk_left_ = size;
    after_chunk_ = true;
  }
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    chunk_left_ = remain - body.size();
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  // One Transfer-Encoding field: a comma-separated list of codings (empty elements are
  // allowed by the list syntax and skipped).
  void add_transfer_codings(std::string_view value) {
    seen_transfer_encoding_ = true;
    while (!value.empty()) {
      auto comma = value.find(',');
      std::string_view coding = value.substr(0, comma);
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) {
        coding.remove_prefix(1);
      }
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) {
        coding.remove_suffix(1);
      }
      if (coding.empty()) continue;
      last_coding_chunked_ = iequals(coding, "chunked");
      if (last_coding_chunked_) {
        ++chunked_codings_;
      } else {
        unknown_coding_ = true;
      }
    }
  }

  void refuse(int status, std::string_view message, error_code& ec) {
    refusal_status_ = status;
    refusal_message_ = message;
    ec = boost::beast::http::error::bad_value;
  }

  Request& request_;
  std::string& body_;
  std::size_t line_limit_;
  std::size_t body_limit_;
  int version_ = 0;
  bool target_ok_ = false;
  bool seen_expect_ = false;
  bool expects_continue_ = false;
  bool in_body_ = false;
  bool seen_content_length_ = false;
  bool seen_transfer_encoding_ = false;
  bool last_coding_chunked_ = false;
  bool unknown_coding_ = false;
  bool after_chunk_ = false;
  int chunked_codings_ = 0;
  int host_fields_ = 0;
  int line_status_ = 0;
  int refusal_status_ = 0;
  std::string_view refusal_message_;
  std::uint64_t chunk_left_ = 0;
};

class RequestReader {
 public:
  enum class Event {
    need_more,    // read more bytes, then parse() again
    header_done,  // the header is complete and valid, the body is still to come
    request,      // a whole request is ready: take() it
    error,        // answer error_status()/error_message() and close the connection
  };

  // A chunk line (size, extensions, CRLF) longer than this is refused with 400 as soon
  // as that many bytes arrived without its end. The trailer section is bounded by the
  // header limits (max_header_bytes for the section, 431).
  static constexpr std::size_t kMaxChunkLineBytes = 4 * 1024;

  explicit RequestReader(const ServerLimits& limits) : limits_(limits) {}
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // ---- input -------------------------------------------------------------------------
  boost::beast::flat_buffer::mutable_buffers_type prepare(std::size_t n) { return in_.prepare(n); }
  void commit(std::size_t n) { in_.commit(n); }
  // Bytes received and not parsed yet.
  std::size_t buffered() const noexcept { return in_.size(); }
  // Between requests, with nothing buffered: frees the input and body buffers, so an
  // idle keep-alive connection holds none (the next prepare() allocates again).
  void release_buffers() {
    if (in_.size() != 0 || parser_) return;
    in_ = boost::beast::flat_buffer();
    std::string().swap(body_);
  }
  // True between the first parse() of a request and take().
  bool in_progress() const noexcept { return parser_.has_value(); }
  // The body's buffer capacity so far (an announced length is not reserved up front).
  std::size_t body_capacity() const noexcept { return body_.capacity(); }

  // Drops the empty lines (CRLF or LF) buffered before a request line: RFC 9112 §2.2
  // asks a server to ignore at least one (some clients send one after a POST body).
  // They count against the next request's header section.
  void skip_empty_lines() {
    if (parser_ && parser_->got_some()) return;
    for (;;) {
      auto data = static_cast<const char*>(in_.data().data());
      std::size_t n = in_.size();
      std::size_t line = 0;
      if (n >= 1 && data[0] == '\n') {
        line = 1;
      } else if (n >= 2 && data[0] == '\r' && data[1] == '\n') {
        line = 2;
      } else {
        return;
      }
      in_.consume(line);
      header_used_ += line;
    }
  }

  // Parses what is buffered into `request` (a default-constructed or reset() one; the
  // same object for every call until take()): method, version, target and headers.
  // header_done is reported at most once per request.
  Event parse(Request& request) {
    namespace http = boost::beast::http;
    skip_empty_lines();
    if (in_.size() == 1 && *static_cast<const char*>(in_.data().data()) == '\r' &&
        !(parser_ && parser_->got_some())) {
      return Event::need_more;  // perhaps one more empty line
    }
    if (!parser_) start(request);
    RequestParser& parser = *parser_;
    for (;;) {
      boost::system::error_code ec;
      const bool header_done = parser.is_header_done();
      boost::asio::const_buffer input = in_.data();
      if (!header_done) {
        // Beast bounds only the bytes of one put() call (and not the request line), and
        // the bytes it consumed in earlier calls (the request line and complete fields)
        // would not count: the section's remaining budget is what it is given, and a
        // header that cannot end within it is refused below.
        std::size_t budget =
            limits_.max_header_bytes - std::min(header_used_, limits_.max_header_bytes);
        parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(budget, UINT32_MAX)));
        input = boost::asio::const_buffer(input.data(), std::min(input.size(), budget));
      }
      std::size_t used = parser.put(input, ec);
      in_.consume(used);  // consuming everything resets the buffer: no copying
      if (!header_done) {
        header_used_ += used;
        if (!parser.is_header_done() && !parser.is_done() &&
            header_used_ + in_.size() >= limits_.max_header_bytes &&
            (ec == http::error::need_more || (!ec && used == 0))) {
          ec = http::error::header_limit;  // no end within the limit
        }
      }
      // A refusal from a callback can come with a finished message (one without a body).
      if (ec && ec != http::error::need_more) return refuse(parser, ec);
      if (parser.is_done()) {
        // Trailer lines are checked here too.
        if (!check_header_lines()) return Event::error;
        header_checked_ = true;
        return Event::request;
      }
      // Beast reports success with nothing consumed when the header is done and the
      // body has not arrived yet: that also means "read more".
      if (ec == http::error::need_more || (!ec && used == 0)) {
        if (parser.is_header_done()) {
          if (!header_checked_ && !check_header_lines()) return Event::error;
          if (parser.chunked() && parser.chunk_left() == 0 && !chunk_line_fits()) {
            return Event::error;
          }
          if (!header_checked_) {
            header_checked_ = true;
            return Event::header_done;
          }
        }
        return Event::need_more;
      }
      // Bytes consumed and more to parse (the body after the header): go on.
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
  void finish() noexcept {
    parser_.reset();
    header_used_ = 0;
  }

  // ---- after error ---------------------------------------------------------------------
  int error_status() const noexcept { return error_status_; }
  std::string_view error_message() const noexcept { return error_message_; }

 private:
  void start(Request& request) {
    parser_.emplace(request, body_, limits_.max_header_line_bytes, limits_.max_body_bytes);
    parser_->body_limit(limits_.max_body_bytes);
    parser_->eager(true);
    header_checked_ = false;
    body_.clear();
  }

  Event refuse(const RequestParser& parser, boost::system::error_code ec) {
    namespace http = boost::beast::http;
    if (parser.refusal_status() != 0) {
      fail(parser.refusal_status(), parser.refusal_message());
    } else if (ec == http::error::header_limit) {
      // No end of the request line within the allowed bytes: the URI is too long
      // (unless the empty lines before it used the whole section).
      if (parser.got_request_line() || !parser.got_some()) {
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

  // Between chunks Beast consumes nothing until it has the whole chunk line (and, for
  // the last chunk, the whole trailer section), without bounding either: a line or a
  // trailer section that cannot end within its limit is refused here, as soon as the
  // bytes buffered pass the limit. Only reached when Beast asked for more bytes there.
  bool chunk_line_fits() {
    auto data = static_cast<const char*>(in_.data().data());
    std::string_view pending(data, in_.size());
    // The CRLF that ends the previous chunk's data is parsed with the next chunk line.
    std::size_t start = parser_->after_chunk() ? 2 : 0;
    if (pending.size() <= start) return true;
    std::string_view line = pending.substr(start, kMaxChunkLineBytes);
    auto eol = line.find('\n');
    if (eol == std::string_view::npos) {
      if (line.size() < kMaxChunkLineBytes) return true;
      fail(400, "chunk line too long");
      return false;
    }
    // A complete line that Beast did not take is the last chunk: the trailer section
    // follows, up to an empty line.
    std::size_t trailer = pending.size() - (start + eol + 1);
    if (trailer <= limits_.max_header_bytes) return true;
    fail(431, "request trailer too large");
    return false;
  }

  const ServerLimits& limits_;
  boost::beast::flat_buffer in_;
  std::string body_;
  std::optional<RequestParser> parser_;
  bool header_checked_ = false;
  // Bytes of the current request's header section consumed so far (empty lines first).
  std::size_t header_used_ = 0;
  int error_status_ = 0;
  std::string_view error_message_;
};

}  // namespace conduit::app::detail
