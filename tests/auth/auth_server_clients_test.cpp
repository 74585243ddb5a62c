// Tests of AuthServer's client functions (add, read, list, set scopes, remove,
// authenticate) on SQLite and PostgreSQL: secrets stored hashed, Conduit's rules for public
// clients, and a client added through one server accepted by another at once.
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <chrono>

#include "auth_server_test_support.hpp"

namespace conduit::auth::testing {
namespace {

using ClientsTest = AuthServerTest;

TEST_P(ClientsTest, AddsAndReadsConfidentialAndPublicClients) {
  run(server_->add_client({"com.example.web", "s3cret"}, "https://example.com/cb",
                          parse_scope_list("user profile.readonly")));
  run(server_->add_client({"com.example.cli", std::nullopt}));

  const auto web = run(server_->client("com.example.web"));
  ASSERT_TRUE(web.has_value());
  EXPECT_EQ(web->id, "com.example.web");
  EXPECT_FALSE(web->is_public);
  EXPECT_EQ(web->redirect_uri, "https://example.com/cb");
  EXPECT_EQ(to_string(web->allowed_scopes), "user profile.readonly");

  const auto cli = run(server_->client("com.example.cli"));
  ASSERT_TRUE(cli.has_value());
  EXPECT_TRUE(cli->is_public);
  EXPECT_FALSE(cli->redirect_uri.has_value());
  EXPECT_TRUE(cli->allowed_scopes.empty());

  EXPECT_FALSE(run(server_->client("nope")).has_value());

  const auto all = run(server_->clients());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "com.example.cli");
  EXPECT_TRUE(all[0].is_public);
  EXPECT_EQ(all[1].id, "com.example.web");
  EXPECT_FALSE(all[1].is_public);
}

TEST_P(ClientsTest, SecretIsStoredAsConduitsHashOnly) {
  run(server_->add_client({"app", "s3cret"}));
  const db::Result r = run(db_->execute(
      "SELECT \"hashedSecret\", \"salt\" FROM \"_authclient\" WHERE \"id\" = $1", "app"));
  ASSERT_EQ(r.size(), 1u);
  const auto hashed = r[0].get<std::string>(0);
  const auto salt = r[0].get<std::string>(1);
  EXPECT_EQ(salt.size(), 44u);
  EXPECT_EQ(hashed.find("s3cret"), std::string::npos);
  EXPECT_TRUE(verify_password("s3cret", salt, hashed));
  // A public client stores neither; an empty secret is no secret.
  run(server_->add_client({"pub", ""}));
  const db::Result p = run(db_->execute(
      "SELECT \"hashedSecret\", \"salt\" FROM \"_authclient\" WHERE \"id\" = $1", "pub"));
  EXPECT_TRUE(p[0].is_null(0));
  EXPECT_TRUE(p[0].is_null(1));
}

TEST_P(ClientsTest, DuplicateOrEmptyIdIsInvalidRequest) {
  run(server_->add_client({"app", "s3cret"}));
  EXPECT_EQ(error_of(server_->add_client({"app", "other"})), AuthErrorCode::invalid_request);
  EXPECT_EQ(error_of(server_->add_client({"", "other"})), AuthErrorCode::invalid_request);
  try {
    run(server_->add_client({"app", std::nullopt}));
    ADD_FAILURE() << "a duplicate id was added";
  } catch (const AuthServerError& e) {
    EXPECT_EQ(e.detail(), "Client ID 'app' already exists.");
    EXPECT_STREQ(e.what(), "invalid_request: Client ID 'app' already exists.");
  }
}

TEST_P(ClientsTest, PublicClientMayHaveARedirectUri) {
  // Unlike Conduit: it uses the code flow with PKCE.
  run(server_->add_client({"spa", std::nullopt}, "https://spa.example.com/cb"));
  EXPECT_EQ(run(server_->client("spa"))->redirect_uri, "https://spa.example.com/cb");
}

TEST_P(ClientsTest, AllowedScopesAreCollapsedAndReplaced) {
  run(server_->add_client({"app", "s"}, std::nullopt,
                          parse_scope_list("abc abc:def abc.readonly")));
  EXPECT_EQ(to_string(run(server_->client("app"))->allowed_scopes), "abc");

  EXPECT_TRUE(run(server_->set_allowed_scopes("app", parse_scope_list("x:y x z.readonly"))));
  EXPECT_EQ(to_string(run(server_->client("app"))->allowed_scopes), "x z.readonly");

  EXPECT_TRUE(run(server_->set_allowed_scopes("app", {})));
  EXPECT_TRUE(run(server_->client("app"))->allowed_scopes.empty());
  EXPECT_EQ(count("\"_authclient\" WHERE \"allowedScope\" IS NULL"), 1);

  EXPECT_FALSE(run(server_->set_allowed_scopes("nope", parse_scope_list("x"))));
}

TEST_P(ClientsTest, RemovesClients) {
  run(server_->add_client({"app", "s"}));
  EXPECT_TRUE(run(server_->remove_client("app")));
  EXPECT_FALSE(run(server_->remove_client("app")));
  EXPECT_FALSE(run(server_->client("app")).has_value());
  EXPECT_EQ(error_of(server_->authenticate_client({"app", "s"})), AuthErrorCode::invalid_client);
}

TEST_P(ClientsTest, AuthenticatesClients) {
  run(server_->add_client({"app", "s3cret"}, "https://example.com/cb", parse_scope_list("a")));
  run(server_->add_client({"pub", std::nullopt}));

  const ClientInfo app = run(server_->authenticate_client({"app", "s3cret"}));
  EXPECT_EQ(app.id, "app");
  EXPECT_FALSE(app.is_public);
  EXPECT_EQ(to_string(app.allowed_scopes), "a");
  EXPECT_TRUE(run(server_->authenticate_client({"pub", std::nullopt})).is_public);
  EXPECT_TRUE(run(server_->authenticate_client({"pub", ""})).is_public);

  EXPECT_EQ(error_of(server_->authenticate_client({"app", "wrong"})),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->authenticate_client({"app", "s3cre"})),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->authenticate_client({"app", std::nullopt})),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->authenticate_client({"app", ""})), AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->authenticate_client({"unknown", "s3cret"})),
            AuthErrorCode::invalid_client);
  EXPECT_EQ(error_of(server_->authenticate_client({"", ""})), AuthErrorCode::invalid_client);
  // A public client that sends a secret is refused (Conduit).
  EXPECT_EQ(error_of(server_->authenticate_client({"pub", "anything"})),
            AuthErrorCode::invalid_client);
}

