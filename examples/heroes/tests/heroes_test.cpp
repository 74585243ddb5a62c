// The heroes example's tests, written with conduit's test harness: the channel served
// in-process on a fresh database built from migrations/ (SQLite, or PostgreSQL in a private
// schema when TEST_DATABASE_URL is set, seeds included), one server for the suite and a
// fresh database for every test (reset_data).
//
// Thread-safety: the suite's harness is used by the test thread only.
#include <gtest/gtest.h>

#include "conduit/test/expectations.hpp"
#include "conduit/test/harness.hpp"
#include "heroes_channel.hpp"

namespace {

using namespace conduit::test;

class HeroesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    harness_ = new TestHarness<heroes::HeroesChannel>(
        HarnessOptions{HEROES_DIR "/config.yaml", HEROES_DIR "/migrations", "", true});
    harness_->start();
  }
  static void TearDownTestSuite() { delete harness_; }
  void SetUp() override { harness_->reset_data(); }

  static inline TestHarness<heroes::HeroesChannel>* harness_ = nullptr;
};

// The migration seeds three heroes.
const BodyMatcher kSeeded = array({{{"id", 1}, {"name", "Mr. Nice"}},
                                   {{"id", 2}, {"name", "Narco"}},
                                   {{"id", 3}, {"name", "Bombasto"}}});

TEST_F(HeroesTest, HeroesAreCreatedListedAndRemoved) {
  const Agent agent = harness_->agent();
  EXPECT_TRUE(has_response(agent.get("/heroes"), 200, kSeeded));
  EXPECT_TRUE(has_response(agent.post("/heroes", {{"name", "Magneto"}}), 201,
                           object({{"id", any_integer()}, {"name", "Magneto"}})));
  EXPECT_TRUE(has_response(agent.get("/heroes/4"), 200, {{"id", 4}, {"name", "Magneto"}}));
  EXPECT_TRUE(has_status(agent.delete_("/heroes/4"), 204));
  EXPECT_TRUE(has_response(agent.get("/heroes"), 200, kSeeded));
}

TEST_F(HeroesTest, NamesAreUniqueAndValidated) {
  const Agent agent = harness_->agent();
  ASSERT_TRUE(has_status(agent.post("/heroes", {{"name", "Storm"}}), 201));
  EXPECT_TRUE(has_response(agent.post("/heroes", {{"name", "Storm"}}), 409,
                           partial({{"error", any_string()}})));
  EXPECT_TRUE(has_status(agent.post("/heroes", {{"name", ""}}), 400));
}

TEST_F(HeroesTest, EachTestStartsOnAFreshDatabase) {
  EXPECT_TRUE(has_status(harness_->agent().delete_("/heroes/1"), 204));
  harness_->reset_data();
  EXPECT_TRUE(has_response(harness_->agent().get("/heroes"), 200, kSeeded));
}

TEST_F(HeroesTest, BenchmarkEndpointsAnswer) {
  const Agent agent = harness_->agent();
  EXPECT_TRUE(has_response(agent.get("/json"), 200, {{"message", "Hello, World!"}}));
  const auto plaintext = agent.get("/plaintext");
  EXPECT_TRUE(has_status(plaintext, 200));
  EXPECT_EQ(plaintext.body, "Hello, World!");
}

}  // namespace
