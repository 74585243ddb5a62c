// Tests of AuthServer's grants on SQLite and PostgreSQL: password, refresh_token,
// authorization_code (with PKCE), client_credentials and implicit; every error path,
// lifetimes and expiry through an injected clock, scope capping, the token limit, and that
// only digests are stored.
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <string>

#include "auth_server_test_support.hpp"
#include "conduit/auth/token.hpp"

namespace conduit::auth::testing {
namespace {

// RFC 7636 Appendix B.
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

class GrantsTest : public AuthServerTest {
 protected:
  void SetUp() override {
    AuthServerTest::SetUp();
    if (IsSkipped()) return;
    run(server_->add_client({"conf", "s"}, "https://conf.example.com/cb"));
    run(server_->add_client({"other", "s"}, "https://other.example.com/cb"));
    run(server_->add_client({"scoped", "s"}, "https://scoped.example.com/cb",
                            parse_scope_list("user profile.readonly")));
    run(server_->add_client({"pub", std::nullopt}, "https://pub.example.com/cb"));
    run(server_->add_client({"pubnr", std::nullopt}));
    bob_ = add_user("bob", "pw");
    alice_ = add_user("alice", "pw2");
  }

  TokenResponse password(const ClientCredentials& client, std::string_view username = "bob",
                         std::string_view pw = "pw",
                         std::optional<std::string_view> scope = std::nullopt) {
    return run(server_->password_grant(client, username, pw, scope));
  }

  AuthorizationRequest code_request(std::string client_id) {
    return AuthorizationRequest{.client_id = std::move(client_id),
                                .username = "bob",
                                .password = "pw",
                                .scope = std::nullopt,
                                .code_challenge = std::nullopt,
                                .code_challenge_method = std::nullopt};
  }

  AuthErrorCode token_error(const std::string& access_token) {
    return error_of(server_->verify_access_token(access_token));
  }

