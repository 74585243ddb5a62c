// Tests for diff_schemas: every kind of change, renames, warnings, the changes it refuses
// and the order of the operations; every diff is also replayed onto its source and must
// give its target (generated pairs: schema_diff_generated_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "conduit/migration/migration_error.hpp"
#include "migration/diff_test_support.hpp"
#include "support/test_models.hpp"

namespace {

using namespace migration_test;
using orm::ColumnType;
using orm::DeleteRule;
using Ops = std::vector<mig::Operation>;
using Sets = std::vector<std::vector<std::string>>;

orm::SchemaColumn id() { return id_column(); }
orm::SchemaColumn text(std::string name) {
  return {.name = std::move(name), .type = ColumnType::text};
}
orm::SchemaColumn ref(std::string name, std::string table) {
  return {.name = std::move(name),
          .type = ColumnType::big_integer,
          .nullable = true,
          .relationship = orm::ForeignKey{std::move(table), "id", DeleteRule::nullify}};
}
orm::SchemaTable table(std::string name, std::vector<orm::SchemaColumn> columns, Sets sets = {}) {
  columns.insert(columns.begin(), id());
  return {std::move(name), std::move(columns), std::move(sets)};
}

orm::Schema model_schema() {
  using namespace models;
  return orm::DataModel::of<User, Profile, Hero, Team, Power, HeroPower, Tag>().schema();
}

// Replays the diff onto `from` and checks it reaches `to`, and that the diff survives

std::string diff_error(const orm::Schema& from, const orm::Schema& to,
                       const mig::Renames& renames = {}) {
  try {
    mig::diff_schemas(from, to, renames);
  } catch (const mig::MigrationError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

orm::Schema base() {
  return {
      {table("team", {text("name")}),
       table("_hero",
             {text("name"), ref("team_id", "team"), {.name = "age", .type = ColumnType::integer}},
             {{"name", "team_id"}})}};
}

orm::SchemaTable& hero(orm::Schema& schema) { return *schema.find_table("_hero"); }

TEST(SchemaDiff, NoChangeIsEmpty) {
  EXPECT_TRUE(mig::diff_schemas(base(), base()).empty());
  EXPECT_TRUE(mig::diff_schemas(model_schema(), model_schema()).empty());
  EXPECT_TRUE(mig::diff_schemas({}, {}).empty());
  // Order does not matter, neither of tables, columns nor unique sets.
  orm::Schema shuffled = base();
  std::reverse(shuffled.tables.begin(), shuffled.tables.end());
  std::reverse(hero(shuffled).columns.begin(), hero(shuffled).columns.end());
  hero(shuffled).unique_sets = {{"team_id", "name"}};
  EXPECT_TRUE(mig::diff_schemas(base(), shuffled).empty());
}

TEST(SchemaDiff, FromNothingCreatesEveryTableSortedByName) {
  const orm::Schema model = model_schema();
  const mig::SchemaDiff diff = checked_diff({}, model);
  std::vector<std::string> names;
  for (const auto& op : diff.operations) names.push_back(std::get<mig::CreateTable>(op).table.name);
  EXPECT_EQ(names, (std::vector<std::string>{"_hero", "hero_power", "power", "profile", "tag",
                                             "team", "users"}));
  EXPECT_TRUE(diff.warnings.empty());
  // ... and back to nothing, each table after those that refer to it.
  const mig::SchemaDiff back = checked_diff(model, {});
  EXPECT_EQ(back.warnings.size(), model.tables.size());
  EXPECT_EQ(back.warnings[0].find("deleting table '"), 0u);
}

TEST(SchemaDiff, AddsAndDeletesTables) {
  orm::Schema to = base();
  to.tables.push_back(table("power", {text("name"), ref("hero_id", "_hero")}));
  EXPECT_EQ(checked_diff(base(), to).operations, (Ops{mig::CreateTable{to.tables.back()}}));
  const mig::SchemaDiff back = checked_diff(to, base());
  EXPECT_EQ(back.operations, (Ops{mig::DeleteTable{"power"}}));
  EXPECT_EQ(back.warnings, (std::vector<std::string>{"deleting table 'power' loses its rows"}));
}

TEST(SchemaDiff, DeletedTablesGoAfterThoseThatReferToThem) {
  orm::Schema from = base();
  from.tables.push_back(table("a", {ref("b_id", "b")}));
  from.tables.push_back(table("b", {ref("a_id", "a")}));
  from.tables.push_back(table("c", {ref("team_id", "team")}));
  EXPECT_EQ(checked_diff(from, orm::Schema{}).operations,
            (Ops{mig::DeleteTable{"_hero"}, mig::DeleteTable{"c"}, mig::DeleteTable{"team"},
                 mig::DeleteColumn{"b", "a_id"}, mig::DeleteTable{"a"}, mig::DeleteTable{"b"}}));
}

TEST(SchemaDiff, AddsColumnsWithAWarningWhenExistingRowsNeedAValue) {
  orm::Schema to = base();
  hero(to).columns.push_back({.name = "power", .type = ColumnType::integer});
  hero(to).columns.push_back({.name = "alias", .type = ColumnType::text, .nullable = true});
  hero(to).columns.push_back({.name = "rank", .type = ColumnType::integer, .default_value = "0"});
  const mig::SchemaDiff diff = checked_diff(base(), to);
  EXPECT_EQ(diff.operations, (Ops{mig::AddColumn{"_hero", hero(to).columns[4]},
                                  mig::AddColumn{"_hero", hero(to).columns[5]},
                                  mig::AddColumn{"_hero", hero(to).columns[6]}}));
  ASSERT_EQ(diff.warnings.size(), 1u);
  EXPECT_EQ(
      diff.warnings[0],
      "This migration may fail if table '_hero' already has rows. Add an 'initial_value' for "
      "column "
      "'power' to its add_column operation (raw SQL such as \"0\" or \"''\"), or give the column a "
      "default.");
  EXPECT_FALSE(std::get<mig::AddColumn>(diff.operations[0]).initial_value);  // never guessed
}

TEST(SchemaDiff, DeletesColumnsWithAWarning) {
  orm::Schema to = base();
  std::erase_if(hero(to).columns, [](const auto& c) { return c.name == "age"; });
  const mig::SchemaDiff diff = checked_diff(base(), to);
  EXPECT_EQ(diff.operations, (Ops{mig::DeleteColumn{"_hero", "age"}}));
  EXPECT_EQ(diff.warnings,
            (std::vector<std::string>{"deleting column '_hero.age' loses its values"}));
}

TEST(SchemaDiff, DeletingAColumnOfAUniqueSetNeedsNoUniqueSetChange) {
  orm::Schema to = base();
  std::erase_if(hero(to).columns, [](const auto& c) { return c.name == "name"; });
  hero(to).unique_sets.clear();
  EXPECT_EQ(checked_diff(base(), to).operations, (Ops{mig::DeleteColumn{"_hero", "name"}}));
  hero(to).unique_sets = {{"age", "team_id"}};
  EXPECT_EQ(checked_diff(base(), to).operations,
            (Ops{mig::DeleteColumn{"_hero", "name"},
                 mig::AlterUniqueSets{"_hero", {{"age", "team_id"}}}}));
}

TEST(SchemaDiff, AltersEachColumnOnceWithOnlyWhatChanged) {
  orm::Schema from = base();
  hero(from).find_column("age")->nullable = true;
  orm::Schema to = base();
  orm::SchemaColumn& age = *hero(to).find_column("age");
  age.unique = age.indexed = true;
  age.default_value = "18";
  hero(to).find_column("team_id")->relationship->on_delete = DeleteRule::cascade;
  hero(to).find_column("name")->nullable = true;
  const mig::SchemaDiff diff = checked_diff(from, to);
  EXPECT_EQ(
      diff.operations,
      (Ops{mig::AlterColumn{"_hero", "name", true},
           mig::AlterColumn{"_hero", "team_id", std::nullopt, std::nullopt, std::nullopt,
                            std::nullopt, DeleteRule::cascade},
           mig::AlterColumn{"_hero", "age", false, true, true, std::optional<std::string>("18")}}));
  EXPECT_EQ(diff.warnings, std::vector<std::string>{
                               "This migration may fail if table '_hero' has rows where 'age' is "
                               "NULL. Add an 'initial_value' for column 'age' to its "
                               "alter_column operation."});
  // Dropping a default is a set-but-empty default.
  EXPECT_EQ(checked_diff(to, base()).operations[2],
            mig::Operation(mig::AlterColumn{"_hero", "age", std::nullopt, false, false,
                                            std::optional<std::string>()}));
}

TEST(SchemaDiff, ChangesUniqueSets) {
  orm::Schema to = base();
  hero(to).unique_sets = {{"name", "age"}, {"team_id", "age"}};
  EXPECT_EQ(checked_diff(base(), to).operations,
            (Ops{mig::AlterUniqueSets{"_hero", hero(to).unique_sets}}));
  hero(to).unique_sets.clear();
  EXPECT_EQ(checked_diff(base(), to).operations, (Ops{mig::AlterUniqueSets{"_hero", {}}}));
}

TEST(SchemaDiff, RenamesOnlyWhenTold) {
  orm::Schema to = base();
  to.find_table("team")->name = "squad";
  hero(to).find_column("team_id")->relationship->table = "squad";
  hero(to).find_column("name")->name = "title";
  hero(to).unique_sets = {{"title", "team_id"}};
  const mig::SchemaDiff renamed = checked_diff(
      base(), to, {.tables = {{"team", "squad"}}, .columns = {{"_hero", "name", "title"}}});
  EXPECT_EQ(renamed.operations,
            (Ops{mig::RenameTable{"team", "squad"}, mig::RenameColumn{"_hero", "name", "title"}}));
  EXPECT_TRUE(renamed.warnings.empty());
  // Without renames the referenced table is a different one, which SQL cannot change in place.
  EXPECT_EQ(diff_error(base(), to),
            "cannot change what column _hero.team_id refers to from team.id to squad.id: add a new "
            "column, "
            "copy the values with a `sql` step, then delete the old one");
  // A column rename in a renamed table names the table by its new name.
  orm::Schema moved = base();
  moved.find_table("team")->name = "squad";
  moved.find_table("squad")->find_column("name")->name = "label";
  hero(moved).find_column("team_id")->relationship->table = "squad";
  EXPECT_EQ(checked_diff(base(), moved,
                         {.tables = {{"team", "squad"}}, .columns = {{"squad", "name", "label"}}})
                .operations,
            (Ops{mig::RenameTable{"team", "squad"}, mig::RenameColumn{"squad", "name", "label"}}));
  // A column renamed and altered is renamed, then altered under its new name.
  hero(to).find_column("title")->nullable = true;
  EXPECT_EQ(checked_diff(base(), to,
                         {.tables = {{"team", "squad"}}, .columns = {{"_hero", "name", "title"}}})
                .operations.back(),
            mig::Operation(mig::AlterColumn{"_hero", "title", true}));
}

TEST(SchemaDiff, RenamingAPrimaryKeyCarriesTheForeignKeys) {
  orm::Schema to = base();
  to.find_table("team")->find_column("id")->name = "team_key";
  hero(to).find_column("team_id")->relationship->column = "team_key";
  EXPECT_EQ(checked_diff(base(), to, {.columns = {{"team", "id", "team_key"}}}).operations,
            (Ops{mig::RenameColumn{"team", "id", "team_key"}}));
}

TEST(SchemaDiff, BadRenamesAreErrors) {
  orm::Schema to = base();
  to.find_table("team")->name = "squad";
  EXPECT_EQ(diff_error(base(), base(), {.tables = {{"nope", "x"}}}),
            "cannot rename table 'nope' to 'x': the current schema has no table 'nope'");
  EXPECT_EQ(diff_error(base(), to, {.tables = {{"team", "x"}}}),
            "cannot rename table 'team' to 'x': the new schema has no table 'x'");
  EXPECT_EQ(diff_error(base(), base(), {.tables = {{"team", "_hero"}}}),
            "cannot rename table 'team' to '_hero': table '_hero' already exists");
  EXPECT_EQ(diff_error(base(), base(), {.columns = {{"_hero", "nope", "age"}}}),
            "cannot rename column '_hero.nope' to 'age': table '_hero' has no column 'nope'");
  EXPECT_EQ(diff_error(base(), base(), {.columns = {{"_hero", "name", "x"}}}),
            "cannot rename column '_hero.name' to 'x': the new table has no column 'x'");
  EXPECT_EQ(diff_error(base(), base(), {.columns = {{"_hero", "name", "age"}}}),
            "cannot rename column '_hero.name' to 'age': the table already has a column 'age'");
  EXPECT_EQ(diff_error(base(), base(), {.columns = {{"nope", "a", "b"}}}),
            "cannot rename column 'nope.a' to 'b': the new schema has no table 'nope'");
  orm::Schema more = base();
  more.tables.push_back(table("fresh", {text("b")}));
  EXPECT_EQ(diff_error(base(), more, {.columns = {{"fresh", "a", "b"}}}),
            "cannot rename column 'fresh.a' to 'b': table 'fresh' is new");
}

TEST(SchemaDiff, ChangesSqlCannotMakeInPlaceAreErrors) {
  orm::Schema to = base();
  hero(to).find_column("age")->type = ColumnType::text;
  EXPECT_EQ(
      diff_error(base(), to),
      "cannot change the type of column _hero.age from integer to text: add a new column, copy the "
      "values with a `sql` step, then delete the old one");
  to = base();
  hero(to).find_column("age")->autoincrement = true;
  EXPECT_EQ(diff_error(base(), to),
            "cannot change whether column _hero.age is autoincremented: add a new column, copy the "
            "values "
            "with a `sql` step, then delete the old one");
  to = base();
  hero(to).find_column("id")->primary_key = false;
  hero(to).find_column("age")->primary_key = true;
  EXPECT_EQ(diff_error(base(), to),
            "cannot change the primary key of table _hero from id to age: create a new table, copy "
            "the rows "
            "with a `sql` step, then delete the old one");
  to = base();
  hero(to).find_column("age")->relationship = orm::ForeignKey{"team", "id"};
  EXPECT_EQ(diff_error(base(), to),
            "cannot change what column _hero.age refers to from nothing to team.id: add a new "
            "column, copy "
            "the values with a `sql` step, then delete the old one");
}

TEST(SchemaDiff, OperationsComeInTheDocumentedOrder) {
  orm::Schema from = base();
  from.tables.push_back(table("old", {text("x")}));
  from.tables.push_back(table("zeta", {text("a"), text("b")}));
  orm::Schema to = base();
  to.find_table("team")->name = "squad";
  hero(to).find_column("team_id")->relationship->table = "squad";
  hero(to).columns.push_back(ref("ally_id", "ally"));
  hero(to).find_column("age")->nullable = true;
  hero(to).unique_sets.push_back({"age", "ally_id"});
  std::erase_if(hero(to).columns, [](const auto& c) { return c.name == "name"; });
  hero(to).unique_sets = {{"age", "ally_id"}};
  to.tables.push_back(table("ally", {ref("hero_id", "_hero"), ref("squad_id", "squad")}));
  to.tables.push_back(table("zeta", {text("alpha"), text("b")}));
  const mig::SchemaDiff diff =
      checked_diff(from, to, {.tables = {{"team", "squad"}}, .columns = {{"zeta", "a", "alpha"}}});
  std::vector<std::string> steps;
  for (const auto& op : diff.operations) steps.push_back(mig::describe(op));
  EXPECT_EQ(steps, (std::vector<std::string>{
                       "rename table team to squad", "rename column zeta.a to alpha",
                       "create table ally", "delete column _hero.name", "add column _hero.ally_id",
                       "alter column _hero.age (nullable)",
                       "change the unique column sets of _hero", "delete table old"}));
}

}  // namespace
