// Tests of RequestReader: incremental parsing, pipelining, bodies, limits and errors.
//
// Thread-safety: each test uses its own reader.
#include "app/request_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

namespace conduit::app::detail {
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
  feed(reader,
       "POST /c HTTP/1.1\r\nHost: h\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::header_done);
  EXPECT_FALSE(reader.expects_continue());
  feed(reader,
       "okPOST /c HTTP/1.1\r\nHost: h\r\nEXPECT: 100-Continue\r\nContent-Length: 0\r\n\r\n");
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
  std::string wire = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 60; ++i) {
    wire += "X-Header-" + std::to_string(i) + ": " + std::string(40, char('a' + i % 26)) + "\r\n";
  }
  wire += "\r\n";
  for (int round = 0; round < 3; ++round) {
    request.reset();
    feed(reader, wire);
    ASSERT_EQ(reader.parse(request), Event::request);
    ASSERT_TRUE(reader.take(request));
    ASSERT_EQ(request.headers().size(), 61u);
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
  feed(reader, "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_FALSE(reader.take(request));
  request.reset();
  ASSERT_EQ(reader.parse(request), Event::request);
  EXPECT_TRUE(reader.take(request));
  EXPECT_EQ(request.path(), "/ok");
}

// A request whose header section (request line to the empty line, both included) is
// exactly `total` bytes, in field lines of at most `line` bytes.
std::string header_of_size(std::size_t total, std::size_t line = 200) {
  std::string wire = "GET / HTTP/1.1\r\nHost: h\r\n";
  std::size_t remaining = total - wire.size() - 2;
  for (int i = 0; remaining > 0; ++i) {
    std::size_t length = remaining;
    if (remaining > line + 40) {
      length = line;
    } else if (remaining > line) {
      length = remaining / 2;
    }
    std::string name = "X-F" + std::to_string(i) + ": ";
    wire += name + std::string(length - name.size() - 2, 'v') + "\r\n";
    remaining -= length;
  }
  wire += "\r\n";
  EXPECT_EQ(wire.size(), total);
  return wire;
}

// Feeds `wire` in pieces of `piece` bytes (as reads from a socket would) and returns the
// first event other than need_more/header_done, or need_more at the end.
Event feed_in_pieces(RequestReader& reader, Request& request, const std::string& wire,
                     std::size_t piece) {
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    feed(reader, std::string_view(wire).substr(at, piece));
    Event event = reader.parse(request);
    if (event == Event::header_done) event = reader.parse(request);
    if (event != Event::need_more) return event;
  }
  return Event::need_more;
}

TEST(RequestReaderTest, HeaderSectionLimitCountsEveryByteWhateverTheReads) {
  ServerLimits limits;  // 64 KiB header section, 8 KiB lines
  for (std::size_t piece : {std::size_t(1000), std::size_t(16 * 1024), std::size_t(1 << 20)}) {
    {
      RequestReader reader(limits);
      Request request;
      EXPECT_EQ(feed_in_pieces(reader, request, header_of_size(limits.max_header_bytes), piece),
                Event::request)
          << piece;
    }
    {
      RequestReader reader(limits);
      Request request;
      EXPECT_EQ(feed_in_pieces(reader, request, header_of_size(limits.max_header_bytes + 1), piece),
                Event::error)
          << piece;
      EXPECT_EQ(reader.error_status(), 431);
    }
    {
      // The case: 81 KiB of headers read 16 KiB at a time.
      RequestReader reader(limits);
      Request request;
      EXPECT_EQ(feed_in_pieces(reader, request, header_of_size(81 * 1024), piece), Event::error);
      EXPECT_EQ(reader.error_status(), 431);
    }
  }
}

TEST(RequestReaderTest, HeaderSectionOverTheLimitIsRefusedBeforeItEnds) {
  ServerLimits limits = small_limits();
  RequestReader reader(limits);
  Request request;
  std::string wire = header_of_size(4096);
  wire.resize(limits.max_header_bytes);  // no end within the limit: nothing more needed
  feed(reader, wire.substr(0, 600));
  ASSERT_EQ(reader.parse(request), Event::need_more);
  feed(reader, wire.substr(600));
  ASSERT_EQ(reader.parse(request), Event::error);
  EXPECT_EQ(reader.error_status(), 431);
}

TEST(RequestReaderTest, IgnoresEmptyLinesBeforeTheRequestLine) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "\r\n\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.path(), "/a");
  request.reset();
  // A CR alone may be the start of an empty line: wait for the rest.
  feed(reader, "\r");
  EXPECT_EQ(reader.parse(request), Event::need_more);
  feed(reader, "\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.path(), "/b");
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(RequestReaderTest, EmptyLinesCountAgainstTheHeaderSection) {
  std::string wire;
  for (int i = 0; i < 600; ++i) wire += "\r\n";
  EXPECT_EQ(refusal_of(wire + "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status, 431);
}

TEST(RequestReaderTest, AcceptsChunkExtensionsAndDropsTrailerFields) {
  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  EXPECT_EQ(reader.parse(request), Event::error);
  EXPECT_EQ(reader.error_status(), 501);

  RequestReader ok(limits);
  Request r;
  feed(ok,
       "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
       "5;name=value;q=\"a b\"\r\nhello\r\n0;end\r\nX-Forwarded-For: 203.0.113.9\r\n"
       "X-Checksum: 1\r\n\r\n");
  ASSERT_EQ(ok.parse(r), Event::request);
  ASSERT_TRUE(ok.take(r));
  EXPECT_EQ(r.body(), "hello");
  EXPECT_FALSE(r.header("x-forwarded-for").has_value());
  EXPECT_FALSE(r.header("x-checksum").has_value());
  EXPECT_EQ(r.headers().size(), 2u);
}

TEST(RequestReaderTest, RefusesAnOverlongChunkLineAsSoonAsItPassesTheLimit) {
  for (const char* before : {"", "3\r\nabc\r\n"}) {
    ServerLimits limits;
    RequestReader reader(limits);
    Request request;
    feed(reader, std::string("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") +
                     before + "5;ext=");
    ASSERT_EQ(reader.parse(request), Event::header_done);
    ASSERT_EQ(reader.parse(request), Event::need_more);
    feed(reader, std::string(RequestReader::kMaxChunkLineBytes - 100, 'x'));
    ASSERT_EQ(reader.parse(request), Event::need_more) << "still within the limit";
    feed(reader, std::string(200, 'x'));
    ASSERT_EQ(reader.parse(request), Event::error);
    EXPECT_EQ(reader.error_status(), 400);
    EXPECT_EQ(reader.error_message(), "chunk line too long");
  }
}

TEST(RequestReaderTest, RefusesAnOverlongTrailerSectionAsSoonAsItPassesTheLimit) {
  ServerLimits limits = small_limits();  // 1 KiB header section, 256-byte lines
  RequestReader reader(limits);
  Request request;
  feed(reader, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n");
  ASSERT_EQ(reader.parse(request), Event::header_done);
  std::string trailers;
  while (trailers.size() < limits.max_header_bytes - 100)
    trailers += "X-T: " + std::string(90, 't') + "\r\n";
  feed(reader, trailers);
  ASSERT_EQ(reader.parse(request), Event::need_more);
  feed(reader, std::string(200, 'x'));
  ASSERT_EQ(reader.parse(request), Event::error);
  EXPECT_EQ(reader.error_status(), 431);

  // One trailer line over the line limit, in a section within its limit.
  const Refusal line =
      refusal_of("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " +
                 std::string(300, 't') + "\r\n\r\n");
  EXPECT_EQ(line.status, 431);
}

TEST(RequestReaderTest, RefusesTransferCodingsThatCouldSmuggleARequest) {
  const std::string head = "POST /c HTTP/1.1\r\nHost: h\r\n";
  const std::string body = "\r\n3\r\nabc\r\n0\r\n\r\nDELETE /x HTTP/1.1\r\nHost: h\r\n\r\n";
  struct Case {
    std::string fields;
    int status;
  };
  const Case cases[] = {
      {"Transfer-Encoding: xchunked\r\n", 400},
      {"Transfer-Encoding: chunked, gzip\r\n", 400},
      {"Transfer-Encoding: gzip\r\n", 400},
      {"Transfer-Encoding: identity\r\n", 400},
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", 400},
      {"Transfer-Encoding: chunked, chunked\r\n", 400},
      {"Transfer-Encoding: gzip, chunked\r\n", 501},
      {"Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n", 501},
      {"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", 400},
      {"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", 400},
      {"Transfer-Encoding: gzip\r\nContent-Length: 3\r\n", 400},
      {"Content-Length: 3\r\nTransfer-Encoding: gzip\r\n", 400},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(refusal_of(head + c.fields + body, ServerLimits{}).status, c.status) << c.fields;
  }
  EXPECT_EQ(
      refusal_of("POST /c HTTP/1.0\r\nTransfer-Encoding: chunked" + body, ServerLimits{}).status,
      400);
}

TEST(RequestReaderTest, RequiresExactlyOneHostInHttp11) {
  const Refusal missing = refusal_of("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", ServerLimits{});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.message, "missing Host header");
  const Refusal twice = refusal_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ServerLimits{});
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.message, "duplicate Host header");
  EXPECT_EQ(refusal_of("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", ServerLimits{}).status, 400);

  ServerLimits limits;
  RequestReader reader(limits);
  Request request;
  feed(reader, "GET / HTTP/1.0\r\n\r\n");  // HTTP/1.0 needs none
  EXPECT_EQ(reader.parse(request), Event::request);
}

TEST(RequestReaderTest, AnAnnouncedBodyLengthIsNotReservedUpFront) {
  ServerLimits limits;  // 10 MiB body limit
  RequestReader reader(limits);
  Request request;
  feed(reader, "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                   std::to_string(limits.max_body_bytes) + "\r\n\r\n" + std::string(90, 'b'));
  ASSERT_EQ(reader.parse(request), Event::header_done);
  ASSERT_EQ(reader.parse(request), Event::need_more);
  EXPECT_LE(reader.body_capacity(), RequestParser::kBodyReserve + 64);
  // The body grows as it arrives, up to the announced length.
  std::string rest(limits.max_body_bytes - 90, 'c');
  feed(reader, rest);
  ASSERT_EQ(reader.parse(request), Event::request);
  ASSERT_TRUE(reader.take(request));
  EXPECT_EQ(request.body().size(), limits.max_body_bytes);

  EXPECT_EQ(refusal_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                           std::to_string(limits.max_body_bytes + 1) + "\r\n\r\n",
                       limits)
                .status,
            413);
}

}  // namespace
}  // namespace conduit::app::detail
