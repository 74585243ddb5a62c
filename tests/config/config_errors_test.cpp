// Tests for the exact text of configuration errors: every message names the file, the
// line and column where known, the key path, and what was wrong.
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "conduit/config/configuration.hpp"
#include "conduit/config/database_configuration.hpp"
#include "support/temp_file.hpp"

namespace conduit::config_errors_test {

enum class Mode { fast, safe };
BOOST_DESCRIBE_ENUM(Mode, fast, safe)

struct Limits {
  std::uint8_t retries = 0;
  std::int16_t offset = 0;
  double factor = 1;
  static constexpr ConfigField config_fields[] = {
      {.member = "retries", .has_default = true},
      {.member = "offset", .has_default = true},
      {.member = "factor", .has_default = true},
  };
};
BOOST_DESCRIBE_STRUCT(Limits, (), (retries, offset, factor))

struct Host {
  std::string host;
  int port = 0;
};
BOOST_DESCRIBE_STRUCT(Host, (), (host, port))

struct Window {
  int low = 0;
  int high = 0;
  void validate() const {
    if (low > high) throw std::invalid_argument("low must not exceed high");
  }
};
BOOST_DESCRIBE_STRUCT(Window, (), (low, high))

struct App {
  std::string name;
  DatabaseConfiguration database;
  std::vector<Host> servers;
  std::map<std::string, Limits> limits;
  std::optional<Mode> mode;
  std::optional<std::vector<std::string>> tags;
  std::optional<Window> window;
};
BOOST_DESCRIBE_STRUCT(App, (), (name, database, servers, limits, mode, tags, window))

namespace {

constexpr const char* valid_prefix =
    "name: app\n"
    "database:\n"
    "  host: localhost\n"
    "  databaseName: app\n"
    "servers: []\n"
    "limits: {}\n";

std::string error_of(std::string_view yaml) {
  try {
    parse_config<App>(yaml, "config.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ConfigErrorsTest, ValidDocumentParses) { EXPECT_EQ(error_of(valid_prefix), "no error"); }

TEST(ConfigErrorsTest, WrongTypeNamesFileLineColumnAndPath) {
  EXPECT_EQ(error_of("name: app\n"
                     "database:\n"
                     "  host: localhost\n"
                     "  port: abc\n"
                     "  databaseName: app\n"
                     "servers: []\nlimits: {}\n"),
            "config.yaml:4:9: database.port: expected an integer, got 'abc'");
}

TEST(ConfigErrorsTest, ErrorExposesItsParts) {
  try {
    parse_config<App>(std::string("name: [x]\n") + (valid_prefix + 10), "config.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.source(), "config.yaml");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 7);
    EXPECT_EQ(e.path(), "name");
    EXPECT_EQ(e.message(), "expected a string, got a list");
  }
}

TEST(ConfigErrorsTest, MissingKeysAreListedTogetherWithoutLine) {
  EXPECT_EQ(error_of("database: {}\n"),
            "config.yaml: missing required key(s): 'name', 'servers', 'limits'");
  EXPECT_EQ(error_of("name: app\ndatabase:\n  port: 5432\nservers: []\nlimits: {}\n"),
            "config.yaml: database: missing required key(s): 'host', 'databaseName'");
}

TEST(ConfigErrorsTest, UnexpectedKeysAreListedWithSuggestions) {
  EXPECT_EQ(error_of(std::string(valid_prefix) + "a: 1\nb: 2\n"),
            "config.yaml:7:1: unexpected keys found: 'a', 'b' (allowed keys: 'name', 'database', "
            "'servers', 'limits', 'mode', 'tags', 'window')");
  EXPECT_EQ(error_of("name: app\ndatabase:\n  host: h\n  database_name: app\n"
                     "servers: []\nlimits: {}\n"),
            "config.yaml:4:3: database: unexpected keys found: 'database_name' (did you mean "
            "'databaseName'?)");
  EXPECT_EQ(error_of(std::string(valid_prefix) + "Mode: fast\n"),
            "config.yaml:7:1: unexpected keys found: 'Mode' (did you mean 'mode'?)");
}

TEST(ConfigErrorsTest, ListIndexAppearsInPath) {
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\n"
                     "servers:\n  - {host: a, port: 1}\n  - {host: b, port: 2}\n"
                     "  - {host: c, port: x}\nlimits: {}\n"),
            "config.yaml:6:21: servers[2].port: expected an integer, got 'x'");
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\nservers:\n  - {host: a}\nlimits: {}\n"),
            "config.yaml: servers[0]: missing required key(s): 'port'");
}

TEST(ConfigErrorsTest, MapKeysAppearInPath) {
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\nservers: []\n"
                     "limits:\n  api:\n    retries: 300\n"),
            "config.yaml:6:14: limits.api.retries: expected an integer between 0 and 255, got "
            "'300'");
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\nservers: []\n"
                     "limits:\n  \"a.b\": {offset: -40000}\n"),
            "config.yaml:5:19: limits[\"a.b\"].offset: expected an integer between -32768 and "
            "32767, got '-40000'");
}

