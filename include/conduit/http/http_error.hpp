// conduit::HttpError: an exception that carries the response to send.
//
// Throw it anywhere below a controller; the server (and Controller::receive) turn it
// into its response. This is the one place where library errors become HTTP: modules
// throw typed errors that derive from HttpError or are mapped to one by the server.
//
// The response is held behind a shared pointer so this header (and database_error.hpp,
// orm/errors.hpp, every header that only names the error types) needs only a declaration
// of Response, not response.hpp and Boost.JSON; code that builds or reads the response
// includes "conduit/http/response.hpp" itself. Sharing it also makes copying the exception
// (which throw/catch may do) cheap and non-throwing.
//
// Thread-safety: a plain value type; copies share one immutable response.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <string_view>

namespace conduit {

class Response;

class HttpError : public std::exception {
 public:
  // {"error": message} with `status`.
  HttpError(int status, std::string_view message);
  explicit HttpError(Response response);

  const Response& response() const noexcept { return *response_; }
  int status() const noexcept;
  const char* what() const noexcept override { return message_.c_str(); }
  // Whoever raised the error has already logged its cause (e.g. a database pool that
  // logs an outage once, not once per request): Controller::receive then adds no line.
  bool logged() const noexcept { return logged_; }
  void mark_logged() noexcept { logged_ = true; }

 protected:
  // For subclasses whose what() (for logs) differs from the response's status line.
  HttpError(Response response, std::string message);

 private:
  std::shared_ptr<const Response> response_;
  std::string message_;
  bool logged_ = false;
};

}  // namespace conduit
