// wildfire's tests: the application started in-process on a free port (as `conduit serve`
// would start it) on a fresh database built from migrations/, called over a real socket.
// SQLite by default; TEST_DATABASE_URL=postgres://... runs them on PostgreSQL, in a private
// schema dropped afterwards.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "conduit/app/application.hpp"
#include "conduit/migration/test_database.hpp"
#include "http_client.hpp"
#include "wildfire_channel.hpp"

namespace {

namespace fs = std::filesystem;
using conduit::migration::TestDatabase;

class WildfireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto migrations = TestDatabase::from_migrations(PROJECT_DIR "/migrations");
    const char* url = std::getenv("TEST_DATABASE_URL");
    database_.emplace(
        url != nullptr && *url != '\0'
            ? TestDatabase::create(conduit::DatabaseConfiguration::parse_url(url), migrations)
            : TestDatabase::create_sqlite(migrations));
    // The application reads its configuration file, as when served: one naming the test's
    // database.
    std::string pattern = (fs::temp_directory_path() / "wildfire-test-XXXXXX.yaml").string();
    const int fd = ::mkstemps(pattern.data(), 5);
    ASSERT_GE(fd, 0);
    ::close(fd);
    config_path_ = pattern;
    std::ofstream(config_path_) << "database: \"" << database_->url() << "\"\n";

    conduit::ApplicationOptions options;
    options.address = "127.0.0.1";
    options.port = 0;  // any free port
    options.log_requests = false;
    options.config_path = config_path_.string();
    app_ = std::make_unique<conduit::Application>(
        conduit::application_spec<wildfire::WildfireChannel>("wildfire"), options);
    app_->start();
  }
  void TearDown() override {
    app_.reset();  // stops the server before its database goes
    database_.reset();
    fs::remove(config_path_);
  }

  test_support::Reply request(const std::string& method, const std::string& target,
                              const std::string& body = "") {
    return test_support::request(app_->port(), method, target, body);
  }

  std::optional<TestDatabase> database_;
  fs::path config_path_;
  std::unique_ptr<conduit::Application> app_;
};

TEST_F(WildfireTest, ExampleAnswersWithJson) {
  EXPECT_EQ(request("GET", "/example").body, R"({"key":"value"})");
}

TEST_F(WildfireTest, ModelsAreCreatedReadUpdatedAndDeleted) {
  const auto created = request("POST", "/model", R"({"name":"first"})");
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.body, R"({"id":1,"name":"first"})");
  EXPECT_EQ(request("GET", "/model").body, R"([{"id":1,"name":"first"}])");
  EXPECT_EQ(request("PUT", "/model/1", R"({"name":"renamed"})").body,
            R"({"id":1,"name":"renamed"})");
  EXPECT_EQ(request("DELETE", "/model/1").status, 204);
  EXPECT_EQ(request("GET", "/model/1").status, 404);
}

TEST_F(WildfireTest, InvalidInputIsRejected) {
  EXPECT_EQ(request("POST", "/model", R"({"name":""})").status, 400);
  EXPECT_EQ(request("POST", "/model", "not json").status, 400);
}

}  // namespace
