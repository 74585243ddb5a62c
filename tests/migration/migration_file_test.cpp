// Tests for migration files: the exact text the writer produces, the round trip of every
// operation kind through write/parse, quoting, hand-written files and describe(). Bad
// files and the directory scan are in migration_file_errors_test.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "migration/migration_builder.hpp"
#include "migration/operation_printer.hpp"

namespace {

namespace mig = conduit::migration;
namespace orm = conduit::orm;

using conduit::migration::testing::migration;
using mig::MigrationError;

const std::string kPath = "migrations/00000002_add_age.migration.yaml";

orm::SchemaColumn id_column() {
  return {.name = "id",
          .type = orm::ColumnType::big_integer,
          .primary_key = true,
          .autoincrement = true};
}

// Every kind of operation, with every optional field used somewhere.
mig::Migration everything() {
  mig::Migration m;
  m.version = 2;
  m.name = "add_age";
  orm::SchemaTable team{
      .name = "_team",
      .columns = {id_column(),
                  {.name = "name", .type = orm::ColumnType::text, .unique = true},
                  {.name = "owner_id",
                   .type = orm::ColumnType::big_integer,
                   .nullable = true,
                   .indexed = true,
                   .relationship = orm::ForeignKey{"_user", "id", orm::DeleteRule::cascade}},
                  {.name = "created", .type = orm::ColumnType::timestamp, .default_value = "now()"},
                  {.name = "motto",
                   .type = orm::ColumnType::text,
                   .default_value = "'it''s: #1, {ok}'"},
                  {.name = "budget", .type = orm::ColumnType::decimal, .default_value = "0"}},
      .unique_sets = {{"name", "owner_id"}, {"motto", "budget"}}};
  m.operations.push_back(mig::CreateTable{team});
  m.operations.push_back(
      mig::AddColumn{"_hero", {.name = "age", .type = orm::ColumnType::integer}, "0"});
  m.operations.push_back(mig::AddColumn{
      "_hero", {.name = "doc", .type = orm::ColumnType::document, .nullable = true}});
  m.operations.push_back(mig::DeleteColumn{"_hero", "age"});
  m.operations.push_back(mig::RenameColumn{"_hero", "nam", "name"});
  m.operations.push_back(mig::AlterColumn{"_hero", "name", true, false, true,
                                          std::optional<std::string>(), orm::DeleteRule::nullify,
                                          "''"});
  m.operations.push_back(mig::AlterColumn{"_hero", "rating", std::nullopt, std::nullopt,
                                          std::nullopt, std::optional<std::string>("null")});
  m.operations.push_back(mig::AlterColumn{"_hero", "power_id", false, std::nullopt, std::nullopt,
                                          std::nullopt, orm::DeleteRule::set_default});
  m.operations.push_back(mig::DeleteTable{"_old"});
  m.operations.push_back(mig::RenameTable{"_a", "_b"});
  m.operations.push_back(mig::AlterUniqueSets{"_hero", {{"a", "b"}, {"c", "d", "e"}}});
  m.operations.push_back(mig::AlterUniqueSets{"_b", {}});
  m.operations.push_back(mig::RawSql{"UPDATE _hero SET age = 0"});
  m.operations.push_back(mig::RawSql{std::nullopt, "CREATE EXTENSION pgcrypto", std::nullopt});
  m.operations.push_back(mig::RawSql{"SELECT 1", std::nullopt, "SELECT\n  2\n\nFROM x"});
  m.seed = {"INSERT INTO _hero (name) VALUES ('Bob')", "INSERT INTO t VALUES (1),\n  (2)"};
  return m;
}

void expect_same(const mig::Migration& a, const mig::Migration& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.operations.size(), b.operations.size());
  for (std::size_t i = 0; i < a.operations.size(); ++i) {
    EXPECT_EQ(a.operations[i], b.operations[i])
        << "operation " << i << ": " << mig::describe(a.operations[i]);
  }
  EXPECT_EQ(a.seed, b.seed);
}

