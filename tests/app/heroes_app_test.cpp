// End-to-end tests of the demo application (examples/heroes) as a real process: its
// routes, bindings, errors, static files, configuration errors, and SIGTERM.
#include <gtest/gtest.h>

#include <signal.h>
#include <boost/json/parse.hpp>

#include <cstdlib>
#include <memory>
#include <vector>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace conduit::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kHeroesDir = std::string(CONDUIT_SOURCE_DIR) + "/examples/heroes";

class HeroesApp : public ::testing::Test {
 protected:
  void SetUp() override {
    // A configuration of the test's own: the database file lives in a temporary folder,
    // never in the source tree.
    // The demo's public files, with a checkout's dotfiles planted among them.
    fs::copy(kHeroesDir + "/public", dir_ / "public", fs::copy_options::recursive);
    fs::create_directories(dir_ / "public" / ".git");
    std::ofstream(dir_ / "public" / ".git" / "config") << "[remote \"origin\"]\n";
    std::ofstream(dir_ / "public" / ".env") << "SECRET=1\n";
    std::ofstream(dir_ / "config.yaml")
        << "database: sqlite:" << (dir_ / "heroes.db").string() << "\n"
        << "public_directory: " << (dir_ / "public").string() << "\n";
    // The release phase first: the demo's migrations create and seed the table.
    auto upgraded = run_command(
        {{HEROES_BINARY, "db", "upgrade", "--config-path", (dir_ / "config.yaml").string(),
          "--migration-directory", kHeroesDir + "/migrations"},
         {},
         {"DATABASE_URL"},
         dir_.string()},
        60s);
    ASSERT_EQ(upgraded.status, 0) << upgraded.out << upgraded.err;
    start();
  }
  void start() {
    ChildProcess::Options o;
    o.argv = {HEROES_BINARY, "serve",     "-p", "0",
              "-a",          "127.0.0.1", "-c", (dir_ / "config.yaml").string()};
    o.working_directory = dir_.string();
    o.unset_env = {"PORT"};
    child_ = std::make_unique<ChildProcess>(o);
    ASSERT_TRUE(child_->wait_for_stdout("listening on", 20s)) << child_->stderr_text();
    std::smatch m;
    std::string out = child_->stdout_text();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(listening on http://\S+:(\d+))")));
    port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
  }
  void TearDown() override {
    child_->send_signal(SIGTERM);
    EXPECT_EQ(child_->wait_exit(15s), 0) << child_->stdout_text() << child_->stderr_text();
  }
  HttpResponse request(std::string_view method, std::string_view target, std::string_view body = "",
                       std::string_view headers = "Content-Type: application/json\r\n") {
    return http_request(port_, method, target, headers, body);
  }

  conduit::test::TempDir dir_{"heroes-app"};
  std::unique_ptr<ChildProcess> child_;
  std::uint16_t port_ = 0;
};

TEST_F(HeroesApp, ServesConduitsExampleAndTechEmpowerEndpoints) {
  EXPECT_EQ(request("GET", "/example").body, R"({"key":"value"})");
  auto plain = request("GET", "/plaintext");
  EXPECT_EQ(plain.body, "Hello, World!");
  EXPECT_EQ(plain.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(request("GET", "/json").body, R"({"message":"Hello, World!"})");
}

TEST_F(HeroesApp, HeroesResourceLifecycle) {
  auto list = request("GET", "/heroes");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(boost::json::parse(list.body).as_array().size(), 3u);  // seeded from the config
  EXPECT_EQ(request("GET", "/heroes/2").body, R"({"id":2,"name":"Narco"})");

  auto created = request("POST", "/heroes", R"({"name":"Zed"})");
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.header("location"), "/heroes/4");
  EXPECT_EQ(created.body, R"({"id":4,"name":"Zed"})");
  EXPECT_EQ(request("GET", "/heroes?sortBy=name,desc&count=2").body,
            R"([{"id":4,"name":"Zed"},{"id":2,"name":"Narco"}])");

  auto updated = request("PUT", "/heroes/4", R"({"name":"Zed II"})");
  EXPECT_EQ(updated.status, 200);
  EXPECT_EQ(updated.body, R"({"id":4,"name":"Zed II"})");
  EXPECT_EQ(request("DELETE", "/heroes/4").status, 204);
  EXPECT_EQ(request("GET", "/heroes/4").status, 404);
  EXPECT_EQ(request("GET", "/heroes/4").body, R"({"error":"not found"})");
}

TEST_F(HeroesApp, HeroesSurviveARestart) {
  ASSERT_EQ(request("POST", "/heroes", R"({"name":"Persistent"})").status, 201);
  child_->send_signal(SIGTERM);
  ASSERT_EQ(child_->wait_exit(15s), 0);
  start();  // same folder, same database file
  auto list = boost::json::parse(request("GET", "/heroes").body).as_array();
  EXPECT_EQ(list.size(), 4u);  // seeded once, plus the one created before the restart
  EXPECT_EQ(list.back().at("name").as_string(), "Persistent");
}

TEST_F(HeroesApp, BadInputGetsJsonErrors) {
  auto bad_id = request("GET", "/heroes/abc");
  EXPECT_EQ(bad_id.status, 404);  // as Conduit: an id that cannot exist is not found
  EXPECT_EQ(bad_id.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(request("POST", "/heroes", R"({"nam":"x"})").body,
            R"({"error":"entity validation failed","reasons":["invalid input key 'nam'"]})");
  EXPECT_EQ(
      request("POST", "/heroes", R"({"name":""})").body,
      R"({"error":"entity validation failed","reasons":["Hero.name: length must be greater than or equal to '1'."]})");
  auto duplicate = request("POST", "/heroes", R"({"name":"Narco"})");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(duplicate.body,
            R"({"error":"entity_already_exists","detail":"Offending Items: heroes.name"})");
  EXPECT_EQ(request("POST", "/heroes", "{not json").status, 400);
  auto csv = request("POST", "/heroes", "name=x", "Content-Type: text/csv\r\n");
  EXPECT_EQ(csv.status, 415);
  EXPECT_EQ(csv.body, R"({"error":"unsupported content type 'text/csv'"})");
  auto patch = request("PATCH", "/heroes/1", R"({"name":"x"})");
  EXPECT_EQ(patch.status, 405);
  EXPECT_EQ(patch.header("allow"), "GET, PUT, DELETE");
  EXPECT_EQ(patch.body, R"({"error":"method not allowed"})");
  EXPECT_EQ(request("DELETE", "/heroes").body, R"({"error":"method not allowed"})");
  // NUL in text: 400 naming the key (SQLite could store it, PostgreSQL cannot).
  auto nul_name = request("POST", "/heroes", R"({"name":"a\u0000b"})");
  EXPECT_EQ(nul_name.status, 400);
  EXPECT_NE(nul_name.body.find("invalid input value for 'name'"), std::string::npos)
      << nul_name.body;
  auto nul_page = request("GET", "/heroes?pageBy=name&pageAfter=a%00b");
  EXPECT_EQ(nul_page.status, 400);
  EXPECT_EQ(
      nul_page.body,
      R"({"error":"invalid value for query 'pageAfter': text cannot contain a NUL character"})");
  EXPECT_EQ(request("GET", "/nowhere", "", "Accept: application/json\r\n").status, 404);
}

TEST_F(HeroesApp, ServesStaticFilesWithoutEscapingTheirRoot) {
  auto index = request("GET", "/files/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("<h1>heroes</h1>"), std::string::npos);
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  ASSERT_TRUE(index.header("etag").has_value());
  auto cached =
      request("GET", "/files/index.html", "", "If-None-Match: " + *index.header("etag") + "\r\n");
  EXPECT_EQ(cached.status, 304);
  EXPECT_EQ(request("GET", "/files/../config.yaml").status, 404);
  EXPECT_EQ(request("GET", "/files/%2e%2e/config.yaml").status, 404);
  // Dotfiles are not served by default: the same 404 as a missing file, with its body.
  for (const char* target : {"/files/.env", "/files/.git/config", "/files/%2egit/config",
                             "/files/.git/", "/files/./.env"}) {
    auto refused = request("GET", target);
    EXPECT_EQ(refused.status, 404) << target;
    EXPECT_EQ(refused.body, R"({"error":"not found"})") << target;
  }
}

TEST_F(HeroesApp, LogsOneLinePerRequestWithItsId) {
  auto r = request("GET", "/heroes/1", "", "X-Request-ID: trace-abc-123\r\n");
  EXPECT_EQ(r.header("x-request-id"), "trace-abc-123");
  EXPECT_TRUE(child_->wait_for_stdout("GET /heroes/1 200", 10s));
  EXPECT_NE(child_->stdout_text().find("request_id=trace-abc-123 remote=127.0.0.1"),
            std::string::npos);
}

TEST(HeroesConfig, BadConfigurationFailsWithFileLineAndKey) {
  conduit::test::TempDir dir("heroes-config");
  std::ofstream(dir / "config.yaml")
      << "database: \"sqlite::memory:\"\npublic_directory: public\nheroes:\n  - name: A\n";
  ChildProcess::Options o;
  o.argv = {HEROES_BINARY, "serve", "-p", "0", "-a", "127.0.0.1"};
  o.working_directory = dir.string();
  auto result = run_command(o, 20s);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("config.yaml:3:1: unexpected key"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;

  o.argv = {HEROES_BINARY, "serve", "-p", "0", "-c", (dir / "missing.yaml").string()};
  auto missing = run_command(o, 20s);
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("missing.yaml: cannot read file"), std::string::npos) << missing.err;
}

// The same demo on PostgreSQL (the CTest fixture's throwaway cluster): only the
// configuration changes.
TEST(HeroesAppPostgres, ServesHeroesFromPostgres) {
  const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
  if (!url) GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set (run through ctest)";
  auto psql = [&](const std::string& sql) {
    auto r =
        run_command({{"/usr/bin/psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql}, {}, {}, ""}, 30s);
    ASSERT_EQ(r.status, 0) << r.err;
  };
  psql("DROP TABLE IF EXISTS heroes; DROP TABLE IF EXISTS _conduit_version_pgsql");
  conduit::test::TempDir dir("heroes-pg");
  std::ofstream(dir / "config.yaml") << "database: $HEROES_DATABASE_URL\n";
  // Heroku's release phase, then its web process: the Procfile's two commands.
  auto upgraded = run_command({{HEROES_BINARY, "db", "upgrade", "--connect", url,
                                "--migration-directory", kHeroesDir + "/migrations"},
                               {},
                               {},
                               dir.string()},
                              60s);
  ASSERT_EQ(upgraded.status, 0) << upgraded.out << upgraded.err;
  EXPECT_EQ(upgraded.out.find("conduit_test_pw"), std::string::npos);
  ChildProcess::Options o;
  o.argv = {HEROES_BINARY, "serve",     "-p", "0",
            "-a",          "127.0.0.1", "-c", (dir / "config.yaml").string()};
  o.env = {{"HEROES_DATABASE_URL", url}};
  o.unset_env = {"PORT"};
  ChildProcess child(o);
  ASSERT_TRUE(child.wait_for_stdout("listening on", 30s)) << child.stderr_text();
  std::smatch m;
  std::string out = child.stdout_text();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(listening on http://\S+:(\d+))")));
  auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  EXPECT_EQ(http_request(port, "GET", "/heroes?count=1").body, R"([{"id":1,"name":"Mr. Nice"}])");
  auto created = http_request(port, "POST", "/heroes", "Content-Type: application/json\r\n",
                              R"({"name":"Pg Two"})");
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(http_request(port, "POST", "/heroes", "Content-Type: application/json\r\n",
                         R"({"name":"Pg Two"})")
                .status,
            409);
  // NUL in text: 400 naming the key, as on SQLite (it was a 500 here).
  auto nul_name = http_request(port, "POST", "/heroes", "Content-Type: application/json\r\n",
                               R"({"name":"a\u0000b"})");
  EXPECT_EQ(nul_name.status, 400);
  EXPECT_NE(nul_name.body.find("invalid input value for 'name'"), std::string::npos)
      << nul_name.body;
  EXPECT_EQ(http_request(port, "GET", "/heroes?pageBy=name&pageAfter=a%00b").status, 400);
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(15s), 0);
  EXPECT_EQ(child.stdout_text().find("Mr. Nice"), std::string::npos);  // no data in logs
  psql("DROP TABLE IF EXISTS heroes; DROP TABLE IF EXISTS _conduit_version_pgsql");
}

// Two heroes processes (two loops each) behind one PgBouncer in transaction pooling
// mode (?pgbouncer=true; the fixture's bouncer has 3 server connections for them all):
// reads, inserts and the unique-name conflict work from both, interleaved, although
// their statements keep landing on different server connections. The migration runs on
// the direct URL, as a release phase should (it holds a session-level lock).
TEST(HeroesAppPostgresPgBouncer, TwoServersShareTheBouncer) {
  const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
  const char* bouncer = std::getenv("CONDUIT_TEST_PGBOUNCER_URL");
  if (!url || !bouncer)
    GTEST_SKIP() << "the PostgreSQL/PgBouncer URLs are not set (run through ctest)";
  if (std::system("command -v pgbouncer >/dev/null 2>&1 || test -x /usr/sbin/pgbouncer") != 0) {
    GTEST_SKIP() << "pgbouncer is not installed (apt-get install pgbouncer; CI installs it)";
  }
  auto psql = [&](const std::string& sql) {
    auto r =
        run_command({{"/usr/bin/psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql}, {}, {}, ""}, 30s);
    ASSERT_EQ(r.status, 0) << r.err;
  };
  psql("DROP TABLE IF EXISTS heroes; DROP TABLE IF EXISTS _conduit_version_pgsql");
  conduit::test::TempDir dir("heroes-pgbouncer");
  std::ofstream(dir / "config.yaml") << "database: $HEROES_DATABASE_URL\n";
  auto upgraded = run_command({{HEROES_BINARY, "db", "upgrade", "--connect", url,
                                "--migration-directory", kHeroesDir + "/migrations"},
                               {},
                               {},
                               dir.string()},
                              60s);
  ASSERT_EQ(upgraded.status, 0) << upgraded.out << upgraded.err;
  std::vector<std::unique_ptr<ChildProcess>> servers;
  std::vector<std::uint16_t> ports;
  for (int i = 0; i < 2; ++i) {
    ChildProcess::Options o;
    o.argv = {HEROES_BINARY, "serve", "-p", "0",  "-a",
              "127.0.0.1",   "-n",    "2",  "-c", (dir / "config.yaml").string()};
    o.env = {{"HEROES_DATABASE_URL", bouncer}};
    o.unset_env = {"PORT"};
    servers.push_back(std::make_unique<ChildProcess>(o));
    ASSERT_TRUE(servers.back()->wait_for_stdout("listening on", 30s))
        << servers.back()->stderr_text();
    std::smatch m;
    std::string out = servers.back()->stdout_text();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(listening on http://\S+:(\d+))")));
    ports.push_back(static_cast<std::uint16_t>(std::stoi(m[1])));
  }
  for (int round = 0; round < 10; ++round) {
    const auto port = ports[round % 2];
    EXPECT_EQ(http_request(port, "GET", "/heroes?count=1").body, R"([{"id":1,"name":"Mr. Nice"}])");
    const std::string name = "Bounced " + std::to_string(round);
    EXPECT_EQ(http_request(port, "POST", "/heroes", "Content-Type: application/json\r\n",
                           R"({"name":")" + name + R"("})")
                  .status,
              201);
    // The same name from the other server: the unique constraint, through the bouncer.
    EXPECT_EQ(http_request(ports[(round + 1) % 2], "POST", "/heroes",
                           "Content-Type: application/json\r\n", R"({"name":")" + name + R"("})")
                  .status,
              409);
  }
  auto all = http_request(ports[1], "GET", "/heroes");
  EXPECT_EQ(all.status, 200);
  EXPECT_NE(all.body.find("Bounced 9"), std::string::npos) << all.body;
  for (auto& server : servers) {
    server->send_signal(SIGTERM);
    EXPECT_EQ(server->wait_exit(15s), 0) << server->stdout_text() << server->stderr_text();
  }
  psql("DROP TABLE IF EXISTS heroes; DROP TABLE IF EXISTS _conduit_version_pgsql");
}

}  // namespace
}  // namespace conduit::testing
