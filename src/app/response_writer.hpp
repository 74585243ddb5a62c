// Serialising a conduit::Response into HTTP/1.1 wire format, appended to a buffer that
// may already hold earlier pipelined responses (so one write sends them all).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "conduit/http/response.hpp"

namespace conduit::app::detail {

struct WireContext {
  std::string_view date;        // the Date header value
  std::string_view request_id;  // echoed as X-Request-ID; empty to omit
  bool head = false;            // HEAD: headers only, Content-Length of the full body
  bool keep_alive = true;       // false adds "Connection: close"
};

void append_response(std::string& out, const Response& response, const WireContext& context);

// True for the characters Heroku allows in X-Request-ID, 1 to 200 of them; anything
// else is replaced by a generated id so logs cannot be injected into.
bool is_valid_request_id(std::string_view id) noexcept;

}  // namespace conduit::app::detail
