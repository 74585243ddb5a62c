// Implementation of the HTTP/1.1 response serialiser.
#include "app/response_writer.hpp"

#include <charconv>
#include <cstring>

#include "conduit/http/headers.hpp"

namespace conduit::app::detail {

namespace {
void append_number(std::string& out, std::size_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

bool body_forbidden(int status) noexcept {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// The headers the writer sets itself; the application's own are dropped. Dispatching on
// the length first keeps this to at most one comparison per header.
bool is_server_owned(std::string_view name) noexcept {
  switch (name.size()) {
    case 4:
      return iequals(name, "date");
    case 6:
      return iequals(name, "server");
    case 10:
      return iequals(name, "connection");
    case 14:
      return iequals(name, "content-length");
    case 17:
      return iequals(name, "transfer-encoding");
    default:
      return false;
  }
}

// Header values come from application code; a CR or LF would let one header forge
// another (response splitting), so they are replaced by spaces.
void append_sanitised(std::string& out, std::string_view value) {
  // Header values almost never hold CR or LF: append in one go, then fix up if they do.
  const std::size_t start = out.size();
  out.append(value);
  if (std::memchr(value.data(), '\r', value.size()) == nullptr &&
      std::memchr(value.data(), '\n', value.size()) == nullptr) {
    return;
  }
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
}
}  // namespace

void append_response(std::string& out, const Response& response, const WireContext& context) {
  const int status = response.status();
  if (status == 200) {
    out.append("HTTP/1.1 200 OK\r\nServer: conduit\r\nDate: ");
  } else {
    out.append("HTTP/1.1 ");
    append_number(out, static_cast<std::size_t>(status));
    out.push_back(' ');
    out.append(reason_phrase(status));
    out.append("\r\nServer: conduit\r\nDate: ");
  }
  out.append(context.date);
  out.append("\r\n");
  for (const auto& [name, value] : response.headers()) {
    if (is_server_owned(name)) continue;
    append_sanitised(out, name);
    out.append(": ");
    append_sanitised(out, value);
    out.append("\r\n");
  }
  if (!context.request_id.empty()) {
    out.append("X-Request-ID: ");
    out.append(context.request_id);
    out.append("\r\n");
  }
  if (!body_forbidden(status)) {
    out.append("Content-Length: ");
    // A HEAD answer may carry the length of a body it did not produce (files).
    auto declared = response.headers().get("content-length");
    if (context.head && response.body().empty() && declared) {
      append_sanitised(out, *declared);
    } else {
      append_number(out, response.body().size());
    }
    out.append("\r\n");
  }
  if (!context.keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  if (!context.head && !body_forbidden(status)) out.append(response.body());
}

bool is_valid_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=' || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace conduit::app::detail
