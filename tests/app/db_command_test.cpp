// End-to-end tests of `<app> db ...` (generate, validate, upgrade, list, get-version, schema)
// as real processes of the demo binary, on SQLite files and on the CTest fixture's
// throwaway PostgreSQL cluster (TLS on, see scripts/pg-test-cluster.sh).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace conduit::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kHeroesDir = std::string(CONDUIT_SOURCE_DIR) + "/examples/heroes";

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class DbCommandTest : public ::testing::Test {
 protected:
  CommandResult heroes(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    ChildProcess::Options o;
    o.argv = {HEROES_BINARY};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.working_directory = dir_.string();
    o.env = std::move(env);
    o.unset_env = {"DATABASE_URL", "PORT"};
    return run_command(o, 60s);
  }
  void write(const fs::path& relative, const std::string& text) {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }
  std::string sqlite_url() const { return "sqlite:" + (dir_ / "app.db").string(); }

  conduit::test::TempDir dir_{"db-command"};
};

TEST_F(DbCommandTest, GenerateWritesTheInitialFileThenNothingWhenCurrent) {
  auto first = heroes({"db", "generate"});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.out.find("create table heroes"), std::string::npos) << first.out;
  const fs::path file = dir_ / "migrations" / "00000001_initial.migration.yaml";
  ASSERT_TRUE(fs::exists(file)) << first.out;
  EXPECT_NE(first.out.find("00000001_initial.migration.yaml"), std::string::npos);

  auto again = heroes({"db", "generate"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("No changes"), std::string::npos) << again.out;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "migrations"), fs::directory_iterator()),
            1);

  auto valid = heroes({"db", "validate"});
  EXPECT_EQ(valid.status, 0) << valid.out << valid.err;
  EXPECT_NE(valid.out.find("Validation OK"), std::string::npos);
  EXPECT_NE(valid.out.find("Latest version is 1."), std::string::npos);
}

TEST_F(DbCommandTest, TheDemosCommittedMigrationsDescribeItsModel) {
  auto valid = heroes({"db", "validate", "--migration-directory", kHeroesDir + "/migrations"});
  EXPECT_EQ(valid.status, 0) << valid.out << valid.err;
  EXPECT_NE(valid.out.find("Validation OK"), std::string::npos) << valid.out;
}

TEST_F(DbCommandTest, ValidateFailsWithTheDifferencesAndGenerateNamesTheNextFile) {
  write("migrations/00000001_initial.migration.yaml",
        "operations:\n"
        "  - create_table:\n"
        "      name: heroes\n"
        "      columns:\n"
        "        - {name: id, type: big_integer, primary_key: true, autoincrement: true}\n"
        "        - {name: name, type: text}\n");
  auto invalid = heroes({"db", "validate"});
  EXPECT_EQ(invalid.status, 1);
  EXPECT_NE(invalid.out.find("Validation failed"), std::string::npos) << invalid.out;
  EXPECT_NE(invalid.out.find("heroes.name"), std::string::npos) << invalid.out;

  auto generated = heroes({"db", "generate", "--name", "UniqueNames"});
  ASSERT_EQ(generated.status, 0) << generated.err;
  EXPECT_TRUE(fs::exists(dir_ / "migrations" / "00000002_unique_names.migration.yaml"))
      << generated.out;
  EXPECT_EQ(heroes({"db", "validate"}).status, 0);
}

