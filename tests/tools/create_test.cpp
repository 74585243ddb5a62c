// `conduit create` and the conduit tool in a project, as a user meets them: the tool and
// the templates installed to a prefix (the ctest fixture tools.install_prefix), a project
// created from each template in a temporary folder, built against that installed conduit
// by the tool itself (`conduit db upgrade` / `conduit serve` build on demand), its own
// tests run, and the served application called over a socket. Real processes throughout.
//
// ccache: every project lives in a fresh folder, so the cache is told to hash paths
// relative to it, and to accept the precompiled header conduit_add_application makes.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace conduit::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kPrefix = CONDUIT_TOOLS_PREFIX;
const std::string kTool = (kPrefix / "bin" / "conduit").string();

class CreateTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env() const {
    return {{"CCACHE_BASEDIR", dir_.string()},
            {"CCACHE_NOHASHDIR", "true"},
            {"CCACHE_SLOPPINESS", "pch_defines,time_macros,include_file_mtime,include_file_ctime"}};
  }
  // The installed tool, run in `cwd` (default: the temporary folder).
  CommandResult tool(std::vector<std::string> args, const fs::path& cwd = {},
                     std::chrono::seconds timeout = 240s) {
    args.insert(args.begin(), kTool);
    return run_command({args,
                        env(),
                        {"DATABASE_URL", "PORT", "CONDUIT_APP", "conduit_DIR"},
                        (cwd.empty() ? dir_.path() : cwd).string()},
                       timeout);
  }
  // `conduit serve` on a free port; returns the port.
  std::uint16_t serve(const fs::path& project, std::map<std::string, std::string> extra_env = {}) {
    ChildProcess::Options o;
    o.argv = {kTool, "serve", "-p", "0", "-a", "127.0.0.1"};
    o.env = env();
    o.env.merge(extra_env);
    o.unset_env = {"DATABASE_URL", "PORT", "CONDUIT_APP"};
    o.working_directory = project.string();
    server_ = std::make_unique<ChildProcess>(o);
    if (!server_->wait_for_stdout("listening on", 240s)) {
      ADD_FAILURE() << "not serving: " << server_->stdout_text() << server_->stderr_text();
      return 0;
    }
    std::smatch m;
    const std::string out = server_->stdout_text();
    if (!std::regex_search(out, m, std::regex(R"(listening on http://\S+:(\d+))"))) return 0;
    return static_cast<std::uint16_t>(std::stoi(m[1]));
  }
  // SIGTERM reaches the application itself (the tool exec'd it): it drains and exits 0.
  void stop_server() {
    server_->send_signal(SIGTERM);
    EXPECT_EQ(server_->wait_exit(20s), 0) << server_->stderr_text();
    server_.reset();
  }
  // The project's OpenAPI document (`conduit document`, the built app's own) passes
  // @apidevtools/swagger-parser and has the expected operations (tests/app/openapi/
  // validate.mjs: "METHOD /path [body] [param=NAME] [none|SCHEME]").
  void expect_document(const fs::path& project, const std::vector<std::string>& expectations) {
    auto document = tool({"document"}, project, 60s);
    ASSERT_EQ(document.status, 0) << document.err;
    const fs::path file = dir_ / (project.filename().string() + ".openapi.json");
    std::ofstream(file) << document.out;
    std::vector<std::string> argv = {"/usr/bin/env", "node", OPENAPI_NODE_MODULES "/validate.mjs",
                                     file.string()};
    argv.insert(argv.end(), expectations.begin(), expectations.end());
    auto checked = run_command({argv, {}, {}, dir_.path().string()}, 60s);
    EXPECT_EQ(checked.status, 0) << checked.out << checked.err << document.out;
  }
  static void replace_in(const fs::path& file, const std::string& from, const std::string& to) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const auto at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << file;
    s.replace(at, from.size(), to);
    std::ofstream(file) << s;
  }

  conduit::test::TempDir dir_{"create"};
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(CreateTest, ListsTheInstalledTemplates) {
  auto listed = tool({"create", "list-templates"});
  EXPECT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("default     | An empty conduit application."), std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find("db          | A conduit application with a database connection"),
            std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find("db_and_auth | A conduit application with a database and managed "
                            "OAuth 2.0"),
            std::string::npos)
      << listed.out;
}

