// Integration tests of the HTTP server over real sockets: keep-alive, pipelining,
// chunked bodies, 100-continue, HEAD, limits, timeouts, errors, proxies, shutdown.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "test_channel.hpp"

namespace conduit::testing {
namespace {

using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  void start(ApplicationOptions options = test_options()) {
    app_ = std::make_unique<Application>(test_spec(), options);
    app_->start();
  }
  void TearDown() override {
    if (app_) app_->stop();
  }
  std::uint16_t port() const { return app_->port(); }
  std::unique_ptr<Application> app_;
};

TEST_F(ServerTest, AnswersWithStandardHeaders) {
  start();
  auto r = http_request(port(), "GET", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "Hello, World!");
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.header("content-length"), "13");
  EXPECT_EQ(r.header("server"), "conduit");
  EXPECT_TRUE(r.header("date").has_value());
  ASSERT_TRUE(r.header("x-request-id").has_value());
  EXPECT_EQ(r.header("x-request-id")->size(), 32u);
}

TEST_F(ServerTest, EchoesValidRequestIdAndReplacesUnsafeOnes) {
  start();
  auto given = http_request(port(), "GET", "/whoami", "X-Request-ID: abc-123_def.456\r\n");
  EXPECT_EQ(given.header("x-request-id"), "abc-123_def.456");
  EXPECT_EQ(boost::json::parse(given.body).at("request_id").as_string(), "abc-123_def.456");
  auto unsafe = http_request(port(), "GET", "/whoami", "X-Request-ID: a b\"c\r\n");
  EXPECT_EQ(unsafe.header("x-request-id")->size(), 32u);
}

TEST_F(ServerTest, UnknownPathIs404) {
  start();
  EXPECT_EQ(http_request(port(), "GET", "/nope").status, 404);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  HttpConnection c("127.0.0.1", port());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->header("connection").has_value());
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrderEvenWhenOneSuspends) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send(
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /sleep/50 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /json HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde");
  auto a = c.read_response();
  auto b = c.read_response();
  auto d = c.read_response();
  auto e = c.read_response();
  ASSERT_TRUE(a && b && d && e);
  EXPECT_EQ(a->body, "Hello, World!");
  EXPECT_EQ(b->body, R"({"slept":50})");
  EXPECT_EQ(d->body, R"({"message":"Hello, World!"})");
  EXPECT_EQ(e->body, "abcde");
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAliveAsked) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send("GET /hello HTTP/1.0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, ChunkedRequestBodyIsReassembled) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello world");
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  // The interim response arrives while the body has not been sent yet.
  EXPECT_TRUE(c.wait_for_pending("HTTP/1.1 100 Continue\r\n\r\n", 5s));
  c.send("ping");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ping");
}

TEST_F(ServerTest, HeadSendsHeadersOnly) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = c.read_response(10s, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), "13");
  EXPECT_EQ(head->body, "");
  auto get = c.read_response();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "Hello, World!");
}