TEST_F(DbCommandTest, AMalformedFileIsRefusedWithItsLineBeforeAnythingRuns) {
  write("migrations/00000001_initial.migration.yaml",
        "operations:\n"
        "  - create_table:\n"
        "      name: heroes\n"
        "      columns:\n"
        "        - {name: id, type: strng}\n");
  auto result = heroes({"db", "upgrade", "--connect", sqlite_url()});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("00000001_initial.migration.yaml:5:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("strng"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_ / "app.db") && fs::file_size(dir_ / "app.db") > 0);
}

TEST_F(DbCommandTest, UpgradeAppliesOnceThenReportsCurrentOnSqlite) {
  const std::vector<std::string> where = {"--connect", sqlite_url(), "--migration-directory",
                                          kHeroesDir + "/migrations"};
  auto none = heroes({"db", "get-version", "--connect", sqlite_url()});
  ASSERT_EQ(none.status, 0) << none.err;
  EXPECT_NE(none.out.find("This database hasn't had a migration yet."), std::string::npos);

  std::vector<std::string> args = {"db", "upgrade"};
  args.insert(args.end(), where.begin(), where.end());
  auto applied = heroes(args);
  ASSERT_EQ(applied.status, 0) << applied.err;
  EXPECT_NE(applied.out.find("Updating to version 1 on new database"), std::string::npos)
      << applied.out;
  auto again = heroes(args);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("Database version is already current (version: 1)."), std::string::npos)
      << again.out;

  auto version = heroes({"db", "get-version", "--connect", sqlite_url()});
  EXPECT_NE(version.out.find("Current version: 1"), std::string::npos) << version.out;
  std::vector<std::string> list = {"db", "list"};
  list.insert(list.end(), where.begin(), where.end());
  auto listed = heroes(list);
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("00000001 | 20"), std::string::npos) << listed.out;  // its date
}

