// wildfire's tests: the channel served in-process by conduit's test harness on a fresh
// database built from migrations/ (a temporary SQLite file; TEST_DATABASE_URL=postgres://...
// runs them on PostgreSQL in a private schema dropped afterwards), called over a real socket.
#include <gtest/gtest.h>

#include "conduit/test/expectations.hpp"
#include "conduit/test/harness.hpp"
#include "wildfire_channel.hpp"

namespace {

using namespace conduit::test;

class WildfireTest : public ::testing::Test {
 protected:
  // One server for the suite; every test starts on an empty database.
  static void SetUpTestSuite() {
    harness_ = new TestHarness<wildfire::WildfireChannel>(
        HarnessOptions{PROJECT_DIR "/config.src.yaml", PROJECT_DIR "/migrations", "", true});
    harness_->start();
  }
  static void TearDownTestSuite() { delete harness_; }
  void SetUp() override { harness_->reset_data(); }

  static inline TestHarness<wildfire::WildfireChannel>* harness_ = nullptr;
};

TEST_F(WildfireTest, ExampleAnswersWithJson) {
  EXPECT_TRUE(has_response(harness_->agent().get("/example"), 200, {{"key", "value"}}));
}

TEST_F(WildfireTest, ModelsAreCreatedReadUpdatedAndDeleted) {
  const auto agent = harness_->agent();
  EXPECT_TRUE(has_response(agent.post("/model", {{"name", "first"}}), 201,
                           object({{"id", any_integer()}, {"name", "first"}})));
  EXPECT_TRUE(has_response(agent.get("/model"), 200, array({partial({{"name", "first"}})})));
  EXPECT_TRUE(has_response(agent.put("/model/1", {{"name", "renamed"}}), 200,
                           {{"id", 1}, {"name", "renamed"}}));
  EXPECT_TRUE(has_status(agent.delete_("/model/1"), 204));
  EXPECT_TRUE(has_status(agent.get("/model/1"), 404));
}

TEST_F(WildfireTest, InvalidInputIsRejected) {
  const auto agent = harness_->agent();
  EXPECT_TRUE(
      has_response(agent.post("/model", {{"name", ""}}), 400, partial({{"error", any_string()}})));
  EXPECT_TRUE(has_status(agent.post("/model", Body::raw("application/json", "not json")), 400));
}

TEST_F(WildfireTest, EachTestStartsOnAnEmptyDatabase) {
  EXPECT_TRUE(has_response(harness_->agent().get("/model"), 200, boost::json::array{}));
}

}  // namespace
