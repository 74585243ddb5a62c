// The response serialiser never lets a header value start a new header or a body
// (response splitting), whatever a handler put into it.
#include <gtest/gtest.h>

#include <string>

#include "app/response_writer.hpp"
#include "conduit/http/response.hpp"

namespace conduit::app::detail {
namespace {

TEST(ResponseWriter, HeaderValuesCannotInjectLines) {
  Response response = Response::text(200, "ok");
  response.set_header("X-Note", "a\r\nX-Injected: 1\r\n\r\nbody");
  std::string out;
  append_response(out, response, WireContext{"Thu, 26 Nov 2026 12:00:00 GMT", "", false, true});
  EXPECT_EQ(out.find("\r\nX-Injected"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Note: a  X-Injected: 1    body\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 6), "\r\n\r\nok");
}

TEST(ResponseWriter, OrdinaryHeadersAreCopiedAsTheyAre) {
  Response response = Response::text(201, "");
  response.set_header("Location", "/heroes/4");
  std::string out;
  append_response(out, response, WireContext{"Thu, 26 Nov 2026 12:00:00 GMT", "id-1", false, true});
  EXPECT_EQ(out.rfind("HTTP/1.1 201 Created\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("\r\nLocation: /heroes/4\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nX-Request-ID: id-1\r\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace conduit::app::detail
