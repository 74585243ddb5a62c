// Tests of AuthConfiguration: the `auth:` section of an application's configuration, its
// defaults, its errors (file, line, key), and the AuthServerOptions it makes.
// Thread-safety: test code; one thread.
#include "conduit/auth/auth_configuration.hpp"

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>

#include "conduit/config/configuration.hpp"

namespace auth_configuration_test {

struct AppConfig {
  std::string name;
  conduit::auth::AuthConfiguration auth;
  static constexpr conduit::ConfigField config_fields[] = {{.member = "auth", .has_default = true}};
};
BOOST_DESCRIBE_STRUCT(AppConfig, (), (name, auth))

}  // namespace auth_configuration_test

namespace conduit::auth {
namespace {

using auth_configuration_test::AppConfig;
using namespace std::chrono_literals;

std::string error_of(std::string_view yaml) {
  try {
    (void)parse_config<AppConfig>(yaml, "config.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(AuthConfiguration, AbsentSectionHasConduitsDefaults) {
  for (std::string_view yaml : {"name: app\n", "name: app\nauth:\n", "name: app\nauth: {}\n"}) {
    const AppConfig c = parse_config<AppConfig>(yaml);
    const AuthServerOptions o = c.auth.server_options();
    const AuthServerOptions defaults;
    EXPECT_EQ(o.owner_table, "_user");
    EXPECT_EQ(o.password_token_lifetime, 24h);
    EXPECT_EQ(o.code_lifetime, 600s);
    EXPECT_EQ(o.code_token_lifetime, 3600s);
    EXPECT_EQ(o.client_token_lifetime, defaults.client_token_lifetime);
    EXPECT_EQ(o.hashing.rounds, 1000);
    EXPECT_EQ(o.hashing.key_length, 32u);
    EXPECT_EQ(o.token_limit, 40);
    EXPECT_FALSE(o.allow_implicit);
    EXPECT_EQ(o.brake.max_failures_per_client, defaults.brake.max_failures_per_client);
    EXPECT_EQ(o.brake.max_failures_per_username, defaults.brake.max_failures_per_username);
    EXPECT_EQ(o.brake.window, defaults.brake.window);
    EXPECT_FALSE(o.clock);
    EXPECT_EQ(c.auth.token_path, "/auth/token");
    EXPECT_EQ(c.auth.form_path, "/auth/form");
    EXPECT_EQ(c.auth.revoke_path, "/auth/revoke");
  }
}

TEST(AuthConfiguration, EveryKeyIsRead) {
  const AppConfig c = parse_config<AppConfig>(R"(name: app
auth:
  owner_table: accounts
  password_token_lifetime: 2h
  code_lifetime: 1m
  code_token_lifetime: 30m
  client_token_lifetime: 10m
  hash_rounds: 5000
  token_limit: 5
  allow_implicit: true
  brake:
    max_failures_per_client: 0
    max_failures_per_username: 3
    window: 1h
  token_path: /oauth/token
  form_path: /oauth/authorize
  revoke_path: /oauth/revoke
)");
  const AuthServerOptions o = c.auth.server_options();
  EXPECT_EQ(o.owner_table, "accounts");
  EXPECT_EQ(o.password_token_lifetime, 2h);
  EXPECT_EQ(o.code_lifetime, 60s);
  EXPECT_EQ(o.code_token_lifetime, 30min);
  EXPECT_EQ(o.client_token_lifetime, 10min);
  EXPECT_EQ(o.hashing.rounds, 5000);
  EXPECT_EQ(o.token_limit, 5);
  EXPECT_TRUE(o.allow_implicit);
  EXPECT_EQ(o.brake.max_failures_per_client, 0);
  EXPECT_EQ(o.brake.max_failures_per_username, 3);
  EXPECT_EQ(o.brake.window, 1h);
  EXPECT_EQ(c.auth.token_path, "/oauth/token");
  EXPECT_EQ(c.auth.form_path, "/oauth/authorize");
  EXPECT_EQ(c.auth.revoke_path, "/oauth/revoke");
}

TEST(AuthConfiguration, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("name: app\nauth:\n  hash_rounds: 0\n"),
            "config.yaml:3:16: auth.hash_rounds: must be at least 1");
  EXPECT_EQ(error_of("name: app\nauth:\n  token_limit: -1\n"),
            "config.yaml:3:16: auth.token_limit: must be at least 1");
  EXPECT_EQ(error_of("name: app\nauth:\n  code_lifetime: 0s\n"),
            "config.yaml:3:18: auth.code_lifetime: must be at least 1s");
  EXPECT_EQ(error_of("name: app\nauth:\n  token_path: auth/token\n"),
            "config.yaml:3:15: auth.token_path: must be a path starting with '/'");
  EXPECT_EQ(error_of("name: app\nauth:\n  owner_table: ''\n"),
            "config.yaml:3:16: auth.owner_table: must not be empty");
  EXPECT_EQ(error_of("name: app\nauth:\n  brake:\n    max_failures_per_username: -2\n"),
            "config.yaml:4:32: auth.brake.max_failures_per_username: must be 0 (no limit) or more");
  EXPECT_EQ(error_of("name: app\nauth:\n  brake:\n    window: 0s\n"),
            "config.yaml:4:13: auth.brake.window: must be at least 1s");
  EXPECT_NE(error_of("name: app\nauth:\n  hash_round: 5\n")
                .find("auth: unexpected keys found: 'hash_round'"),
            std::string::npos);
  EXPECT_NE(error_of("name: app\nauth:\n  allow_implicit: maybe\n")
                .find("config.yaml:3:19: auth.allow_implicit"),
            std::string::npos);
  EXPECT_NE(error_of("name: app\nauth:\n  code_lifetime: soon\n")
                .find("config.yaml:3:18: auth.code_lifetime"),
            std::string::npos);
}

}  // namespace
}  // namespace conduit::auth