TEST(MigrationFile, WritesTheDocumentedLayout) {
  mig::Migration m;
  m.version = 2;
  m.name = "add_age";
  m.operations.push_back(mig::CreateTable{
      {.name = "_team",
       .columns =
           {id_column(),
            {.name = "owner_id",
             .type = orm::ColumnType::big_integer,
             .nullable = true,
             .relationship = orm::ForeignKey{"_user", "id", orm::DeleteRule::cascade}},
            {.name = "created", .type = orm::ColumnType::timestamp, .default_value = "now()"}},
       .unique_sets = {{"created", "owner_id"}}}});
  m.operations.push_back(
      mig::AddColumn{"_hero", {.name = "age", .type = orm::ColumnType::integer}, "0"});
  m.operations.push_back(mig::AlterColumn{"_hero", "name", true, std::nullopt, std::nullopt,
                                          std::optional<std::string>()});
  m.operations.push_back(mig::RawSql{"UPDATE _hero\nSET age = 1"});
  m.seed = {"INSERT INTO _hero (name) VALUES ('Bob')"};
  EXPECT_EQ(
      mig::write_migration(m),
      "# conduit migration 2: add_age\n"
      "operations:\n"
      "  - create_table:\n"
      "      name: _team\n"
      "      columns:\n"
      "        - {name: id, type: big_integer, primary_key: true, autoincrement: true}\n"
      "        - {name: owner_id, type: big_integer, nullable: true, references: {table: _user, "
      "column: id, on_delete: cascade}}\n"
      "        - {name: created, type: timestamp, default: \"now()\"}\n"
      "      unique_sets: [[created, owner_id]]\n"
      "  - add_column: {table: _hero, column: {name: age, type: integer}, initial_value: \"0\"}\n"
      "  - alter_column: {table: _hero, column: name, nullable: true, default: null}\n"
      "  - sql: |-\n"
      "      UPDATE _hero\n"
      "      SET age = 1\n"
      "seed:\n"
      "  - \"INSERT INTO _hero (name) VALUES ('Bob')\"\n");
}

TEST(MigrationFile, AnEmptyMigrationWritesAnEmptyList) {
  mig::Migration m = migration(7, "nothing");
  const std::string text = mig::write_migration(m);
  EXPECT_EQ(text, "# conduit migration 7: nothing\noperations: []\n");
  expect_same(mig::parse_migration(text, "00000007_nothing.migration.yaml"), m);
}

TEST(MigrationFile, EveryOperationSurvivesARoundTrip) {
  const mig::Migration m = everything();
  const std::string text = mig::write_migration(m);
  const mig::Migration parsed = mig::parse_migration(text, kPath);
  expect_same(parsed, m);
  EXPECT_EQ(parsed.path, kPath);
  EXPECT_EQ(mig::write_migration(parsed), text);  // deterministic
}

TEST(MigrationFile, AwkwardStringsSurviveARoundTrip) {
  const std::vector<std::string> texts = {"",
                                          " ",
                                          "null",
                                          "~",
                                          "true",
                                          "no",
                                          "0",
                                          "-1",
                                          "1e3",
                                          "'x'",
                                          "\"q\"",
                                          "a\\b",
                                          "#hash",
                                          "a: b",
                                          "a, b",
                                          "[x]",
                                          "{y}",
                                          "*star",
                                          "&amp",
                                          "!tag",
                                          "%p",
                                          "@at",
                                          "`tick`",
                                          "|pipe",
                                          ">gt",
                                          "- dash",
                                          "tab\there",
                                          "cr\rlf",
                                          "bell\x07",
                                          "caf\xc3\xa9",
                                          "two\nlines",
                                          "trailing\n",
                                          "\nleading",
                                          " indented\nblock",
                                          "block\n  indented\n\n\nend",
                                          "spaces at end  \nnext",
                                          "last line spaces  ",
                                          "$HOME",
                                          "${HOME}",
                                          "line\n# not a comment\n---\n...",
                                          "a\n\tb"};
  mig::Migration m = migration(1, "x");
  for (const std::string& text : texts) {
    m.operations.push_back(mig::RawSql{text});
    m.operations.push_back(mig::AddColumn{
        text.empty() ? "t" : text,
        {.name = text.empty() ? "c" : text, .type = orm::ColumnType::text, .default_value = text},
        text});
    m.seed.push_back(text);
  }
  const std::string written = mig::write_migration(m);
  expect_same(mig::parse_migration(written, "00000001_x.migration.yaml"), m);
}

TEST(MigrationFile, DegenerateValuesStillRoundTrip) {
  // Replay refuses these, but the file must still say exactly what the value holds.
  mig::Migration m = migration(3, "odd");
  m.operations.push_back(mig::CreateTable{{.name = "empty"}});
  m.operations.push_back(mig::AlterColumn{"t", "c"});
  m.operations.push_back(mig::AlterUniqueSets{"t", {{}}});
  expect_same(mig::parse_migration(mig::write_migration(m), "00000003_odd.migration.yaml"), m);
}

