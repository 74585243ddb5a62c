// Tests for conduit::APIConfiguration: Conduit's key names and optional credentials.
#include "conduit/config/api_configuration.hpp"

#include <gtest/gtest.h>

#include <boost/describe.hpp>

#include "conduit/config/configuration.hpp"

namespace conduit::api_configuration_test {

struct Config {
  APIConfiguration payments;
};
BOOST_DESCRIBE_STRUCT(Config, (), (payments))

namespace {

TEST(APIConfigurationTest, ReadsConduitKeys) {
  const auto c = parse_config<Config>(
      "payments:\n  baseURL: https://api.example.com/v1\n  clientID: id\n  clientSecret: s\n");
  EXPECT_EQ(c.payments.base_url, "https://api.example.com/v1");
  EXPECT_EQ(c.payments.client_id, "id");
  EXPECT_EQ(c.payments.client_secret, "s");
}

TEST(APIConfigurationTest, CredentialsAreOptional) {
  const auto c = parse_config<Config>("payments: {baseURL: 'http://localhost:8081'}\n");
  EXPECT_EQ(c.payments.client_id, std::nullopt);
  EXPECT_EQ(c.payments.client_secret, std::nullopt);
}

TEST(APIConfigurationTest, BaseURLIsRequiredAndKeysAreExact) {
  try {
    parse_config<Config>("payments:\n  clientID: id\n", "config.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "config.yaml: payments: missing required key(s): 'baseURL'");
  }
  try {
    parse_config<Config>("payments:\n  baseURL: x\n  base_url: y\n", "config.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "config.yaml:3:3: payments: unexpected keys found: 'base_url' (allowed keys: "
                 "'baseURL', 'clientID', 'clientSecret')");
  }
}

TEST(APIConfigurationTest, EmptyBaseURLNamesTheKey) {
  try {
    parse_config<Config>("payments:\n  baseURL: ''\n", "config.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "config.yaml:2:12: payments.baseURL: must not be empty");
  }
}

}  // namespace
}  // namespace conduit::api_configuration_test
