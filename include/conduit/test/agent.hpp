// conduit::test::Agent: an HTTP client for an application's tests, over a real socket to
// the server that a TestHarness started (Conduit's Agent). Each request opens its own
// connection (Connection: close), so an agent never shares state with the server between
// calls, and a hung server fails the request after a timeout instead of hanging the test.
//
//   auto agent = harness.agent();
//   auto reply = agent.post("/model", {{"name", "first"}});          // a JSON body
//   agent.post("/auth/token", Body::form({{"grant_type", "password"}, ...}));
//   agent.get("/model", {.query = {{"limit", "10"}}});
//
// Thread-safety: an Agent is a value; copies are independent. Requests block the calling
// thread (a test's), never a server loop.
#pragma once

#include <boost/json/value.hpp>
#include <boost/json/value_ref.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conduit::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One part of a multipart/form-data body: a field, or a file when filename is set.
struct Part {
  Part(std::string name_, std::string value_) : name(std::move(name_)), value(std::move(value_)) {}
  Part(std::string name_, std::string value_, std::string filename_, std::string content_type_)
      : name(std::move(name_)),
        value(std::move(value_)),
        filename(std::move(filename_)),
        content_type(std::move(content_type_)) {}
  std::string name;
  std::string value;
  std::optional<std::string> filename;
  std::string content_type;  // empty: none sent (text/plain for the server)
};

// A request body with its content type. Built from a braced JSON literal by default.
class Body {
 public:
  Body() = default;
  // JSON: agent.post("/x", {{"name", "a"}, {"count", 2}}).
  Body(std::initializer_list<boost::json::value_ref> json);
  Body(boost::json::value json);  // NOLINT: implicit, a JSON body
  static Body json(boost::json::value value);
  // application/x-www-form-urlencoded, in order, percent-encoded.
  static Body form(const HeaderList& fields);
  // multipart/form-data with a fixed boundary that no part contains.
  static Body multipart(const std::vector<Part>& parts);
  static Body raw(std::string content_type, std::string bytes);

  bool empty() const noexcept { return !present_; }
  const std::string& content_type() const noexcept { return content_type_; }
  const std::string& bytes() const noexcept { return bytes_; }

 private:
  bool present_ = false;
  std::string content_type_;
  std::string bytes_;
};

struct RequestOptions {
  HeaderList query;    // appended to the path, percent-encoded
  HeaderList headers;  // in addition to (and replacing, by name) the agent's defaults
};
// agent.get("/x", query({{"limit", "10"}})): shorter than designated initializers, which
// GCC 12's -Wextra flags when a member is left out.
inline RequestOptions query(HeaderList parameters) { return {std::move(parameters), {}}; }
inline RequestOptions headers(HeaderList fields) { return {{}, std::move(fields)}; }

// A response as received: status, headers in order, body bytes (chunked bodies decoded).
struct TestResponse {
  int status = 0;
  HeaderList headers;
  std::string body;

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  // The body parsed as JSON; std::nullopt when it is empty or not JSON.
  std::optional<boost::json::value> json() const;
};

class Agent {
 public:
  Agent(std::string host, std::uint16_t port);

  // Default headers sent with every request (a later set of the same name replaces it).
  Agent& set_header(std::string name, std::string value);
  Agent& remove_header(std::string_view name);
  const HeaderList& headers() const noexcept { return headers_; }
  // Authorization: Basic base64(username:password).
  Agent& set_basic_authorization(std::string_view username, std::string_view password);
  // Authorization: Bearer token.
  Agent& set_bearer_authorization(std::string_view token);
  Agent& set_timeout(std::chrono::milliseconds timeout);

  TestResponse get(std::string_view path, const RequestOptions& options = {}) const;
  TestResponse post(std::string_view path, const Body& body = {},
                    const RequestOptions& options = {}) const;
  TestResponse put(std::string_view path, const Body& body = {},
                   const RequestOptions& options = {}) const;
  // `delete` is a keyword.
  TestResponse delete_(std::string_view path, const RequestOptions& options = {}) const;
  // Any method. Throws std::runtime_error when no complete response arrives.
  TestResponse request(std::string_view method, std::string_view path, const Body& body = {},
                       const RequestOptions& options = {}) const;

  std::uint16_t port() const noexcept { return port_; }
  const std::string& host() const noexcept { return host_; }

 private:
  std::string host_;
  std::uint16_t port_;
  HeaderList headers_;
  std::chrono::milliseconds timeout_{30'000};
};

}  // namespace conduit::test
