// The accounts example's tests, written with conduit's test harness: the channel served
// in-process on a fresh database built from migrations/ (SQLite, or PostgreSQL in a private
// schema when TEST_DATABASE_URL is set), a client added with add_client, users registered
// and logged in over a real socket. The tests hash with 1 PBKDF2 round
// (HarnessOptions::hash_rounds), as Conduit's tests lower hashRounds.
//
// Thread-safety: each test has its own harness and database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "accounts_channel.hpp"
#include "conduit/test/expectations.hpp"
#include "conduit/test/harness.hpp"

namespace {

using namespace conduit::test;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.start();
    client_ = harness_.add_client("com.accounts.test", "kilimanjaro");
  }

  TestHarness<accounts::AccountsChannel> harness_{
      HarnessOptions{.config_path = ACCOUNTS_DIR "/config.yaml",
                     .migrations = ACCOUNTS_DIR "/migrations",
                     .hash_rounds = 1}};
  std::optional<Agent> client_;
};

TEST_F(AccountsTest, RegisterAnswersWithATokenForTheNewUser) {
  const auto reply = client_->post("/register", {{"username", "bob"}, {"password", "foobaxqux"}});
  EXPECT_TRUE(has_response(reply, 200,
                           object({{"access_token", non_empty_string()},
                                   {"refresh_token", non_empty_string()},
                                   {"token_type", "bearer"},
                                   {"expires_in", any_integer()}})));
  EXPECT_TRUE(has_header(reply, "Cache-Control", "no-store"));
}

TEST_F(AccountsTest, RegisterNeedsTheClientsCredentialsAndAFreeName) {
  EXPECT_TRUE(
      has_status(harness_.agent().post("/register", {{"username", "a"}, {"password", "b"}}), 401));
  EXPECT_TRUE(
      has_status(client_->post("/register", {{"username", "bob"}, {"password", "pw1"}}), 200));
  EXPECT_TRUE(has_response(client_->post("/register", {{"username", "bob"}, {"password", "pw2"}}),
                           409, {{"error", "username is taken"}}));
}

TEST_F(AccountsTest, LoggedInUserSeesThemselves) {
  ASSERT_TRUE(
      has_status(client_->post("/register", {{"username", "bob"}, {"password", "pw"}}), 200));
  const Agent bob = harness_.login_user(*client_, "bob", "pw");
  EXPECT_TRUE(has_response(bob.get("/me"), 200,
                           partial({{"id", any_integer()},
                                    {"username", "bob"},
                                    {"hashedPassword", absent()},
                                    {"salt", absent()}})));
  EXPECT_TRUE(has_status(harness_.agent().get("/me"), 401));
  EXPECT_THROW(harness_.login_user(*client_, "bob", "wrong"), std::runtime_error);
}

TEST_F(AccountsTest, ResetDataStartsOverOnAnEmptyDatabase) {
  ASSERT_TRUE(
      has_status(client_->post("/register", {{"username", "bob"}, {"password", "pw"}}), 200));
  harness_.reset_data();
  client_ = harness_.add_client("com.accounts.test", "kilimanjaro");
  EXPECT_THROW(harness_.login_user(*client_, "bob", "pw"), std::runtime_error);
  EXPECT_TRUE(
      has_status(client_->post("/register", {{"username", "bob"}, {"password", "pw"}}), 200));
}

// Without HarnessOptions::hash_rounds, add_client hashes the secret with the rounds the
// application's configuration sets (auth.hash_rounds), so the application accepts it.
TEST(AccountsHashRounds, AddClientHashesWithTheConfiguredRounds) {
  const auto config = std::filesystem::temp_directory_path() /
                      ("accounts-rounds-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(config) << "database: sqlite:unused.db\nauth:\n  hash_rounds: 7\n";
  {
    TestHarness<accounts::AccountsChannel> harness(
        HarnessOptions{.config_path = config, .migrations = ACCOUNTS_DIR "/migrations"});
    harness.start();
    const Agent client = harness.add_client("com.accounts.rounds", "kilimanjaro");
    EXPECT_TRUE(
        has_status(client.post("/register", {{"username", "bob"}, {"password", "pw"}}), 200));
    EXPECT_NO_THROW(harness.login_user(client, "bob", "pw"));
  }
  std::filesystem::remove(config);
}

}  // namespace
