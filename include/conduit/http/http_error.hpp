// conduit::HttpError: an exception that carries the response to send.
//
// Throw it anywhere below a controller; the server (and Controller::receive) turn it
// into its response. This is the one place where library errors become HTTP: modules
// throw typed errors that derive from HttpError or are mapped to one by the server.
//
// Thread-safety: a plain value type.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "conduit/http/response.hpp"

namespace conduit {

class HttpError : public std::exception {
 public:
  // {"error": message} with `status`.
  HttpError(int status, std::string_view message);
  explicit HttpError(Response response);

  const Response& response() const noexcept { return response_; }
  int status() const noexcept { return response_.status(); }
  const char* what() const noexcept override { return message_.c_str(); }
  // Whoever raised the error has already logged its cause (e.g. a database pool that
  // logs an outage once, not once per request): Controller::receive then adds no line.
  bool logged() const noexcept { return logged_; }
  void mark_logged() noexcept { logged_ = true; }

 private:
  Response response_;
  std::string message_;
  bool logged_ = false;
};

}  // namespace conduit
