// Tests of RequestReader: incremental parsing, pipelining, bodies, limits and errors.
//
// Thread-safety: each test uses its own reader.
#include "app/request_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

namespace conduit::detail {
namespace {

using Event = RequestReader::Event;

void feed(RequestReader& reader, std::string_view bytes) {
  auto buffer = reader.prepare(bytes.size());
  std::memcpy(buffer.data(), bytes.data(), bytes.size());
  reader.commit(bytes.size());
}

ServerLimits small_limits() {
  ServerLimits limits;
  limits.max_header_line_bytes = 256;
  limits.max_header_bytes = 1024;
  limits.max_body_bytes = 64;
  return limits;
}

TEST(RequestReaderTest, ReadsOneRequest) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader,
       "POST /heroes/1?verbose=true HTTP/1.1\r\nHost: example.com\r\nX-Custom: a b\r\n"
       "Content-Length: 5\r\n\r\nhello");
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_TRUE(reader.keep_alive());
  EXPECT_FALSE(reader.expects_continue());
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.method(), "POST");
  EXPECT_EQ(request.target(), "/heroes/1?verbose=true");
  EXPECT_EQ(request.path(), "/heroes/1");
  EXPECT_EQ(request.query_string(), "verbose=true");
  EXPECT_EQ(request.version(), 11);
  EXPECT_EQ(request.header("host"), "example.com");
  EXPECT_EQ(request.header("x-custom"), "a b");
  EXPECT_EQ(request.body(), "hello");
  EXPECT_EQ(reader.buffered(), 0u);
  EXPECT_FALSE(reader.in_progress());
}

TEST(RequestReaderTest, ReadsPipelinedRequestsInOrder) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HT");
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.path(), "/a");
  request.reset();
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.path(), "/b");
  EXPECT_EQ(request.headers().size(), 1u);
  request.reset();
  EXPECT_EQ(reader.parse(request), Event::need_more);
  feed(reader, "TP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.path(), "/c");
}

TEST(RequestReaderTest, ReadsARequestFedByteByByte) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  std::string wire = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
  bool header_reported = false;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    feed(reader, wire.substr(i, 1));
    Event event = reader.parse(request);
    if (i + 1 < wire.size()) {
      ASSERT_NE(event, Event::request) << i;
      ASSERT_NE(event, Event::error) << i;
      if (event == Event::header_done) {
        EXPECT_FALSE(header_reported) << "header_done reported twice";
        header_reported = true;
      }
    } else {
      ASSERT_EQ(event, Event::request);
    }
  }
  EXPECT_TRUE(header_reported);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.body(), "abc");
}

TEST(RequestReaderTest, DecodesChunkedBodies) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader,
       "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
       "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.body(), "hello world");
}

TEST(RequestReaderTest, ReportsExpectContinueBeforeTheBody) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::header_done);
  EXPECT_TRUE(reader.expects_continue());
  EXPECT_EQ(reader.parse(request), Event::need_more);
  feed(reader, "ok");
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.body(), "ok");
}

TEST(RequestReaderTest, OnlyA100ContinueExpectationAsksForContinue) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "POST /c HTTP/1.1\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::header_done);
  EXPECT_FALSE(reader.expects_continue());
  feed(reader, "okPOST /c HTTP/1.1\r\nEXPECT: 100-Continue\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  reader.take(request);
  request.reset();
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_TRUE(reader.expects_continue());
}

TEST(RequestReaderTest, KeepAliveFollowsVersionAndConnectionHeader) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_FALSE(reader.keep_alive());
  reader.take(request);
  request.reset();
  feed(reader, "GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_FALSE(reader.keep_alive());
  reader.take(request);
  EXPECT_EQ(request.version(), 10);
  request.reset();
  feed(reader, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_TRUE(reader.keep_alive());
}

TEST(RequestReaderTest, KeepsManyLargeHeadersAcrossReusedRequests) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  std::string wire = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 60; ++i) {
    wire += "X-Header-" + std::to_string(i) + ": " + std::string(40, char('a' + i % 26)) + "\r\n";
  }
  wire += "\r\n";
  for (int round = 0; round < 3; ++round) {
    request.reset();
    feed(reader, wire);
    ASSERT_EQ(reader.parse(request), Event::request);
    ASSERT_TRUE(reader.take(request));
    ASSERT_EQ(request.headers().size(), 60u);
    EXPECT_EQ(request.header("x-header-59"), std::string(40, char('a' + 59 % 26)));
  }
}

// What a fresh reader (small limits unless `limits` is given) answers to `wire`.
struct Refusal {
  int status = 0;
  std::string message;
};
Refusal refusal_of(const std::string& wire, const ServerLimits& limits = small_limits()) {
  RequestReader reader(limits);
  Request request;
  feed(reader, wire);
  EXPECT_EQ(reader.parse(request), Event::error) << wire.substr(0, 80);
  return {reader.error_status(), std::string(reader.error_message())};
}

TEST(RequestReaderTest, RefusesALongRequestLineWith414) {
  const Refusal r = refusal_of("GET /" + std::string(300, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(r.status, 414);
  EXPECT_EQ(r.message, "request URI too long");
}

TEST(RequestReaderTest, RefusesARequestLineWithoutEndBeyondTheHeaderLimitWith414) {
  EXPECT_EQ(refusal_of("GET /" + std::string(2000, 'a')).status, 414);
}

TEST(RequestReaderTest, RefusesALongHeaderLineWith431) {
  const Refusal r = refusal_of("GET / HTTP/1.1\r\nX-Big: " + std::string(300, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.message, "request header too large");
}

TEST(RequestReaderTest, RefusesAHeaderSectionBeyondTheLimitWith431) {
  std::string wire = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 40; ++i)
    wire += "X-H" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  EXPECT_EQ(refusal_of(wire).status, 431);
}

TEST(RequestReaderTest, RefusesABodyBeyondTheLimitWith413) {
  const Refusal r = refusal_of("POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.message, "entity length exceeds maximum");
}

TEST(RequestReaderTest, RefusesMalformedInputWith400) {
  const Refusal r = refusal_of("GET / HTTP/1.1\r\nBad Header\r\n\r\n", ServerLimits{});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.message, "malformed request");
}

TEST(RequestReaderTest, ReportsAMalformedTargetFromTake) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_FALSE(reader.take(request));
  request.reset();
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_TRUE(reader.take(request));
  EXPECT_EQ(request.path(), "/ok");
}

}  // namespace
}  // namespace conduit::detail
