// TestDatabase: see test_database.hpp.
//
// Thread-safety: create() and the destructor block the calling thread on a private loop.
#include "conduit/migration/test_database.hpp"

#include <fmt/format.h>

#include <random>
#include <system_error>

#include "conduit/core/log.hpp"
#include "conduit/db/database.hpp"
#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/migrator.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "core/internal/run_blocking.hpp"

namespace conduit::migration {

struct TestDatabase::State {
  DatabaseConfiguration server;         // where the schema was created (PostgreSQL)
  DatabaseConfiguration configuration;  // what the test uses
  std::string name;
  std::filesystem::path directory;  // SQLite: the temporary directory
};

namespace {

std::string random_suffix() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> digits;
  return fmt::format("{:016x}", digits(device));
}

Task<void> fill(DatabaseConfiguration configuration, TestDatabase::Source source) {
  db::DatabaseOptions options;
  options.max_connections = 1;
  std::shared_ptr<db::Database> database = db::Database::open(configuration, options);
  std::exception_ptr failure;
  try {
    if (const auto* files = std::get_if<TestDatabase::FromMigrations>(&source)) {
      co_await upgrade(*database, read_migration_directory(files->directory));
    } else {
      const orm::Schema& schema = std::get<TestDatabase::FromModel>(source).schema;
      co_await database->transaction([&](db::Transaction& tx) -> Task<void> {
        co_await migration::create_schema(tx, schema);
      });
    }
  } catch (...) {
    failure = std::current_exception();
  }
  co_await database->close();
  if (failure) std::rethrow_exception(failure);
}

Task<void> run_statement(DatabaseConfiguration configuration, std::string sql) {
  db::DatabaseOptions options;
  options.max_connections = 1;
  std::shared_ptr<db::Database> database = db::Database::open(configuration, options);
  std::exception_ptr failure;
  try {
    co_await database->execute(sql);
  } catch (...) {
    failure = std::current_exception();
  }
  co_await database->close();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

TestDatabase::TestDatabase(std::unique_ptr<State> state) : state_(std::move(state)) {}
TestDatabase::TestDatabase(TestDatabase&&) noexcept = default;
TestDatabase& TestDatabase::operator=(TestDatabase&&) noexcept = default;

TestDatabase::~TestDatabase() {
  if (!state_) return;
  try {
    if (state_->configuration.is_sqlite()) {
      std::error_code ec;
      std::filesystem::remove_all(state_->directory, ec);
    } else {
      conduit::detail::run_blocking(
          run_statement(state_->server, fmt::format("DROP SCHEMA \"{}\" CASCADE", state_->name)));
    }
  } catch (const std::exception& error) {
    // A destructor must not throw; a leftover schema only costs space.
    log::warn("TestDatabase: could not remove {}: {}", state_->name, error.what());
  }
}

TestDatabase TestDatabase::create(const DatabaseConfiguration& server, const Source& source) {
  if (server.is_sqlite()) return create_sqlite(source);
  auto state = std::make_unique<State>();
  state->server = server;
  state->name = "conduit_test_" + random_suffix();
  state->configuration = server;
  // Every connection of the test's pool starts in the private schema.
  state->configuration.parameters["options"] = "-c search_path=" + state->name;
  conduit::detail::run_blocking(
      run_statement(server, fmt::format("CREATE SCHEMA \"{}\"", state->name)));
  TestDatabase database(std::move(state));  // from here on the destructor drops the schema
  conduit::detail::run_blocking(fill(database.state_->configuration, source));
  return database;
}

TestDatabase TestDatabase::create_sqlite(const Source& source) {
  auto state = std::make_unique<State>();
  state->directory = std::filesystem::temp_directory_path() / ("conduit-test-" + random_suffix());
  std::filesystem::create_directories(state->directory);
  state->name = (state->directory / "test.db").string();
  state->configuration.kind = DatabaseKind::sqlite;
  state->configuration.host.clear();
  state->configuration.port = 0;
  state->configuration.database_name = state->name;
  TestDatabase database(std::move(state));
  conduit::detail::run_blocking(fill(database.state_->configuration, source));
  return database;
}

const DatabaseConfiguration& TestDatabase::configuration() const noexcept {
  return state_->configuration;
}

std::string TestDatabase::url() const { return state_->configuration.url(); }

const std::string& TestDatabase::name() const noexcept { return state_->name; }

}  // namespace conduit::migration
