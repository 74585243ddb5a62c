// Implementation of conduit::Response and the status reason phrases.
#include "conduit/http/response.hpp"

#include <boost/json/serialize.hpp>

namespace conduit {

Response::Response(int status, std::string body, std::string_view content_type)
    : status_(status), body_(std::move(body)) {
  // A new response has no headers yet: nothing to replace.
  if (!content_type.empty()) headers_.add("Content-Type", content_type);
}

Response Response::json(int status, const boost::json::value& body) {
  if (body.is_null()) return Response(status);
  return Response(status, boost::json::serialize(body), kJsonContentType);
}

Response Response::error(int status, std::string_view message) {
  return json(status, boost::json::object{{"error", message}});
}

Response Response::text(int status, std::string body, std::string_view content_type) {
  return Response(status, std::move(body), content_type);
}

Response Response::html(int status, std::string body) {
  return Response(status, std::move(body), "text/html; charset=utf-8");
}

Response Response::created(std::string_view location, const boost::json::value& body) {
  Response r = json(201, body);
  r.set_header("Location", location);
  return r;
}

Response& Response::set_body(std::string body, std::string_view content_type) {
  body_ = std::move(body);
  if (content_type.empty()) {
    headers_.remove("Content-Type");
  } else {
    headers_.set("Content-Type", content_type);
  }
  return *this;
}

std::string_view Response::content_type() const noexcept {
  return headers_.get("Content-Type").value_or(std::string_view{});
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace conduit
