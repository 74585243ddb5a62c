// End to end without files: for several model changes, the SQL of diff_schemas(a, b) run
// on a database holding `a` (with rows) must leave a catalog that reads back as `b`, on
// SQLite and PostgreSQL (see migration_db.hpp), rows kept.
//
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conduit/migration/migration_sql.hpp"
#include "conduit/migration/schema_diff.hpp"
#include "migration_db.hpp"

namespace conduit::migration {
namespace {

using orm::ColumnType;
using orm::DeleteRule;
using testing::column;
using testing::dialect_name;
using testing::hero_schema;
using testing::key_column;
using testing::MigrationDbTest;
using testing::reference;
using Strings = std::vector<std::string>;

class MigrationDiffApplyTest : public MigrationDbTest {
 protected:
  // Migrates the database from schema_ to `to` with the diff's SQL and checks the catalog.
  void migrate_to(const orm::Schema& to, const Renames& renames = {}) {
    const SchemaDiff diff = diff_schemas(schema_, to, renames);
    ASSERT_FALSE(diff.empty());
    apply(migration_sql(diff.operations, schema_, GetParam()));
    schema_ = to;
    expect_catalog(to);
  }
};

orm::SchemaTable& table(orm::Schema& schema, const std::string& name) {
  return *schema.find_table(name);
}
orm::SchemaColumn& column_of(orm::Schema& schema, const std::string& t, const std::string& c) {
  return *table(schema, t).find_column(c);
}

// What a model's next release typically changes, on both tables, plus two new tables
// that refer to each other in the order opposite to their names.
orm::Schema changed_heroes() {
  orm::Schema schema = hero_schema();
  column_of(schema, "team", "name").unique = false;
  column_of(schema, "team", "city").default_value = "'somewhere'";
  column_of(schema, "team", "city").indexed = true;
  std::erase_if(table(schema, "team").columns,
                [](const orm::SchemaColumn& c) { return c.name == "founded"; });
  orm::SchemaColumn motto = column("motto", ColumnType::text, true);
  motto.default_value = "'go'";
  table(schema, "team").columns.push_back(motto);
  table(schema, "team").unique_sets = {{"name"}};

  column_of(schema, "hero", "name").unique = true;
  column_of(schema, "hero", "power").indexed = true;
  column_of(schema, "hero", "team_id").relationship->on_delete = DeleteRule::cascade;
  orm::SchemaColumn rank = column("rank", ColumnType::integer);
  rank.default_value = "1";
  table(schema, "hero").columns.push_back(rank);
  table(schema, "hero").unique_sets = {};

  schema.tables.push_back({.name = "power",
                           .columns = {key_column(), column("label", ColumnType::text),
                                       reference("hero_id", "hero", DeleteRule::cascade),
                                       reference("gadget_id", "gadget", DeleteRule::nullify)}});
  schema.tables.push_back(
      {.name = "gadget",
       .columns = {key_column(), reference("power_id", "power", DeleteRule::restrict, false)}});
  return schema;
}

TEST_P(MigrationDiffApplyTest, FromNothingToTheModel) {
  schema_ = orm::Schema{};
  migrate_to(changed_heroes());
  run(db_->execute_script(testing::hero_rows()));
  EXPECT_EQ(strings("SELECT rank FROM hero ORDER BY id"), (Strings{"1", "1", "1"}));
}

TEST_P(MigrationDiffApplyTest, ChangesToColumnsTablesAndUniqueSetsKeepTheRows) {
  create_heroes();
  migrate_to(changed_heroes());
  EXPECT_EQ(strings("SELECT name || '/' || coalesce(city, '-') || '/' || motto FROM team "
                    "ORDER BY id"),
            (Strings{"red/rome/go", "blue/-/go"}));
  EXPECT_EQ(strings("SELECT name || '/' || rank || '/' || coalesce(mentor_id, 0) FROM hero "
                    "ORDER BY id"),
            (Strings{"ann/1/0", "bob/1/1", "cy/1/1"}));
  run(db_->execute("INSERT INTO power (label, hero_id) VALUES ('fly', 3)"));
  run(db_->execute("DELETE FROM team WHERE id = 2"));  // cascades to bob now
  EXPECT_EQ(strings("SELECT name FROM hero ORDER BY id"), (Strings{"ann", "cy"}));

  // And back again.
  migrate_to(hero_schema());
  EXPECT_EQ(strings("SELECT founded FROM team"), Strings{"1990"});  // its default
  EXPECT_EQ(strings("SELECT name FROM hero ORDER BY id"), (Strings{"ann", "cy"}));
}

TEST_P(MigrationDiffApplyTest, RenamesKeepTheRows) {
  create_heroes();
  orm::Schema renamed = hero_schema();
  table(renamed, "team").name = "squad";
  column_of(renamed, "hero", "team_id").relationship->table = "squad";
  column_of(renamed, "hero", "name").name = "title";
  table(renamed, "hero").unique_sets = {{"title", "team_id"}};
  column_of(renamed, "squad", "city").indexed = true;
  migrate_to(renamed, {.tables = {{"team", "squad"}}, .columns = {{"hero", "name", "title"}}});
  EXPECT_EQ(strings("SELECT title FROM hero ORDER BY id"), (Strings{"ann", "bob", "cy"}));
  EXPECT_EQ(strings("SELECT name FROM squad ORDER BY id"), (Strings{"red", "blue"}));
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (title, team_id) VALUES ('x', 99)")),
               db::DatabaseError);
}

TEST_P(MigrationDiffApplyTest, DeletingEveryTableFollowsTheReferences) {
  create_heroes();
  orm::Schema cycle = hero_schema();
  cycle.tables.push_back(
      {.name = "alpha",
       .columns = {key_column(), reference("beta_id", "beta", DeleteRule::nullify)}});
  cycle.tables.push_back(
      {.name = "beta",
       .columns = {key_column(), reference("alpha_id", "alpha", DeleteRule::nullify)}});
  migrate_to(cycle);
  run(db_->execute("INSERT INTO alpha (id) VALUES (1)"));
  run(db_->execute("INSERT INTO beta (id, alpha_id) VALUES (1, 1)"));
  run(db_->execute("UPDATE alpha SET beta_id = 1"));
  migrate_to(orm::Schema{});
}

INSTANTIATE_TEST_SUITE_P(Dialects, MigrationDiffApplyTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::migration
