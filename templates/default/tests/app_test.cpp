// wildfire's tests: the channel served in-process on a free port by conduit's test harness
// (with config.src.yaml, as Conduit's harness does) and called over a real socket.
#include <gtest/gtest.h>

#include "conduit/test/expectations.hpp"
#include "conduit/test/harness.hpp"
#include "wildfire_channel.hpp"

namespace {

using namespace conduit::test;

class WildfireTest : public ::testing::Test {
 protected:
  void SetUp() override { harness_.start(); }

  TestHarness<wildfire::WildfireChannel> harness_{
      HarnessOptions{PROJECT_DIR "/config.src.yaml", PROJECT_DIR "/migrations", "", true}};
};

TEST_F(WildfireTest, ExampleAnswersWithJson) {
  EXPECT_TRUE(has_response(harness_.agent().get("/example"), 200, {{"key", "value"}}));
}

TEST_F(WildfireTest, UnknownPathsAreNotFound) {
  EXPECT_TRUE(has_status(harness_.agent().get("/nowhere"), 404));
}

}  // namespace