// A statement that fails inside `db upgrade` is one line and exit 1. The error is thrown
// from a coroutine's catch handler: a linker that breaks that path (Debian 12's lld 14 did:
// std::terminate, exit 134) must not be the one conduit_add_application picks.
TEST_F(DbCommandTest, AFailingStatementOnSqliteIsOneLineNotAnAbort) {
  write("migrations/00000001_broken.migration.yaml",
        "operations:\n"
        "  - sql: \"UPDATE no_such_table SET x = 1\"\n");
  auto failed = heroes({"db", "upgrade", "--connect", sqlite_url(), "--migration-directory",
                        (dir_ / "migrations").string()});
  EXPECT_EQ(failed.status, 1) << failed.out << failed.err;
  EXPECT_NE(failed.err.find("00000001_broken.migration.yaml"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("no_such_table"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.err.find("terminate"), std::string::npos) << failed.err;
}

TEST_F(DbCommandTest, UpgradeFindsTheDatabaseInTheConfigurationFile) {
  write("app.yaml", "database: " + sqlite_url() + "\n");
  auto result = heroes({"db", "upgrade", "--config-path", "app.yaml", "--migration-directory",
                        kHeroesDir + "/migrations"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("database version is now 1"), std::string::npos) << result.out;
}

TEST_F(DbCommandTest, ConnectionProblemsAreOneLineWithTheFix) {
  write("migrations/00000001_initial.migration.yaml", "operations: []\n");
  auto nowhere = heroes({"db", "upgrade"});
  EXPECT_EQ(nowhere.status, 1);
  EXPECT_EQ(lines(nowhere.err), 1u) << nowhere.err;
  EXPECT_NE(nowhere.err.find("--connect postgres://"), std::string::npos) << nowhere.err;

  auto bad_url = heroes({"db", "upgrade", "--connect", "mysql://u:hunter2@h/db"});
  EXPECT_EQ(bad_url.status, 1);
  EXPECT_EQ(lines(bad_url.err), 1u) << bad_url.err;
  EXPECT_EQ(bad_url.err.find("hunter2"), std::string::npos) << bad_url.err;

  auto refused = heroes(
      {"db", "get-version", "--connect", "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=5"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.err.find("hunter2"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("***"), std::string::npos) << refused.err;

  auto no_files =
      heroes({"db", "upgrade", "--connect", sqlite_url(), "--migration-directory", "nothing-here"});
  EXPECT_EQ(no_files.status, 1);
  EXPECT_NE(no_files.err.find("Run 'db generate' first"), std::string::npos) << no_files.err;
}

TEST_F(DbCommandTest, SchemaPrintsTheModelAsJson) {
  auto pretty = heroes({"db", "schema"});
  ASSERT_EQ(pretty.status, 0) << pretty.err;
  auto machine = heroes({"db", "schema", "--machine"});
  ASSERT_EQ(machine.status, 0) << machine.err;
  EXPECT_EQ(lines(machine.out), 1u);
  EXPECT_EQ(boost::json::parse(pretty.out), boost::json::parse(machine.out));
  EXPECT_EQ(boost::json::parse(machine.out).at("tables").at(0).at("name"), "heroes");
}

// The Procfile may say `conduit db upgrade ...`: the tool runs the project's binary.
TEST_F(DbCommandTest, TheConduitToolForwardsDbToTheApplication) {
  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY,
            "db",
            "upgrade",
            "--connect",
            sqlite_url(),
            "--migration-directory",
            kHeroesDir + "/migrations"};
  o.working_directory = dir_.string();
  o.env = {{"CONDUIT_APP", HEROES_BINARY}};
  auto result = run_command(o, 60s);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("Updating to version 1 on new database"), std::string::npos)
      << result.out;
}

// `--app` may also come after the command, where a user who reads `db --help` puts it.
TEST_F(DbCommandTest, TheConduitToolTakesAppAfterTheCommand) {
  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY,
            "db",
            "upgrade",
            "--connect",
            sqlite_url(),
            std::string("--app=") + HEROES_BINARY,
            "--migration-directory",
            kHeroesDir + "/migrations"};
  o.working_directory = dir_.string();
  o.unset_env = {"CONDUIT_APP", "DATABASE_URL"};
  auto upgraded = run_command(o, 60s);
  ASSERT_EQ(upgraded.status, 0) << upgraded.err;
  EXPECT_NE(upgraded.out.find("Updating to version 1 on new database"), std::string::npos)
      << upgraded.out;
  // validate needs the model: it only works when --app reached the application.
  o.argv = {CONDUIT_CLI_BINARY,         "db",    "validate",   "--migration-directory",
            kHeroesDir + "/migrations", "--app", HEROES_BINARY};
  auto validated = run_command(o, 60s);
  EXPECT_EQ(validated.status, 0) << validated.err;
  o.argv = {CONDUIT_CLI_BINARY, "db", "validate", "--app"};
  auto missing = run_command(o, 60s);
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("option --app needs a value"), std::string::npos) << missing.err;
}

// Outside a built project the tool still upgrades (files + database are all it takes) and
// says what the model-based commands need.
TEST_F(DbCommandTest, TheConduitToolUpgradesWithoutAnApplicationBinary) {
  ChildProcess::Options o;
  o.argv = {CONDUIT_CLI_BINARY,
            "db",
            "upgrade",
            "--connect",
            sqlite_url(),
            "--migration-directory",
            kHeroesDir + "/migrations"};
  o.working_directory = dir_.string();
  o.unset_env = {"CONDUIT_APP", "DATABASE_URL"};
  auto upgraded = run_command(o, 60s);
  ASSERT_EQ(upgraded.status, 0) << upgraded.err;
  EXPECT_NE(upgraded.out.find("database version is now 1"), std::string::npos) << upgraded.out;
  o.argv = {CONDUIT_CLI_BINARY, "db", "get-version", "--connect", sqlite_url()};
  auto version = run_command(o, 60s);
  EXPECT_NE(version.out.find("Current version: 1"), std::string::npos) << version.out;
  o.argv = {CONDUIT_CLI_BINARY, "db", "generate"};
  auto generate = run_command(o, 60s);
  EXPECT_EQ(generate.status, 1);
  EXPECT_EQ(lines(generate.err), 1u) << generate.err;
}

// ---- PostgreSQL ------------------------------------------------------------------------

// A private schema per test in the fixture's database, so tests never share tables or the
// version table.
class DbCommandPostgres : public DbCommandTest {
 protected:
  void SetUp() override {
    DbCommandTest::SetUp();
    const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
    if (!url) GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set (run through ctest)";
    base_url_ = url;
    std::random_device device;
    schema_ = "dbcmd_" + std::to_string(device()) + std::to_string(device());
    psql("CREATE SCHEMA " + schema_);
  }
  void TearDown() override {
    if (!schema_.empty()) psql("DROP SCHEMA " + schema_ + " CASCADE");
    DbCommandTest::TearDown();
  }
  // The fixture's URL with the test's schema first on the search path.
  std::string url(const std::string& extra = "") const {
    return base_url_ + "?options=-c%20search_path%3D" + schema_ + extra;
  }
  std::string psql(const std::string& sql) {
    auto r = run_command({{"/usr/bin/psql", base_url_, "-X", "-v", "ON_ERROR_STOP=1", "-Atqc",
                           "SET search_path TO " + schema_ + "; " + sql},
                          {},
                          {},
                          ""},
                         30s);
    EXPECT_EQ(r.status, 0) << sql << ": " << r.err;
    return r.out;
  }
  CommandResult upgrade(const std::string& connect_url, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"db", "upgrade", "--connect", connect_url};
    args.insert(args.end(), more.begin(), more.end());
    return heroes(args);
  }

  std::string base_url_;
  std::string schema_;
};

