// End-to-end tests of `<app> auth ...` (add-client, set-scope, list-clients, remove-client)
// as real processes of the demo binary and of the `conduit` tool without any application
// binary, on SQLite files and on the CTest fixture's throwaway PostgreSQL cluster. The
// tables come from the migration module's create_schema for a data model of a user, the
// client and the token models; the rows the commands write are read back here.
//
// Thread-safety: each test drives its own loop on its own thread.
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "conduit/auth/models.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/db/database.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "conduit/orm/data_model.hpp"
#include "support/child_process.hpp"
#include "support/db_test_support.hpp"
#include "support/temp_dir.hpp"

namespace auth_command_models {

struct User : conduit::auth::ResourceOwner {
  static constexpr auto table = "_user";
};
BOOST_DESCRIBE_STRUCT(User, (conduit::auth::ResourceOwner), ())

}  // namespace auth_command_models

namespace conduit::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using auth_command_models::User;

const orm::DataModel& auth_model() {
  static const orm::DataModel model =
      orm::DataModel::of<User, auth::AuthClient, auth::AuthToken<User>>();
  return model;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The secrets the tests pass; no output of any command may contain one.
const std::string kSecret = "s3cret-Value-42";
const std::string kOtherSecret = "an0ther-Secret-7";

struct StoredClient {
  std::optional<std::string> hashed_secret, salt, redirect_uri, allowed_scope;
};

class AuthCommandTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    if (postgres()) {
      CONDUIT_REQUIRE_POSTGRES();
      schema_ = db::testing::unique_name("authcmd");
      auto admin = db::Database::open(db::testing::postgres_config(), {.max_connections = 1});
      loop_.run(admin->execute_script("CREATE SCHEMA " + schema_));
      loop_.run(admin->close());
      url_ = std::string(db::testing::postgres_url()) + "?options=-c%20search_path%3D" + schema_;
    } else {
      url_ = "sqlite:" + (dir_.path() / "app.db").string();
    }
    db_ = db::Database::open(DatabaseConfiguration::parse_url(url_), {.max_connections = 1});
    loop_.run(migration::create_schema(*db_, auth_model().schema()));
  }

  void TearDown() override {
    for (const std::string& text : outputs_) {
      EXPECT_FALSE(contains(text, kSecret)) << text;
      EXPECT_FALSE(contains(text, kOtherSecret)) << text;
    }
    if (!db_) return;
    if (!schema_.empty()) loop_.run(db_->execute_script("DROP SCHEMA " + schema_ + " CASCADE"));
    loop_.run(db_->close());
  }

  bool postgres() const { return GetParam() == db::Dialect::postgres; }

  // Runs the demo binary with `args` and --connect to the test's database.
  CommandResult app(std::vector<std::string> args, bool connect = true) {
    ChildProcess::Options o;
    o.argv = {HEROES_BINARY};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    if (connect) o.argv.insert(o.argv.end(), {"--connect", url_});
    return finish(o);
  }
  // The `conduit` tool with no application binary anywhere: an empty directory, no
  // CONDUIT_APP.
  CommandResult tool(std::vector<std::string> args) {
    ChildProcess::Options o;
    o.argv = {CONDUIT_CLI_BINARY};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.argv.insert(o.argv.end(), {"--connect", url_});
    return finish(o);
  }
  CommandResult finish(ChildProcess::Options& o) {
    o.working_directory = dir_.string();
    o.unset_env = {"DATABASE_URL", "CONDUIT_APP"};
    CommandResult result = run_command(o, 60s);
    outputs_.push_back(result.out);
    outputs_.push_back(result.err);
    return result;
  }

  std::optional<StoredClient> stored(const std::string& id) {
    auto result = loop_.run(db_->execute(
        R"(SELECT "hashedSecret", salt, "redirectURI", "allowedScope" FROM _authclient )"
        R"(WHERE id = $1)",
        id));
    if (result.size() == 0) return std::nullopt;
    auto row = result.front();
    return StoredClient{
        row.get<std::optional<std::string>>(0), row.get<std::optional<std::string>>(1),
        row.get<std::optional<std::string>>(2), row.get<std::optional<std::string>>(3)};
  }

  conduit::test::TempDir dir_{"auth-command"};
  db::testing::Loop loop_;
  std::shared_ptr<db::Database> db_;
  std::string schema_;
  std::string url_;
  std::vector<std::string> outputs_;
};

