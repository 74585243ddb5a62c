// libFuzzer target: raw bytes as they arrive on a connection, read and answered the way
// src/app/http_session.cpp does it (the server's RequestReader with the server's default
// limits, filling a conduit::Request, routing, gzip, and serialising the response), for
// up to kMaxPipelined pipelined requests per input.
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
#include <cstring>
#include <string>
#include <string_view>

#include "app/request_reader.hpp"
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

using conduit::app::detail::RequestReader;
constexpr int kMaxPipelined = 4;

// Serialises `response` as the server does and checks that a client can parse it back.
void write_and_reparse(const Response& response, std::string_view request_id, bool head,
                       bool keep_alive) {
  std::string wire;
  conduit::app::detail::WireContext context{"Sun, 06 Nov 1994 08:49:37 GMT", request_id, head,
                                            keep_alive};
  conduit::app::detail::append_response(wire, response, context);

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

// http_session.cpp's serve(): take the Request, route it, compress, serialise.
void answer(RequestReader& reader, Request& request, bool keep_alive) {
  bool target_ok = reader.take(request);
  request.set_remote_address("192.0.2.1");
  request.set_scheme("http");
  auto given_id = request.header("x-request-id");
  request.set_request_id(given_id && conduit::app::detail::is_valid_request_id(*given_id)
                             ? *given_id
                             : std::string_view("fuzz-request-id"));

  Response response;
  if (!target_ok) {
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
  if (size == 0) return 0;
  static const conduit::ServerLimits limits;  // the server's defaults
  RequestReader reader(limits);
  auto buffer = reader.prepare(size);
  std::memcpy(buffer.data(), data, size);
  reader.commit(size);
  for (int n = 0; n < kMaxPipelined && reader.buffered() > 0; ++n) {
    std::size_t before = reader.buffered();
    Request request;
    RequestReader::Event event = reader.parse(request);
    check(reader.buffered() <= before, "reader consumed more than it was given");
    if (event == RequestReader::Event::error) {
      int status = reader.error_status();
      check(status == 400 || status == 413 || status == 414 || status == 431 || status == 501,
            "unexpected reader error status");
      write_and_reparse(Response::error(status, reader.error_message()), "fuzz", false, false);
      return 0;
    }
    // The server would wait for more bytes; this input has none.
    if (event != RequestReader::Event::request) return 0;
    bool keep_alive = reader.keep_alive();
    answer(reader, request, keep_alive);
    if (!keep_alive) return 0;
  }
  return 0;
}
