// conduit::ApplicationOptions: how an application is served (the `serve` flags) and the
// server's limits. Filled from the command line by conduit::run, or by tests directly.
//
// Thread-safety: a plain value type, copied into every event loop at start-up.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "conduit/app/openapi_configuration.hpp"

namespace conduit {

// Every size and every wait the server enforces. Each breach gets a JSON error response
// (or a closed connection when no response is possible) and never a crash.
struct ServerLimits {
  std::size_t max_body_bytes = 10 * 1024 * 1024;         // 413 beyond (Conduit's 10 MiB)
  std::size_t max_header_line_bytes = 8 * 1024;          // 431 per header line, 414 for the URI
  std::size_t max_header_bytes = 64 * 1024;              // 431 for the whole header section
  std::size_t max_pipelined_requests = 64;               // answered per read before yielding
  std::chrono::milliseconds header_timeout{10'000};      // slowloris: whole header must arrive
  std::chrono::milliseconds body_timeout{30'000};        // the body must arrive within this
  std::chrono::milliseconds keep_alive_timeout{90'000};  // idle keep-alive connections close
  std::chrono::milliseconds request_timeout{25'000};     // handler limit -> 503 (< Heroku's 30 s)
  std::chrono::milliseconds write_timeout{30'000};       // a client must read its response
  std::chrono::milliseconds shutdown_grace{10'000};      // in-flight requests on SIGTERM
  std::size_t max_connections_per_loop = 10'000;         // further accepts wait
};

struct ApplicationOptions {
  // Empty: dual-stack "::" (falling back to 0.0.0.0 where IPv6 is unavailable).
  std::string address;
  std::uint16_t port = 8888;  // 0 picks a free port (tests)
  bool ipv6_only = false;
  // Event loops (threads), each with its own listener and ApplicationChannel.
  int threads = 1;
  std::string config_path = "config.yaml";
  std::optional<std::string> ssl_certificate_path;
  std::optional<std::string> ssl_key_path;
  // Trust X-Forwarded-For / X-Forwarded-Proto (behind Heroku's router or another proxy).
  bool trust_proxy = false;
  // One log line per request.
  bool log_requests = true;
  // gzip compressible responses when the client accepts it.
  bool compress_responses = true;
  // Serve the OpenAPI document and the docs page (`serve --docs`, or `openapi: {enabled:
  // true}` in the configuration file). Off by default: an API's shape is not published
  // unless asked for.
  bool serve_docs = false;
  // Where they are served (GET /openapi.json and GET /docs unless the configuration file's
  // `openapi` key says otherwise; conduit/app/openapi_configuration.hpp).
  OpenApiConfiguration openapi;
  ServerLimits limits;
  // Free-form values for the application (Conduit's `context`).
  std::map<std::string, std::string> context;

  bool uses_tls() const noexcept { return ssl_certificate_path.has_value(); }
};

}  // namespace conduit