TEST_F(DbCommandPostgres, UpgradeAppliesTheDemoWithItsSeedsOnce) {
  auto applied = upgrade(url(), {"--migration-directory", kHeroesDir + "/migrations"});
  ASSERT_EQ(applied.status, 0) << applied.err;
  EXPECT_EQ(psql("SELECT count(*) FROM heroes"), "3\n");
  EXPECT_EQ(psql("SELECT versionNumber FROM _conduit_version_pgsql"), "1\n");
  auto again = upgrade(url(), {"--migration-directory", kHeroesDir + "/migrations"});
  EXPECT_NE(again.out.find("already current (version: 1)"), std::string::npos) << again.out;
  EXPECT_EQ(psql("SELECT count(*) FROM heroes"), "3\n");
}

TEST_F(DbCommandPostgres, TwoUpgradesAtOnceApplyEachMigrationOnce) {
  // The pg_sleep keeps the first upgrade's transaction open while the second one starts.
  write("migrations/00000001_initial.migration.yaml",
        "operations:\n"
        "  - create_table:\n"
        "      name: things\n"
        "      columns:\n"
        "        - {name: id, type: big_integer, primary_key: true, autoincrement: true}\n"
        "  - sql: {postgres: \"SELECT pg_sleep(0.5)\"}\n"
        "seed:\n"
        "  - \"INSERT INTO things DEFAULT VALUES\"\n");
  auto start = [&] {
    ChildProcess::Options o;
    o.argv = {HEROES_BINARY, "db", "upgrade", "--connect", url()};
    o.working_directory = dir_.string();
    return std::make_unique<ChildProcess>(o);
  };
  auto a = start();
  auto b = start();
  ASSERT_EQ(a->wait_exit(60s), 0) << a->stderr_text();
  ASSERT_EQ(b->wait_exit(60s), 0) << b->stderr_text();
  const std::string outputs = a->stdout_text() + b->stdout_text();
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = outputs.find(needle); at != std::string::npos; at = outputs.find(needle, at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count("Updating to version 1"), 1u) << outputs;
  EXPECT_EQ(count("already current (version: 1)"), 1u) << outputs;
  EXPECT_EQ(psql("SELECT count(*) FROM things"), "1\n");
}

