// Process-level tests of `serve`: flags, $PORT, errors, SIGTERM/SIGINT with requests in
// flight, HTTPS, and the `conduit` tool forwarding to the application binary.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace conduit::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Starts the test server on a free port and returns the port it printed.
std::uint16_t wait_listening(ChildProcess& child) {
  EXPECT_TRUE(child.wait_for_stdout("listening on", 20s))
      << child.stdout_text() << child.stderr_text();
  std::smatch m;
  std::string out = child.stdout_text();
  if (!std::regex_search(out, m, std::regex(R"(listening on https?://\S+:(\d+))"))) return 0;
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

ChildProcess::Options args(std::vector<std::string> argv) {
  ChildProcess::Options o;
  o.argv = std::move(argv);
  return o;
}

ChildProcess::Options serve(std::vector<std::string> extra = {}) {
  ChildProcess::Options o;
  o.argv = {TEST_SERVER_BINARY, "serve", "-p", "0", "-a", "127.0.0.1"};
  o.argv.insert(o.argv.end(), extra.begin(), extra.end());
  o.unset_env = {"PORT", "WEB_CONCURRENCY"};
  return o;
}

TEST(ServeCommand, SigtermLetsInFlightRequestFinishThenExitsZero) {
  ChildProcess child(serve());
  auto port = wait_listening(child);
  ASSERT_NE(port, 0);
  HttpConnection slow("127.0.0.1", port);
  slow.send("GET /sleep/500 HTTP/1.1\r\nHost: x\r\n\r\n");
  // Once another request has been logged the server has read the slow one too.
  HttpConnection probe("127.0.0.1", port);
  probe.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(probe.read_response());
  ASSERT_TRUE(child.wait_for_stdout("GET /hello 200", 10s));
  child.send_signal(SIGTERM);
  child.send_signal(SIGTERM);  // a second signal is harmless
  auto r = slow.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(child.wait_exit(15s), 0) << child.stdout_text();
  EXPECT_NE(child.stdout_text().find("received SIGTERM"), std::string::npos);
  EXPECT_NE(child.stdout_text().find("GET /sleep/500 200"), std::string::npos);
}

TEST(ServeCommand, SigintStopsAnIdleServer) {
  ChildProcess child(serve());
  ASSERT_NE(wait_listening(child), 0);
  child.send_signal(SIGINT);
  EXPECT_EQ(child.wait_exit(15s), 0);
}

TEST(ServeCommand, GraceBoundsASlowRequest) {
  ChildProcess child(serve({"--shutdown-grace", "0.2", "--request-timeout", "60"}));
  auto port = wait_listening(child);
  HttpConnection slow("127.0.0.1", port);
  slow.send("GET /sleep/30000 HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpConnection probe("127.0.0.1", port);
  probe.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(probe.read_response());
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(10s), 0);
  EXPECT_TRUE(slow.wait_closed(5s));
}

// A handler stuck in a PostgreSQL statement, on a shared connection and inside a
// transaction: SIGTERM with a 1 s grace ends the process, exit 0, within that grace (plus
// process start-up and scheduling), and the statements are cancelled on the server. It
// used to take a second grace: the channel's close waited on the stuck statements.
TEST(ServeCommandPostgres, AStuckQueryDoesNotStretchTheShutdownGrace) {
  const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
  if (!url) GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set (run through ctest)";
  const std::string tag = "stuck_" + std::to_string(::getpid());
  const std::string tagged_url = std::string(url) +
                                 (std::string(url).find('?') == std::string::npos ? "?" : "&") +
                                 "application_name=" + tag;
  auto sleeping = [&] {
    auto r = run_command({{"/usr/bin/psql", url, "-tAc",
                           "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                               tag + "' AND query LIKE 'SELECT pg_sleep%' AND state = 'active'"},
                          {},
                          {},
                          ""},
                         30s);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? std::stoi(r.out) : -1;
  };
  ChildProcess::Options o;
  o.argv = {TEST_DB_SERVER_BINARY, "serve", "-p", "0", "-a", "127.0.0.1", "--shutdown-grace", "1",
            "--request-timeout",   "60"};
  o.env = {{"CONDUIT_TEST_DATABASE_URL", tagged_url}};
  o.unset_env = {"PORT"};
  ChildProcess child(o);
  auto port = wait_listening(child);
  ASSERT_NE(port, 0);
  HttpConnection shared("127.0.0.1", port);
  shared.send("GET /pg_sleep/30 HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpConnection transaction("127.0.0.1", port);
  transaction.send("GET /tx_sleep/30 HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto running_by = std::chrono::steady_clock::now() + 20s;
  while (sleeping() < 2) {
    ASSERT_LT(std::chrono::steady_clock::now(), running_by) << child.stdout_text();
  }

  const auto signalled = std::chrono::steady_clock::now();
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(10s), 0) << child.stdout_text() << child.stderr_text();
  const auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_LT(took, 1s + 700ms) << "shutdown took "
                              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                              << " ms for a 1 s grace\n"
                              << child.stdout_text();
  EXPECT_TRUE(shared.wait_closed(5s));
  EXPECT_TRUE(transaction.wait_closed(5s));
  // Cancelled on the server, not left sleeping for 30 s.
  const auto cancelled_by = std::chrono::steady_clock::now() + 10s;
  int left = sleeping();
  while (left != 0 && std::chrono::steady_clock::now() < cancelled_by) left = sleeping();
  EXPECT_EQ(left, 0);
}

// maxConnectionCount is the process's total: two loops with maxConnectionCount 2 never
// hold more than 2 server connections, however the transactions land on the loops (each
// loop's pool has 1, and a loop's second transaction waits for it).
TEST(ServeCommandPostgres, MaxConnectionCountIsTheProcessTotal) {
  const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
  if (!url) GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set (run through ctest)";
  const std::string tag = "split_" + std::to_string(::getpid());
  const std::string tagged_url = std::string(url) +
                                 (std::string(url).find('?') == std::string::npos ? "?" : "&") +
                                 "application_name=" + tag;
  auto connections = [&] {
    auto r = run_command(
        {{"/usr/bin/psql", url, "-tAc",
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + tag + "'"},
         {},
         {},
         ""},
        30s);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? std::stoi(r.out) : -1;
  };
  ChildProcess::Options o;
  o.argv = {TEST_DB_SERVER_BINARY, "serve", "-p", "0", "-a", "127.0.0.1", "-n", "2"};
  o.env = {{"CONDUIT_TEST_DATABASE_URL", tagged_url}, {"CONDUIT_TEST_MAX_CONNECTIONS", "2"}};
  o.unset_env = {"PORT"};
  ChildProcess child(o);
  auto port = wait_listening(child);
  ASSERT_NE(port, 0);
  std::vector<std::unique_ptr<HttpConnection>> requests;
  for (int i = 0; i < 6; ++i) {
    requests.push_back(std::make_unique<HttpConnection>("127.0.0.1", port));
    requests.back()->send("GET /tx_sleep/0.3 HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  int most = 0;
  for (int i = 0; i < 5; ++i) most = std::max(most, connections());
  for (auto& request : requests) {
    auto r = request->read_response(20s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
  }
  most = std::max(most, connections());
  EXPECT_GE(most, 1);
  EXPECT_LE(most, 2);
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(15s), 0);
}

TEST(ServeCommand, PortComesFromEnvironmentWhenNotGiven) {
  // Find a free port by binding the test server to 0 first is racy; use PORT=0 instead
  // and check the flag default does not win over the environment.
  ChildProcess::Options o;
  o.argv = {TEST_SERVER_BINARY, "serve", "-a", "127.0.0.1"};
  o.env = {{"PORT", "0"}};
  ChildProcess child(o);
  auto port = wait_listening(child);
  EXPECT_NE(port, 0);
  EXPECT_NE(port, 8888);
  EXPECT_EQ(http_request(port, "GET", "/hello").status, 200);
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(15s), 0);
}

TEST(ServeCommand, BadFlagsExitOneWithOneLine) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{"serve", "--ssl-key-path", "k.pem"},
       "*** Configuration error: --ssl-key-path was specified, but --ssl-certificate-path was "
       "not.\n"},
      {{"serve", "--ssl-certificate-path", "c.pem"},
       "*** Configuration error: --ssl-certificate-path was specified, but --ssl-key-path was "
       "not.\n"},
      {{"serve", "--port", "abc"}, "--port"},
      {{"serve", "--bogus"}, "--bogus"},
      {{"serve", "--log-level", "loud"}, "unknown --log-level 'loud'"},
      {{"frobnicate"}, "frobnicate"},
  };
  for (const auto& c : cases) {
    ChildProcess::Options o;
    o.argv = {TEST_SERVER_BINARY};
    o.argv.insert(o.argv.end(), c.args.begin(), c.args.end());
    auto result = run_command(o, 15s);
    EXPECT_EQ(result.status, 1) << c.args.back();
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_TRUE(result.err.starts_with("***")) << result.err;
  }
}

// No -n: the loop count comes from $WEB_CONCURRENCY, and the start line says so; a value
// that is not a positive integer is a configuration error naming it.
TEST(ServeCommand, LoopCountComesFromWebConcurrency) {
  ChildProcess::Options o = serve();
  o.unset_env = {"PORT"};
  o.env = {{"WEB_CONCURRENCY", "3"}};
  ChildProcess child(o);
  auto port = wait_listening(child);
  ASSERT_NE(port, 0);
  EXPECT_NE(child.stdout_text().find("(3 event loops (WEB_CONCURRENCY=3))"), std::string::npos)
      << child.stdout_text();
  EXPECT_EQ(http_request(port, "GET", "/hello").status, 200);
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(15s), 0);

  // -n wins over the environment.
  ChildProcess::Options explicit_n = serve({"-n", "1"});
  explicit_n.unset_env = {"PORT"};
  explicit_n.env = {{"WEB_CONCURRENCY", "3"}};
  ChildProcess one(explicit_n);
  ASSERT_NE(wait_listening(one), 0);
  EXPECT_NE(one.stdout_text().find("(1 event loop (-n 1))"), std::string::npos)
      << one.stdout_text();
  one.send_signal(SIGTERM);
  EXPECT_EQ(one.wait_exit(15s), 0);

  for (std::string bad : {"0", "two", "-1", "2x"}) {
    ChildProcess::Options b = serve();
    b.unset_env = {"PORT"};
    b.env = {{"WEB_CONCURRENCY", bad}};
    auto result = run_command(b, 15s);
    EXPECT_EQ(result.status, 1) << bad;
    EXPECT_NE(result.err.find("WEB_CONCURRENCY must be a positive integer"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("'" + bad + "'"), std::string::npos) << result.err;
  }
}

TEST(ServeCommand, PortInUseFailsWithOneLine) {
  ChildProcess first(serve());
  auto port = wait_listening(first);
  // IPv4-only listener without the same owner semantics: bind the same port on :: with
  // --ipv6-only false conflicts with nothing under SO_REUSEPORT, so use a held socket.
  ChildProcess::Options o;
  o.argv = {TEST_SERVER_BINARY, "serve", "-p", std::to_string(port), "-a", "not-an-address"};
  auto result = run_command(o, 15s);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("invalid --address 'not-an-address'"), std::string::npos) << result.err;
  first.send_signal(SIGTERM);
  EXPECT_EQ(first.wait_exit(15s), 0);
}