TEST_P(ClientsTest, ClientAddedThroughOneServerIsAcceptedByAnotherAtOnce) {
  AuthServer& other = other_server();
  // The other server has looked for it before: nothing is cached.
  EXPECT_EQ(error_of(other.authenticate_client({"late", "s"})), AuthErrorCode::invalid_client);
  run(server_->add_client({"late", "s"}));
  EXPECT_EQ(run(other.authenticate_client({"late", "s"})).id, "late");
  run(other.set_allowed_scopes("late", parse_scope_list("x")));
  EXPECT_EQ(to_string(run(server_->client("late"))->allowed_scopes), "x");
  run(other.remove_client("late"));
  EXPECT_EQ(error_of(server_->authenticate_client({"late", "s"})), AuthErrorCode::invalid_client);
}

TEST_P(ClientsTest, UnknownClientTakesAboutAsLongAsAWrongSecret) {
#if defined(__SANITIZE_ADDRESS__)
  // Under ASan the instrumented statement and bookkeeping code, not the (uninstrumented)
  // OpenSSL hash, dominates and varies by several times between runs; the Release build
  // checks the timing.
  GTEST_SKIP() << "timing comparison not meaningful under the sanitizers";
#endif
  // Enough rounds that the hash dominates a statement's time.
  AuthServerOptions slow = options();
  slow.hashing.rounds = 100'000;
  slow.brake.max_failures_per_client = 0;
  AuthServer server(db_, slow);
  run(server.add_client({"app", "s3cret"}));
  // CPU time of this thread, which runs the loop and so the hashing (the statement runs in
  // the server or SQLite's own thread): unlike wall time, it does not grow when other
  // processes load the machine, so the comparison holds on a busy CI machine.
  auto thread_cpu = [] {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
  };
  auto time_of = [&](const ClientCredentials& credentials) {
    auto best = std::chrono::nanoseconds::max();
    for (int i = 0; i < 3; ++i) {
      const auto start = thread_cpu();
      EXPECT_EQ(error_of(server.authenticate_client(credentials)), AuthErrorCode::invalid_client);
      best = std::min(best, std::chrono::nanoseconds(thread_cpu() - start));
    }
    return best;
  };
  const auto wrong_secret = time_of({"app", "wrong"});
  const auto unknown = time_of({"nobody", "wrong"});
  EXPECT_GT(unknown * 3, wrong_secret);
  EXPECT_GT(wrong_secret * 3, unknown);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ClientsTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth::testing