TEST(MigrationFile, NamesAreQuotedOnlyWhenNeeded) {
  mig::Migration m = migration(1, "x");
  m.operations.push_back(mig::RenameTable{"_hero", "null"});
  m.operations.push_back(mig::RenameColumn{"t", "my col", "True"});
  const std::string text = mig::write_migration(m);
  EXPECT_NE(text.find("{from: _hero, to: \"null\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("{table: t, from: \"my col\", to: \"True\"}"), std::string::npos) << text;
}

TEST(MigrationFile, ParsesHandWrittenFilesAndRecordsOperationLines) {
  const std::string yaml =
      "# a comment\n"
      "operations:\n"
      "  - add_column:\n"
      "      table: _hero\n"
      "      column:\n"
      "        name: age\n"
      "        type: integer\n"
      "        nullable: false\n"
      "  - sql: {postgres: 'SELECT 1'}\n"
      "  - alter_column: {table: _hero, column: age, default: 'null'}\n"
      "seed: []\n";
  const mig::Migration m = mig::parse_migration(yaml, kPath);
  EXPECT_EQ(m.version, 2u);
  EXPECT_EQ(m.name, "add_age");
  ASSERT_EQ(m.operations.size(), 3u);
  EXPECT_EQ(m.operations[0], mig::Operation(mig::AddColumn{
                                 "_hero", {.name = "age", .type = orm::ColumnType::integer}}));
  EXPECT_EQ(m.operations[1], mig::Operation(mig::RawSql{std::nullopt, "SELECT 1", std::nullopt}));
  // A quoted 'null' is the SQL text null, not "drop the default".
  EXPECT_EQ(std::get<mig::AlterColumn>(m.operations[2]).default_value,
            std::optional<std::optional<std::string>>(std::optional<std::string>("null")));
  EXPECT_EQ(m.operation_lines, (std::vector<int>{3, 9, 10}));
  EXPECT_TRUE(m.seed.empty());
}

TEST(MigrationFile, AnEmptyOperationsKeyMeansNone) {
  const mig::Migration m = mig::parse_migration("operations:\nseed: [\"SELECT 1\"]\n", kPath);
  EXPECT_TRUE(m.operations.empty());
  EXPECT_EQ(m.seed, std::vector<std::string>{"SELECT 1"});
}

TEST(MigrationFile, EnvironmentVariablesAreNotSubstituted) {
  ::setenv("CONDUIT_MIGRATION_TEST_VARIABLE", "substituted", 1);
  const mig::Migration m = mig::parse_migration(
      "operations:\n  - sql: $CONDUIT_MIGRATION_TEST_VARIABLE\n"
      "  - sql: ${CONDUIT_MIGRATION_TEST_VARIABLE}\n",
      kPath);
  EXPECT_EQ(m.operations[0], mig::Operation(mig::RawSql{"$CONDUIT_MIGRATION_TEST_VARIABLE"}));
  EXPECT_EQ(m.operations[1], mig::Operation(mig::RawSql{"${CONDUIT_MIGRATION_TEST_VARIABLE}"}));
  ::unsetenv("CONDUIT_MIGRATION_TEST_VARIABLE");
}

TEST(OperationDescribe, OneLinePerKind) {
  const mig::Migration m = everything();
  EXPECT_EQ(mig::describe(m.operations[0]), "create table _team");
  EXPECT_EQ(mig::describe(m.operations[1]), "add column _hero.age");
  EXPECT_EQ(mig::describe(m.operations[3]), "delete column _hero.age");
  EXPECT_EQ(mig::describe(m.operations[4]), "rename column _hero.nam to name");
  EXPECT_EQ(mig::describe(m.operations[5]),
            "alter column _hero.name (nullable, not unique, indexed, no default, delete rule)");
  EXPECT_EQ(mig::describe(m.operations[8]), "delete table _old");
  EXPECT_EQ(mig::describe(m.operations[9]), "rename table _a to _b");
  EXPECT_EQ(mig::describe(m.operations[10]), "change the unique column sets of _hero");
  EXPECT_EQ(mig::describe(m.operations[12]), "run SQL: UPDATE _hero SET age = 0");
  EXPECT_EQ(mig::describe(m.operations[14]), "run SQL: SELECT 1");
  EXPECT_EQ(mig::operation_key(m.operations[10]), "alter_unique_sets");
}

}  // namespace