TEST(ServeCommand, ServesHttpsWithCertificateAndKey) {
  conduit::test::TempDir dir("tls");
  auto gen =
      run_command(args({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", (dir / "key.pem").string(), "-out", (dir / "cert.pem").string(),
                        "-days", "1", "-subj", "/CN=localhost"}),
                  60s);
  ASSERT_EQ(gen.status, 0) << gen.err;
  ChildProcess child(serve({"--ssl-certificate-path", (dir / "cert.pem").string(), "--ssl-key-path",
                            (dir / "key.pem").string()}));
  auto port = wait_listening(child);
  ASSERT_NE(child.stdout_text().find("https://"), std::string::npos);
  auto curl = run_command(args({"/usr/bin/curl", "-sk", "--max-time", "10",
                                "https://127.0.0.1:" + std::to_string(port) + "/hello"}),
                          20s);
  EXPECT_EQ(curl.status, 0) << curl.err;
  EXPECT_EQ(curl.out, "Hello, World!");
  // Plain HTTP on the TLS port gets no HTTP answer.
  auto plain = run_command(args({"/usr/bin/curl", "-s", "--max-time", "5",
                                 "http://127.0.0.1:" + std::to_string(port) + "/hello"}),
                           20s);
  EXPECT_NE(plain.status, 0);
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(15s), 0);

  auto bad = run_command(
      args({TEST_SERVER_BINARY, "serve", "-p", "0", "--ssl-certificate-path",
            (dir / "missing.pem").string(), "--ssl-key-path", (dir / "key.pem").string()}),
      15s);
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("cannot load the SSL certificate"), std::string::npos) << bad.err;
}

