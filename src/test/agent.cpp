// conduit::test::Agent: a blocking HTTP/1.1 client over POSIX sockets (one connection per
// request, read to the end), for tests. See include/conduit/test/agent.hpp.
//
// Thread-safety: no shared state; each request uses its own socket.
#include "conduit/test/agent.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_ref.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <system_error>

namespace conduit::test {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string percent_encode(std::string_view text, bool form) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (form && c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string encode_pairs(const HeaderList& pairs, bool form) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += percent_encode(name, form) + '=' + percent_encode(value, form);
  }
  return out;
}

std::string base64(std::string_view in) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += table[(n >> 6) & 63];
    out += table[n & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned n = static_cast<unsigned char>(in[i]) << 16;
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned n =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += table[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

void set_in(HeaderList& headers, std::string name, std::string value) {
  for (auto& header : headers) {
    if (iequals(header.first, name)) {
      header.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

// A closed socket on every path out.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

std::string exchange(const std::string& host, std::uint16_t port, const std::string& request,
                     std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) {
    throw std::runtime_error("cannot resolve " + host);
  }
  Socket socket;
  int error = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    socket.fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (socket.fd < 0) continue;
    if (::connect(socket.fd, a->ai_addr, a->ai_addrlen) == 0) break;
    error = errno;
    ::close(socket.fd);
    socket.fd = -1;
  }
  ::freeaddrinfo(found);
  if (socket.fd < 0) {
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " +
                             std::generic_category().message(error));
  }
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = ::send(socket.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) before reading everything
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buffer[16384];
  for (ssize_t n; (n = ::recv(socket.fd, buffer, sizeof buffer, 0)) > 0;) {
    in.append(buffer, static_cast<std::size_t>(n));
  }
  return in;
}

std::string decode_chunked(std::string_view in) {
  std::string out;
  std::size_t at = 0;
  while (at < in.size()) {
    const auto line_end = in.find("\r\n", at);
    if (line_end == std::string_view::npos) throw std::runtime_error("truncated chunked body");
    const std::size_t size = std::stoul(std::string(in.substr(at, line_end - at)), nullptr, 16);
    at = line_end + 2;
    if (size == 0) break;
    if (at + size > in.size()) throw std::runtime_error("truncated chunk");
    out.append(in.substr(at, size));
    at += size + 2;
  }
  return out;
}

TestResponse parse_response(const std::string& in, bool head) {
  const auto end_of_head = in.find("\r\n\r\n");
  if (in.size() < 12 || in.compare(0, 5, "HTTP/") != 0 || end_of_head == std::string::npos) {
    throw std::runtime_error("no complete HTTP response: '" + in.substr(0, 200) + "'");
  }
  TestResponse response;
  response.status = std::stoi(in.substr(9, 3));
  std::size_t at = in.find("\r\n") + 2;
  while (at < end_of_head) {
    const auto line_end = in.find("\r\n", at);
    const std::string line = in.substr(at, line_end - at);
    at = line_end + 2;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    response.headers.emplace_back(line.substr(0, colon), std::move(value));
  }
  std::string_view body(in);
  body.remove_prefix(end_of_head + 4);
  if (head || response.status == 204 || response.status == 304) return response;
  const auto encoding = response.header("transfer-encoding");
  if (encoding && iequals(*encoding, "chunked")) {
    response.body = decode_chunked(body);
  } else if (const auto length = response.header("content-length")) {
    const std::size_t n = std::stoul(*length);
    if (body.size() < n) throw std::runtime_error("truncated response body");
    response.body = std::string(body.substr(0, n));
  } else {
    response.body = std::string(body);
  }
  return response;
}

}  // namespace

// ---- Body --------------------------------------------------------------------------

Body::Body(std::initializer_list<boost::json::value_ref> json) : Body(boost::json::value(json)) {}

Body::Body(boost::json::value json)
    : present_(true),
      content_type_("application/json; charset=utf-8"),
      bytes_(boost::json::serialize(json)) {}

Body Body::json(boost::json::value value) { return Body(std::move(value)); }

Body Body::form(const HeaderList& fields) {
  return raw("application/x-www-form-urlencoded", encode_pairs(fields, true));
}

Body Body::multipart(const std::vector<Part>& parts) {
  std::string boundary = "conduit-test-boundary";
  const auto used = [&] {
    return std::any_of(parts.begin(), parts.end(),
                       [&](const Part& p) { return p.value.find(boundary) != std::string::npos; });
  };
  while (used()) boundary += "-x";
  std::string out;
  for (const auto& part : parts) {
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
    if (part.filename) out += "; filename=\"" + *part.filename + "\"";
    out += "\r\n";
    if (!part.content_type.empty()) out += "Content-Type: " + part.content_type + "\r\n";
    out += "\r\n" + part.value + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return raw("multipart/form-data; boundary=" + boundary, std::move(out));
}

Body Body::raw(std::string content_type, std::string bytes) {
  Body body;
  body.present_ = true;
  body.content_type_ = std::move(content_type);
  body.bytes_ = std::move(bytes);
  return body;
}

// ---- TestResponse ------------------------------------------------------------------

std::optional<std::string> TestResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::optional<boost::json::value> TestResponse::json() const {
  if (body.empty()) return std::nullopt;
  boost::system::error_code error;
  auto value = boost::json::parse(body, error);
  if (error) return std::nullopt;
  return value;
}

// ---- Agent -------------------------------------------------------------------------

Agent::Agent(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}

Agent& Agent::set_header(std::string name, std::string value) {
  set_in(headers_, std::move(name), std::move(value));
  return *this;
}

Agent& Agent::remove_header(std::string_view name) {
  std::erase_if(headers_, [&](const auto& header) { return iequals(header.first, name); });
  return *this;
}

Agent& Agent::set_basic_authorization(std::string_view username, std::string_view password) {
  std::string credentials(username);
  credentials += ':';
  credentials += password;
  return set_header("Authorization", "Basic " + base64(credentials));
}

Agent& Agent::set_bearer_authorization(std::string_view token) {
  return set_header("Authorization", "Bearer " + std::string(token));
}

Agent& Agent::set_timeout(std::chrono::milliseconds timeout) {
  timeout_ = timeout;
  return *this;
}

TestResponse Agent::get(std::string_view path, const RequestOptions& options) const {
  return request("GET", path, {}, options);
}
TestResponse Agent::post(std::string_view path, const Body& body,
                         const RequestOptions& options) const {
  return request("POST", path, body, options);
}
TestResponse Agent::put(std::string_view path, const Body& body,
                        const RequestOptions& options) const {
  return request("PUT", path, body, options);
}
TestResponse Agent::delete_(std::string_view path, const RequestOptions& options) const {
  return request("DELETE", path, {}, options);
}

TestResponse Agent::request(std::string_view method, std::string_view path, const Body& body,
                            const RequestOptions& options) const {
  std::string target(path);
  if (target.empty() || target.front() != '/') target.insert(0, "/");
  if (!options.query.empty()) {
    target += (target.find('?') == std::string::npos ? '?' : '&');
    target += encode_pairs(options.query, false);
  }
  HeaderList headers = headers_;
  for (const auto& [name, value] : options.headers) set_in(headers, name, value);
  std::string out = std::string(method) + " " + target + " HTTP/1.1\r\nHost: " + host_ + ":" +
                    std::to_string(port_) + "\r\nConnection: close\r\n";
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    has_type = has_type || iequals(name, "content-type");
    out += name + ": " + value + "\r\n";
  }
  if (!body.empty()) {
    if (!has_type) out += "Content-Type: " + body.content_type() + "\r\n";
    out += "Content-Length: " + std::to_string(body.bytes().size()) + "\r\n";
  } else if (method == "POST" || method == "PUT") {
    out += "Content-Length: 0\r\n";
  }
  out += "\r\n";
  out += body.bytes();
  return parse_response(exchange(host_, port_, out, timeout_), method == "HEAD");
}

}  // namespace conduit::test
