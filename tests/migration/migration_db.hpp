// Test support: a fixture parameterised over the two dialects that gives each test an
// empty database of its own (PostgreSQL: a fresh schema t_<random> in the CTest fixture's
// throwaway cluster, every pooled connection pointed at it by search_path; skipped when
// CONDUIT_TEST_DATABASE_URL is unset. SQLite: a temporary file), applies migration SQL the
// way the upgrade runner does, and compares the catalog with an expected schema.
//
// Thread-safety: one fixture per test, driven from the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "conduit/db/database.hpp"
#include "conduit/migration/migration_sql.hpp"
#include "conduit/migration/replay.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "support/db_test_support.hpp"

namespace conduit::migration::testing {

inline std::string dialect_name(const ::testing::TestParamInfo<db::Dialect>& info) {
  return info.param == db::Dialect::postgres ? "Postgres" : "Sqlite";
}

inline std::string random_suffix() {
  std::random_device device;
  std::mt19937_64 generator((std::uint64_t{device()} << 32) ^ device());
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) out += digits[generator() % 16];
  return out;
}

// Column builders for the tests' schemas.
inline orm::SchemaColumn key_column(std::string name = "id") {
  return {.name = std::move(name),
          .type = orm::ColumnType::big_integer,
          .primary_key = true,
          .autoincrement = true};
}
inline orm::SchemaColumn column(std::string name, orm::ColumnType type, bool nullable = false) {
  return {.name = std::move(name), .type = type, .nullable = nullable};
}
inline orm::SchemaColumn reference(std::string name, std::string table, orm::DeleteRule rule,
                                   bool indexed = true) {
  return {.name = std::move(name),
          .type = orm::ColumnType::big_integer,
          .nullable = true,
          .indexed = indexed,
          .relationship = orm::ForeignKey{std::move(table), "id", rule}};
}

// team: a unique and indexed name, a unique set; hero: an indexed name, a foreign key to
// team, one to itself (mentor), a unique set.
inline orm::Schema hero_schema() {
  orm::SchemaColumn name = column("name", orm::ColumnType::text);
  name.unique = true;
  name.indexed = true;
  orm::SchemaColumn founded = column("founded", orm::ColumnType::integer, true);
  founded.default_value = "1990";
  orm::SchemaColumn hero_name = column("name", orm::ColumnType::text);
  hero_name.indexed = true;
  return orm::Schema{
      {orm::SchemaTable{
           .name = "team",
           .columns = {key_column(), name, column("city", orm::ColumnType::text, true), founded},
           .unique_sets = {{"name", "city"}}},
       orm::SchemaTable{
           .name = "hero",
           .columns = {key_column(), hero_name, column("power", orm::ColumnType::integer, true),
                       reference("team_id", "team", orm::DeleteRule::nullify),
                       reference("mentor_id", "hero", orm::DeleteRule::cascade, false)},
           .unique_sets = {{"name", "team_id"}}}}};
}

// Teams 1 red (rome), 2 blue; heroes 1 ann (power 5, red), 2 bob (blue, mentor ann),
// 3 cy (no team, mentor ann).
inline const char* hero_rows() {
  return "INSERT INTO team (name, city) VALUES ('red', 'rome'), ('blue', NULL);"
         "INSERT INTO hero (name, power, team_id, mentor_id) VALUES ('ann', 5, 1, NULL),"
         "('bob', NULL, 2, 1), ('cy', NULL, NULL, 1)";
}

class MigrationDbTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    DatabaseConfiguration config;
    if (postgres()) {
      CONDUIT_REQUIRE_POSTGRES();
      schema_name_ = "t_" + random_suffix();
      admin("CREATE SCHEMA " + schema_name_);
      config = db::testing::postgres_config();
      config.parameters["options"] = "-c search_path=" + schema_name_;
    } else {
      file_ = std::filesystem::temp_directory_path() / ("conduit_msql_" + random_suffix() + ".db");
      config = DatabaseConfiguration::parse_url("sqlite://" + file_.string());
    }
    db_ = db::Database::open(config, db::DatabaseOptions{.max_connections = 2});
  }

  void TearDown() override {
    if (db_) run(db_->close());
    db_.reset();
    if (!schema_name_.empty()) admin("DROP SCHEMA " + schema_name_ + " CASCADE");
    if (!file_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(file_.string() + suffix);
      }
    }
  }

  bool postgres() const { return GetParam() == db::Dialect::postgres; }

  template <class X>
  X run(Task<X> task) {
    return loop_.run(std::move(task));
  }

  // Runs `statements` as the upgrade runner does: in one transaction, on SQLite with
  // foreign-key enforcement off around it and PRAGMA foreign_key_check before COMMIT.
  void apply(const std::vector<std::string>& statements) {
    if (!postgres()) run(db_->execute("PRAGMA foreign_keys = OFF"));
    try {
      run(db_->transaction([&](db::Transaction& tx) -> Task<void> {
        for (const std::string& sql : statements) {
          try {
            co_await tx.execute_script(sql);
          } catch (const db::DatabaseError& error) {
            throw std::runtime_error(std::string(error.what()) + "\n  in: " + sql);
          }
        }
        if (tx.dialect() == db::Dialect::sqlite) {
          db::Result broken = co_await tx.execute("PRAGMA foreign_key_check");
          if (!broken.empty()) {
            throw std::runtime_error("foreign_key_check: table " +
                                     broken.front().get<std::string>(0) + " has broken references");
          }
        }
      }));
    } catch (...) {
      if (!postgres()) run(db_->execute("PRAGMA foreign_keys = ON"));
      throw;
    }
    if (!postgres()) run(db_->execute("PRAGMA foreign_keys = ON"));
  }

  // Creates `schema` (as the first migration would) and makes it the current one.
  void create(const orm::Schema& schema) {
    apply(migration::create_schema_sql(schema, GetParam()));
    schema_ = schema;
  }

  // Applies `op` to the database and to schema_, then checks the catalog against schema_.
  void step(const Operation& op) {
    SCOPED_TRACE(describe(op));
    apply(operation_sql(op, schema_, GetParam()));
    apply_operation(schema_, op);
    expect_catalog(schema_);
  }

  // Applies a whole migration with migration_sql() and checks the catalog.
  void steps(const std::vector<Operation>& operations) {
    apply(migration_sql(operations, schema_, GetParam()));
    apply_operations(schema_, operations);
    expect_catalog(schema_);
  }

  void expect_catalog(const orm::Schema& expected) {
    const Catalog catalog = run(read_catalog(*db_));
    const orm::Schema wanted = comparable(expected, GetParam());
    EXPECT_EQ(catalog.schema, wanted)
        << "catalog:  " << boost::json::serialize(orm::to_json(catalog.schema))
        << "\nexpected: " << boost::json::serialize(orm::to_json(wanted));
    EXPECT_EQ(catalog.names, expected_names(expected, GetParam()));
  }

  // hero_schema() with hero_rows().
  void create_heroes() {
    create(hero_schema());
    run(db_->execute_script(hero_rows()));
  }

  // The values of a one-column query, NULL as "null".
  std::vector<std::string> strings(const std::string& sql) {
    std::vector<std::string> out;
    for (const db::Row& row : query(sql)) {
      out.push_back(row.is_null(0) ? "null" : row[0].as<std::string>());
    }
    return out;
  }

  db::Result query(const std::string& sql) { return run(db_->execute(sql)); }
  std::int64_t count(const std::string& sql) { return query(sql).front().get<std::int64_t>(0); }

  db::testing::Loop loop_;
  std::shared_ptr<db::Database> db_;
  orm::Schema schema_;

 private:
  // Runs one statement on a connection of its own (outside the test's schema).
  void admin(const std::string& sql) {
    auto db = db::Database::open(db::testing::postgres_config(),
                                 db::DatabaseOptions{.max_connections = 1});
    run(db->execute(sql));
    run(db->close());
  }

  std::string schema_name_;
  std::filesystem::path file_;
};

}  // namespace conduit::migration::testing
