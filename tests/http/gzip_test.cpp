// Tests for gzip response compression (conduit/http/gzip.hpp), checked by inflating with zlib.
#include "conduit/http/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <stdexcept>
#include <string>

#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit {
namespace {

std::string gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, MAX_WBITS + 16) != Z_OK) throw std::runtime_error("inflateInit2");
  std::string out;
  char buffer[4096];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      throw std::runtime_error("inflate failed");
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

std::string text_body(std::size_t size) {
  std::string body;
  while (body.size() < size) body += "{\"name\":\"Mr. Nice\",\"id\":11},";
  body.resize(size);
  return body;
}

Request request_accepting(std::string_view accept_encoding) {
  Request request;
  request.mutable_headers().set("Accept-Encoding", accept_encoding);
  return request;
}

std::size_t vary_count(const Response& response, std::string_view value) {
  std::size_t n = 0;
  for (auto v : response.headers().get_all("Vary")) n += iequals(v, value);
  return n;
}

TEST(GzipTest, CompressibleTypes) {
  for (const char* type :
       {"text/html; charset=utf-8", "text/plain", "TEXT/CSS", "text/csv", "application/json",
        "application/json; charset=utf-8", "application/javascript",
        "application/x-www-form-urlencoded", "image/svg+xml", "application/xml",
        "application/problem+json", "application/atom+xml", " text/html "}) {
    EXPECT_TRUE(is_compressible(type)) << type;
  }
  for (const char* type :
       {"text/event-stream", "text/event-stream; charset=utf-8", "image/png", "image/jpeg",
        "application/octet-stream", "application/pdf", "font/woff2", "application/wasm",
        "multipart/form-data; boundary=x", "", "text", "json"}) {
    EXPECT_FALSE(is_compressible(type)) << type;
  }
}

TEST(GzipTest, AcceptEncodingParsing) {
  for (const char* value :
       {"gzip", "GZIP", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "x-gzip", "*",
        "deflate, *;q=0.1", "gzip;q=1", " gzip ; q=0.001 ", "identity, gzip"}) {
    EXPECT_TRUE(accepts_gzip(value)) << value;
  }
  for (const char* value :
       {"", "identity", "deflate, br", "gzip;q=0", "gzip; q=0.000", "GZIP;Q=0.0", "*;q=0",
        "gzip;q=0, *", "*, gzip;q=0", "gzipper", "compress"}) {
    EXPECT_FALSE(accepts_gzip(value)) << value;
  }
}

TEST(GzipTest, RoundTripThroughZlib) {
  const std::string original = text_body(20000);
  Response response(200, original, "application/json; charset=utf-8");
  response.set_header("ETag", "\"abc\"");
  maybe_compress(request_accepting("gzip, deflate"), response);
  EXPECT_EQ(response.headers().get("Content-Encoding"), "gzip");
  EXPECT_EQ(vary_count(response, "Accept-Encoding"), 1u);
  EXPECT_LT(response.body().size(), original.size() / 4);
  EXPECT_EQ(gunzip(response.body()), original);
  // The compressed bytes are a different representation: the ETag becomes weak.
  EXPECT_EQ(response.headers().get("ETag"), "W/\"abc\"");
  EXPECT_EQ(response.content_type(), "application/json; charset=utf-8");
}

TEST(GzipTest, CompressFunctionRoundTripsAnyBytesAndLevels) {
  std::string binary;
  std::mt19937 random(42);
  for (int i = 0; i < 5000; ++i) binary.push_back(static_cast<char>(random() & 0xff));
  binary.push_back('\0');
  EXPECT_EQ(gunzip(gzip_compress(binary)), binary);
  EXPECT_EQ(gunzip(gzip_compress("")), "");
  const std::string text = text_body(50000);
  for (int level : {-5, 0, 1, 6, 9, 42}) {
    EXPECT_EQ(gunzip(gzip_compress(text, level)), text) << level;
  }
  EXPECT_GT(gzip_compress(text, 0).size(), text.size());  // level 0 only stores
  EXPECT_LE(gzip_compress(text, 9).size(), gzip_compress(text, 1).size());
}

