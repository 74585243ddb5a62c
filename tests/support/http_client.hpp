// Test support: a deliberately simple blocking HTTP/1.1 client over a raw TCP socket.
//
// Tests need to send exactly the bytes they choose (pipelined requests, malformed
// input, slow headers) and read exactly what the server answers, so this client does
// no magic: send() writes bytes, read_response() parses one response (Content-Length
// or chunked), every read is bounded by a timeout.
//
// Thread-safety: one connection per test thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conduit::testing {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First value of a header (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

class HttpConnection {
 public:
  // Connects to host:port (IPv4 or IPv6 literal); throws std::runtime_error on failure.
  HttpConnection(const std::string& host, std::uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  void send(std::string_view bytes);
  // Reads one response. nullopt when the peer closed or the timeout passed first.
  std::optional<HttpResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head_request = false);
  // True when the server closes the connection within the timeout (reading and
  // discarding anything it sends first).
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until the unconsumed bytes contain `needle`; false on timeout or close.
  bool wait_for_pending(std::string_view needle, std::chrono::milliseconds timeout);
  // Raw bytes received but not yet consumed by read_response.
  const std::string& pending() const noexcept { return buffer_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection: "GET /path" with optional extra header lines
// ("Name: value\r\n"...) and body.
HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          std::string_view extra_headers = "", std::string_view body = "");

}  // namespace conduit::testing