TEST_F(ServerTest, BodyOverLimitIs413) {
  auto options = test_options();
  options.limits.max_body_bytes = 1024;
  start(options);
  auto r = http_request(port(), "POST", "/echo", "", std::string(2000, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, R"({"error":"entity length exceeds maximum"})");

  HttpConnection c("127.0.0.1", port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 3; ++i) c.send("200\r\n" + std::string(0x200, 'y') + "\r\n");
  auto chunked = c.read_response();
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413);
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, OversizedHeaderIs431AndOversizedUriIs414) {
  start();
  auto header = http_request(port(), "GET", "/hello", "X-Big: " + std::string(9000, 'a') + "\r\n");
  EXPECT_EQ(header.status, 431);
  EXPECT_EQ(header.header("content-type"), "application/json; charset=utf-8");
  auto uri = http_request(port(), "GET", "/hello?" + std::string(9000, 'a'));
  EXPECT_EQ(uri.status, 414);
  auto huge_uri = http_request(port(), "GET", "/" + std::string(70000, 'a'));
  EXPECT_EQ(huge_uri.status, 414);
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send("GARBAGE\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, R"({"error":"malformed request"})");
  EXPECT_TRUE(c.wait_closed(5s));

  HttpConnection bad_target("127.0.0.1", port());
  bad_target.send("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto t = bad_target.read_response();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, 400);
}

TEST_F(ServerTest, SlowHeaderIsCutOff) {
  auto options = test_options();
  options.limits.header_timeout = 200ms;
  start(options);
  HttpConnection c("127.0.0.1", port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finished
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  auto options = test_options();
  options.limits.keep_alive_timeout = 200ms;
  start(options);
  HttpConnection c("127.0.0.1", port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, HandlerOverTimeLimitGets503) {
  auto options = test_options();
  options.limits.request_timeout = 100ms;
  start(options);
  HttpConnection c("127.0.0.1", port());
  c.send("GET /sleep/2000 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, R"({"error":"request timed out"})");
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, ExceptionsBecomeJsonErrors) {
  start();
  auto boom = http_request(port(), "GET", "/throw");
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.body, R"({"error":"internal server error"})");
  auto teapot = http_request(port(), "GET", "/teapot");
  EXPECT_EQ(teapot.status, 418);
  EXPECT_EQ(teapot.body, R"({"error":"short and stout"})");
}

TEST_F(ServerTest, ForwardedHeadersAreUsedOnlyWhenTrusted) {
  start();
  auto untrusted =
      http_request(port(), "GET", "/whoami",
                   "X-Forwarded-For: 1.2.3.4, 5.6.7.8\r\nX-Forwarded-Proto: https\r\n");
  auto body = boost::json::parse(untrusted.body);
  EXPECT_EQ(body.at("remote").as_string(), "127.0.0.1");
  EXPECT_EQ(body.at("scheme").as_string(), "http");
  app_->stop();

  auto options = test_options();
  options.trust_proxy = true;
  start(options);
  auto trusted = http_request(port(), "GET", "/whoami",
                              "X-Forwarded-For: 1.2.3.4, 5.6.7.8\r\nX-Forwarded-Proto: https\r\n");
  body = boost::json::parse(trusted.body);
  EXPECT_EQ(body.at("remote").as_string(), "5.6.7.8");  // the proxy appended the rightmost
  EXPECT_EQ(body.at("scheme").as_string(), "https");
}

TEST_F(ServerTest, CompressesWhenClientAcceptsGzip) {
  start();
  auto plain = http_request(port(), "GET", "/big");
  EXPECT_FALSE(plain.header("content-encoding").has_value());
  auto gz = http_request(port(), "GET", "/big", "Accept-Encoding: gzip, deflate\r\n");
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_LT(gz.body.size(), plain.body.size() / 10);
  auto small = http_request(port(), "GET", "/hello", "Accept-Encoding: gzip\r\n");
  EXPECT_FALSE(small.header("content-encoding").has_value());
}

TEST_F(ServerTest, QueryParametersAreDecoded) {
  start();
  auto r = http_request(port(), "GET", "/query?name=a+b&x=%2F");
  EXPECT_EQ(r.body, R"({"name":"a b","x":"/"})");
  EXPECT_EQ(http_request(port(), "GET", "/query?bad=%zz").status, 400);
}

TEST_F(ServerTest, SeveralLoopsShareThePort) {
  auto options = test_options();
  options.threads = 2;
  start(options);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(http_request(port(), "GET", "/hello").status, 200);
}

TEST_F(ServerTest, DualStackByDefault) {
  auto options = test_options();
  options.address.clear();
  start(options);
  EXPECT_EQ(http_request(port(), "GET", "/hello").status, 200);
  HttpConnection v6("::1", port());
  v6.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = v6.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, Ipv6OnlyRefusesIpv4) {
  auto options = test_options();
  options.address.clear();
  options.ipv6_only = true;
  start(options);
  HttpConnection v6("::1", port());
  v6.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = v6.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_THROW(HttpConnection("127.0.0.1", port()), std::runtime_error);
}

TEST_F(ServerTest, StopFinishesInFlightRequestsThenRefusesConnections) {
  start();
  int closed_before = g_closed_channels.load();
  HttpConnection c("127.0.0.1", port());
  c.send("GET /sleep/300 HTTP/1.1\r\nHost: x\r\n\r\n");
  // The request is in flight once the server has read it; a second connection that
  // is answered proves the loop has processed everything before it.
  EXPECT_EQ(http_request(port(), "GET", "/hello").status, 200);
  std::thread stopper([&] { app_->stop(); });
  auto r = c.read_response();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(g_closed_channels.load(), closed_before + 1);
  EXPECT_THROW(HttpConnection("127.0.0.1", port()), std::runtime_error);
}

TEST_F(ServerTest, PortHeldByAnotherProgramIsAClearError) {
  // A listener without SO_REUSEPORT (another program) owns the port.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto options = test_options();
  options.port = ntohs(addr.sin_port);
  Application app(test_spec(), options);
  try {
    app.start();
    ADD_FAILURE() << "start() should have failed";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what())
                  .find("cannot listen on 127.0.0.1:" + std::to_string(options.port)),
              std::string::npos)
        << error.what();
  }
  ::close(fd);
}

TEST_F(ServerTest, HandlerSlowerThanTheHeaderTimeoutIsAnsweredWithinTheRequestLimit) {
  auto options = test_options();
  options.limits.header_timeout = 200ms;
  options.limits.request_timeout = 1500ms;
  start(options);
  HttpConnection c("127.0.0.1", port());
  // 600 ms is three header timeouts: the header deadline must not outlive the header.
  c.send("GET /sleep/600 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto slow = c.read_response(5s);
  ASSERT_TRUE(slow) << "the connection was closed while the handler ran";
  EXPECT_EQ(slow->status, 200);
  EXPECT_EQ(slow->body, R"({"slept":600})");
  // The connection goes on; a handler beyond the request limit gets 503 on it.
  c.send("GET /sleep/3000 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto late = c.read_response(5s);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 503);
  EXPECT_EQ(late->body, R"({"error":"request timed out"})");
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = c.read_response(5s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, DefaultRequestLimitIsBelowHerokusRouterTimeout) {
  EXPECT_EQ(ServerLimits{}.request_timeout, 25s);
}

TEST_F(ServerTest, WritingAnswersDoesNotExtendTheHeaderDeadlineOfTheNextRequest) {
  auto options = test_options();
  options.limits.header_timeout = 200ms;
  options.limits.write_timeout = 60s;
  start(options);
  HttpConnection c("127.0.0.1", port());
  // One answered request, then the header of the next one never finishes.
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.wait_closed(10s));
}

// A request whose header section is exactly `total` bytes (lines under 8 KiB).
std::string request_of_header_size(std::size_t total) {
  std::string wire = "GET /hello HTTP/1.1\r\nHost: x\r\n";
  std::size_t remaining = total - wire.size() - 2;
  for (int i = 0; remaining > 0; ++i) {
    std::size_t length = remaining > 4200 ? 4000 : remaining;
    std::string name = "X-F" + std::to_string(i) + ": ";
    wire += name + std::string(length - name.size() - 2, 'v') + "\r\n";
    remaining -= length;
  }
  return wire + "\r\n";
}

TEST_F(ServerTest, HeaderSectionLimitHoldsExactlyAtTheBoundary) {
  start();
  const std::size_t limit = ServerLimits{}.max_header_bytes;
  for (std::size_t size : {limit, limit + 1, std::size_t(81 * 1024)}) {
    HttpConnection c("127.0.0.1", port());
    std::string wire = request_of_header_size(size);
    ASSERT_EQ(wire.size(), size);
    c.send(wire);
    auto r = c.read_response();
    ASSERT_TRUE(r) << size;
    EXPECT_EQ(r->status, size <= limit ? 200 : 431) << size;
  }
}

TEST_F(ServerTest, EmptyLinesBeforeARequestLineAreIgnored) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send(
      "\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi\r\n"
      "\r\n\nGET /json HTTP/1.1\r\nHost: x\r\n\r\n");
  for (const char* body : {"Hello, World!", "hi", R"({"message":"Hello, World!"})"}) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << body;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, body);
  }
}

TEST_F(ServerTest, OverlongChunkLineIs400BeforeTheLineEnds) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=");
  c.send(std::string(8 * 1024, 'e'));  // and never a line end
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, R"({"error":"chunk line too long"})");
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, OverlongTrailerSectionIs431BeforeItEnds) {
  start();
  HttpConnection c("127.0.0.1", port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n");
  std::string trailers;
  while (trailers.size() <= ServerLimits{}.max_header_bytes + 1024) {
    trailers += "X-Trailer: " + std::string(1000, 't') + "\r\n";
  }
  c.send(trailers);  // and never the empty line
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(ServerTest, AmbiguousFramingIsRefusedAndTheSmuggledRequestNeverRuns) {
  start();
  const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  struct Case {
    std::string fields;
    std::string body;
    int status;
  };
  const std::string chunked_body = "0\r\n\r\n" + smuggled;
  const Case cases[] = {
      {"Transfer-Encoding: xchunked\r\n", chunked_body, 400},
      {"Transfer-Encoding: chunked, gzip\r\n", chunked_body, 400},
      {"Transfer-Encoding: gzip\r\n", chunked_body, 400},
      {"Transfer-Encoding: identity\r\n", chunked_body, 400},
      {"Transfer-Encoding: gzip, chunked\r\n", chunked_body, 501},
      {"Content-Length: " + std::to_string(chunked_body.size()) +
           "\r\nTransfer-Encoding: chunked\r\n",
       chunked_body, 400},
      {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n" + smuggled, 400},
      {"Transfer-Encoding: gzip\r\nContent-Length: 5\r\n", "0\r\n\r\n" + smuggled, 400},
  };
  for (const Case& c : cases) {
    HttpConnection connection("127.0.0.1", port());
    connection.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + c.fields + "\r\n" + c.body);
    auto r = connection.read_response();
    ASSERT_TRUE(r) << c.fields;
    EXPECT_EQ(r->status, c.status) << c.fields;
    EXPECT_EQ(r->header("connection"), "close") << c.fields;
    // Nothing else is answered: the connection closes after the refusal.
    EXPECT_FALSE(connection.read_response(5s)) << c.fields;
  }
  for (const char* host : {"", "Host: a\r\nHost: b\r\n"}) {
    HttpConnection connection("127.0.0.1", port());
    connection.send(std::string("GET /hello HTTP/1.1\r\n") + host + "\r\n" + smuggled);
    auto r = connection.read_response();
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 400) << host;
    EXPECT_FALSE(connection.read_response(5s)) << host;
  }
  EXPECT_EQ(g_smuggled_requests.load(), 0);
}

TEST_F(ServerTest, IdleConnectionsDoNotKeepANewOneWaiting) {
  constexpr std::size_t kIdle = 5000;
  rlimit files{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  // Both ends of every connection live in this process, plus some spare.
  const rlim_t needed = 2 * kIdle + 256;
  if (files.rlim_max != RLIM_INFINITY && files.rlim_max < needed) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << files.rlim_max << " is below " << needed;
  }
  if (files.rlim_cur == RLIM_INFINITY || files.rlim_cur < needed) {
    rlimit raised = files;
    raised.rlim_cur = needed;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &raised), 0);
  }
  auto options = test_options();
  options.limits.header_timeout = 120s;  // idle for the whole test, however slow the machine
  start(options);
  std::vector<std::unique_ptr<HttpConnection>> idle;
  idle.reserve(kIdle);
  for (std::size_t i = 0; i < kIdle; ++i) {
    idle.push_back(std::make_unique<HttpConnection>("127.0.0.1", port()));
  }
  auto begin = std::chrono::steady_clock::now();
  HttpConnection c("127.0.0.1", port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  // The idle connections are still open and served.
  idle.front()->send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = idle.front()->read_response(10s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  idle.clear();
  app_->stop();
  app_.reset();
  ::setrlimit(RLIMIT_NOFILE, &files);
}

}  // namespace
}  // namespace conduit::testing