TEST_P(AuthCommandTest, AddsAPublicClientWithoutSecretOrSalt) {
  auto added = app({"auth", "add-client", "--id", "com.app.public"});
  ASSERT_EQ(added.status, 0) << added.err;
  EXPECT_TRUE(contains(added.out, "-- Client with ID 'com.app.public' has been added."))
      << added.out;
  auto row = stored("com.app.public");
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->hashed_secret);
  EXPECT_FALSE(row->salt);
  EXPECT_FALSE(row->redirect_uri);
  EXPECT_FALSE(row->allowed_scope);
}

TEST_P(AuthCommandTest, AddsAConfidentialClientWhoseHashVerifiesWithItsRounds) {
  auto added =
      app({"auth", "add-client", "-i", "com.app.standard", "-s", kSecret, "-r",
           "https://app.example/cb", "--allowed-scopes", "user user:email  profile.readonly",
           "--hash-rounds", "7", "--hash-length", "24", "--hash-function", "sha256"});
  ASSERT_EQ(added.status, 0) << added.err;
  EXPECT_TRUE(contains(added.out, "-- Client with ID 'com.app.standard' has been added."));
  EXPECT_TRUE(contains(added.out,
                       "The client secret has been hashed. You must store it elsewhere, as it "
                       "cannot be retrieved."))
      << added.out;
  auto row = stored("com.app.standard");
  ASSERT_TRUE(row);
  ASSERT_TRUE(row->hashed_secret && row->salt);
  EXPECT_EQ(row->salt->size(), 44u);  // base64 of 32 bytes
  EXPECT_TRUE(auth::verify_password(kSecret, *row->salt, *row->hashed_secret,
                                    {.rounds = 7, .key_length = 24}));
  EXPECT_FALSE(auth::verify_password(kSecret, *row->salt, *row->hashed_secret));  // 1000 rounds
  EXPECT_FALSE(auth::verify_password(kOtherSecret, *row->salt, *row->hashed_secret,
                                     {.rounds = 7, .key_length = 24}));
  EXPECT_EQ(row->redirect_uri, "https://app.example/cb");
  // `user` covers `user:email`: Conduit stores the collapsed list.
  EXPECT_EQ(row->allowed_scope, "user profile.readonly");
  // Neither the hash nor the salt is shown either.
  EXPECT_FALSE(contains(added.out + added.err, *row->hashed_secret));
  EXPECT_FALSE(contains(added.out + added.err, *row->salt));

  // The default rounds are Conduit's 1000.
  ASSERT_EQ(app({"auth", "add-client", "--id", "com.app.default", "--secret", kOtherSecret}).status,
            0);
  auto plain = stored("com.app.default");
  ASSERT_TRUE(plain && plain->hashed_secret && plain->salt);
  EXPECT_TRUE(auth::verify_password(kOtherSecret, *plain->salt, *plain->hashed_secret));
}

TEST_P(AuthCommandTest, RefusesADuplicateIdAndLeavesTheFirstClient) {
  ASSERT_EQ(app({"auth", "add-client", "--id", "dup", "--secret", kSecret}).status, 0);
  const auto before = stored("dup");
  auto again = app({"auth", "add-client", "--id", "dup", "--secret", kOtherSecret});
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(again.err, "*** Client ID 'dup' already exists.\n");
  const auto after = stored("dup");
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->hashed_secret, after->hashed_secret);
}

