// Applies the SQL of column alterations, unique-set changes and raw SQL to real databases
// (SQLite file, PostgreSQL schema; see migration_db.hpp), reads the catalog back and checks
// the behaviour the new schema promises; also the SQLite rebuild of a table others refer
// to, failures that roll back, and the errors for what a dialect cannot do.
//
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_sql.hpp"
#include "migration_db.hpp"

namespace conduit::migration {
namespace {

using orm::ColumnType;
using orm::DeleteRule;
using testing::column;
using testing::dialect_name;
using testing::MigrationDbTest;
using Strings = std::vector<std::string>;

class MigrationAlterApplyTest : public MigrationDbTest {};

TEST_P(MigrationAlterApplyTest, NullabilityWithAnInitialValueForNullRows) {
  create_heroes();
  step(AlterColumn{.table = "hero", .column = "power", .nullable = false, .initial_value = "0"});
  EXPECT_EQ(strings("SELECT power FROM hero ORDER BY id"), (Strings{"5", "0", "0"}));
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (name) VALUES ('x')")), db::DatabaseError);
  step(AlterColumn{.table = "hero", .column = "power", .nullable = true});
  run(db_->execute("INSERT INTO hero (name) VALUES ('x')"));
  EXPECT_EQ(strings("SELECT coalesce(mentor_id, 0) FROM hero ORDER BY id"),
            (Strings{"0", "1", "1", "0"}));
}

TEST_P(MigrationAlterApplyTest, SetAndDropADefault) {
  create_heroes();
  step(AlterColumn{.table = "hero", .column = "power", .default_value = std::optional("7")});
  run(db_->execute("INSERT INTO hero (name) VALUES ('x')"));
  step(AlterColumn{
      .table = "team", .column = "founded", .default_value = std::optional<std::string>()});
  step(AlterColumn{
      .table = "hero", .column = "power", .default_value = std::optional<std::string>()});
  run(db_->execute("INSERT INTO hero (name) VALUES ('y')"));
  EXPECT_EQ(strings("SELECT power FROM hero WHERE name IN ('x', 'y') ORDER BY id"),
            (Strings{"7", "null"}));
  run(db_->execute("INSERT INTO team (name) VALUES ('green')"));
  EXPECT_EQ(strings("SELECT founded FROM team WHERE name = 'green'"), Strings{"null"});
}

TEST_P(MigrationAlterApplyTest, AddAndDropUniqueAndIndex) {
  create_heroes();
  step(AlterColumn{.table = "hero", .column = "name", .unique = true, .indexed = false});
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (name) VALUES ('ann')")), db::DatabaseError);
  step(AlterColumn{.table = "hero", .column = "power", .indexed = true});
  step(AlterColumn{.table = "hero", .column = "name", .unique = false});
  step(AlterColumn{.table = "team", .column = "name", .unique = false});
  run(db_->execute("INSERT INTO team (name, city) VALUES ('red', 'oslo')"));
  step(AlterColumn{.table = "hero", .column = "power", .indexed = false});
  EXPECT_EQ(count("SELECT count(*) FROM hero"), 3);
}

TEST_P(MigrationAlterApplyTest, ChangeADeleteRule) {
  create_heroes();
  step(AlterColumn{.table = "hero", .column = "team_id", .on_delete = DeleteRule::cascade});
  run(db_->execute("DELETE FROM team WHERE id = 2"));
  EXPECT_EQ(strings("SELECT name FROM hero ORDER BY id"), (Strings{"ann", "cy"}));
  step(AlterColumn{.table = "hero", .column = "team_id", .on_delete = DeleteRule::restrict});
  EXPECT_THROW(run(db_->execute("DELETE FROM team WHERE id = 1")), db::DatabaseError);
  step(AlterColumn{.table = "hero", .column = "mentor_id", .on_delete = DeleteRule::nullify});
  run(db_->execute("DELETE FROM hero WHERE id = 1"));
  EXPECT_EQ(strings("SELECT coalesce(mentor_id, 0) FROM hero ORDER BY id"), Strings{"0"});
}

TEST_P(MigrationAlterApplyTest, SeveralChangesAtOnce) {
  create_heroes();
  step(AlterColumn{.table = "team",
                   .column = "city",
                   .nullable = false,
                   .unique = true,
                   .indexed = true,
                   .default_value = std::optional("'nowhere'"),
                   .initial_value = "'paris'"});
  EXPECT_EQ(strings("SELECT city FROM team ORDER BY id"), (Strings{"rome", "paris"}));
  run(db_->execute("INSERT INTO team (name) VALUES ('green')"));
  EXPECT_THROW(run(db_->execute("INSERT INTO team (name) VALUES ('pink')")), db::DatabaseError);
}

TEST_P(MigrationAlterApplyTest, ReplaceUniqueSets) {
  create_heroes();
  step(AlterUniqueSets{"hero", {{"name"}, {"power", "team_id"}}});
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (name) VALUES ('ann')")), db::DatabaseError);
  step(AlterUniqueSets{"hero", {{"name", "mentor_id"}, {"power", "team_id"}, {"power"}}});
  step(AlterUniqueSets{"hero", {}});
  step(AlterUniqueSets{"team", {{"city", "founded"}}});
  run(db_->execute("INSERT INTO hero (name, power) VALUES ('ann', 5)"));
  EXPECT_EQ(count("SELECT count(*) FROM hero"), 4);
}

// On SQLite altering team or hero rebuilds them: hero's REFERENCES "team" and its own
// REFERENCES "hero" must still mean the rebuilt tables, and AUTOINCREMENT must not reuse a
// key a deleted row had.
TEST_P(MigrationAlterApplyTest, RebuildingReferencedTablesKeepsReferencesAndKeys) {
  create_heroes();
  run(db_->execute("INSERT INTO team (name) VALUES ('green')"));
  run(db_->execute("DELETE FROM team WHERE name = 'green'"));
  step(
      AlterColumn{.table = "team", .column = "city", .nullable = false, .initial_value = "'none'"});
  step(AlterColumn{.table = "hero", .column = "name", .unique = true});
  run(db_->execute("INSERT INTO team (name, city) VALUES ('pink', 'oslo')"));
  EXPECT_EQ(strings("SELECT id FROM team WHERE name = 'pink'"), Strings{"4"});
  EXPECT_EQ(strings("SELECT name || '/' || coalesce(team_id, 0) || '/' || coalesce(mentor_id, 0) "
                    "FROM hero ORDER BY id"),
            (Strings{"ann/1/0", "bob/2/1", "cy/0/1"}));
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (name, team_id) VALUES ('x', 99)")),
               db::DatabaseError);
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (name, mentor_id) VALUES ('x', 99)")),
               db::DatabaseError);
  run(db_->execute("DELETE FROM team WHERE id = 2"));  // SET NULL still works
  run(db_->execute("DELETE FROM hero WHERE id = 1"));  // CASCADE still works
  EXPECT_EQ(count("SELECT count(*) FROM hero"), 0);
}

