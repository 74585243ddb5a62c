// Tests of AuthServer's revocation (RFC 7009 and every grant of an owner), Basic client
// verification, and the brute-force brake, on SQLite and PostgreSQL. The brake's counts are
// in the database: a second AuthServer on its own connection sees them.
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <string>

#include "auth_server_test_support.hpp"

namespace conduit::auth::testing {
namespace {

class AuthServerRevocationTest : public AuthServerTest {
 protected:
  void SetUp() override {
    AuthServerTest::SetUp();
    if (IsSkipped()) return;
    run(server_->add_client({"conf", "s"}, "https://conf.example.com/cb"));
    run(server_->add_client({"other", "s"}));
    run(server_->add_client({"pub", std::nullopt}));
    bob_ = add_user("bob", "pw");
    alice_ = add_user("alice", "pw2");
  }

  TokenResponse password(const ClientCredentials& client, std::string_view username = "bob",
                         std::string_view pw = "pw") {
    return run(server_->password_grant(client, username, pw, std::nullopt));
  }
  bool valid(const std::string& token) {
    try {
      run(server_->verify_access_token(token));
      return true;
    } catch (const AuthServerError& e) {
      EXPECT_EQ(e.code(), AuthErrorCode::invalid_token);
      return false;
    }
  }
  bool refreshable(const ClientCredentials& client, const std::string& refresh_token) {
    try {
      run(server_->refresh_grant(client, refresh_token, std::nullopt));
      return true;
    } catch (const AuthServerError& e) {
      EXPECT_EQ(e.code(), AuthErrorCode::invalid_grant);
      return false;
    }
  }