TEST(ConfigErrorsTest, ScalarErrors) {
  const std::string base = valid_prefix;
  EXPECT_EQ(error_of(base + "mode: slow\n"),
            "config.yaml:7:7: mode: expected one of 'fast', 'safe', got 'slow'");
  EXPECT_EQ(error_of(base + "mode: Safe\n"),
            "config.yaml:7:7: mode: expected one of 'fast', 'safe', got 'Safe' (did you mean "
            "'safe'?)");
  EXPECT_EQ(error_of(base + "tags: none\n"), "config.yaml:7:7: tags: expected a list, got 'none'");
  EXPECT_EQ(error_of(base + "tags: [a, {b: c}]\n"),
            "config.yaml:7:11: tags[1]: expected a string, got a map");
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\nservers: []\nlimits: [1]\n"),
            "config.yaml:4:9: limits: expected a map, got a list");
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\nservers: []\n"
                     "limits: {x: {factor: fast}}\n"),
            "config.yaml:4:22: limits.x.factor: expected a number, got 'fast'");
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\nservers: []\n"
                     "limits: {x: {retries: 1.5}}\n"),
            "config.yaml:4:23: limits.x.retries: expected an integer, got '1.5'");
  EXPECT_EQ(error_of("name: app\ndatabase: postgres://h/db\nservers: []\n"
                     "limits: {x: {retries: -1}}\n"),
            "config.yaml:4:23: limits.x.retries: expected an integer between 0 and 255, got "
            "'-1'");
}

TEST(ConfigErrorsTest, TopLevelMustBeAMap) {
  EXPECT_EQ(error_of("- a\n- b\n"),
            "config.yaml:1:1: the top level must be a map of keys, got a list");
  EXPECT_EQ(error_of("just text\n"),
            "config.yaml:1:1: the top level must be a map of keys, got 'just text'");
  EXPECT_EQ(error_of(""), "config.yaml: the document is empty (expected a map of keys)");
}

TEST(ConfigErrorsTest, SyntaxErrorNamesLine) {
  EXPECT_EQ(error_of("name: app\ndatabase:\n  host: h\n port: 1\n"),
            "config.yaml:4:2: invalid YAML: end of map not found");
}

TEST(ConfigErrorsTest, ValidationFailureIsLocatedAtTheValue) {
  EXPECT_EQ(error_of(std::string(valid_prefix) + "window:\n  low: 5\n  high: 1\n"),
            "config.yaml:8:3: window: low must not exceed high");
}

TEST(ConfigErrorsTest, LoadConfigNamesThePathAsGiven) {
  test::TempFile file("config.yaml", "name: app\nservers: 3\n");
  try {
    load_config<App>(file.path());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              file.path() + ": missing required key(s): 'database', 'limits'");
  }
  try {
    load_config<App>("no/such/config.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "no/such/config.yaml: cannot read file (No such file or directory)");
  }
}

TEST(ConfigErrorsTest, ConfigErrorIsARuntimeError) {
  try {
    parse_config<App>("name: app\n");
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("<string>: missing required key(s)"), std::string::npos);
    return;
  }
  FAIL();
}

}  // namespace
}  // namespace conduit::config_errors_test
