// conduit::Response: what a controller answers with.
//
// Bodies are fully buffered strings; the server adds Content-Length, Date, Server and
// X-Request-ID, and compresses compressible bodies when the client accepts gzip.
// Factory functions mirror Conduit's named constructors (ok, created, not_found, ...).
// JSON bodies default to "application/json; charset=utf-8" as in Conduit. json, ok, created
// and accepted also take any value conduit::to_json converts (json.hpp): described
// structs, vectors of them, and orm models with the ORM's rules (Response::ok(hero)).
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/json/value.hpp>

#include <concepts>
#include <string>
#include <string_view>

#include "conduit/http/headers.hpp"
#include "conduit/http/json.hpp"

namespace conduit {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

namespace http::detail {
// A body that is not already a JSON value: converted with to_json. (Anything convertible
// keeps the boost::json::value overloads, so braced objects and nullptr work as before.)
template <class T>
concept ToJsonBody = !std::convertible_to<const T&, boost::json::value>;
}  // namespace http::detail

class Response {
 public:
  Response() = default;
  explicit Response(int status) : status_(status) {}
  Response(int status, std::string body, std::string_view content_type);

  // A JSON body (serialised now). A null value gives an empty body with no Content-Type.
  static Response json(int status, const boost::json::value& body);
  // {"error": message}, the body Conduit uses for client errors.
  static Response error(int status, std::string_view message);
  static Response text(int status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
  static Response html(int status, std::string body);

  static Response ok(const boost::json::value& body = nullptr) { return json(200, body); }
  static Response created(std::string_view location, const boost::json::value& body = nullptr);
  static Response accepted(const boost::json::value& body = nullptr) { return json(202, body); }
  static Response no_content() { return Response(204); }
  static Response not_modified() { return Response(304); }
  static Response bad_request(const boost::json::value& body = nullptr) { return json(400, body); }
  static Response unauthorized(const boost::json::value& body = nullptr) { return json(401, body); }
  static Response forbidden(const boost::json::value& body = nullptr) { return json(403, body); }
  static Response not_found(const boost::json::value& body = nullptr) { return json(404, body); }
  static Response conflict(const boost::json::value& body = nullptr) { return json(409, body); }
  static Response gone(const boost::json::value& body = nullptr) { return json(410, body); }
  static Response server_error(const boost::json::value& body = nullptr) { return json(500, body); }

  template <http::detail::ToJsonBody T>
  static Response json(int status, const T& body) {
    return json(status, to_json(body));
  }
  template <http::detail::ToJsonBody T>
  static Response ok(const T& body) {
    return json(200, to_json(body));
  }
  template <http::detail::ToJsonBody T>
  static Response created(std::string_view location, const T& body) {
    return created(location, to_json(body));
  }
  template <http::detail::ToJsonBody T>
  static Response accepted(const T& body) {
    return json(202, to_json(body));
  }

  int status() const noexcept { return status_; }
  Response& set_status(int status) noexcept {
    status_ = status;
    return *this;
  }

  Headers& headers() noexcept { return headers_; }
  const Headers& headers() const noexcept { return headers_; }
  Response& set_header(std::string_view name, std::string_view value) {
    headers_.set(name, value);
    return *this;
  }

  const std::string& body() const noexcept { return body_; }
  std::string& mutable_body() noexcept { return body_; }
  // Replaces the body and its Content-Type.
  Response& set_body(std::string body, std::string_view content_type);

  std::string_view content_type() const noexcept;

 private:
  int status_ = 200;
  Headers headers_;
  std::string body_;
};

// The reason phrase for a status code ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status) noexcept;

}  // namespace conduit