TEST(ConduitTool, PrintsVersionAndForwardsToTheApplication) {
  auto version = run_command(args({CONDUIT_CLI_BINARY, "--version"}), 15s);
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out, "Conduit CLI version: 0.1.0\n");

  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY, "serve", "-p", "0", "-a", "127.0.0.1"};
  o.env = {{"CONDUIT_APP", TEST_SERVER_BINARY}};
  ChildProcess child(o);
  auto port = wait_listening(child);
  EXPECT_EQ(http_request(port, "GET", "/hello").body, "Hello, World!");
  child.send_signal(SIGTERM);  // the tool exec'd the app: the signal reaches it directly
  EXPECT_EQ(child.wait_exit(15s), 0);
}

TEST(ConduitTool, FindsTheBinaryFromTheProjectName) {
  conduit::test::TempDir dir("project");
  fs::create_directories(dir / "bin");
  std::ofstream(dir / "CMakeLists.txt")
      << "cmake_minimum_required(VERSION 3.25)\nproject(my_app CXX)\n";
  // A project with no sources to build (the tool would otherwise build it first: see
  // tests/tools): only the lookup of the binary is under test here.
  auto no_app = args({CONDUIT_CLI_BINARY, "-d", dir.string(), "serve"});
  no_app.env["CONDUIT_NO_BUILD"] = "1";
  no_app.unset_env = {"CONDUIT_APP"};
  auto missing = run_command(no_app, 15s);
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("application binary 'my_app' not found"), std::string::npos)
      << missing.err;
  fs::copy_file(TEST_SERVER_BINARY, dir / "bin" / "my_app");
  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY, "serve", "-p", "0", "-a", "127.0.0.1"};
  o.working_directory = dir.string();
  o.env = {{"CONDUIT_NO_BUILD", "1"}};
  o.unset_env = {"CONDUIT_APP", "PORT"};
  ChildProcess child(o);
  auto port = wait_listening(child);
  EXPECT_EQ(http_request(port, "GET", "/hello").status, 200);
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(15s), 0);

  auto unknown = run_command(args({CONDUIT_CLI_BINARY, "launch"}), 15s);
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err, "*** unknown command 'launch' (run 'conduit --help')\n");
}

