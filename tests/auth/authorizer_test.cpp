// Authorizer (bearer and basic) and ResourceController operation scopes over real HTTP, on
// SQLite and PostgreSQL: Conduit's status codes and bodies, and the authorization reaching
// the handler.
// Thread-safety: test code; the application runs on its own loop thread.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "auth/auth_http_test_support.hpp"

namespace conduit::auth::testing {
namespace {

using AuthorizerTest = AuthHttpTest;

TEST_P(AuthorizerTest, BearerAnswersConduitsStatusCodes) {
  auto none = request("GET", "/me");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body, "");
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer");

  for (std::string header : {"Authorization: Bearer\r\n", "Authorization: bearer abc\r\n",
                             "Authorization: Basic abc\r\n", "Authorization: Token abc\r\n"}) {
    auto malformed = request("GET", "/me", header);
    EXPECT_EQ(malformed.status, 400) << header;
    EXPECT_EQ(error(malformed), "invalid_authorization_header") << header;
  }

  auto unknown = request("GET", "/me", bearer("nonsense"));
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.header("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
}

TEST_P(AuthorizerTest, TheAuthorizationReachesTheHandler) {
  auto me = request("GET", "/me", bearer(bob_token()));
  ASSERT_EQ(me.status, 200) << me.body;
  auto body = json(me);
  EXPECT_EQ(str(body, "client_id"), "com.conf");
  EXPECT_GT(body.at("owner_id").to_number<std::int64_t>(), 0);
  EXPECT_EQ(str(body, "scope"), "");
}

TEST_P(AuthorizerTest, MissingScopesAre403WithTheRequiredScopes) {
  auto unscoped = request("GET", "/scoped", bearer(bob_token()));
  EXPECT_EQ(unscoped.status, 403);
  auto body = json(unscoped);
  EXPECT_EQ(str(body, "error"), "insufficient_scope");
  EXPECT_EQ(str(body, "scope"), "heroes user:email");

  auto partial = request("GET", "/scoped", bearer(bob_token("com.scoped", "sc", "heroes")));
  EXPECT_EQ(partial.status, 403);

  // A granted "user" covers the required "user:email".
  auto covered = request("GET", "/scoped", bearer(bob_token("com.scoped", "sc", "heroes%20user")));
  ASSERT_EQ(covered.status, 200) << covered.body;
  EXPECT_EQ(str(json(covered), "scope"), "heroes user");
}

TEST_P(AuthorizerTest, BasicAuthorizesRegisteredClients) {
  auto good = request("GET", "/client", basic("com.conf", "s3cret"));
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(str(json(good), "client_id"), "com.conf");
  EXPECT_FALSE(json(good).contains("owner_id"));

  auto public_client = request("GET", "/client", basic("com.public", ""));
  EXPECT_EQ(public_client.status, 200) << public_client.body;

  auto wrong = request("GET", "/client", basic("com.conf", "nope"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.header("WWW-Authenticate"), "Basic realm=\"conduit\"");

  auto none = request("GET", "/client");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Basic realm=\"conduit\"");

  auto malformed = request("GET", "/client", "Authorization: Basic %%%\r\n");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(error(malformed), "invalid_authorization_header");
}

TEST_P(AuthorizerTest, BasicIsBrakedAfterRepeatedFailures) {
  start({{"brake", "2"}});
  std::optional<HttpResponse> braked;
  for (int i = 0; i < 6 && !braked; ++i) {
    auto response = request("GET", "/client", basic("com.conf", "wrong"));
    if (response.status == 429) {
      braked = response;
    } else {
      EXPECT_EQ(response.status, 401);
    }
  }
  ASSERT_TRUE(braked.has_value()) << "no 429 after repeated failures";
  EXPECT_EQ(error(*braked), "temporarily_unavailable");
  ASSERT_TRUE(braked->header("Retry-After").has_value());
  EXPECT_GT(std::stoi(*braked->header("Retry-After")), 0);
}

TEST_P(AuthorizerTest, ResourceControllerOperationsCheckTheirScopes) {
  const std::string heroes = bob_token("com.scoped", "sc", "heroes");
  const std::string user = bob_token("com.scoped", "sc", "user");
  const std::string both = bob_token("com.scoped", "sc", "heroes%20user");

  // A granted "heroes" covers the required "heroes.readonly".
  auto list = request("GET", "/heroes", bearer(heroes));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(str(json(list), "client_id"), "com.scoped");

  auto refused = request("GET", "/heroes", bearer(user));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(str(json(refused), "error"), "insufficient_scope");
  EXPECT_EQ(str(json(refused), "scope"), "heroes.readonly");

  // Every declared scope is needed.
  auto create_partial = request("POST", "/heroes", bearer(heroes));
  EXPECT_EQ(create_partial.status, 403);
  EXPECT_EQ(str(json(create_partial), "scope"), "heroes user");
  EXPECT_EQ(request("POST", "/heroes", bearer(both)).status, 200);

  // An operation without scopes needs only the authorizer's approval.
  auto one = request("GET", "/heroes/7", bearer(bob_token()));
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(request("GET", "/heroes/7").status, 401);
}

TEST_P(AuthorizerTest, OperationScopesWithoutAnAuthorizerAreAServerError) {
  EXPECT_EQ(request("GET", "/unguarded").status, 500);
  EXPECT_EQ(request("GET", "/unguarded").status, 500);
  EXPECT_EQ(request("GET", "/unguarded/3").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthorizerTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth::testing
