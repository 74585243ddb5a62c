// conduit_test_db_server: an application binary whose handlers hold PostgreSQL statements
// (CONDUIT_TEST_DATABASE_URL) for as long as asked, for process-level shutdown tests:
//   GET /pg_sleep/<seconds>  SELECT pg_sleep(seconds) on a shared (pipelined) connection
//   GET /tx_sleep/<seconds>  the same inside a transaction (a leased connection)
// Its channel closes the database in close(), as an application should.
// CONDUIT_TEST_MAX_CONNECTIONS sets maxConnectionCount (the process's total).
//
// Thread-safety: one channel per event loop.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "conduit/app/application.hpp"
#include "conduit/db/database.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/http_error.hpp"

namespace {

class SleepController : public conduit::Controller {
 public:
  explicit SleepController(std::shared_ptr<conduit::db::Database> db) : db_(std::move(db)) {}

  conduit::Task<conduit::Outcome> handle(conduit::Request& request) override {
    const std::string& path = request.path();
    if (path.starts_with("/pg_sleep/")) {
      const double seconds = std::stod(path.substr(10));
      co_await db_->execute("SELECT pg_sleep($1)", seconds);
      co_return conduit::Response::ok(boost::json::object{{"slept", seconds}});
    }
    if (path.starts_with("/tx_sleep/")) {
      const double seconds = std::stod(path.substr(10));
      co_await db_->transaction([seconds](conduit::db::Transaction& tx) -> conduit::Task<void> {
        co_await tx.execute("SELECT pg_sleep($1)", seconds);
      });
      co_return conduit::Response::ok(boost::json::object{{"slept", seconds}});
    }
    co_return std::nullopt;
  }

 private:
  std::shared_ptr<conduit::db::Database> db_;
};

class DbChannel : public conduit::ApplicationChannel {
 public:
  conduit::Task<void> prepare() override {
    const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
    if (!url) throw std::runtime_error("CONDUIT_TEST_DATABASE_URL is not set");
    auto config = conduit::DatabaseConfiguration::parse_url(url);
    // The process-wide maxConnectionCount, as a configuration file would set it.
    if (const char* max = std::getenv("CONDUIT_TEST_MAX_CONNECTIONS")) {
      config.max_connection_count = static_cast<std::uint32_t>(std::stoul(max));
    }
    db_ = conduit::db::Database::open(config);
    co_return;
  }
  std::shared_ptr<conduit::Controller> entry_point() override {
    return std::make_shared<SleepController>(db_);
  }
  conduit::Task<void> close() override {
    if (db_) co_await db_->close();
  }

 private:
  std::shared_ptr<conduit::db::Database> db_;
};

}  // namespace

int main(int argc, char** argv) { return conduit::run<DbChannel>(argc, argv, "test-db-app"); }