TEST_F(DbCommandPostgres, AFailingMigrationLeavesSchemaAndVersionUntouched) {
  write("migrations/00000001_initial.migration.yaml",
        "operations:\n"
        "  - create_table:\n"
        "      name: things\n"
        "      columns:\n"
        "        - {name: id, type: big_integer, primary_key: true, autoincrement: true}\n");
  ASSERT_EQ(upgrade(url()).status, 0);
  write("migrations/00000002_more.migration.yaml",
        "operations:\n"
        "  - add_column: {table: things, column: {name: label, type: text, nullable: true}}\n"
        "  - create_table:\n"
        "      name: others\n"
        "      columns:\n"
        "        - {name: id, type: big_integer, primary_key: true, autoincrement: true}\n");
  write("migrations/00000003_broken.migration.yaml",
        "operations:\n"
        "  - sql: \"UPDATE no_such_table SET x = 1\"\n");
  auto failed = upgrade(url());
  EXPECT_EQ(failed.status, 1);
  EXPECT_NE(failed.err.find("00000003_broken.migration.yaml"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("UPDATE no_such_table SET x = 1"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("no_such_table"), std::string::npos) << failed.err;
  EXPECT_NE(failed.out.find("Updating to version 2"), std::string::npos) << failed.out;
  // Version 2 ran before 3 failed, in the same transaction: all of it is gone.
  EXPECT_EQ(psql("SELECT max(versionNumber) FROM _conduit_version_pgsql"), "1\n");
  EXPECT_EQ(psql("SELECT count(*) FROM information_schema.columns WHERE table_schema = '" +
                 schema_ + "' AND table_name = 'things' AND column_name = 'label'"),
            "0\n");
  EXPECT_EQ(psql("SELECT to_regclass('others') IS NULL"), "t\n");
}

TEST_F(DbCommandPostgres, WrongPasswordIsOneLineWithoutThePassword) {
  std::string bad = base_url_;
  bad.replace(bad.find(":conduit_test_pw@"), 17, ":Wr0ngSecret@");
  write("migrations/00000001_initial.migration.yaml", "operations: []\n");
  auto result = upgrade(bad);
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err.find("Wr0ngSecret"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("Wr0ngSecret"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("password authentication failed"), std::string::npos) << result.err;
}

TEST_F(DbCommandPostgres, SslModesAgainstAServerThatRequiresTls) {
  // The fixture's role conduit_ssl may only connect over TLS. It looks at the test's own
  // (empty) schema, not at the version tables other tests create in `public`.
  std::string ssl_url = url();
  ssl_url.replace(ssl_url.find("conduit_test:conduit_test_pw@"), 29, "conduit_ssl:conduit_ssl_pw@");
  const std::string cert =
      "/tmp/conduit-pg-test-" + std::string(std::getenv("CONDUIT_PG_TEST_PORT")) + "/server.crt";
  if (!fs::exists(cert)) GTEST_SKIP() << "the test cluster runs without TLS";
  write("migrations/00000001_initial.migration.yaml", "operations: []\n");

  auto disabled = heroes({"db", "get-version", "--connect", ssl_url, "--ssl-mode", "disable"});
  EXPECT_EQ(disabled.status, 1);
  EXPECT_EQ(lines(disabled.err), 1u) << disabled.err;
  EXPECT_NE(disabled.err.find("no encryption"), std::string::npos) << disabled.err;

  auto required = heroes({"db", "get-version", "--connect", ssl_url, "--ssl-mode", "require"});
  EXPECT_EQ(required.status, 0) << required.err;
  // The default (the URL says nothing) is prefer, so a Heroku-style URL just works.
  EXPECT_EQ(heroes({"db", "get-version", "--connect", ssl_url}).status, 0);

  auto unverified =
      heroes({"db", "get-version", "--connect", ssl_url, "--ssl-mode", "verify-full"});
  EXPECT_EQ(unverified.status, 1);
  EXPECT_EQ(lines(unverified.err), 1u) << unverified.err;
  auto verified = heroes({"db", "get-version", "--connect", ssl_url + "&sslrootcert=" + cert,
                          "--ssl-mode", "verify-full"});
  EXPECT_EQ(verified.status, 0) << verified.err;
  EXPECT_NE(verified.out.find("hasn't had a migration yet"), std::string::npos) << verified.out;
}

}  // namespace
}  // namespace conduit::testing
