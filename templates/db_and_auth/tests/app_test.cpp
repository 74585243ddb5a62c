// wildfire's tests: the channel served in-process by conduit's test harness on a fresh
// database built from migrations/ (a temporary SQLite file; TEST_DATABASE_URL=postgres://...
// runs them on PostgreSQL in a private schema dropped afterwards), with an OAuth 2.0 client
// added for each test (add_client) and users registered and logged in (login_user).
#include <gtest/gtest.h>

#include <optional>

#include "conduit/test/expectations.hpp"
#include "conduit/test/harness.hpp"
#include "wildfire_channel.hpp"

namespace {

using namespace conduit::test;

class WildfireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.start();
    client_ = harness_.add_client("com.wildfire.test", "kilimanjaro");
  }
  // Registers `username` (the client's Basic credentials) and logs them in.
  Agent registered(const std::string& username, const std::string& password) {
    const auto reply = client_->post("/register", {{"username", username}, {"password", password}});
    EXPECT_TRUE(has_status(reply, 200));
    return harness_.login_user(*client_, username, password);
  }

  TestHarness<wildfire::WildfireChannel> harness_{
      HarnessOptions{PROJECT_DIR "/config.src.yaml", PROJECT_DIR "/migrations", "", true}};
  std::optional<Agent> client_;
};

TEST_F(WildfireTest, RegisterAnswersWithATokenForTheNewUser) {
  EXPECT_TRUE(has_response(client_->post("/register", {{"username", "bob"}, {"password", "pw"}}),
                           200,
                           partial({{"access_token", non_empty_string()},
                                    {"refresh_token", non_empty_string()},
                                    {"token_type", "bearer"},
                                    {"expires_in", any_integer()}})));
  // Only a registered client may register users, and a name only once.
  EXPECT_TRUE(
      has_status(harness_.agent().post("/register", {{"username", "x"}, {"password", "y"}}), 401));
  EXPECT_TRUE(
      has_status(client_->post("/register", {{"username", "bob"}, {"password", "p2"}}), 409));
}

TEST_F(WildfireTest, LoggedInUsersSeeThemselves) {
  const Agent bob = registered("bob", "pw");
  EXPECT_TRUE(has_response(bob.get("/me"), 200,
                           partial({{"id", any_integer()},
                                    {"username", "bob"},
                                    {"hashedPassword", absent()},
                                    {"salt", absent()}})));
  EXPECT_TRUE(has_status(harness_.agent().get("/me"), 401));
  EXPECT_THROW(harness_.login_user(*client_, "bob", "wrong"), std::runtime_error);
}

TEST_F(WildfireTest, ModelsNeedASignedInUser) {
  EXPECT_TRUE(has_status(harness_.agent().get("/model"), 401));
  const Agent bob = registered("bob", "pw");
  EXPECT_TRUE(has_response(bob.post("/model", {{"name", "first"}}), 201,
                           object({{"id", any_integer()}, {"name", "first"}})));
  EXPECT_TRUE(has_response(bob.get("/model"), 200, array({partial({{"name", "first"}})})));
}

TEST_F(WildfireTest, ExampleAnswersWithJson) {
  EXPECT_TRUE(has_response(harness_.agent().get("/example"), 200, {{"key", "value"}}));
}

}  // namespace