  std::int64_t bob_ = 0;
  std::int64_t alice_ = 0;
};

TEST_P(GrantsTest, PasswordGrantIssuesABearerTokenForADay) {
  const TokenResponse r = password({"conf", "s"});
  EXPECT_EQ(r.access_token.size(), kTokenLength);
  EXPECT_EQ(r.token_type, "bearer");
  EXPECT_EQ(r.expires_in, 24 * 3600);
  ASSERT_TRUE(r.refresh_token.has_value());
  EXPECT_EQ(r.refresh_token->size(), kTokenLength);
  EXPECT_NE(*r.refresh_token, r.access_token);
  EXPECT_FALSE(r.scope.has_value());

  const Authorization a = run(server_->verify_access_token(r.access_token));
  EXPECT_EQ(a.client_id, "conf");
  EXPECT_EQ(a.owner_id, bob_);
  EXPECT_TRUE(a.scopes.empty());
  // The token is not valid as a refresh token nor the other way round.
  EXPECT_EQ(token_error(*r.refresh_token), AuthErrorCode::invalid_token);
  EXPECT_EQ(token_error("not-a-token"), AuthErrorCode::invalid_token);
  EXPECT_EQ(token_error(""), AuthErrorCode::invalid_token);
}

TEST_P(GrantsTest, PasswordGrantErrors) {
  EXPECT_EQ(error_of(server_->password_grant({"nobody", "s"}, "bob", "pw", std::nullopt)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->password_grant({"conf", "wrong"}, "bob", "pw", std::nullopt)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->password_grant({"conf", std::nullopt}, "bob", "pw", std::nullopt)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->password_grant({"pub", "secret"}, "bob", "pw", std::nullopt)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->password_grant({"conf", "s"}, "bob", "wrong", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->password_grant({"conf", "s"}, "nobody", "pw", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->password_grant({"conf", "s"}, "alice", "pw", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->password_grant({"conf", "s"}, "", "pw", std::nullopt)),
            AuthErrorCode::invalid_request);
  EXPECT_EQ(error_of(server_->password_grant({"conf", "s"}, "bob", "", std::nullopt)),
            AuthErrorCode::invalid_request);
  EXPECT_EQ(count("\"_authtoken\""), 0);
}

TEST_P(GrantsTest, PublicClientGetsNoRefreshTokenAndCannotRefresh) {
  const TokenResponse r = password({"pubnr", std::nullopt});
  EXPECT_FALSE(r.refresh_token.has_value());
  EXPECT_EQ(run(server_->verify_access_token(r.access_token)).client_id, "pubnr");
  const TokenResponse c = password({"conf", "s"});
  EXPECT_EQ(error_of(server_->refresh_grant({"pubnr", ""}, *c.refresh_token, std::nullopt)),
            AuthErrorCode::invalid_grant);
}

TEST_P(GrantsTest, ScopesAreCappedByTheClient) {
  // A scope-enabled client must be asked for at least one scope it allows.
  EXPECT_EQ(error_of(server_->password_grant({"scoped", "s"}, "bob", "pw", std::nullopt)),
            AuthErrorCode::invalid_scope);
  EXPECT_EQ(error_of(server_->password_grant({"scoped", "s"}, "bob", "pw", "")),
            AuthErrorCode::invalid_scope);
  EXPECT_EQ(error_of(server_->password_grant({"scoped", "s"}, "bob", "pw", "admin")),
            AuthErrorCode::invalid_scope);
  EXPECT_EQ(error_of(server_->password_grant({"scoped", "s"}, "bob", "pw", "profile")),
            AuthErrorCode::invalid_scope);
  EXPECT_EQ(error_of(server_->password_grant({"scoped", "s"}, "bob", "pw", "user  admin")),
            AuthErrorCode::invalid_scope);
  EXPECT_EQ(error_of(server_->password_grant({"scoped", "s"}, "bob", "pw", "us\"er")),
            AuthErrorCode::invalid_scope);

  const TokenResponse r =
      password({"scoped", "s"}, "bob", "pw", "user:email admin profile.readonly");
  EXPECT_EQ(r.scope, "user:email profile.readonly");
  const Authorization a = run(server_->verify_access_token(r.access_token));
  EXPECT_EQ(to_string(a.scopes), "user:email profile.readonly");
  EXPECT_TRUE(a.is_authorized_for("user:email"));
  EXPECT_TRUE(a.is_authorized_for("profile.readonly"));
  EXPECT_FALSE(a.is_authorized_for("user"));
  EXPECT_FALSE(a.is_authorized_for("profile"));

  // A client without allowed scopes issues scope-less tokens whatever is asked.
  EXPECT_FALSE(password({"conf", "s"}, "bob", "pw", "anything").scope.has_value());
}

TEST_P(GrantsTest, TokensExpire) {
  const TokenResponse r = password({"conf", "s"});
  now_ += std::chrono::hours(24) - std::chrono::seconds(1);
  EXPECT_EQ(run(server_->verify_access_token(r.access_token)).owner_id, bob_);
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(token_error(r.access_token), AuthErrorCode::invalid_token);
}

TEST_P(GrantsTest, RefreshIssuesANewAccessTokenWithTheOriginalDuration) {
  const TokenResponse first = password({"scoped", "s"}, "bob", "pw", "user profile.readonly");
  now_ += std::chrono::hours(30);  // the access token has expired; the refresh token has not
  EXPECT_EQ(token_error(first.access_token), AuthErrorCode::invalid_token);

  const TokenResponse second =
      run(server_->refresh_grant({"scoped", "s"}, *first.refresh_token, std::nullopt));
  EXPECT_NE(second.access_token, first.access_token);
  EXPECT_EQ(second.refresh_token, first.refresh_token);
  EXPECT_EQ(second.expires_in, 24 * 3600);
  EXPECT_EQ(second.scope, "user profile.readonly");
  EXPECT_EQ(run(server_->verify_access_token(second.access_token)).owner_id, bob_);
  EXPECT_EQ(token_error(first.access_token), AuthErrorCode::invalid_token);
  now_ += std::chrono::hours(24);
  EXPECT_EQ(token_error(second.access_token), AuthErrorCode::invalid_token);

  // Narrowing is allowed, widening is not.
  const TokenResponse narrow =
      run(server_->refresh_grant({"scoped", "s"}, *first.refresh_token, "user:email"));
  EXPECT_EQ(narrow.scope, "user:email");
  EXPECT_EQ(to_string(run(server_->verify_access_token(narrow.access_token)).scopes), "user:email");
  EXPECT_EQ(error_of(server_->refresh_grant({"scoped", "s"}, *first.refresh_token, "admin")),
            AuthErrorCode::invalid_scope);
  // The same row: one token per refresh token.
  EXPECT_EQ(count("\"_authtoken\""), 1);
}

TEST_P(GrantsTest, RefreshErrors) {
  const TokenResponse r = password({"conf", "s"});
  EXPECT_EQ(error_of(server_->refresh_grant({"conf", "s"}, "bogus", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->refresh_grant({"conf", "s"}, r.access_token, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->refresh_grant({"other", "s"}, *r.refresh_token, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->refresh_grant({"conf", "bad"}, *r.refresh_token, std::nullopt)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->refresh_grant({"conf", "s"}, "", std::nullopt)),
            AuthErrorCode::invalid_request);
  // The original token is still good after all that.
  EXPECT_EQ(run(server_->verify_access_token(r.access_token)).client_id, "conf");
}

TEST_P(GrantsTest, TokenLimitEvictsTheOldest) {
  std::vector<TokenResponse> tokens;
  for (int i = 0; i < 40; ++i) {
    tokens.push_back(password({"conf", "s"}));
    now_ += std::chrono::seconds(1);
  }
  const TokenResponse alices = password({"conf", "s"}, "alice", "pw2");
  EXPECT_EQ(count("\"_authtoken\" WHERE \"resourceOwner_id\" = " + std::to_string(bob_)), 40);
  EXPECT_EQ(run(server_->verify_access_token(tokens[0].access_token)).owner_id, bob_);

  const TokenResponse forty_first = password({"conf", "s"});
  EXPECT_EQ(count("\"_authtoken\" WHERE \"resourceOwner_id\" = " + std::to_string(bob_)), 40);
  EXPECT_EQ(token_error(tokens[0].access_token), AuthErrorCode::invalid_token);
  EXPECT_EQ(error_of(server_->refresh_grant({"conf", "s"}, *tokens[0].refresh_token, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(run(server_->verify_access_token(tokens[1].access_token)).owner_id, bob_);
  EXPECT_EQ(run(server_->verify_access_token(forty_first.access_token)).owner_id, bob_);
  // Another owner's tokens do not count.
  EXPECT_EQ(run(server_->verify_access_token(alices.access_token)).owner_id, alice_);
}

TEST_P(GrantsTest, CodeFlowExchangesACodeOnce) {
  AuthorizationRequest request = code_request("scoped");
  request.scope = "user admin";
  const std::string code = run(server_->issue_authorization_code(request));
  EXPECT_EQ(code.size(), kTokenLength);

  const TokenResponse r =
      run(server_->authorization_code_grant({"scoped", "s"}, code, std::nullopt));
  EXPECT_EQ(r.expires_in, 3600);
  EXPECT_TRUE(r.refresh_token.has_value());
  EXPECT_EQ(r.scope, "user");
  const Authorization a = run(server_->verify_access_token(r.access_token));
  EXPECT_EQ(a.owner_id, bob_);
  EXPECT_EQ(a.client_id, "scoped");

  // A refresh keeps the code token's duration.
  const TokenResponse refreshed =
      run(server_->refresh_grant({"scoped", "s"}, *r.refresh_token, std::nullopt));
  EXPECT_EQ(refreshed.expires_in, 3600);

  // Reused: refused, and the tokens issued from it are revoked (RFC 6749 §4.1.2).
  EXPECT_EQ(error_of(server_->authorization_code_grant({"scoped", "s"}, code, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(token_error(refreshed.access_token), AuthErrorCode::invalid_token);
  EXPECT_EQ(error_of(server_->refresh_grant({"scoped", "s"}, *r.refresh_token, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(count("\"_authtoken\""), 0);
}

TEST_P(GrantsTest, CodeErrors) {
  // Issuing.
  AuthorizationRequest bad_password = code_request("conf");
  bad_password.password = "wrong";
  EXPECT_EQ(error_of(server_->issue_authorization_code(bad_password)),
            AuthErrorCode::access_denied);
  AuthorizationRequest unknown_user = code_request("conf");
  unknown_user.username = "nobody";
  EXPECT_EQ(error_of(server_->issue_authorization_code(unknown_user)),
            AuthErrorCode::access_denied);
  EXPECT_EQ(error_of(server_->issue_authorization_code(code_request("nobody"))),
            AuthErrorCode::invalid_client);
  AuthorizationRequest no_redirect = code_request("pubnr");
  no_redirect.code_challenge = std::string(kChallenge);
  no_redirect.code_challenge_method = "S256";
  EXPECT_EQ(error_of(server_->issue_authorization_code(no_redirect)),
            AuthErrorCode::unauthorized_client);
  EXPECT_EQ(error_of(server_->issue_authorization_code(code_request("scoped"))),
            AuthErrorCode::invalid_scope);

  // Exchanging.
  const std::string code = run(server_->issue_authorization_code(code_request("conf")));
  EXPECT_EQ(error_of(server_->authorization_code_grant({"conf", "s"}, "bogus", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->authorization_code_grant({"conf", "s"}, "", std::nullopt)),
            AuthErrorCode::invalid_request);
  EXPECT_EQ(error_of(server_->authorization_code_grant({"conf", "bad"}, code, std::nullopt)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->authorization_code_grant({"other", "s"}, code, std::nullopt)),
            AuthErrorCode::invalid_grant);
  // A verifier for a code issued without a challenge.
  EXPECT_EQ(error_of(server_->authorization_code_grant({"conf", "s"}, code, kVerifier)),
            AuthErrorCode::invalid_grant);
  // None of that used the code up.
  EXPECT_TRUE(run(server_->authorization_code_grant({"conf", "s"}, code, std::nullopt))
                  .refresh_token.has_value());
}

TEST_P(GrantsTest, CodesExpire) {
  const std::string code = run(server_->issue_authorization_code(code_request("conf")));
  now_ += std::chrono::seconds(600);
  EXPECT_EQ(error_of(server_->authorization_code_grant({"conf", "s"}, code, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(count("\"_authtoken\""), 0);

  const std::string fresh = run(server_->issue_authorization_code(code_request("conf")));
  now_ += std::chrono::seconds(599);
  EXPECT_EQ(run(server_->authorization_code_grant({"conf", "s"}, fresh, std::nullopt)).expires_in,
            3600);
}

TEST_P(GrantsTest, PkceS256) {
  AuthorizationRequest request = code_request("pub");
  request.code_challenge = std::string(kChallenge);
  request.code_challenge_method = "S256";
  const std::string code = run(server_->issue_authorization_code(request));

  const std::string wrong_verifier = std::string(kVerifier.substr(0, kVerifier.size() - 1)) + "x";
  EXPECT_EQ(
      error_of(server_->authorization_code_grant({"pub", std::nullopt}, code, wrong_verifier)),
      AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->authorization_code_grant({"pub", std::nullopt}, code, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(server_->authorization_code_grant({"pub", std::nullopt}, code, "short")),
            AuthErrorCode::invalid_grant);
  // Sending the challenge itself as the verifier does not work either.
  EXPECT_EQ(error_of(server_->authorization_code_grant({"pub", std::nullopt}, code, kChallenge)),
            AuthErrorCode::invalid_grant);

  const TokenResponse r = run(server_->authorization_code_grant({"pub", ""}, code, kVerifier));
  EXPECT_FALSE(r.refresh_token.has_value());  // a public client
  EXPECT_EQ(r.expires_in, 3600);
  EXPECT_EQ(run(server_->verify_access_token(r.access_token)).owner_id, bob_);

  // Confidential clients may use PKCE too.
  AuthorizationRequest confidential = code_request("conf");
  confidential.code_challenge = std::string(kChallenge);
  confidential.code_challenge_method = "S256";
  const std::string conf_code = run(server_->issue_authorization_code(confidential));
  EXPECT_EQ(error_of(server_->authorization_code_grant({"conf", "s"}, conf_code, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_TRUE(run(server_->authorization_code_grant({"conf", "s"}, conf_code, kVerifier))
                  .refresh_token.has_value());
}

TEST_P(GrantsTest, PkceRequestsThatAreRefused) {
  // A public client without a challenge.
  EXPECT_EQ(error_of(server_->issue_authorization_code(code_request("pub"))),
            AuthErrorCode::invalid_request);
  // "plain", explicitly or by leaving the method out.
  AuthorizationRequest plain = code_request("pub");
  plain.code_challenge = std::string(kVerifier);
  plain.code_challenge_method = "plain";
  EXPECT_EQ(error_of(server_->issue_authorization_code(plain)), AuthErrorCode::invalid_request);
  plain.code_challenge_method.reset();
  EXPECT_EQ(error_of(server_->issue_authorization_code(plain)), AuthErrorCode::invalid_request);
  // A malformed challenge, or a method without one.
  AuthorizationRequest malformed = code_request("pub");
  malformed.code_challenge = "abc";
  malformed.code_challenge_method = "S256";
  EXPECT_EQ(error_of(server_->issue_authorization_code(malformed)), AuthErrorCode::invalid_request);
  malformed.code_challenge.reset();
  EXPECT_EQ(error_of(server_->issue_authorization_code(malformed)), AuthErrorCode::invalid_request);
  EXPECT_EQ(count("\"_authtoken\""), 0);
}

TEST_P(GrantsTest, ClientCredentialsGrant) {
  const TokenResponse r = run(server_->client_credentials_grant({"conf", "s"}, std::nullopt));
  EXPECT_FALSE(r.refresh_token.has_value());
  EXPECT_EQ(r.expires_in, 3600);
  const Authorization a = run(server_->verify_access_token(r.access_token));
  EXPECT_EQ(a.client_id, "conf");
  EXPECT_FALSE(a.owner_id.has_value());

  const TokenResponse scoped =
      run(server_->client_credentials_grant({"scoped", "s"}, "profile.readonly admin"));
  EXPECT_EQ(scoped.scope, "profile.readonly");
  EXPECT_EQ(error_of(server_->client_credentials_grant({"scoped", "s"}, std::nullopt)),
            AuthErrorCode::invalid_scope);
  EXPECT_EQ(error_of(server_->client_credentials_grant({"pubnr", std::nullopt}, std::nullopt)),
            AuthErrorCode::unauthorized_client);
  EXPECT_EQ(error_of(server_->client_credentials_grant({"conf", "bad"}, std::nullopt)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->client_credentials_grant({"nobody", "s"}, std::nullopt)),
            AuthErrorCode::invalid_client);

  now_ += std::chrono::seconds(3600);
  EXPECT_EQ(token_error(r.access_token), AuthErrorCode::invalid_token);
  // The client's expired tokens go when it gets a new one.
  (void)run(server_->client_credentials_grant({"conf", "s"}, std::nullopt));
  EXPECT_EQ(count("\"_authtoken\" WHERE \"client_id\" = 'conf'"), 1);
}

TEST_P(GrantsTest, ImplicitFlowOnlyWhenEnabled) {
  EXPECT_EQ(error_of(server_->issue_implicit_token(code_request("conf"))),
            AuthErrorCode::unsupported_response_type);
  AuthServerOptions o = options();
  o.allow_implicit = true;
  AuthServer implicit(db_, o);
  const TokenResponse r = run(implicit.issue_implicit_token(code_request("conf")));
  EXPECT_FALSE(r.refresh_token.has_value());
  EXPECT_EQ(run(implicit.verify_access_token(r.access_token)).owner_id, bob_);
  AuthorizationRequest bad = code_request("conf");
  bad.password = "nope";
  EXPECT_EQ(error_of(implicit.issue_implicit_token(bad)), AuthErrorCode::access_denied);
  EXPECT_EQ(error_of(implicit.issue_implicit_token(code_request("pubnr"))),
            AuthErrorCode::unauthorized_client);
}

TEST_P(GrantsTest, OnlyDigestsAreStored) {
  const TokenResponse password_token = password({"conf", "s"});
  const std::string code = run(server_->issue_authorization_code(code_request("conf")));
  const db::Result before =
      run(db_->execute("SELECT \"code\" FROM \"_authtoken\" WHERE \"code\" IS NOT NULL"));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].get<std::string>(0), token_digest(code));
  const TokenResponse code_token =
      run(server_->authorization_code_grant({"conf", "s"}, code, std::nullopt));

  const db::Result rows = run(db_->execute(
      "SELECT \"code\", \"accessToken\", \"refreshToken\" FROM \"_authtoken\" ORDER BY \"id\""));
  ASSERT_EQ(rows.size(), 2u);
  std::string everything;
  for (const db::Row& row : rows) {
    for (std::size_t i = 0; i < 3; ++i) {
      if (auto v = row.get<std::optional<std::string>>(i)) everything += *v + "|";
    }
  }
  for (const std::string& secret : {password_token.access_token, *password_token.refresh_token,
                                    code, code_token.access_token, *code_token.refresh_token}) {
    EXPECT_EQ(everything.find(secret), std::string::npos);
    EXPECT_NE(everything.find(token_digest(secret)), std::string::npos);
  }
}

TEST_P(GrantsTest, RemovingAClientRemovesItsTokens) {
  const TokenResponse r = password({"other", "s"});
  const TokenResponse kept = password({"conf", "s"});
  EXPECT_TRUE(run(server_->remove_client("other")));
  EXPECT_EQ(token_error(r.access_token), AuthErrorCode::invalid_token);
  EXPECT_EQ(run(server_->verify_access_token(kept.access_token)).client_id, "conf");
}

INSTANTIATE_TEST_SUITE_P(Dialects, GrantsTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth::testing
