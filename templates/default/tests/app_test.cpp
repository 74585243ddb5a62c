// wildfire's tests: the application started in-process on a free port (as `conduit serve`
// would start it) and called over a real socket.
#include <gtest/gtest.h>

#include <memory>

#include "conduit/app/application.hpp"
#include "http_client.hpp"
#include "wildfire_channel.hpp"

namespace {

class WildfireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conduit::ApplicationOptions options;
    options.address = "127.0.0.1";
    options.port = 0;  // any free port
    options.log_requests = false;
    app_ = std::make_unique<conduit::Application>(
        conduit::application_spec<wildfire::WildfireChannel>("wildfire"), options);
    app_->start();
  }

  test_support::Reply request(const std::string& method, const std::string& target) {
    return test_support::request(app_->port(), method, target);
  }

  std::unique_ptr<conduit::Application> app_;  // stopped by its destructor
};

TEST_F(WildfireTest, ExampleAnswersWithJson) {
  const auto reply = request("GET", "/example");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"key":"value"})");
}

TEST_F(WildfireTest, UnknownPathIsNotFound) { EXPECT_EQ(request("GET", "/nothing").status, 404); }

}  // namespace
