// Tests for conduit::DatabaseConfiguration: URL parsing (Heroku-shaped URLs, both
// schemes, percent-encoding, query parameters, SQLite forms), errors that never show the
// password, the YAML map and string forms, libpq conninfo escaping and redaction.
#include "conduit/config/database_configuration.hpp"

#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <cstdlib>
#include <optional>
#include <string>

#include "conduit/config/configuration.hpp"
#include "support/temp_file.hpp"

namespace conduit::database_configuration_test {

struct HerokuConfig {
  DatabaseConfiguration database;
};
BOOST_DESCRIBE_STRUCT(HerokuConfig, (), (database))

namespace {

std::string url_error(std::string_view url) {
  try {
    DatabaseConfiguration::parse_url(url);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string config_error(std::string_view yaml) {
  try {
    parse_config<HerokuConfig>(yaml, "config.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(DatabaseConfigurationTest, ParsesHerokuUrl) {
  const auto db = DatabaseConfiguration::parse_url(
      "postgres://u1abc:pw9xyz@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d5k3j2");
  EXPECT_EQ(db.kind, DatabaseKind::postgresql);
  EXPECT_EQ(db.host, "ec2-1-2-3-4.compute-1.amazonaws.com");
  EXPECT_EQ(db.port, 5432);
  EXPECT_EQ(db.database_name, "d5k3j2");
  EXPECT_EQ(db.username, "u1abc");
  EXPECT_EQ(db.password, "pw9xyz");
  EXPECT_TRUE(db.parameters.empty());
  EXPECT_FALSE(db.is_temporary);
}

TEST(DatabaseConfigurationTest, AcceptsBothSchemesInAnyCase) {
  EXPECT_EQ(DatabaseConfiguration::parse_url("postgresql://h/db").host, "h");
  EXPECT_EQ(DatabaseConfiguration::parse_url("POSTGRES://h/db").database_name, "db");
}

TEST(DatabaseConfigurationTest, DecodesUserAndPassword) {
  const auto db = DatabaseConfiguration::parse_url("postgres://us%40er:p%40ss%3Aw%2Fd@h:6000/db");
  EXPECT_EQ(db.username, "us@er");
  EXPECT_EQ(db.password, "p@ss:w/d");
  EXPECT_EQ(db.port, 6000);
}

TEST(DatabaseConfigurationTest, DefaultsAndOptionalParts) {
  const auto db = DatabaseConfiguration::parse_url("postgres://localhost/app");
  EXPECT_EQ(db.port, 5432);
  EXPECT_EQ(db.username, std::nullopt);
  EXPECT_EQ(db.password, std::nullopt);
  EXPECT_EQ(DatabaseConfiguration::parse_url("postgres://u@h:/db").port, 5432);
  EXPECT_EQ(DatabaseConfiguration::parse_url("postgres://u@h/db").username, "u");
  EXPECT_EQ(DatabaseConfiguration::parse_url("  postgres://h/db\n").host, "h");
}

TEST(DatabaseConfigurationTest, KeepsQueryParameters) {
  const auto db = DatabaseConfiguration::parse_url(
      "postgres://u:p@h/db?sslmode=require&connect_timeout=10&application_name=my%20app");
  EXPECT_EQ(db.parameters.at("sslmode"), "require");
  EXPECT_EQ(db.parameters.at("connect_timeout"), "10");
  EXPECT_EQ(db.parameters.at("application_name"), "my app");
}

TEST(DatabaseConfigurationTest, HostsCanBeIpv6OrSocketDirectories) {
  EXPECT_EQ(DatabaseConfiguration::parse_url("postgres://[::1]:5433/db").host, "::1");
  const auto socket = DatabaseConfiguration::parse_url("postgresql:///db?host=/var/run/postgresql");
  EXPECT_EQ(socket.host, "/var/run/postgresql");
  EXPECT_TRUE(socket.parameters.empty());
}

TEST(DatabaseConfigurationTest, RejectsBadUrlsClearly) {
  EXPECT_EQ(url_error("postgres://u:p@/db"),
            "invalid database URL: no host (expected postgres://user:password@host:port/database)");
  EXPECT_EQ(url_error("postgres://u:p@h"),
            "invalid database URL: no database name (expected "
            "postgres://user:password@host:port/database)");
  EXPECT_EQ(url_error("postgres://u:p@h/"),
            "invalid database URL: no database name (expected "
            "postgres://user:password@host:port/database)");
  EXPECT_EQ(url_error("postgres://h/a/b"),
            "invalid database URL: the path must be a single database name");
  EXPECT_EQ(url_error("postgres://h:99999/db"),
            "invalid database URL: the port must be a number from 1 to 65535");
  EXPECT_EQ(url_error("postgres://h:0/db"),
            "invalid database URL: the port must be a number from 1 to 65535");
  EXPECT_EQ(url_error("mysql://h/db"),
            "invalid database URL: unsupported scheme 'mysql' (expected postgres://, "
            "postgresql:// or sqlite:)");
  EXPECT_EQ(url_error(""), "the database URL is empty");
  EXPECT_EQ(url_error("postgres://h/db?sslmode"),
            "invalid database URL: query parameter 'sslmode' has no value");
  EXPECT_EQ(url_error("postgres://h/db?a%20b=1"),
            "invalid database URL: query parameter names must be letters, digits and '_'");
}

TEST(DatabaseConfigurationTest, ErrorsNeverContainThePassword) {
  for (const char* url : {"postgres://user:s3cr3t@/db", "postgres://user:s3cr3t@h",
                          "postgres://user:s3cr3t@h:99999/db", "postgres://user:s3cr3t@h/a/b",
                          "postgres://user:s3@cr3t@host/db", "postgres://user:s3cr3t@h:port/db",
                          "postgres://user:s3#cr3t@host/db", "postgres://user:s3 cr3t@host/db",
                          "mysql://user:s3cr3t@h/db", "postgres://u@h/db?password=s3cr3t&x"}) {
    const std::string error = url_error(url);
    EXPECT_NE(error, "no error") << url;
    EXPECT_EQ(error.find("s3"), std::string::npos) << error;
    EXPECT_EQ(error.find("cr3t"), std::string::npos) << error;
  }
  EXPECT_NE(url_error("postgres://user:s3@cr3t@host/db").find("must be percent-encoded"),
            std::string::npos);
}

TEST(DatabaseConfigurationTest, ParsesSqliteForms) {
  const auto memory = DatabaseConfiguration::parse_url("sqlite::memory:");
  EXPECT_EQ(memory.kind, DatabaseKind::sqlite);
  EXPECT_TRUE(memory.is_sqlite());
  EXPECT_EQ(memory.database_name, ":memory:");
  EXPECT_EQ(memory.host, "");
  EXPECT_EQ(memory.port, 0);
  EXPECT_EQ(DatabaseConfiguration::parse_url("sqlite:data/app.db").database_name, "data/app.db");
  EXPECT_EQ(DatabaseConfiguration::parse_url("sqlite:///var/lib/app.db").database_name,
            "/var/lib/app.db");
  EXPECT_EQ(DatabaseConfiguration::parse_url("sqlite:/var/lib/app.db").database_name,
            "/var/lib/app.db");
  EXPECT_EQ(DatabaseConfiguration::parse_url("sqlite:my%20db.sqlite?mode=ro").parameters.at("mode"),
            "ro");
  EXPECT_EQ(url_error("sqlite://host/app.db"),
            "invalid database URL: a sqlite URL has no host; use sqlite:relative/path.db, "
            "sqlite:///absolute/path.db or sqlite::memory:");
  EXPECT_EQ(url_error("sqlite:"),
            "invalid database URL: a sqlite URL needs a file path; use sqlite:relative/path.db, "
            "sqlite:///absolute/path.db or sqlite::memory:");
}

TEST(DatabaseConfigurationTest, ConninfoQuotesAndEscapesEveryValue) {
  DatabaseConfiguration db;
  db.host = "db.example.com";
  db.database_name = "app";
  db.username = "o'brien";
  db.password = R"(pa ss'wo\rd)";
  db.parameters = {{"sslmode", "require"}, {"application_name", "my app"}};
  EXPECT_EQ(db.to_libpq_conninfo(),
            R"(host='db.example.com' port='5432' dbname='app' user='o\'brien' )"
            R"(password='pa ss\'wo\\rd' application_name='my app' sslmode='require')");
  DatabaseConfiguration minimal;
  minimal.host = "h";
  minimal.database_name = "";
  EXPECT_EQ(minimal.to_libpq_conninfo(), "host='h' port='5432' dbname=''");
}

TEST(DatabaseConfigurationTest, ConninfoRejectsSqliteAndUnsafeNames) {
  EXPECT_THROW(DatabaseConfiguration::parse_url("sqlite::memory:").to_libpq_conninfo(),
               ConfigError);
  DatabaseConfiguration db = DatabaseConfiguration::parse_url("postgres://h/db");
  db.parameters["x host"] = "evil";
  EXPECT_THROW(db.to_libpq_conninfo(), ConfigError);
}

TEST(DatabaseConfigurationTest, RedactedUrlHidesPasswords) {
  const auto db = DatabaseConfiguration::parse_url(
      "postgres://us%40er:p%40ss@h:6000/db?sslmode=require&password=other");
  EXPECT_EQ(db.redacted_url(), "postgresql://us%40er:***@h:6000/db?password=***&sslmode=require");
  EXPECT_EQ(db.url(), "postgresql://us%40er:p%40ss@h:6000/db?password=other&sslmode=require");
  EXPECT_EQ(DatabaseConfiguration::parse_url(db.url()).password, "p@ss");
  EXPECT_EQ(DatabaseConfiguration::parse_url("postgres://h/db").redacted_url(),
            "postgresql://h:5432/db");
  EXPECT_EQ(DatabaseConfiguration::parse_url("postgres://[::1]/db").redacted_url(),
            "postgresql://[::1]:5432/db");
  EXPECT_EQ(DatabaseConfiguration::parse_url("postgresql:///db?host=/tmp").redacted_url(),
            "postgresql:///db?host=/tmp");
}

TEST(DatabaseConfigurationTest, SqliteUrlsRoundTrip) {
  for (const char* url : {"sqlite::memory:", "sqlite:data/app.db", "sqlite:///var/app.db",
                          "sqlite:my%20db.sqlite?mode=ro"}) {
    const auto db = DatabaseConfiguration::parse_url(url);
    EXPECT_EQ(db.url(), url);
    EXPECT_EQ(DatabaseConfiguration::parse_url(db.url()).database_name, db.database_name);
  }
}

TEST(DatabaseConfigurationTest, MapFormUsesConduitKeys) {
  const auto c = parse_config<HerokuConfig>(
      "database:\n"
      "  host: localhost\n"
      "  databaseName: heroes\n"
      "  username: app\n"
      "  password: secret\n"
      "  isTemporary: true\n"
      "  maxConnectionCount: 4\n"
      "  parameters: {sslmode: disable}\n");
  EXPECT_EQ(c.database.host, "localhost");
  EXPECT_EQ(c.database.port, 5432);
  EXPECT_EQ(c.database.database_name, "heroes");
  EXPECT_EQ(c.database.username, "app");
  EXPECT_EQ(c.database.password, "secret");
  EXPECT_TRUE(c.database.is_temporary);
  EXPECT_EQ(c.database.max_connection_count, 4u);
  EXPECT_EQ(c.database.parameters.at("sslmode"), "disable");
}

TEST(DatabaseConfigurationTest, MapFormForSqlite) {
  const auto c = parse_config<HerokuConfig>("database: {kind: sqlite, databaseName: ':memory:'}\n");
  EXPECT_TRUE(c.database.is_sqlite());
  EXPECT_EQ(c.database.port, 0);
  EXPECT_EQ(config_error("database: {kind: sqlite, host: h, databaseName: a.db}\n"),
            "config.yaml:1:32: database.host: not used with kind 'sqlite'");
  EXPECT_EQ(config_error("database: {kind: sqlite}\n"),
            "config.yaml: database: missing required key(s): 'databaseName'");
}

TEST(DatabaseConfigurationTest, MapFormErrors) {
  EXPECT_EQ(config_error("database:\n  port: 5432\n"),
            "config.yaml: database: missing required key(s): 'host', 'databaseName'");
  EXPECT_EQ(config_error("database:\n  host: h\n  databaseName: d\n  port: 0\n"),
            "config.yaml:4:9: database.port: the port must be a number from 1 to 65535");
  EXPECT_EQ(config_error("database: [a]\n"),
            "config.yaml:1:11: database: expected a database URL or a map, got a list");
  EXPECT_EQ(config_error("database:\n  host: h\n  databaseName: d\n  kind: mysql\n"),
            "config.yaml:4:9: database.kind: expected one of 'postgresql', 'sqlite', got 'mysql'");
}

TEST(DatabaseConfigurationTest, ValidationNamesTheFieldInAFile) {
  // validate() blames a member (ConfigFieldError): file, line, key path, what was wrong.
  test::TempFile file("config.yaml",
                      "database:\n"
                      "  host: db.internal\n"
                      "  databaseName: app\n"
                      "  port: 0\n");
  try {
    load_config<HerokuConfig>(file.path());
    FAIL() << "port 0 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              file.path() + ":4:9: database.port: the port must be a number from 1 to 65535");
    EXPECT_EQ(e.source(), file.path());
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.path(), "database.port");
  }
}

TEST(DatabaseConfigurationTest, ValidationNamesEmptyValues) {
  EXPECT_EQ(config_error("database:\n  host: ''\n  databaseName: app\n"),
            "config.yaml:2:9: database.host: must not be empty");
  EXPECT_EQ(config_error("database:\n  host: h\n  databaseName: \"\"\n"),
            "config.yaml:3:17: database.databaseName: must not be empty");
  EXPECT_EQ(config_error("database:\n  host: h\n  databaseName: d\n  parameters: {'a b': x}\n"),
            "config.yaml:4:15: database.parameters: parameter names must be letters, digits "
            "and '_'");
  // A value from an unset environment variable says so.
  EXPECT_EQ(config_error("database:\n  host: $CONDUIT_TEST_UNSET_HOST\n  databaseName: d\n"),
            "config.yaml:2:9: database.host: must not be empty (environment variable "
            "CONDUIT_TEST_UNSET_HOST is not set)");
}

TEST(DatabaseConfigurationTest, ValidateCanBeCalledDirectly) {
  DatabaseConfiguration config;
  config.host = "h";
  config.database_name = "d";
  EXPECT_NO_THROW(config.validate());
  config.port = 0;
  try {
    config.validate();
    FAIL();
  } catch (const ConfigFieldError& e) {
    EXPECT_EQ(e.member(), "port");
    EXPECT_STREQ(e.what(), "port: the port must be a number from 1 to 65535");
  }
}

// ?pgbouncer=true marks a transaction pooler: conduit's switch, never a libpq keyword.
TEST(DatabaseConfigurationTest, PgbouncerSwitchIsReadAndNotPassedToLibpq) {
  auto plain = DatabaseConfiguration::parse_url("postgres://u:p@h/d?sslmode=require");
  EXPECT_FALSE(plain.behind_transaction_pooler());
  auto pooled =
      DatabaseConfiguration::parse_url("postgres://u:p@h/d?pgbouncer=true&sslmode=require");
  EXPECT_TRUE(pooled.behind_transaction_pooler());
  EXPECT_NO_THROW(pooled.validate());
  const std::string conninfo = pooled.to_libpq_conninfo();
  EXPECT_EQ(conninfo.find("pgbouncer"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("sslmode='require'"), std::string::npos) << conninfo;
  EXPECT_NE(pooled.redacted_url().find("pgbouncer=true"), std::string::npos);
  EXPECT_FALSE(DatabaseConfiguration::parse_url("postgres://u:p@h/d?pgbouncer=false")
                   .behind_transaction_pooler());
  auto bad = DatabaseConfiguration::parse_url("postgres://u:p@h/d?pgbouncer=yes");
  try {
    bad.validate();
    FAIL();
  } catch (const ConfigFieldError& e) {
    EXPECT_EQ(e.member(), "parameters");
    EXPECT_NE(std::string(e.what()).find("pgbouncer must be true or false, not 'yes'"),
              std::string::npos)
        << e.what();
  }
}

TEST(DatabaseConfigurationTest, StringFormInYaml) {
  const auto c = parse_config<HerokuConfig>("database: postgres://u:p@h/db?sslmode=require\n");
  EXPECT_EQ(c.database.host, "h");
  EXPECT_EQ(c.database.parameters.at("sslmode"), "require");
  EXPECT_EQ(config_error("database: postgres://u:hunter2@h\n"),
            "config.yaml:1:11: database: invalid database URL: no database name (expected "
            "postgres://user:password@host:port/database)");
}

// The Heroku workflow: heroku.yaml holds `database: $DATABASE_URL`.
class DatabaseUrlEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("DATABASE_URL")) saved_ = old;
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("DATABASE_URL", saved_->c_str(), 1);
    } else {
      ::unsetenv("DATABASE_URL");
    }
  }
  std::optional<std::string> saved_;
};

TEST_F(DatabaseUrlEnvTest, ReadsDatabaseUrlThroughAYamlFile) {
  test::TempFile file("heroku.yaml", "database: $DATABASE_URL\n");
  ::setenv("DATABASE_URL", "postgres://usr:p%40ss@ec2.example.com:5432/dbname?sslmode=require", 1);
  const auto c = load_config<HerokuConfig>(file.path());
  EXPECT_EQ(c.database.host, "ec2.example.com");
  EXPECT_EQ(c.database.username, "usr");
  EXPECT_EQ(c.database.password, "p@ss");
  EXPECT_EQ(c.database.database_name, "dbname");
  EXPECT_EQ(c.database.parameters.at("sslmode"), "require");
  EXPECT_EQ(c.database.redacted_url(),
            "postgresql://usr:***@ec2.example.com:5432/dbname?sslmode=require");
}

TEST_F(DatabaseUrlEnvTest, UnsetDatabaseUrlIsAMissingKey) {
  test::TempFile file("heroku.yaml", "database: $DATABASE_URL\n");
  ::unsetenv("DATABASE_URL");
  try {
    load_config<HerokuConfig>(file.path());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              file.path() +
                  ": missing required key(s): 'database' (environment variable DATABASE_URL is "
                  "not set)");
  }
}

TEST_F(DatabaseUrlEnvTest, BadDatabaseUrlNamesTheVariableButNotThePassword) {
  test::TempFile file("heroku.yaml", "database: $DATABASE_URL\n");
  ::setenv("DATABASE_URL", "postgres://usr:hunter2@/dbname", 1);
  try {
    load_config<HerokuConfig>(file.path());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              file.path() +
                  ":1:11: database: invalid database URL: no host (expected "
                  "postgres://user:password@host:port/database) (from environment variable "
                  "DATABASE_URL)");
  }
}

}  // namespace
}  // namespace conduit::database_configuration_test
