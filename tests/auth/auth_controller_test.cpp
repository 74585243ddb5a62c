// The token endpoint (AuthController) and the revocation endpoint (RevocationController)
// over real HTTP, on SQLite and PostgreSQL: every grant, its errors, headers, the brake.
// Thread-safety: test code; the application runs on its own loop thread.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/auth_http_test_support.hpp"

namespace conduit::auth::testing {
namespace {

using AuthTokenEndpointTest = AuthHttpTest;

TEST_P(AuthTokenEndpointTest, PasswordGrantAnswersABearerTokenThatIsNotCached) {
  auto response = token("grant_type=password&username=bob&password=pw");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json(response);
  EXPECT_EQ(str(body, "token_type"), "bearer");
  EXPECT_EQ(str(body, "access_token").size(), 32u);
  EXPECT_EQ(body.at("expires_in").to_number<std::int64_t>(), 24 * 3600);
  EXPECT_EQ(str(body, "refresh_token").size(), 32u);
  EXPECT_FALSE(body.contains("scope"));
  EXPECT_EQ(response.header("Cache-Control"), "no-store");
  EXPECT_EQ(response.header("Pragma"), "no-cache");
  EXPECT_NE(response.header("Content-Type")->find("application/json"), std::string::npos);

  // The token works at a bearer-protected route.
  auto me = request("GET", "/me", bearer(str(body, "access_token")));
  EXPECT_EQ(me.status, 200) << me.body;
}

TEST_P(AuthTokenEndpointTest, PublicClientsAuthenticateWithAnEmptySecretOrTheirIdInTheBody) {
  auto with_basic = token("grant_type=password&username=bob&password=pw", "com.public", "");
  ASSERT_EQ(with_basic.status, 200) << with_basic.body;
  EXPECT_FALSE(json(with_basic).contains("refresh_token"));

  auto in_body =
      post_form("/auth/token", "grant_type=password&username=bob&password=pw&client_id=com.public");
  ASSERT_EQ(in_body.status, 200) << in_body.body;
  EXPECT_FALSE(json(in_body).contains("refresh_token"));

  // A confidential client named in the body without its secret is refused.
  auto no_secret =
      post_form("/auth/token", "grant_type=password&username=bob&password=pw&client_id=com.conf");
  EXPECT_EQ(no_secret.status, 400);
  EXPECT_EQ(error(no_secret), "invalid_client");
  // ... and with it (RFC 6749 §2.3.1 allows the body) accepted.
  auto with_secret = post_form(
      "/auth/token",
      "grant_type=password&username=bob&password=pw&client_id=com.conf&client_secret=s3cret");
  EXPECT_EQ(with_secret.status, 200) << with_secret.body;
}

TEST_P(AuthTokenEndpointTest, RefreshGrantIssuesANewAccessTokenAndKeepsTheRefreshToken) {
  auto first = json(token("grant_type=password&username=bob&password=pw"));
  auto refreshed = token("grant_type=refresh_token&refresh_token=" + str(first, "refresh_token"));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  auto body = json(refreshed);
  EXPECT_NE(str(body, "access_token"), str(first, "access_token"));
  EXPECT_EQ(str(body, "refresh_token"), str(first, "refresh_token"));
  EXPECT_EQ(body.at("expires_in").to_number<std::int64_t>(), 24 * 3600);
  EXPECT_EQ(refreshed.header("Cache-Control"), "no-store");
  EXPECT_EQ(request("GET", "/me", bearer(str(body, "access_token"))).status, 200);

  auto unknown = token("grant_type=refresh_token&refresh_token=nope");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error(unknown), "invalid_grant");
  // Another client cannot use it.
  auto other = token("grant_type=refresh_token&refresh_token=" + str(first, "refresh_token"),
                     "com.plain", "kid");
  EXPECT_EQ(other.status, 400);
  EXPECT_FALSE(error(other).empty());
}

TEST_P(AuthTokenEndpointTest, ClientCredentialsGrantHasNoOwnerAndNoRefreshToken) {
  auto response = token("grant_type=client_credentials");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json(response);
  EXPECT_FALSE(body.contains("refresh_token"));
  auto me = request("GET", "/me", bearer(str(body, "access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(json(me), "client_id"), "com.conf");
  EXPECT_FALSE(json(me).contains("owner_id"));

  // Public clients have no credentials to grant on.
  auto public_client = token("grant_type=client_credentials", "com.public", "");
  EXPECT_EQ(public_client.status, 400);
  EXPECT_FALSE(error(public_client).empty());
}

TEST_P(AuthTokenEndpointTest, ClientAuthenticationFailures) {
  // Wrong secret with Basic: 401 and a challenge (RFC 6749 §5.2).
  auto wrong = token("grant_type=password&username=bob&password=pw", "com.conf", "nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(error(wrong), "invalid_client");
  EXPECT_EQ(wrong.header("WWW-Authenticate"), "Basic realm=\"conduit\"");
  EXPECT_EQ(wrong.header("Cache-Control"), "no-store");
  auto unknown = token("grant_type=password&username=bob&password=pw", "com.nobody", "x");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(error(unknown), "invalid_client");

  // A malformed or missing Authorization header: 400 invalid_client, as Conduit.
  for (std::string header :
       std::vector<std::string>{"Authorization: Basic !!!\r\n", "Authorization: Bearer abc\r\n",
                                "Authorization: basic " + base64("com.conf:s3cret") + "\r\n",
                                "Authorization: Basic " + base64("no-colon") + "\r\n"}) {
    auto malformed =
        post_form("/auth/token", "grant_type=password&username=bob&password=pw", header);
    EXPECT_EQ(malformed.status, 400) << header;
    EXPECT_EQ(error(malformed), "invalid_client") << header;
  }
  // Credentials form-encoded before base64 (RFC 6749 §2.3.1), as OAuth libraries send them.
  auto encoded = token("grant_type=password&username=bob&password=pw", "com%2Econf", "s3%63ret");
  EXPECT_EQ(encoded.status, 200) << encoded.body;

  auto none = post_form("/auth/token", "grant_type=password&username=bob&password=pw");
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(error(none), "invalid_client");
}

TEST_P(AuthTokenEndpointTest, RequestErrors) {
  auto expect = [&](const HttpResponse& response, int status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(error(response), code) << response.body;
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
  };
  expect(token("username=bob&password=pw"), 400, "invalid_request");
  expect(token("grant_type=magic"), 400, "unsupported_grant_type");
  expect(token("grant_type=password&grant_type=password&username=bob&password=pw"), 400,
         "invalid_request");
  expect(token("grant_type=password&username=bob&username=bob&password=pw"), 400,
         "invalid_request");
  expect(token("grant_type=password&password=pw"), 400, "invalid_request");
  expect(token("grant_type=password&username=bob&password=wrong"), 400, "invalid_grant");
  expect(token("grant_type=password&username=nobody&password=pw"), 400, "invalid_grant");
  expect(token("grant_type=refresh_token"), 400, "invalid_request");
  expect(token("grant_type=authorization_code"), 400, "invalid_request");
  expect(token("grant_type=authorization_code&code=abc&scope=x"), 400, "invalid_request");
  expect(token("grant_type=authorization_code&code=abc"), 400, "invalid_grant");
  expect(token("grant_type=password&username=bob&password=%zz"), 400, "invalid_request");
  // Not a form.
  auto as_json = request("POST", "/auth/token",
                         "Content-Type: application/json\r\n" + basic("com.conf", "s3cret"),
                         R"({"grant_type":"password","username":"bob","password":"pw"})");
  expect(as_json, 400, "invalid_request");
}

TEST_P(AuthTokenEndpointTest, ScopesAreCappedByTheClientsAllowedScopes) {
  auto granted = token("grant_type=password&username=bob&password=pw&scope=heroes%20other",
                       "com.scoped", "sc");
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(str(json(granted), "scope"), "heroes");

  auto none = token("grant_type=password&username=bob&password=pw", "com.scoped", "sc");
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(error(none), "invalid_scope");
  auto outside =
      token("grant_type=password&username=bob&password=pw&scope=other", "com.scoped", "sc");
  EXPECT_EQ(outside.status, 400);
  EXPECT_EQ(error(outside), "invalid_scope");
}

TEST_P(AuthTokenEndpointTest, OnlyPostIsAllowed) {
  for (std::string method : {"GET", "PUT", "DELETE"}) {
    auto response = request(method, "/auth/token", basic("com.conf", "s3cret"));
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(response.header("Allow"), "POST");
    EXPECT_FALSE(error(response).empty());
  }
}

TEST_P(AuthTokenEndpointTest, TokensExpireWithTheServersClock) {
  const std::string access = bob_token();
  EXPECT_EQ(request("GET", "/me", bearer(access)).status, 200);
  g_clock_offset_seconds = 24 * 3600 + 60;
  auto expired = request("GET", "/me", bearer(access));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.header("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
}

TEST_P(AuthTokenEndpointTest, TheBrakeAnswers429WithRetryAfter) {
  start({{"brake", "2"}});
  std::optional<HttpResponse> braked;
  for (int i = 0; i < 6 && !braked; ++i) {
    auto response = token("grant_type=password&username=bob&password=wrong");
    if (response.status == 429) {
      braked = response;
    } else {
      EXPECT_EQ(response.status, 400) << response.body;
    }
  }
  ASSERT_TRUE(braked.has_value()) << "no 429 after repeated failures";
  EXPECT_EQ(error(*braked), "temporarily_unavailable");
  ASSERT_TRUE(braked->header("Retry-After").has_value());
  EXPECT_GT(std::stoi(*braked->header("Retry-After")), 0);
  EXPECT_EQ(braked->header("Cache-Control"), "no-store");
}

// ---- revocation ---------------------------------------------------------------------------

TEST_P(AuthTokenEndpointTest, RevocationRevokesAnAccessTokenAndIgnoresUnknownOnes) {
  const std::string access = bob_token();
  auto revoked = post_form("/auth/revoke", "token=" + access + "&token_type_hint=access_token",
                           basic("com.conf", "s3cret"));
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.header("Cache-Control"), "no-store");
  EXPECT_EQ(revoked.body, "{}");
  EXPECT_EQ(request("GET", "/me", bearer(access)).status, 401);

  auto unknown = post_form("/auth/revoke", "token=unknown", basic("com.conf", "s3cret"));
  EXPECT_EQ(unknown.status, 200) << unknown.body;
}

TEST_P(AuthTokenEndpointTest, RevokingARefreshTokenEndsTheGrant) {
  auto grant = json(token("grant_type=password&username=bob&password=pw"));
  auto revoked = post_form("/auth/revoke", "token=" + str(grant, "refresh_token"),
                           basic("com.conf", "s3cret"));
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  auto refreshed = token("grant_type=refresh_token&refresh_token=" + str(grant, "refresh_token"));
  EXPECT_EQ(refreshed.status, 400);
  EXPECT_EQ(error(refreshed), "invalid_grant");
}

TEST_P(AuthTokenEndpointTest, RevocationNeedsTheOwningClient) {
  const std::string access = bob_token();
  auto wrong_secret = post_form("/auth/revoke", "token=" + access, basic("com.conf", "nope"));
  EXPECT_EQ(wrong_secret.status, 401);
  EXPECT_EQ(error(wrong_secret), "invalid_client");
  auto no_client = post_form("/auth/revoke", "token=" + access);
  EXPECT_EQ(no_client.status, 400);
  EXPECT_EQ(error(no_client), "invalid_client");
  auto missing = post_form("/auth/revoke", "", basic("com.conf", "s3cret"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(error(missing), "invalid_request");
  EXPECT_EQ(request("GET", "/auth/revoke").status, 405);

  // Another client's request is answered 200 (RFC 7009 §2.2) but revokes nothing.
  auto other = post_form("/auth/revoke", "token=" + access, basic("com.plain", "kid"));
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(request("GET", "/me", bearer(access)).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthTokenEndpointTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth::testing