TEST_P(MigrationAlterApplyTest, RawSqlPicksTheDialectsText) {
  create_heroes();
  step(RawSql{.sql = "INSERT INTO team (name) VALUES ('any')",
              .postgres = "INSERT INTO team (name) VALUES ('pg'); INSERT INTO team (name) "
                          "VALUES ('pg2')",
              .sqlite = "INSERT INTO team (name) VALUES ('lite')"});
  step(RawSql{.sql = "INSERT INTO team (name) VALUES ('any')"});
  EXPECT_TRUE(operation_sql(RawSql{}, schema_, GetParam()).empty());
  EXPECT_TRUE(operation_sql(RawSql{.postgres = "SELECT 1"}, schema_, db::Dialect::sqlite).empty());
  EXPECT_EQ(strings("SELECT name FROM team WHERE id > 2 ORDER BY id"),
            postgres() ? (Strings{"pg", "pg2", "any"}) : (Strings{"lite", "any"}));
}

// A statement that fails rolls the whole migration back, a SQLite rebuild included.
TEST_P(MigrationAlterApplyTest, AFailingMigrationLeavesTheSchemaAsItWas) {
  create_heroes();
  const std::vector<Operation> operations = {
      AddColumn{"hero", column("extra", ColumnType::text, true)},
      AlterColumn{.table = "hero", .column = "power", .unique = true},
      AlterColumn{.table = "hero", .column = "team_id", .nullable = false}};  // cy has none
  const std::vector<std::string> sql = migration_sql(operations, schema_, GetParam());
  EXPECT_THROW(apply(sql), std::runtime_error);
  expect_catalog(testing::hero_schema());
  EXPECT_EQ(count("SELECT count(*) FROM hero"), 3);
}

TEST_P(MigrationAlterApplyTest, ErrorsNameTheProblem) {
  create_heroes();
  try {
    operation_sql(DeleteColumn{"hero", "nope"}, schema_, GetParam());
    ADD_FAILURE() << "expected a MigrationError";
  } catch (const MigrationError& error) {
    EXPECT_EQ(error.message(), "table 'hero' has no column 'nope'");
  }
  try {
    migration_sql({AddColumn{"hero", column("a", ColumnType::text, true)}, DeleteTable{"team"}},
                  schema_, GetParam());
    ADD_FAILURE() << "expected a MigrationError";
  } catch (const MigrationError& error) {
    EXPECT_EQ(error.key(), "operations[1]");
    EXPECT_NE(error.message().find("'hero.team_id' refers to it"), std::string::npos)
        << error.message();
  }
  // A counter that is not the key: PostgreSQL has SERIAL, SQLite only a rowid alias.
  orm::SchemaColumn counter = column("counter", ColumnType::integer);
  counter.autoincrement = true;
  const AddColumn add{"hero", counter};
  if (postgres()) {
    step(add);
    EXPECT_EQ(count("SELECT count(DISTINCT counter) FROM hero"), 3);
  } else {
    try {
      operation_sql(add, schema_, GetParam());
      ADD_FAILURE() << "expected a MigrationError";
    } catch (const MigrationError& error) {
      EXPECT_NE(error.message().find("add column hero.counter: "), std::string::npos);
      EXPECT_NE(error.message().find("SQLite autoincrements only an INTEGER PRIMARY KEY"),
                std::string::npos)
          << error.message();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, MigrationAlterApplyTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::migration
