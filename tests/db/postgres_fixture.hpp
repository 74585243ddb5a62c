// The fixture of the PostgreSQL-only db suites: skips without the CTest cluster, opens an
// admin Database for looking at the server from outside (pg_stat_activity), drops the
// tables a test registers in tables_, and counts a pool's connections on the server by
// their application_name.
//
// Thread-safety: one test thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conduit/db/database.hpp"
#include "support/db_test_support.hpp"

namespace conduit::db::testing {

class PostgresFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    CONDUIT_REQUIRE_POSTGRES();
    admin_ = Database::open(postgres_config());
  }
  void TearDown() override {
    for (const auto& table : tables_) {
      try {
        loop_.run(admin_->execute("DROP TABLE IF EXISTS " + table));
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    }
  }

  // A configuration whose connections carry their own application_name, so the server
  // can count them.
  static DatabaseConfiguration tagged_config(const std::string& tag) {
    auto config = postgres_config();
    config.parameters["application_name"] = tag;
    return config;
  }

  std::int64_t server_connections(const std::string& tag) {
    return loop_
        .run(admin_->execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                             tag))
        .front()
        .get<std::int64_t>(0);
  }

  Loop loop_;
  std::shared_ptr<Database> admin_;
  std::vector<std::string> tables_;
};

}  // namespace conduit::db::testing