TEST_P(AuthCommandTest, SetScopeCollapsesAndNamesAnUnknownClient) {
  ASSERT_EQ(app({"auth", "add-client", "--id", "scoped", "--allowed-scopes", "a"}).status, 0);
  auto updated =
      app({"auth", "set-scope", "--id", "scoped", "--scopes", "abc abc:def abc.readonly x"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  EXPECT_TRUE(contains(updated.out, "-- Client with ID 'scoped' has been updated.")) << updated.out;
  EXPECT_EQ(stored("scoped")->allowed_scope, "abc x");

  auto unknown = app({"auth", "set-scope", "-i", "nope", "--scopes", "a"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err, "*** Client ID 'nope' does not exist.\n");

  auto no_scopes = app({"auth", "set-scope", "-i", "scoped"});
  EXPECT_EQ(no_scopes.status, 1);
  EXPECT_EQ(no_scopes.err, "*** Option --scopes required.\n");
  EXPECT_EQ(stored("scoped")->allowed_scope, "abc x");
}

TEST_P(AuthCommandTest, BadInputIsOneLineAndWritesNothing) {
  auto bad_scope = app({"auth", "set-scope", "--id", "x", "--scopes", "user:\"email\""});
  EXPECT_EQ(bad_scope.status, 1);
  EXPECT_EQ(lines(bad_scope.err), 1u) << bad_scope.err;
  EXPECT_TRUE(contains(bad_scope.err, "*** --scopes:")) << bad_scope.err;

  auto bad_allowed =
      app({"auth", "add-client", "--id", "x", "--secret", kSecret, "--allowed-scopes", "a::b"});
  EXPECT_EQ(bad_allowed.status, 1);
  EXPECT_EQ(lines(bad_allowed.err), 1u) << bad_allowed.err;
  EXPECT_TRUE(contains(bad_allowed.err, "--allowed-scopes")) << bad_allowed.err;

  auto no_id = app({"auth", "add-client", "--secret", kSecret});
  EXPECT_EQ(no_id.status, 1);
  EXPECT_EQ(no_id.err, "*** Option --id required.\n");

  // Unlike Conduit, a public client may have a redirect URI: the code flow with PKCE
  // (docs/differences.md). It is added, without secret or salt.
  auto redirect_only =
      app({"auth", "add-client", "--id", "pkce.app", "--redirect-uri", "https://a/cb"});
  EXPECT_EQ(redirect_only.status, 0) << redirect_only.err;
  auto pkce_row = stored("pkce.app");
  ASSERT_TRUE(pkce_row);
  EXPECT_EQ(pkce_row->redirect_uri, "https://a/cb");
  EXPECT_FALSE(pkce_row->hashed_secret);

  auto md5 =
      app({"auth", "add-client", "--id", "x", "--secret", kSecret, "--hash-function", "md5"});
  EXPECT_EQ(md5.status, 1);
  EXPECT_EQ(lines(md5.err), 1u);
  EXPECT_TRUE(contains(md5.err, "only sha256")) << md5.err;

  auto rounds = app({"auth", "add-client", "--id", "x", "--secret", kSecret, "--hash-rounds", "0"});
  EXPECT_EQ(rounds.status, 1);
  EXPECT_EQ(lines(rounds.err), 1u) << rounds.err;

  EXPECT_FALSE(stored("x"));
}

TEST_P(AuthCommandTest, ListsClientsWithoutSecretsThenRemovesThem) {
  auto empty = app({"auth", "list-clients"});
  ASSERT_EQ(empty.status, 0) << empty.err;
  EXPECT_TRUE(contains(empty.out, "No clients")) << empty.out;

  ASSERT_EQ(app({"auth", "add-client", "--id", "b.public", "--allowed-scopes", "read"}).status, 0);
  ASSERT_EQ(app({"auth", "add-client", "--id", "a.confidential", "--secret", kSecret,
                 "--redirect-uri", "https://a.example/cb"})
                .status,
            0);
  auto listed = app({"auth", "list-clients"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_EQ(lines(listed.out), 3u) << listed.out;
  const auto a = listed.out.find("a.confidential");
  const auto b = listed.out.find("b.public");
  ASSERT_NE(a, std::string::npos) << listed.out;
  ASSERT_NE(b, std::string::npos) << listed.out;
  EXPECT_LT(a, b);  // ordered by id
  EXPECT_TRUE(contains(listed.out, "Redirect URI")) << listed.out;
  EXPECT_TRUE(contains(listed.out, "confidential | https://a.example/cb")) << listed.out;
  EXPECT_TRUE(contains(listed.out, "public       | -")) << listed.out;
  EXPECT_TRUE(contains(listed.out, "| read")) << listed.out;
  const auto row = stored("a.confidential");
  ASSERT_TRUE(row && row->hashed_secret && row->salt);
  EXPECT_FALSE(contains(listed.out, *row->hashed_secret));
  EXPECT_FALSE(contains(listed.out, *row->salt));

  auto removed = app({"auth", "remove-client", "--id", "a.confidential"});
  ASSERT_EQ(removed.status, 0) << removed.err;
  EXPECT_TRUE(contains(removed.out, "Client with ID 'a.confidential' has been removed"));
  EXPECT_FALSE(stored("a.confidential"));
  EXPECT_TRUE(stored("b.public"));
  auto again = app({"auth", "remove-client", "--id", "a.confidential"});
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(again.err, "*** Client ID 'a.confidential' does not exist.\n");
}

TEST_P(AuthCommandTest, AMissingTableSaysToUpgradeFirst) {
  loop_.run(db_->execute_script("DROP TABLE _authtoken; DROP TABLE _authclient"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"auth", "add-client", "--id", "x", "--secret", kSecret},
           {"auth", "list-clients"},
           {"auth", "set-scope", "--id", "x", "--scopes", "a"},
           {"auth", "remove-client", "--id", "x"}}) {
    auto result = app(args);
    EXPECT_EQ(result.status, 1) << args[1];
    EXPECT_EQ(lines(result.err), 1u) << result.err;
    EXPECT_TRUE(contains(result.err, "_authclient")) << result.err;
    EXPECT_TRUE(contains(result.err, "run `conduit db upgrade` first")) << result.err;
  }
}

// A Heroku one-off dyno: only the installed tool, no application binary, no project.
TEST_P(AuthCommandTest, TheToolRunsThemWithoutAnApplicationBinary) {
  auto added = tool({"auth", "add-client", "--id", "com.tool", "--secret", kSecret,
                     "--allowed-scopes", "user", "--hash-rounds", "3"});
  ASSERT_EQ(added.status, 0) << added.err;
  EXPECT_TRUE(contains(added.out, "Client with ID 'com.tool' has been added.")) << added.out;
  auto row = stored("com.tool");
  ASSERT_TRUE(row && row->hashed_secret && row->salt);
  EXPECT_TRUE(auth::verify_password(kSecret, *row->salt, *row->hashed_secret, {.rounds = 3}));

  auto scoped = tool({"auth", "set-scope", "--id", "com.tool", "--scopes", "user:email"});
  ASSERT_EQ(scoped.status, 0) << scoped.err;
  EXPECT_EQ(stored("com.tool")->allowed_scope, "user:email");
  auto listed = tool({"auth", "list-clients"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_TRUE(contains(listed.out, "com.tool")) << listed.out;
  auto duplicate = tool({"auth", "add-client", "--id", "com.tool"});
  EXPECT_EQ(duplicate.status, 1);
  EXPECT_EQ(duplicate.err, "*** Client ID 'com.tool' already exists.\n");
  auto removed = tool({"auth", "remove-client", "--id", "com.tool"});
  ASSERT_EQ(removed.status, 0) << removed.err;
  EXPECT_FALSE(stored("com.tool"));
}

// The database may also come from $DATABASE_URL, as on Heroku, or from config.yaml's
// `database` key, exactly as for `db upgrade`.
TEST_P(AuthCommandTest, TakesTheDatabaseFromDatabaseUrlOrConfigYaml) {
  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY, "auth", "add-client", "--id", "from.env"};
  o.working_directory = dir_.string();
  o.unset_env = {"CONDUIT_APP"};
  o.env = {{"DATABASE_URL", url_}};
  auto result = run_command(o, 60s);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(stored("from.env"));

  dir_.write("config.yaml", "database: \"" + url_ + "\"\n");
  auto from_config = app({"auth", "add-client", "--id", "from.config"}, /*connect=*/false);
  ASSERT_EQ(from_config.status, 0) << from_config.err;
  EXPECT_TRUE(stored("from.config"));
}

// With an application binary, the tool hands the command to it.
TEST_P(AuthCommandTest, TheToolForwardsToTheApplicationBinary) {
  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY, "auth", "add-client", "--id", "via.app", "--connect", url_};
  o.working_directory = dir_.string();
  o.unset_env = {"DATABASE_URL"};
  o.env = {{"CONDUIT_APP", HEROES_BINARY}};
  auto result = run_command(o, 60s);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(stored("via.app"));
  o.argv = {CONDUIT_CLI_BINARY, "auth", "--help"};
  auto help = run_command(o, 60s);
  EXPECT_TRUE(contains(help.out, "heroes auth")) << help.out;  // the application answered
}

std::string dialect_name(const ::testing::TestParamInfo<db::Dialect>& param) {
  return param.param == db::Dialect::postgres ? "Postgres" : "Sqlite";
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthCommandTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

// ---- without a database ------------------------------------------------------------------

CommandResult run_in(const conduit::test::TempDir& dir, std::vector<std::string> argv) {
  ChildProcess::Options o;
  o.argv = std::move(argv);
  o.working_directory = dir.string();
  o.unset_env = {"DATABASE_URL", "CONDUIT_APP"};
  return run_command(o, 60s);
}

TEST(AuthCommand, AnUnreachableDatabaseIsOneLineWithoutThePassword) {
  conduit::test::TempDir dir("auth-command");
  const auto started = std::chrono::steady_clock::now();
  for (const char* binary : {HEROES_BINARY, CONDUIT_CLI_BINARY}) {
    auto result =
        run_in(dir, {binary, "auth", "add-client", "--id", "x", "--secret", kSecret, "--connect",
                     "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=5"});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(lines(result.err), 1u) << result.err;
    EXPECT_TRUE(contains(result.err, "*** cannot reach the database")) << result.err;
    EXPECT_TRUE(contains(result.err, "check that the server runs")) << result.err;
    EXPECT_EQ(result.out, "");  // no log lines either
    EXPECT_FALSE(contains(result.err + result.out, "hunter2")) << result.err;
    EXPECT_FALSE(contains(result.err + result.out, kSecret)) << result.err;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);

  auto nowhere = run_in(dir, {HEROES_BINARY, "auth", "list-clients"});
  EXPECT_EQ(nowhere.status, 1);
  EXPECT_EQ(lines(nowhere.err), 1u) << nowhere.err;
  EXPECT_TRUE(contains(nowhere.err, "--connect postgres://")) << nowhere.err;
}

TEST(AuthCommand, HelpListsTheCommands) {
  conduit::test::TempDir dir("auth-command");
  for (const char* binary : {HEROES_BINARY, CONDUIT_CLI_BINARY}) {
    auto top = run_in(dir, {binary, "--help"});
    EXPECT_EQ(top.status, 0) << binary;
    EXPECT_TRUE(contains(top.out, "auth")) << top.out;
    auto auth = run_in(dir, {binary, "auth", "--help"});
    EXPECT_EQ(auth.status, 0) << auth.err;
    for (const char* sub : {"add-client", "set-scope", "list-clients", "remove-client"}) {
      EXPECT_TRUE(contains(auth.out, sub)) << binary << ": " << auth.out;
    }
    auto add = run_in(dir, {binary, "auth", "add-client", "--help"});
    EXPECT_EQ(add.status, 0) << add.err;
    for (const char* flag :
         {"--id", "--secret", "--redirect-uri", "--allowed-scopes", "--hash-rounds",
          "--hash-length", "--hash-function", "--connect", "--database-config", "--ssl-mode"}) {
      EXPECT_TRUE(contains(add.out, flag)) << binary << ": " << add.out;
    }
  }
}

}  // namespace
}  // namespace conduit::testing
