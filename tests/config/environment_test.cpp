// Tests for `$NAME` environment substitution: whole values only, unset means missing,
// list items and map values, the `$$` escape, and the real process environment.
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conduit/config/configuration.hpp"

namespace conduit::environment_test {

struct Service {
  std::string host;
  int port = 0;
  bool debug = false;
  std::optional<std::string> token;
  std::vector<std::string> peers;
  std::map<std::string, std::optional<std::string>> labels;
  static constexpr ConfigField config_fields[] = {
      {.member = "debug", .has_default = true},
      {.member = "peers", .has_default = true},
      {.member = "labels", .has_default = true},
  };
};
BOOST_DESCRIBE_STRUCT(Service, (), (host, port, debug, token, peers, labels))

namespace {

ConfigOptions with_env(std::map<std::string, std::string> vars) {
  return ConfigOptions{
      [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
      }};
}

Service parse(std::string_view yaml, std::map<std::string, std::string> vars) {
  return parse_config<Service>(yaml, "config.yaml", with_env(std::move(vars)));
}

std::string error_of(std::string_view yaml, std::map<std::string, std::string> vars) {
  try {
    parse(yaml, std::move(vars));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(EnvironmentTest, WholeValueIsReplaced) {
  const Service s =
      parse("host: $HOST\nport: $PORT\ndebug: \"$DEBUG\"\ntoken: $TOKEN\n",
            {{"HOST", "db.internal"}, {"PORT", "6543"}, {"DEBUG", "true"}, {"TOKEN", "t0k3n"}});
  EXPECT_EQ(s.host, "db.internal");
  EXPECT_EQ(s.port, 6543);  // the string "6543" is coerced to int
  EXPECT_TRUE(s.debug);
  EXPECT_EQ(s.token, "t0k3n");
}

TEST(EnvironmentTest, NothingIsInterpolatedInsideLongerText) {
  const Service s =
      parse("host: $HOST:5432\nport: 1\ntoken: prefix-$TOKEN\n", {{"HOST", "h"}, {"TOKEN", "t"}});
  EXPECT_EQ(s.host, "$HOST:5432");
  EXPECT_EQ(s.token, "prefix-$TOKEN");
}

TEST(EnvironmentTest, OnlyVariableNamesAreReferences) {
  const Service s = parse("host: $ecret!\nport: 1\ntoken: $1abc\n", {});
  EXPECT_EQ(s.host, "$ecret!");
  EXPECT_EQ(s.token, "$1abc");
}

TEST(EnvironmentTest, DoubleDollarIsALiteral) {
  EXPECT_EQ(parse("host: $$HOST\nport: 1\n", {{"HOST", "h"}}).host, "$HOST");
}

TEST(EnvironmentTest, UnsetVariableMeansMissing) {
  EXPECT_EQ(error_of("host: $HOST\nport: $PORT\n", {{"PORT", "1"}}),
            "config.yaml: missing required key(s): 'host' (environment variable HOST is not set)");
  // Optional and defaulted members fall back as if the key were absent.
  const Service s = parse("host: h\nport: 1\ntoken: $TOKEN\ndebug: $DEBUG\n", {});
  EXPECT_EQ(s.token, std::nullopt);
  EXPECT_FALSE(s.debug);
}

TEST(EnvironmentTest, EmptyVariableIsAnEmptyValue) {
  EXPECT_EQ(parse("host: $HOST\nport: 1\n", {{"HOST", ""}}).host, "");
  EXPECT_EQ(error_of("host: h\nport: $PORT\n", {{"PORT", ""}}),
            "config.yaml:2:7: port: expected an integer, got '' (from environment variable PORT)");
}

TEST(EnvironmentTest, ErrorsSayTheValueCameFromTheEnvironment) {
  EXPECT_EQ(error_of("host: h\nport: $PORT\n", {{"PORT", "http"}}),
            "config.yaml:2:7: port: expected an integer, got 'http' (from environment variable "
            "PORT)");
}

TEST(EnvironmentTest, ValuesAreNotExpandedTwice) {
  EXPECT_EQ(parse("host: $A\nport: 1\n", {{"A", "$B"}, {"B", "b"}}).host, "$B");
}

TEST(EnvironmentTest, ListItemsAndMapValuesAreSubstituted) {
  const Service s =
      parse("host: h\nport: 1\npeers: [$PEER, literal]\nlabels: {team: $TEAM, x: $UNSET}\n",
            {{"PEER", "p1"}, {"TEAM", "core"}});
  EXPECT_EQ(s.peers, (std::vector<std::string>{"p1", "literal"}));
  EXPECT_EQ(s.labels.at("team"), "core");
  EXPECT_EQ(s.labels.at("x"), std::nullopt);  // optional map value
  EXPECT_EQ(error_of("host: h\nport: 1\npeers: [a, $PEER]\n", {}),
            "config.yaml:3:12: peers[1]: environment variable PEER is not set");
}

TEST(EnvironmentTest, UsesTheProcessEnvironmentByDefault) {
  ::setenv("CONDUIT_CONFIG_TEST_HOST", "from-process", 1);
  ::unsetenv("CONDUIT_CONFIG_TEST_UNSET");
  const Service s = parse_config<Service>(
      "host: $CONDUIT_CONFIG_TEST_HOST\nport: 1\ntoken: $CONDUIT_CONFIG_TEST_UNSET\n");
  ::unsetenv("CONDUIT_CONFIG_TEST_HOST");
  EXPECT_EQ(s.host, "from-process");
  EXPECT_EQ(s.token, std::nullopt);
}

}  // namespace
}  // namespace conduit::environment_test