// Out of file descriptors, accept fails until a connection closes: one warning for the
// whole episode (not one per 50 ms retry), one line when accepting works again.
TEST(ServeCommand, RunningOutOfFileDescriptorsIsLoggedOncePerEpisode) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizers' runtime checks whether memory is readable through a pipe; with every
  // descriptor taken it cannot make one, and UBSan then reports a valid Boost.System
  // category as an object with an invalid vptr and stops the server. The Release build runs
  // this test.
  GTEST_SKIP() << "needs a process that has no descriptor left, which the sanitizers cannot run in";
#endif
  ChildProcess::Options o;
  o.argv = {"/bin/sh", "-c",
            std::string("ulimit -n 40 && exec ") + TEST_SERVER_BINARY +
                " serve -p 0 -a 127.0.0.1 --quiet -n 1"};  // one loop: one warning per episode
  o.unset_env = {"PORT"};
  ChildProcess child(o);
  auto port = wait_listening(child);
  ASSERT_NE(port, 0);
  // Connections that are answered were accepted; the first that is not answered waits
  // in the listen backlog for a descriptor (and the server retries meanwhile).
  std::vector<std::unique_ptr<HttpConnection>> open;
  HttpConnection* waiting = nullptr;
  for (int i = 0; i < 200 && !waiting; ++i) {
    open.push_back(std::make_unique<HttpConnection>("127.0.0.1", port));
    open.back()->send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    if (!open.back()->read_response(2s)) waiting = open.back().get();
  }
  ASSERT_TRUE(waiting) << "the server never ran out of descriptors";
  ASSERT_TRUE(child.wait_for_stdout("accept failed", 10s)) << child.stdout_text();
  // Closing the others frees descriptors: the waiting connection is accepted, answered.
  std::unique_ptr<HttpConnection> kept = std::move(open.back());
  open.clear();
  auto r = kept->read_response(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(child.wait_for_stdout("accepting connections again", 10s)) << child.stdout_text();
  const std::string out = child.stdout_text();
  std::size_t warnings = 0;
  for (auto at = out.find("accept failed"); at != std::string::npos;
       at = out.find("accept failed", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << out;
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(15s), 0);
}

}  // namespace
}  // namespace conduit::testing