TEST_F(CreateTest, RefusesBadNamesExistingDirectoriesAndUnknownTemplates) {
  for (const std::string name : {"Uppercase", "1abc", "with-dash", "_x"}) {
    auto r = tool({"create", name});
    EXPECT_EQ(r.status, 1) << name;
    EXPECT_EQ(r.err, "*** Invalid project name (" + name + " is not snake_case).\n");
    EXPECT_FALSE(fs::exists(dir_ / name));
  }
  auto keyword = tool({"create", "class"});
  EXPECT_EQ(keyword.status, 1);
  EXPECT_NE(keyword.err.find("C++ keyword"), std::string::npos) << keyword.err;

  fs::create_directory(dir_ / "taken");
  auto taken = tool({"create", "taken"});
  EXPECT_EQ(taken.status, 1);
  EXPECT_EQ(taken.err, "*** " + (dir_ / "taken").string() + " already exists, stopping.\n");

  auto unknown = tool({"create", "app", "-t", "nope"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err,
            "*** unknown template 'nope'; available templates: default, db, db_and_auth\n");
  EXPECT_FALSE(fs::exists(dir_ / "app"));
}

TEST_F(CreateTest, OutsideAProjectTheToolSaysSo) {
  auto r = tool({"serve"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("*** no conduit project in"), std::string::npos) << r.err;
}

// default: create into -o DIR, build on demand, its tests, /example, an edit served after a
// rebuild, a broken build reported (and the old binary still run where no compiler is).
TEST_F(CreateTest, DefaultTemplateBuildsServesAndRebuildsOnDemand) {
  auto created = tool({"create", "hello_app", "-o", (dir_ / "apps").string()});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_NE(created.out.find("-- Conduit project 'hello_app' successfully created"),
            std::string::npos);
  const fs::path project = dir_ / "apps" / "hello_app";
  for (const char* file :
       {"CMakeLists.txt", "src/main.cpp", "src/hello_app_channel.cpp", "config.src.yaml",
        "config.yaml", "heroku.yaml", "Procfile", ".gitignore", "README.md", "tests/app_test.cpp",
        "app.json", ".slugignore", "Aptfile", "Dockerfile", "heroku.yml"}) {
    EXPECT_TRUE(fs::exists(project / file)) << file;
  }
  // Heroku: app.json names the project, the buildpack and Heroku Postgres; .slugignore
  // never drops what the buildpack compiles or the release needs.
  std::ifstream app_json(project / "app.json");
  std::stringstream app_json_text;
  app_json_text << app_json.rdbuf();
  EXPECT_NE(app_json_text.str().find("\"name\": \"hello_app\""), std::string::npos);
  EXPECT_NE(app_json_text.str().find("\"addons\": [\"heroku-postgresql\"]"), std::string::npos);
  EXPECT_NE(app_json_text.str().find("\"buildpacks\""), std::string::npos);
  // The buildpack URL is the one the tool was configured with (CONDUIT_BUILDPACK_URL).
  EXPECT_NE(app_json_text.str().find("{ \"url\": \"" CONDUIT_BUILDPACK_URL "\" }"),
            std::string::npos)
      << app_json_text.str();
  std::ifstream slugignore(project / ".slugignore");
  for (std::string line; std::getline(slugignore, line);) {
    if (line.starts_with("#")) continue;
    for (const char* kept : {"src", "CMakeLists", "migrations", "heroku.yaml", "Procfile"}) {
      EXPECT_EQ(line.find(kept), std::string::npos) << line;
    }
  }
  EXPECT_FALSE(fs::exists(project / ".conduit-template"));
  std::ifstream procfile(project / "Procfile");
  std::stringstream procfile_text;
  procfile_text << procfile.rdbuf();
  // No release phase: the default template has no database (the db templates have one).
  EXPECT_EQ(procfile_text.str(), "web: conduit serve --port $PORT --config-path heroku.yaml\n");

  // The first project command configures and builds (quietly), then runs the app; an
  // unknown option's exit code is the application's own.
  auto bad_option = tool({"serve", "--no-such-option"}, project);
  EXPECT_NE(bad_option.status, 0);
  EXPECT_EQ(bad_option.err.find("Building"), std::string::npos) << bad_option.err;
  ASSERT_TRUE(fs::exists(project / "build" / "hello_app"));
  auto direct =
      run_command({{(project / "build" / "hello_app").string(), "serve", "--no-such-option"},
                   {},
                   {},
                   project.string()},
                  30s);
  EXPECT_EQ(bad_option.status, direct.status);

  auto built =
      run_command({{CMAKE_PROGRAM, "--build", "build"}, env(), {}, project.string()}, 240s);
  ASSERT_EQ(built.status, 0) << built.out << built.err;
  auto tested = run_command(
      {{CTEST_PROGRAM, "--test-dir", "build", "--output-on-failure"}, env(), {}, project.string()},
      120s);
  EXPECT_EQ(tested.status, 0) << tested.out << tested.err;

  expect_document(project, {"GET /example none"});

  auto port = serve(project);
  ASSERT_NE(port, 0);
  EXPECT_EQ(http_request(port, "GET", "/example").body, R"({"key":"value"})");
  stop_server();

  // An edit is built before serving.
  replace_in(project / "src" / "hello_app_channel.cpp", R"({"key", "value"})",
             R"({"key", "edited"})");
  port = serve(project);
  ASSERT_NE(port, 0);
  EXPECT_EQ(http_request(port, "GET", "/example").body, R"({"key":"edited"})");
  stop_server();

  // A broken build: the first compiler error, exit 1, nothing served.
  replace_in(project / "src" / "hello_app_channel.cpp", "return router;", "return routr;");
  auto broken = tool({"serve", "-p", "0"}, project);
  EXPECT_EQ(broken.status, 1);
  EXPECT_NE(broken.err.find("*** building hello_app failed"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("error:"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("routr"), std::string::npos) << broken.err;

  // Where there is no cmake (a Heroku dyno), the existing binary runs without a build.
  port = serve(project, {{"PATH", "/nonexistent"}});
  ASSERT_NE(port, 0);
  EXPECT_EQ(http_request(port, "GET", "/example").body, R"({"key":"edited"})");
  stop_server();
}

// db: `conduit db upgrade` builds and migrates the SQLite file of config.yaml, the model's
// migration is up to date, its tests pass, and /model serves the database.
TEST_F(CreateTest, DbTemplateMigratesServesAndPassesItsTests) {
  ASSERT_EQ(tool({"create", "store", "-t", "db"}).status, 0);
  const fs::path project = dir_ / "store";
  EXPECT_TRUE(fs::exists(project / "migrations" / "00000001_initial.migration.yaml"));

  auto upgraded = tool({"db", "upgrade"}, project);
  ASSERT_EQ(upgraded.status, 0) << upgraded.out << upgraded.err;
  EXPECT_TRUE(fs::exists(project / "store.db"));
  auto generated = tool({"db", "generate"}, project);
  EXPECT_EQ(generated.status, 0) << generated.err;
  EXPECT_NE(generated.out.find("No changes"), std::string::npos) << generated.out;

  auto built =
      run_command({{CMAKE_PROGRAM, "--build", "build"}, env(), {}, project.string()}, 240s);
  ASSERT_EQ(built.status, 0) << built.out << built.err;
  auto tested = run_command(
      {{CTEST_PROGRAM, "--test-dir", "build", "--output-on-failure"}, env(), {}, project.string()},
      120s);
  EXPECT_EQ(tested.status, 0) << tested.out << tested.err;

  expect_document(project, {"GET /example none", "GET /model none", "POST /model body none",
                            "GET /model/{id} param=id none", "PUT /model/{id} param=id body none",
                            "DELETE /model/{id} param=id none"});

  auto port = serve(project);
  ASSERT_NE(port, 0);
  EXPECT_EQ(http_request(port, "GET", "/example").body, R"({"key":"value"})");
  auto created = http_request(port, "POST", "/model", "Content-Type: application/json\r\n",
                              R"({"name":"first"})");
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.body, R"({"id":1,"name":"first"})");
  EXPECT_EQ(http_request(port, "GET", "/model").body, R"([{"id":1,"name":"first"}])");
  stop_server();
}

// db_and_auth: migrated, its tests pass (the harness's add_client/login_user), and over HTTP
// a client added with `conduit auth add-client` registers a user, who logs in at
// /auth/token and reads /me and the bearer-protected /model.
TEST_F(CreateTest, DbAndAuthTemplateRegistersLogsInAndPassesItsTests) {
  auto created = tool({"create", "club", "--template", "db_and_auth"});
  ASSERT_EQ(created.status, 0) << created.err;
  const fs::path project = dir_ / "club";
  for (const char* file :
       {"src/user.hpp", "src/user_controllers.cpp", "src/club_channel.cpp",
        "migrations/00000001_initial.migration.yaml", "tests/app_test.cpp", "Procfile",
        "heroku.yaml", "app.json", ".slugignore", "Aptfile", "Dockerfile", "heroku.yml"}) {
    EXPECT_TRUE(fs::exists(project / file)) << file;
  }
  // Its own app.json (templates/shared's is the db one): postdeploy registers the client
  // named by config vars, the secret generated by Heroku.
  std::ifstream app_json(project / "app.json");
  std::stringstream app_json_text;
  app_json_text << app_json.rdbuf();
  EXPECT_NE(app_json_text.str().find("\"name\": \"club\""), std::string::npos);
  EXPECT_NE(app_json_text.str().find("\"addons\": [\"heroku-postgresql\"]"), std::string::npos);
  EXPECT_NE(app_json_text.str().find(
                R"("postdeploy": "conduit auth add-client --id \"$AUTH_CLIENT_ID\")"),
            std::string::npos)
      << app_json_text.str();
  EXPECT_NE(app_json_text.str().find(R"("generator": "secret")"), std::string::npos);
  EXPECT_FALSE(fs::exists(project / "shared"));
  auto upgraded = tool({"db", "upgrade"}, project);
  ASSERT_EQ(upgraded.status, 0) << upgraded.out << upgraded.err;
  auto generated = tool({"db", "generate"}, project);
  EXPECT_EQ(generated.status, 0) << generated.err;
  EXPECT_NE(generated.out.find("No changes"), std::string::npos) << generated.out;
  auto added = tool({"auth", "add-client", "--id", "com.club.app", "--secret", "s3cret"}, project);
  ASSERT_EQ(added.status, 0) << added.out << added.err;

  auto built =
      run_command({{CMAKE_PROGRAM, "--build", "build"}, env(), {}, project.string()}, 240s);
  ASSERT_EQ(built.status, 0) << built.out << built.err;
  auto tested = run_command(
      {{CTEST_PROGRAM, "--test-dir", "build", "--output-on-failure"}, env(), {}, project.string()},
      120s);
  EXPECT_EQ(tested.status, 0) << tested.out << tested.err;

  expect_document(project,
                  {"POST /auth/token basicAuth", "GET /auth/form", "POST /auth/form",
                   "POST /auth/revoke", "POST /register body basicAuth", "GET /me oauth2",
                   "GET /users/{id} param=id oauth2", "PUT /users/{id} param=id body oauth2",
                   "DELETE /users/{id} param=id oauth2", "GET /example none", "GET /model oauth2",
                   "POST /model body oauth2", "GET /model/{id} param=id oauth2",
                   "PUT /model/{id} param=id body oauth2", "DELETE /model/{id} param=id oauth2"});

  auto port = serve(project);
  ASSERT_NE(port, 0);
  const std::string basic = "Authorization: Basic Y29tLmNsdWIuYXBwOnMzY3JldA==\r\n";  // id:secret
  auto registered =
      http_request(port, "POST", "/register", basic + "Content-Type: application/json\r\n",
                   R"({"username":"bob","password":"pw"})");
  EXPECT_EQ(registered.status, 200) << registered.body;
  auto token = http_request(port, "POST", "/auth/token",
                            basic + "Content-Type: application/x-www-form-urlencoded\r\n",
                            "grant_type=password&username=bob&password=pw");
  ASSERT_EQ(token.status, 200) << token.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(token.body, m, std::regex(R"re("access_token":"([^"]+)")re")));
  const std::string bearer = "Authorization: Bearer " + m[1].str() + "\r\n";
  auto me = http_request(port, "GET", "/me", bearer);
  EXPECT_EQ(me.status, 200);
  EXPECT_NE(me.body.find(R"("username":"bob")"), std::string::npos) << me.body;
  EXPECT_EQ(me.body.find("hashedPassword"), std::string::npos) << me.body;
  EXPECT_EQ(http_request(port, "GET", "/me").status, 401);
  EXPECT_EQ(http_request(port, "POST", "/model", bearer + "Content-Type: application/json\r\n",
                         R"({"name":"first"})")
                .status,
            201);
  stop_server();
}

// A port nothing listens on now (the kernel's choice), for a server restarted on one port.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// GET `target` until it answers `body` or the deadline passes (a restart in between refuses
// connections for a moment); the last body seen, or the last error.
std::string poll_for(std::uint16_t port, const std::string& target, const std::string& body,
                     std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string last;
  do {
    try {
      last = http_request(port, "GET", target).body;
      if (last == body) return last;
    } catch (const std::exception& error) {
      last = error.what();
    }
    std::this_thread::sleep_for(50ms);  // the interval between polls, bounded by the deadline
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

// serve --watch: an edited handler is rebuilt and served; a broken build prints the
// compiler's error and the old server keeps answering; the fix is served; a config change
// restarts without building; SIGTERM stops the app and the watcher, leaving nothing running.
TEST_F(CreateTest, ServeWatchRebuildsAndRestartsOnChanges) {
  ASSERT_EQ(tool({"create", "watched"}).status, 0);
  const fs::path project = dir_ / "watched";
  const fs::path channel = project / "src" / "watched_channel.cpp";
  const std::uint16_t port = free_port();
  ChildProcess::Options o;
  o.argv = {kTool, "serve", "--watch", "-p", std::to_string(port), "-a", "127.0.0.1"};
  o.env = env();
  o.unset_env = {"DATABASE_URL", "PORT", "CONDUIT_APP"};
  o.working_directory = project.string();
  ChildProcess watcher(o);
  ASSERT_TRUE(watcher.wait_for_stdout("listening on", 240s))
      << watcher.stdout_text() << watcher.stderr_text();
  ASSERT_TRUE(watcher.wait_for_stderr("[watch] watching", 10s)) << watcher.stderr_text();
  EXPECT_EQ(poll_for(port, "/example", R"({"key":"value"})", 10s), R"({"key":"value"})");

  replace_in(channel, R"({"key", "value"})", R"({"key", "edited"})");
  EXPECT_EQ(poll_for(port, "/example", R"({"key":"edited"})", 180s), R"({"key":"edited"})")
      << watcher.stderr_text();

  replace_in(channel, "return router;", "return routr;");
  ASSERT_TRUE(watcher.wait_for_stderr("the previous build is still serving", 180s))
      << watcher.stderr_text();
  EXPECT_NE(watcher.stderr_text().find("error:"), std::string::npos) << watcher.stderr_text();
  EXPECT_NE(watcher.stderr_text().find("routr"), std::string::npos) << watcher.stderr_text();
  EXPECT_EQ(http_request(port, "GET", "/example").body, R"({"key":"edited"})");

  replace_in(channel, "return routr;", "return router;");
  replace_in(channel, R"({"key", "edited"})", R"({"key", "fixed"})");
  EXPECT_EQ(poll_for(port, "/example", R"({"key":"fixed"})", 180s), R"({"key":"fixed"})")
      << watcher.stderr_text();

  // A configuration change restarts the app without a build.
  std::ofstream(project / "config.yaml", std::ios::app) << "# touched\n";
  ASSERT_TRUE(watcher.wait_for_stderr("config.yaml changed; restarting", 30s))
      << watcher.stderr_text();
  EXPECT_EQ(poll_for(port, "/example", R"({"key":"fixed"})", 30s), R"({"key":"fixed"})");

  watcher.send_signal(SIGTERM);
  EXPECT_EQ(watcher.wait_exit(30s), 0) << watcher.stderr_text() << watcher.stdout_text();
  EXPECT_THROW(http_request(port, "GET", "/example"), std::runtime_error);  // nothing left
}

// The db_and_auth template's account code is the accounts example's with the namespace
// renamed (all but each file's first comment line): the example is what this repository
// tests in depth (examples.accounts_tests, app.openapi_documents), so the copy a new
// project gets must not drift from it.
TEST(TemplateSources, DbAndAuthAccountCodeIsTheAccountsExample) {
  const fs::path source = CONDUIT_SOURCE_DIR;
  auto body = [](const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    EXPECT_FALSE(s.empty()) << file;
    return s.substr(std::min(s.size(), s.find('\n') + 1));
  };
  for (const char* file : {"user.hpp", "user_controllers.hpp", "user_controllers.cpp"}) {
    std::string example = body(source / "examples" / "accounts" / file);
    example = std::regex_replace(example, std::regex("\\baccounts\\b"), "wildfire");
    EXPECT_EQ(body(source / "templates" / "db_and_auth" / "src" / file), example)
        << file << ": change examples/accounts/" << file << " and the template together";
  }
}

}  // namespace
}  // namespace conduit::testing
