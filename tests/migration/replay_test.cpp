// Tests for replaying migration operations onto a schema: what each operation changes,
// how renames carry foreign keys and unique sets along, the create_table runs, and the
// errors (with file and line when replaying files).
#include <gtest/gtest.h>

#include <string>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/replay.hpp"
#include "migration/migration_builder.hpp"
#include "migration/operation_printer.hpp"

namespace {

namespace mig = conduit::migration;
namespace orm = conduit::orm;

using conduit::migration::testing::migration;
using orm::ColumnType;
using orm::DeleteRule;

orm::SchemaColumn id() {
  return {
      .name = "id", .type = ColumnType::big_integer, .primary_key = true, .autoincrement = true};
}
orm::SchemaColumn text(std::string name) {
  return {.name = std::move(name), .type = ColumnType::text};
}
orm::SchemaColumn ref(std::string name, std::string table, DeleteRule rule = DeleteRule::nullify) {
  return {.name = std::move(name),
          .type = ColumnType::big_integer,
          .nullable = true,
          .indexed = true,
          .relationship = orm::ForeignKey{std::move(table), "id", rule}};
}

mig::CreateTable table(std::string name, std::vector<orm::SchemaColumn> columns,
                       std::vector<std::vector<std::string>> sets = {}) {
  columns.insert(columns.begin(), id());
  return mig::CreateTable{{std::move(name), std::move(columns), std::move(sets)}};
}

// team <- _hero (team_id, mentor_id -> _hero), unique (name, team_id)
orm::Schema heroes() {
  orm::Schema schema;
  mig::apply_operations(
      schema,
      {table("team", {text("name")}),
       table("_hero",
             {text("name"), ref("team_id", "team", DeleteRule::cascade), ref("mentor_id", "_hero")},
             {{"name", "team_id"}})});
  return schema;
}

std::string error_of(orm::Schema schema, const mig::Operation& op) {
  const orm::Schema before = schema;
  try {
    mig::apply_operation(schema, op);
  } catch (const mig::MigrationError& e) {
    EXPECT_EQ(schema, before) << "the schema changed although the operation failed";
    EXPECT_TRUE(e.file().empty());
    return e.what();
  }
  ADD_FAILURE() << "no error for " << mig::describe(op);
  return "";
}

TEST(Replay, CreateTableAddsTheTableAsWritten) {
  const orm::Schema schema = heroes();
  ASSERT_EQ(schema.tables.size(), 2u);
  EXPECT_EQ(*schema.find_table("team"), table("team", {text("name")}).table);
  EXPECT_EQ(schema.find_table("_hero")->unique_sets,
            (std::vector<std::vector<std::string>>{{"name", "team_id"}}));
}

TEST(Replay, AddDeleteAndAlterColumns) {
  orm::Schema schema = heroes();
  // NOT NULL without a default or initial value is allowed; initial_value is not recorded.
  mig::apply_operation(schema,
                       mig::AddColumn{"_hero", {.name = "age", .type = ColumnType::integer}});
  mig::apply_operation(schema, mig::AddColumn{"_hero", text("motto"), "'none'"});
  EXPECT_EQ(*schema.find_table("_hero")->find_column("age"),
            (orm::SchemaColumn{.name = "age", .type = ColumnType::integer}));
  EXPECT_EQ(*schema.find_table("_hero")->find_column("motto"), text("motto"));

  mig::apply_operation(schema, mig::AlterColumn{"_hero", "motto", true, true, true,
                                                std::optional<std::string>("'x'")});
  orm::SchemaColumn motto = text("motto");
  motto.nullable = motto.unique = motto.indexed = true;
  motto.default_value = "'x'";
  EXPECT_EQ(*schema.find_table("_hero")->find_column("motto"), motto);
  // Unset fields stay; a set-but-empty default drops it.
  mig::apply_operation(schema, mig::AlterColumn{"_hero", "motto", std::nullopt, false, std::nullopt,
                                                std::optional<std::string>(), std::nullopt, "'y'"});
  motto.unique = false;
  motto.default_value.reset();
  EXPECT_EQ(*schema.find_table("_hero")->find_column("motto"), motto);
  mig::apply_operation(schema, mig::AlterColumn{"_hero", "team_id", std::nullopt, std::nullopt,
                                                std::nullopt, std::nullopt, DeleteRule::restrict});
  EXPECT_EQ(schema.find_table("_hero")->find_column("team_id")->relationship->on_delete,
            DeleteRule::restrict);

  mig::apply_operation(schema, mig::DeleteColumn{"_hero", "motto"});
  EXPECT_EQ(schema.find_table("_hero")->find_column("motto"), nullptr);
}

TEST(Replay, DeletingAColumnDropsTheUniqueSetsThatNameIt) {
  orm::Schema schema = heroes();
  mig::apply_operation(schema, mig::AddColumn{"_hero", text("alias")});
  mig::apply_operation(
      schema, mig::AlterUniqueSets{"_hero", {{"name", "team_id"}, {"alias", "mentor_id"}}});
  mig::apply_operation(schema, mig::DeleteColumn{"_hero", "team_id"});
  EXPECT_EQ(schema.find_table("_hero")->unique_sets,
            (std::vector<std::vector<std::string>>{{"alias", "mentor_id"}}));
}

TEST(Replay, RenamingATableCarriesTheForeignKeysAlong) {
  orm::Schema schema = heroes();
  mig::apply_operation(schema, mig::RenameTable{"team", "squad"});
  mig::apply_operation(schema, mig::RenameTable{"_hero", "hero"});
  EXPECT_EQ(schema.find_table("team"), nullptr);
  ASSERT_NE(schema.find_table("squad"), nullptr);
  const orm::SchemaTable& hero = *schema.find_table("hero");
  EXPECT_EQ(hero.find_column("team_id")->relationship->table, "squad");
  EXPECT_EQ(hero.find_column("mentor_id")->relationship->table, "hero");  // self-reference
}

TEST(Replay, RenamingAColumnCarriesUniqueSetsAndForeignKeysAlong) {
  orm::Schema schema = heroes();
  mig::apply_operation(schema, mig::RenameColumn{"_hero", "name", "title"});
  mig::apply_operation(schema, mig::RenameColumn{"team", "id", "team_key"});
  mig::apply_operation(schema, mig::RenameColumn{"_hero", "id", "hero_key"});
  const orm::SchemaTable& hero = *schema.find_table("_hero");
  EXPECT_EQ(hero.unique_sets, (std::vector<std::vector<std::string>>{{"title", "team_id"}}));
  EXPECT_EQ(hero.find_column("team_id")->relationship->column, "team_key");
  EXPECT_EQ(hero.find_column("mentor_id")->relationship->column, "hero_key");
  EXPECT_TRUE(hero.find_column("hero_key")->primary_key);
}

TEST(Replay, DeleteTableAndRawSql) {
  orm::Schema schema = heroes();
  const orm::Schema before = schema;
  mig::apply_operation(schema, mig::RawSql{"DROP TABLE team"});
  EXPECT_EQ(schema, before);
  mig::apply_operation(schema, mig::DeleteTable{"_hero"});  // it refers to itself only
  mig::apply_operation(schema, mig::DeleteTable{"team"});
  EXPECT_TRUE(schema.tables.empty());
}

TEST(Replay, ConsecutiveCreateTablesMayReferToEachOther) {
  orm::Schema schema;
  mig::apply_operations(schema, {table("a", {ref("b_id", "b")}), table("b", {ref("a_id", "a")}),
                                 table("c", {ref("c_id", "c")})});
  EXPECT_EQ(schema.tables.size(), 3u);
  // One at a time, the first refers to a table that does not exist yet.
  orm::Schema alone;
  EXPECT_EQ(error_of(alone, table("a", {ref("b_id", "b")})),
            "column 'a.b_id' refers to table 'b', which does not exist");
  // A run ends at the first other operation.
  orm::Schema split;
  EXPECT_THROW(mig::apply_operations(split, {table("a", {ref("b_id", "b")}), mig::RawSql{"x"},
                                             table("b", {text("x")})}),
               mig::MigrationError);
}

TEST(Replay, TableErrors) {
  const orm::Schema schema = heroes();
  EXPECT_EQ(error_of(schema, table("team", {})), "table 'team' already exists");
  EXPECT_EQ(error_of(schema, mig::CreateTable{{"empty", {}, {}}}), "table 'empty' has no columns");
  EXPECT_EQ(error_of(schema, table("t", {text("a"), text("a")})),
            "table 't' has two columns named 'a'");
  EXPECT_EQ(error_of(schema, table("t", {id()})), "table 't' has two columns named 'id'");
  orm::SchemaColumn key2 = text("code");
  key2.primary_key = true;
  EXPECT_EQ(error_of(schema, table("t", {key2})),
            "table 't' has two primary key columns, 'id' and 'code'");
  EXPECT_EQ(error_of(schema, table("t", {ref("x_id", "x")})),
            "column 't.x_id' refers to table 'x', which does not exist");
  orm::SchemaColumn bad_ref = ref("team_id", "team");
  bad_ref.relationship->column = "uuid";
  EXPECT_EQ(error_of(schema, table("t", {bad_ref})),
            "column 't.team_id' refers to column 'team.uuid', which does not exist");
  EXPECT_EQ(error_of(schema, table("t", {text("a")}, {{"a", "b"}})),
            "unique set [a, b] of table 't' names column 'b', which does not exist");
  EXPECT_EQ(error_of(schema, table("t", {text("a")}, {{"a", "a"}})),
            "unique set [a, a] of table 't' names column 'a' twice");
  EXPECT_EQ(error_of(schema, mig::DeleteTable{"nope"}), "table 'nope' does not exist");
  EXPECT_EQ(error_of(schema, mig::DeleteTable{"team"}),
            "cannot delete table 'team': column '_hero.team_id' refers to it");
  EXPECT_EQ(error_of(schema, mig::RenameTable{"nope", "x"}), "table 'nope' does not exist");
  EXPECT_EQ(error_of(schema, mig::RenameTable{"team", "_hero"}),
            "cannot rename table 'team' to '_hero': table '_hero' already exists");
}

TEST(Replay, NamesPostgresqlWouldShortenAreRefused) {
  const orm::Schema schema = heroes();
  const std::string table_45(45, 't');   // + "_unique99_idx" = 58 bytes: fits
  const std::string column_12(12, 'c');  // t_c_fkey: 45 + 1 + 12 + 5 = 63 bytes: fits
  orm::Schema fits = schema;
  mig::apply_operation(fits, table(table_45, {text(column_12)}));
  EXPECT_EQ(error_of(fits, mig::AddColumn{table_45, text(column_12 + "x")}),
            "table '" + table_45 + "' and column '" + column_12 + "x' make the name '" + table_45 +
                "_" + column_12 +
                "x_fkey' (64 bytes), but PostgreSQL keeps only 63 "
                "bytes of a name: shorten the table or the column name");
  EXPECT_EQ(error_of(fits, mig::RenameColumn{table_45, column_12, column_12 + "x"}),
            "table '" + table_45 + "' and column '" + column_12 + "x' make the name '" + table_45 +
                "_" + column_12 +
                "x_fkey' (64 bytes), but PostgreSQL keeps only 63 "
                "bytes of a name: shorten the table or the column name");
  const std::string table_51(51, 'u');
  EXPECT_EQ(error_of(schema, table(table_51, {text("a")})),
            "table name '" + table_51 + "' is too long: the names derived from it ('" + table_51 +
                "_unique2_idx') must fit in the 63 bytes PostgreSQL keeps of a name; shorten it");
  EXPECT_EQ(error_of(schema, mig::RenameTable{"team", table_51}),
            "table name '" + table_51 + "' is too long: the names derived from it ('" + table_51 +
                "_unique2_idx') must fit in the 63 bytes PostgreSQL keeps of a name; shorten it");
}

TEST(Replay, DeletingATableNamesEveryColumnThatRefersToIt) {
  orm::Schema schema = heroes();
  mig::apply_operation(schema, table("fan", {ref("team_id", "team")}));
  EXPECT_EQ(error_of(schema, mig::DeleteTable{"team"}),
            "cannot delete table 'team': columns '_hero.team_id', 'fan.team_id' refer to it");
}

TEST(Replay, ColumnErrors) {
  const orm::Schema schema = heroes();
  EXPECT_EQ(error_of(schema, mig::AddColumn{"nope", text("a")}), "table 'nope' does not exist");
  EXPECT_EQ(error_of(schema, mig::AddColumn{"_hero", text("name")}),
            "table '_hero' already has a column 'name'");
  orm::SchemaColumn key = text("code");
  key.primary_key = true;
  EXPECT_EQ(error_of(schema, mig::AddColumn{"_hero", key}),
            "table '_hero' already has a primary key, 'id'");
  EXPECT_EQ(error_of(schema, mig::AddColumn{"_hero", ref("x_id", "x")}),
            "column '_hero.x_id' refers to table 'x', which does not exist");
  EXPECT_EQ(error_of(schema, mig::DeleteColumn{"_hero", "agee"}),
            "table '_hero' has no column 'agee'");
  EXPECT_EQ(error_of(schema, mig::DeleteColumn{"_hero", "id"}),
            "cannot delete column '_hero.id': it is the table's primary key");
  EXPECT_EQ(error_of(schema, mig::RenameColumn{"_hero", "nam", "x"}),
            "table '_hero' has no column 'nam'");
  EXPECT_EQ(
      error_of(schema, mig::RenameColumn{"_hero", "name", "team_id"}),
      "cannot rename column '_hero.name' to 'team_id': the table already has a column 'team_id'");
  EXPECT_EQ(error_of(schema, mig::AlterColumn{"_hero", "nope", true}),
            "table '_hero' has no column 'nope'");
  EXPECT_EQ(error_of(schema, mig::AlterColumn{"_hero", "name", std::nullopt, std::nullopt,
                                              std::nullopt, std::nullopt, DeleteRule::cascade}),
            "column '_hero.name' is not a foreign key, so it has no delete rule");
  EXPECT_EQ(error_of(schema, mig::AlterUniqueSets{"_hero", {{"name", "nope"}}}),
            "unique set [name, nope] of table '_hero' names column 'nope', which does not exist");
  EXPECT_EQ(error_of(schema, mig::AlterUniqueSets{"_hero", {{}}}),
            "table '_hero' has an empty unique set");
}

TEST(Replay, DeletingAReferencedColumnIsAnError) {
  orm::Schema schema;
  orm::SchemaColumn code = text("code");
  code.unique = true;
  mig::apply_operation(schema, table("a", {code}));
  orm::SchemaColumn by_code = ref("a_code", "a");
  by_code.type = ColumnType::text;
  by_code.relationship->column = "code";
  mig::apply_operation(schema, table("b", {by_code}));
  EXPECT_EQ(error_of(schema, mig::DeleteColumn{"a", "code"}),
            "cannot delete column 'a.code': column 'b.a_code' refers to it");
  orm::Schema single;
  mig::apply_operation(single, mig::CreateTable{{"s", {text("only")}, {}}});
  EXPECT_EQ(error_of(single, mig::DeleteColumn{"s", "only"}),
            "cannot delete column 's.only': it is the table's only column");
}

TEST(Replay, ReplaysFilesInOrder) {
  const auto one = mig::parse_migration(
      "operations:\n"
      "  - create_table: {name: team, columns: [{name: id, type: big_integer, primary_key: "
      "true}]}\n",
      "m/00000001_initial.migration.yaml");
  const auto two = mig::parse_migration(
      "operations:\n  - add_column: {table: team, column: {name: name, type: text}}\n"
      "  - rename_table: {from: team, to: squad}\n",
      "m/00000002_more.migration.yaml");
  const orm::Schema schema = mig::replay({one, two});
  ASSERT_EQ(schema.tables.size(), 1u);
  EXPECT_EQ(schema.tables[0].name, "squad");
  EXPECT_NE(schema.tables[0].find_column("name"), nullptr);
  EXPECT_TRUE(mig::replay({}).tables.empty());
}

TEST(Replay, ErrorsNameTheFileTheLineAndTheOperation) {
  const auto one = mig::parse_migration(
      "operations:\n"
      "  - create_table: {name: _hero, columns: [{name: id, type: big_integer, primary_key: "
      "true}]}\n",
      "migrations/00000001_initial.migration.yaml");
  const auto three = mig::parse_migration(
      "# conduit migration 3: x\n"
      "operations:\n"
      "  - sql: SELECT 1\n"
      "  - delete_column: {table: _hero, column: agee}\n",
      "migrations/00000003_x.migration.yaml");
  try {
    mig::replay({one, three});
    FAIL();
  } catch (const mig::MigrationError& e) {
    EXPECT_STREQ(e.what(),
                 "migrations/00000003_x.migration.yaml:4: delete_column: table '_hero' has no "
                 "column 'agee'");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.key(), "delete_column");
  }
  // A foreign key checked at the end of a create_table run is blamed on its own table.
  const auto run = mig::parse_migration(
      "operations:\n"
      "  - create_table: {name: a, columns: [{name: id, type: integer, primary_key: true}]}\n"
      "  - create_table:\n"
      "      name: b\n"
      "      columns: [{name: x, type: integer, references: {table: c, column: id}}]\n",
      "migrations/00000001_initial.migration.yaml");
  try {
    mig::replay({run});
    FAIL();
  } catch (const mig::MigrationError& e) {
    EXPECT_STREQ(e.what(),
                 "migrations/00000001_initial.migration.yaml:3: create_table: column 'b.x' "
                 "refers to table 'c', which does not exist");
  }
  // Built in memory: no file and no lines.
  mig::Migration memory = migration(5, "x");
  memory.operations.push_back(mig::DeleteTable{"nope"});
  try {
    mig::replay({memory});
    FAIL();
  } catch (const mig::MigrationError& e) {
    EXPECT_STREQ(e.what(), "migration 5: delete_table: table 'nope' does not exist");
  }
}

}  // namespace