TEST(GzipTest, LevelAndMinSizeAreConfigurable) {
  const std::string original = text_body(100);
  Response small(200, original, "text/plain");
  maybe_compress(request_accepting("gzip"), small, 50, 9);
  EXPECT_EQ(small.headers().get("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(small.body()), original);

  Response stored(200, text_body(5000), "text/plain");
  maybe_compress(request_accepting("gzip"), stored, 1024, 0);
  // Level 0 never shrinks the body, so it is left as it was.
  EXPECT_FALSE(stored.headers().contains("Content-Encoding"));
  EXPECT_EQ(stored.body(), text_body(5000));
}

TEST(GzipTest, RefusedEncodingLeavesBodyButAddsVary) {
  for (const char* accept : {"gzip;q=0", "br", "identity"}) {
    Response response(200, text_body(4000), "text/html");
    maybe_compress(request_accepting(accept), response);
    EXPECT_EQ(response.body(), text_body(4000)) << accept;
    EXPECT_FALSE(response.headers().contains("Content-Encoding")) << accept;
    EXPECT_EQ(vary_count(response, "Accept-Encoding"), 1u) << accept;
  }
  Response no_header(200, text_body(4000), "text/html");
  maybe_compress(Request{}, no_header);
  EXPECT_FALSE(no_header.headers().contains("Content-Encoding"));
  EXPECT_EQ(vary_count(no_header, "Accept-Encoding"), 1u);
}

TEST(GzipTest, IneligibleResponsesAreUntouched) {
  const Request request = request_accepting("gzip");
  auto expect_untouched = [&](Response response, const char* what) {
    Response before = response;
    maybe_compress(request, response);
    EXPECT_EQ(response.body(), before.body()) << what;
    EXPECT_EQ(response.headers().fields(), before.headers().fields()) << what;
  };
  expect_untouched(Response(200, text_body(1023), "text/plain"), "below min size");
  expect_untouched(Response(200, "", "text/plain"), "empty");
  expect_untouched(Response(200, text_body(4000), "image/png"), "incompressible type");
  expect_untouched(Response(200, text_body(4000), "text/event-stream"), "event stream");
  expect_untouched(Response(200, text_body(4000), ""), "no content type");
  expect_untouched(Response(304, text_body(4000), "text/plain"), "304");
  expect_untouched(Response(204, text_body(4000), "text/plain"), "204");
  expect_untouched(Response(101, text_body(4000), "text/plain"), "1xx");
  Response encoded(200, text_body(4000), "text/plain");
  encoded.set_header("Content-Encoding", "br");
  expect_untouched(encoded, "already encoded");
  Response no_transform(200, text_body(4000), "text/plain");
  no_transform.set_header("Cache-Control", "public, No-Transform");
  expect_untouched(no_transform, "no-transform");
}

TEST(GzipTest, IncompressibleBytesStayAsTheyAre) {
  // Random bytes do not shrink: gzip would only add its framing.
  std::mt19937 random(7);
  std::string bytes;
  for (int i = 0; i < 4000; ++i) bytes.push_back(static_cast<char>(random() & 0xff));
  Response response(200, bytes, "text/plain");
  maybe_compress(request_accepting("gzip"), response);
  EXPECT_EQ(response.body(), bytes);
  EXPECT_FALSE(response.headers().contains("Content-Encoding"));
}

TEST(GzipTest, VaryIsMergedNotDuplicated) {
  Response with_origin(200, text_body(4000), "text/plain");
  with_origin.headers().add("Vary", "Origin");
  maybe_compress(request_accepting("gzip"), with_origin);
  EXPECT_EQ(vary_count(with_origin, "Origin"), 1u);
  EXPECT_EQ(vary_count(with_origin, "Accept-Encoding"), 1u);

  Response listed(200, text_body(4000), "text/plain");
  listed.headers().add("Vary", "Origin, accept-encoding");
  maybe_compress(request_accepting("gzip"), listed);
  EXPECT_EQ(listed.headers().get_all("Vary").size(), 1u);
  EXPECT_EQ(listed.headers().get("Content-Encoding"), "gzip");

  Response star(200, text_body(4000), "text/plain");
  star.headers().add("Vary", "*");
  maybe_compress(request_accepting("gzip"), star);
  EXPECT_EQ(star.headers().get_all("Vary").size(), 1u);
}

TEST(GzipTest, StaleContentLengthIsDropped) {
  Response response(200, text_body(4000), "text/plain");
  response.set_header("Content-Length", "4000");
  maybe_compress(request_accepting("gzip"), response);
  EXPECT_EQ(response.headers().get("Content-Encoding"), "gzip");
  EXPECT_FALSE(response.headers().contains("Content-Length"));
}

}  // namespace
}  // namespace conduit
