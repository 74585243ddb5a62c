// conduit::migration::TestDatabase: a fresh, private database schema for one test or one
// suite of an application's tests, built from its migration files (or its data model).
//
//   // PostgreSQL: a new schema "conduit_test_<random>" in the server's database, which
//   // every connection of configuration() uses (through search_path); dropped with CASCADE
//   // by the destructor. Tests running in parallel never see each other's tables.
//   auto db = migration::TestDatabase::create(
//       DatabaseConfiguration::parse_url(std::getenv("DATABASE_URL")),
//       migration::TestDatabase::from_migrations("migrations"));
//   // SQLite: a new database file in a temporary directory, removed by the destructor.
//   auto db = migration::TestDatabase::create_sqlite(
//       migration::TestDatabase::from_model(MyChannel::data_model().schema()));
//   write_config("database: " + db.url());   // or use db.configuration() directly
//
// from_migrations applies the files exactly as `db upgrade` does (so the test exercises
// them, seeds included); from_model creates the model's tables directly (faster, no files).
// create() and the destructor run a private event loop on the calling thread until they are
// done, so call them from a test's SetUp/TearDown (or a suite's), never from a handler.
//
// Thread-safety: a TestDatabase is owned by one test; create() and the destructor block.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "conduit/config/database_configuration.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration {

class TestDatabase {
 public:
  struct FromMigrations {
    std::filesystem::path directory;
  };
  struct FromModel {
    orm::Schema schema;
  };
  using Source = std::variant<FromMigrations, FromModel>;
  static Source from_migrations(std::filesystem::path directory) {
    return FromMigrations{std::move(directory)};
  }
  static Source from_model(orm::Schema schema) { return FromModel{std::move(schema)}; }

  // `server` is a PostgreSQL (its own schema inside) or SQLite configuration (a fresh file
  // is used instead of its database_name). Throws MigrationError, db::DatabaseError or
  // ConfigError.
  static TestDatabase create(const DatabaseConfiguration& server, const Source& source);
  static TestDatabase create_sqlite(const Source& source);

  TestDatabase(TestDatabase&&) noexcept;
  TestDatabase& operator=(TestDatabase&&) noexcept;
  ~TestDatabase();

  // Where the test's database is: hand it to Database::open or to the app's config.
  const DatabaseConfiguration& configuration() const noexcept;
  // The same as a URL (with the password: for test configuration files, never for logs).
  std::string url() const;
  // PostgreSQL: the schema's name; SQLite: the file.
  const std::string& name() const noexcept;

 private:
  struct State;
  explicit TestDatabase(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace conduit::migration
