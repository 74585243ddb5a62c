// libFuzzer target: raw bytes as they arrive on a connection, parsed and answered the way
// src/app/http_session.cpp does it (Beast's request_parser with the server's limits, the
// request-line and header-line checks, filling a conduit::Request, routing, gzip, and
// serialising the response), for up to kMaxPipelined pipelined requests per input.
//
// Besides "no crash, leak or UB" it checks: decoding helpers fail only with HttpError,
// receive() never throws and completes synchronously, statuses are in 100..599, and the
// serialised response parses back (Beast) with the same status and body.
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/response_writer.hpp"
#include "conduit/http/gzip.hpp"
#include "conduit/http/http_error.hpp"
#include "fuzz_app.hpp"
#include "fuzz_support.hpp"

namespace {

namespace http = boost::beast::http;
using conduit::Request;
using conduit::Response;
using conduit::fuzz::check;

// The server's defaults (ServerLimits in include/conduit/app/application_options.hpp).
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxBodyBytes = 10 * 1024 * 1024;
constexpr std::size_t kMaxHeaderLineBytes = 8 * 1024;
constexpr int kMaxPipelined = 4;

using Parser = http::request_parser<http::string_body>;

// http_session.cpp's check_header_lines: 414 / 431 for over-long lines, else 0.
int check_header_lines(const Parser& parser) {
  const auto& message = parser.get();
  if (message.target().size() + message.method_string().size() + 10 > kMaxHeaderLineBytes) {
    return 414;
  }
  for (const auto& field : message) {
    if (field.name_string().size() + field.value().size() + 2 > kMaxHeaderLineBytes) return 431;
  }
  return 0;
}

// Serialises `response` as the server does and checks that a client can parse it back.
void write_and_reparse(const Response& response, std::string_view request_id, bool head,
                       bool keep_alive) {
  std::string wire;
  conduit::detail::WireContext context{"Sun, 06 Nov 1994 08:49:37 GMT", request_id, head,
                                       keep_alive};
  conduit::detail::append_response(wire, response, context);

  http::response_parser<http::string_body> parser;
  parser.header_limit(1024 * 1024);
  parser.body_limit(64 * 1024 * 1024);
  parser.eager(true);
  parser.skip(head);
  boost::system::error_code ec;
  std::size_t offset = 0;
  while (!parser.is_done() && offset < wire.size()) {
    std::size_t used =
        parser.put(boost::asio::buffer(wire.data() + offset, wire.size() - offset), ec);
    offset += used;
    if (ec || used == 0) break;
  }
  if (ec) conduit::fuzz::fail("serialised response does not parse: " + ec.message());
  check(parser.is_done(), "serialised response is incomplete");
  check(offset == wire.size(), "serialised response has trailing bytes");
  check(static_cast<int>(parser.get().result_int()) == response.status(),
        "serialised status differs");
  if (!head && response.status() >= 200 && response.status() != 204 && response.status() != 304) {
    check(parser.get().body() == response.body(), "serialised body differs");
  }
}

// CONDUIT_FUZZ_VERBOSE=1 prints each request's answer, to check what seeds reach.
bool verbose() {
  static const bool enabled = std::getenv("CONDUIT_FUZZ_VERBOSE") != nullptr;
  return enabled;
}

// The decoding helpers controllers call: they may refuse bad input only with HttpError.
void exercise_request(const Request& request) {
  try {
    const conduit::Parameters& query = request.query();
    for (const auto& [name, value] : query) {
      check(query.get(name).has_value(), "query parameter not found by its own name");
    }
  } catch (const conduit::HttpError& error) {
    check(error.status() == 400, "malformed query is not 400");
  }
  std::string type = request.content_type();
  (void)request.charset();
  (void)request.accepts("text/html");
  (void)request.accepts("application/json");
  if (!type.empty()) (void)request.accepts(type);
  (void)request.is_preflight();
  (void)conduit::accepts_gzip(request.header("accept-encoding").value_or(""));
  (void)conduit::is_compressible(type);
  try {
    (void)request.json();
  } catch (const conduit::HttpError&) {
  }
  try {
    (void)request.form();
  } catch (const conduit::HttpError&) {
  }
  try {
    conduit::Multipart multipart = request.multipart();
    for (const conduit::MultipartPart& part : multipart) {
      check(multipart.part(part.name) != nullptr, "multipart part not found by its own name");
    }
  } catch (const conduit::HttpError&) {
  }
  try {
    (void)conduit::DecodedBody::decode(request);
  } catch (const conduit::HttpError&) {
  }
}

// http_session.cpp's answer(): fill the Request, route it, compress, serialise.
void answer(http::request<http::string_body>& message, bool keep_alive) {
  Request request;
  request.set_method(std::string(message.method_string()));
  request.set_version(static_cast<int>(message.version()));
  auto& headers = request.mutable_headers();
  headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) headers.add(field.name_string(), field.value());
  request.set_body(std::move(message.body()));
  request.set_remote_address("192.0.2.1");
  request.set_scheme("http");
  auto given_id = headers.get("x-request-id");
  request.set_request_id(given_id && conduit::detail::is_valid_request_id(*given_id)
                             ? std::string(*given_id)
                             : std::string("fuzz-request-id"));

  Response response;
  if (!request.set_target(std::string(message.target()))) {
    response = Response::error(400, "malformed request target");
  } else {
    check(!request.path().empty() && request.path().front() == '/', "path not absolute");
    exercise_request(request);
    response = conduit::fuzz::receive_now(conduit::fuzz::fuzz_router(), request);
  }
  if (verbose()) {
    std::fprintf(stderr, "%s %s -> %d %.200s\n", request.method().c_str(), request.target().c_str(),
                 response.status(), response.body().c_str());
  }
  conduit::maybe_compress(request, response);
  write_and_reparse(response, request.request_id(), request.method() == "HEAD", keep_alive);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < kMaxPipelined && !in.empty(); ++n) {
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
    parser.body_limit(kMaxBodyBytes);
    parser.eager(true);
    bool header_checked = false;
    while (!parser.is_done()) {
      boost::system::error_code ec;
      std::size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
      check(used <= in.size(), "parser consumed more than it was given");
      in.remove_prefix(used);
      if (ec == http::error::need_more || (!ec && used == 0 && !parser.is_done())) {
        if (parser.is_header_done() && !header_checked) {
          header_checked = true;
          if (int status = check_header_lines(parser)) {
            write_and_reparse(Response::error(status, "line too long"), "fuzz", false, false);
            return 0;
          }
        }
        return 0;  // the server would wait for more bytes; this input has none
      }
      if (ec) {
        write_and_reparse(Response::error(400, "malformed request"), "fuzz", false, false);
        return 0;
      }
    }
    if (!header_checked && check_header_lines(parser) != 0) return 0;
    bool keep_alive = parser.get().keep_alive();
    auto message = parser.release();
    answer(message, keep_alive);
    if (!keep_alive) return 0;
  }
  return 0;
}