  std::int64_t bob_ = 0;
  std::int64_t alice_ = 0;
};

TEST_P(AuthServerRevocationTest, RevokingAnAccessTokenRevokesItsRefreshToken) {
  const TokenResponse a = password({"conf", "s"});
  const TokenResponse b = password({"conf", "s"});
  run(server_->revoke_token({"conf", "s"}, a.access_token));
  EXPECT_FALSE(valid(a.access_token));
  EXPECT_FALSE(refreshable({"conf", "s"}, *a.refresh_token));
  EXPECT_TRUE(valid(b.access_token));
}

TEST_P(AuthServerRevocationTest, RevokingARefreshTokenRevokesItsAccessToken) {
  const TokenResponse a = password({"conf", "s"});
  run(server_->revoke_token({"conf", "s"}, *a.refresh_token));
  EXPECT_FALSE(valid(a.access_token));
  EXPECT_FALSE(refreshable({"conf", "s"}, *a.refresh_token));
}

TEST_P(AuthServerRevocationTest, AnotherClientsTokenIsUnaffected) {
  const TokenResponse a = password({"conf", "s"});
  // RFC 7009: no error, and nothing happens.
  run(server_->revoke_token({"other", "s"}, a.access_token));
  run(server_->revoke_token({"other", "s"}, *a.refresh_token));
  EXPECT_TRUE(valid(a.access_token));
  EXPECT_TRUE(refreshable({"conf", "s"}, *a.refresh_token));
}

TEST_P(AuthServerRevocationTest, RevocationErrors) {
  const TokenResponse a = password({"conf", "s"});
  // An unknown token is not an error (RFC 7009 §2.2).
  run(server_->revoke_token({"conf", "s"}, "unknown-token"));
  EXPECT_EQ(error_of(server_->revoke_token({"conf", "wrong"}, a.access_token)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->revoke_token({"nobody", "s"}, a.access_token)),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->revoke_token({"conf", "s"}, "")), AuthErrorCode::invalid_request);
  EXPECT_TRUE(valid(a.access_token));
  // A public client revokes its own tokens without a secret.
  const TokenResponse p = password({"pub", std::nullopt});
  run(server_->revoke_token({"pub", std::nullopt}, p.access_token));
  EXPECT_FALSE(valid(p.access_token));
}

TEST_P(AuthServerRevocationTest, RevokeAllGrantsOfAnOwner) {
  const TokenResponse a = password({"conf", "s"});
  const TokenResponse b = password({"other", "s"});
  AuthorizationRequest request;
  request.client_id = "conf";
  request.username = "bob";
  request.password = "pw";
  const std::string code = run(server_->issue_authorization_code(request));
  const TokenResponse alices = password({"conf", "s"}, "alice", "pw2");

  run(server_->revoke_all_grants(bob_));
  EXPECT_FALSE(valid(a.access_token));
  EXPECT_FALSE(valid(b.access_token));
  EXPECT_EQ(error_of(server_->authorization_code_grant({"conf", "s"}, code, std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_TRUE(valid(alices.access_token));
  EXPECT_EQ(count("\"_authtoken\""), 1);
}

TEST_P(AuthServerRevocationTest, VerifiesClientsForBasicAuthorization) {
  const Authorization a = run(server_->verify_client({"conf", "s"}));
  EXPECT_EQ(a.client_id, "conf");
  EXPECT_FALSE(a.owner_id.has_value());
  EXPECT_TRUE(a.scopes.empty());
  EXPECT_EQ(run(server_->verify_client({"pub", ""})).client_id, "pub");
  EXPECT_EQ(error_of(server_->verify_client({"conf", "wrong"})), AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->verify_client({"nobody", ""})), AuthErrorCode::invalid_client);
}

// ---- the brake ------------------------------------------------------------------------

class BrakeTest : public AuthServerRevocationTest {
 protected:
  AuthServerOptions brake_options() {
    AuthServerOptions o = options();
    o.brake =
        BrakeOptions{.max_failures_per_client = 5, .max_failures_per_username = 3, .window = 300s};
    return o;
  }

  // The retry_after of the brake's refusal; nullopt (and a failure) if `task` was not refused.
  template <class T>
  std::optional<std::chrono::seconds> refusal(Task<T> task) {
    try {
      run(std::move(task));
    } catch (const AuthServerError& e) {
      if (e.retry_after()) return e.retry_after();
      ADD_FAILURE() << "refused, but not by the brake: " << e.what();
      return std::nullopt;
    }
    ADD_FAILURE() << "not refused";
    return std::nullopt;
  }
};

TEST_P(BrakeTest, FailedPasswordsForAUsernameAreCountedInTheDatabase) {
  AuthServer first(db_, brake_options());
  AuthServer second(other_db(), brake_options());
  EXPECT_EQ(error_of(first.password_grant({"conf", "s"}, "bob", "x1", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(error_of(second.password_grant({"conf", "s"}, "bob", "x2", std::nullopt)),
            AuthErrorCode::invalid_grant);
  now_ += 100s;
  EXPECT_EQ(error_of(first.password_grant({"other", "s"}, "bob", "x3", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(count("\"_authattempt\" WHERE \"id\" = 'username:bob' AND \"failures\" = 3"), 1);

  // Three failures in the window: refused before the password is looked at, even a right
  // one, through either server, with the rest of the window as Retry-After.
  EXPECT_EQ(refusal(second.password_grant({"conf", "s"}, "bob", "pw", std::nullopt)), 200s);
  EXPECT_EQ(refusal(first.password_grant({"conf", "s"}, "bob", "pw", std::nullopt)), 200s);
  try {
    run(first.password_grant({"conf", "s"}, "bob", "pw", std::nullopt));
  } catch (const AuthServerError& e) {
    EXPECT_EQ(e.code(), AuthErrorCode::temporarily_unavailable);
  }
  // Another username is not braked.
  EXPECT_FALSE(
      run(first.password_grant({"conf", "s"}, "alice", "pw2", std::nullopt)).access_token.empty());
  // Nor by the code flow's login form.
  AuthorizationRequest request;
  request.client_id = "conf";
  request.username = "bob";
  request.password = "pw";
  EXPECT_EQ(refusal(first.issue_authorization_code(request)), 200s);

  // The window passes: allowed again.
  now_ += 199s;
  EXPECT_EQ(refusal(first.password_grant({"conf", "s"}, "bob", "pw", std::nullopt)), 1s);
  now_ += 1s;
  EXPECT_FALSE(
      run(second.password_grant({"conf", "s"}, "bob", "pw", std::nullopt)).access_token.empty());
  // A failure now opens a new window with one failure.
  EXPECT_EQ(error_of(first.password_grant({"conf", "s"}, "bob", "x4", std::nullopt)),
            AuthErrorCode::invalid_grant);
  EXPECT_EQ(count("\"_authattempt\" WHERE \"id\" = 'username:bob' AND \"failures\" = 1"), 1);
}

TEST_P(BrakeTest, FailedClientAuthenticationsAreCountedPerClient) {
  AuthServer first(db_, brake_options());
  AuthServer second(other_db(), brake_options());
  for (int i = 0; i < 5; ++i) {
    AuthServer& server = i % 2 ? second : first;
    EXPECT_EQ(error_of(server.client_credentials_grant({"conf", "wrong"}, std::nullopt)),
              AuthErrorCode::invalid_client);
  }
  EXPECT_EQ(refusal(first.client_credentials_grant({"conf", "s"}, std::nullopt)), 300s);
  EXPECT_EQ(refusal(second.password_grant({"conf", "s"}, "alice", "pw2", std::nullopt)), 300s);
  EXPECT_EQ(refusal(first.refresh_grant({"conf", "s"}, "x", std::nullopt)), 300s);
  EXPECT_EQ(refusal(first.revoke_token({"conf", "s"}, "x")), 300s);
  EXPECT_EQ(refusal(first.verify_client({"conf", "s"})), 300s);
  EXPECT_EQ(refusal(first.authenticate_client({"conf", "s"})), 300s);
  // Other clients are not braked.
  EXPECT_EQ(run(first.authenticate_client({"other", "s"})).id, "other");

  now_ += 300s;
  EXPECT_FALSE(
      run(second.client_credentials_grant({"conf", "s"}, std::nullopt)).access_token.empty());
}

TEST_P(BrakeTest, UnknownClientsAndUsernamesAreCountedToo) {
  AuthServer server(db_, brake_options());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(error_of(server.password_grant({"conf", "s"}, "ghost", "x", std::nullopt)),
              AuthErrorCode::invalid_grant);
  }
  EXPECT_EQ(refusal(server.password_grant({"conf", "s"}, "ghost", "x", std::nullopt)), 300s);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(error_of(server.authenticate_client({"ghost-client", "x"})),
              AuthErrorCode::invalid_client);
  }
  EXPECT_EQ(refusal(server.authenticate_client({"ghost-client", "x"})), 300s);
  // Rows of windows that are over are dropped at the next failure.
  now_ += 301s;
  EXPECT_EQ(error_of(server.authenticate_client({"conf", "wrong"})), AuthErrorCode::invalid_client);
  EXPECT_EQ(count("\"_authattempt\""), 1);
}

TEST_P(BrakeTest, ZeroLimitsTurnTheBrakeOff) {
  AuthServerOptions o = options();
  o.brake.max_failures_per_client = 0;
  o.brake.max_failures_per_username = 0;
  AuthServer server(db_, o);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(error_of(server.password_grant({"conf", "s"}, "bob", "x", std::nullopt)),
              AuthErrorCode::invalid_grant);
  }
  EXPECT_FALSE(
      run(server.password_grant({"conf", "s"}, "bob", "pw", std::nullopt)).access_token.empty());
  EXPECT_EQ(count("\"_authattempt\""), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthServerRevocationTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);
INSTANTIATE_TEST_SUITE_P(Dialects, BrakeTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth::testing
