// Test support: a fixture parameterised over the two dialects. It opens a one-connection
// database of the parameter's dialect on a real loop; on PostgreSQL (the CTest fixture's
// throwaway cluster) it works inside a schema of its own, so parallel tests never share
// tables, and skips when CONDUIT_TEST_DATABASE_URL is unset.
//
// Thread-safety: one fixture per test, driven from the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "conduit/db/database.hpp"
#include "support/db_test_support.hpp"

namespace conduit::orm::testing {

inline std::string dialect_name(const ::testing::TestParamInfo<db::Dialect>& info) {
  return info.param == db::Dialect::postgres ? "Postgres" : "Sqlite";
}

class DialectTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  bool postgres() const { return GetParam() == db::Dialect::postgres; }

  // Opens db_, or skips the test when no PostgreSQL is configured (callers check
  // IsSkipped() afterwards).
  void open_database(std::string_view schema_prefix) {
    if (postgres() && !db::testing::postgres_url()) {
      GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set";
    }
    db_ = db::Database::open(
        postgres() ? db::testing::postgres_config() : db::testing::sqlite_memory_config(),
        db::DatabaseOptions{.max_connections = 1});
    if (postgres()) {
      schema_ = db::testing::unique_name(std::string(schema_prefix));
      run(db_->execute_script("CREATE SCHEMA " + schema_ + "; SET search_path TO " + schema_));
    }
  }

  // Drops the PostgreSQL schema, or runs `drop_sqlite` on SQLite, and closes db_.
  void close_database(const std::string& drop_sqlite) {
    if (!db_) return;
    if (!schema_.empty()) {
      run(db_->execute_script("DROP SCHEMA " + schema_ + " CASCADE"));
    } else if (!drop_sqlite.empty()) {
      run(db_->execute_script(drop_sqlite));
    }
    run(db_->close());
  }

  template <class X>
  X run(Task<X> task) {
    return loop_.run(std::move(task));
  }

  db::testing::Loop loop_;
  std::shared_ptr<db::Database> db_;
  std::string schema_;
};

}  // namespace conduit::orm::testing
