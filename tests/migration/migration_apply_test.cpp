// Applies the SQL of table and column operations (create, delete, rename, add, delete and
// rename column) to real databases, SQLite (a file) and PostgreSQL (a schema of the CTest
// fixture's cluster; skipped when it is not configured), reads the catalog back and
// compares it with the replayed schema; checks that rows, names and references survive.
//
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conduit/migration/migration_sql.hpp"
#include "migration_db.hpp"

namespace conduit::migration {
namespace {

using orm::ColumnType;
using orm::DeleteRule;
using testing::column;
using testing::dialect_name;
using testing::key_column;
using testing::MigrationDbTest;
using testing::reference;
using Strings = std::vector<std::string>;

class MigrationApplyTest : public MigrationDbTest {};

orm::SchemaTable table(std::string name, std::string target) {
  return {.name = std::move(name),
          .columns = {key_column(), reference("other_id", std::move(target), DeleteRule::cascade)}};
}

TEST_P(MigrationApplyTest, CreateTableWithIndexesUniqueSetsDefaultsAndForeignKeys) {
  create_heroes();
  orm::SchemaColumn label = column("label", ColumnType::text);
  label.unique = true;
  orm::SchemaColumn level = column("level", ColumnType::integer);
  level.default_value = "1";
  orm::SchemaColumn at = column("at", ColumnType::timestamp);
  at.default_value = "now()";
  step(CreateTable{
      {.name = "power",
       .columns = {key_column(), label, reference("hero_id", "hero", DeleteRule::cascade), level,
                   at, column("ratio", ColumnType::double_precision, true)},
       .unique_sets = {{"label", "hero_id"}, {"level", "hero_id"}}}});
  run(db_->execute("INSERT INTO power (label, hero_id) VALUES ('fly', 1)"));
  EXPECT_EQ(strings("SELECT level FROM power"), Strings{"1"});
  EXPECT_THROW(run(db_->execute("INSERT INTO power (label, hero_id) VALUES ('x', 99)")),
               db::DatabaseError);
  run(db_->execute("DELETE FROM hero WHERE id = 1"));  // cascades to mentees and powers
  EXPECT_EQ(count("SELECT count(*) FROM power"), 0);
}

TEST_P(MigrationApplyTest, TablesOfOneMigrationMayReferToEachOtherInAnyOrder) {
  create_heroes();
  steps({CreateTable{table("alpha", "beta")}, CreateTable{table("beta", "alpha")},
         CreateTable{table("gamma", "gamma")}, CreateTable{table("delta", "team")},
         // Later operations of the migration work on the new tables.
         AddColumn{"alpha", column("label", ColumnType::text, true)}, RenameTable{"gamma", "omega"},
         AlterUniqueSets{"alpha", {{"label", "other_id"}}}});
  run(db_->execute("INSERT INTO alpha (id) VALUES (1)"));
  run(db_->execute("INSERT INTO beta (id, other_id) VALUES (1, 1)"));
  EXPECT_THROW(run(db_->execute("INSERT INTO alpha (other_id) VALUES (7)")), db::DatabaseError);
  EXPECT_THROW(run(db_->execute("INSERT INTO delta (other_id) VALUES (7)")), db::DatabaseError);
}

TEST_P(MigrationApplyTest, DeleteTables) {
  create_heroes();
  step(DeleteTable{"hero"});
  step(DeleteTable{"team"});
  EXPECT_TRUE(schema_.tables.empty());
}

TEST_P(MigrationApplyTest, RenameTableKeepsRowsNamesAndReferences) {
  create_heroes();
  step(RenameTable{"team", "squad"});
  EXPECT_EQ(schema_.find_table("hero")->find_column("team_id")->relationship->table, "squad");
  EXPECT_EQ(strings("SELECT name FROM squad ORDER BY id"), (Strings{"red", "blue"}));
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (name, team_id) VALUES ('x', 99)")),
               db::DatabaseError);
  run(db_->execute("INSERT INTO squad (name) VALUES ('green')"));  // the key's sequence
  EXPECT_EQ(strings("SELECT id FROM squad WHERE name = 'green'"), Strings{"3"});

  // A table that refers to itself.
  step(RenameTable{"hero", "champion"});
  EXPECT_EQ(strings("SELECT name FROM champion ORDER BY id"), (Strings{"ann", "bob", "cy"}));
  EXPECT_THROW(run(db_->execute("INSERT INTO champion (name, mentor_id) VALUES ('x', 99)")),
               db::DatabaseError);

  // Later operations find the indexes and constraints under the new names.
  step(AlterColumn{.table = "squad", .column = "name", .unique = false, .indexed = false});
  step(AlterUniqueSets{"champion", {}});
  step(AlterColumn{.table = "champion", .column = "team_id", .on_delete = DeleteRule::cascade});
  step(DeleteColumn{"squad", "city"});
  run(db_->execute("DELETE FROM squad WHERE id = 2"));
  EXPECT_EQ(strings("SELECT name FROM champion ORDER BY id"), (Strings{"ann", "cy"}));
}

TEST_P(MigrationApplyTest, AddColumnsOfEveryKindToATableWithRows) {
  create_heroes();
  step(AddColumn{"hero", column("nickname", ColumnType::text, true)});
  // NOT NULL: the initial value fills the rows and is not kept as a default.
  step(AddColumn{"hero", column("rank", ColumnType::integer), "3"});
  EXPECT_EQ(strings("SELECT rank FROM hero ORDER BY id"), (Strings{"3", "3", "3"}));
  EXPECT_THROW(run(db_->execute("INSERT INTO hero (name) VALUES ('no rank')")), db::DatabaseError);

  orm::SchemaColumn level = column("level", ColumnType::integer);
  level.default_value = "1";
  step(AddColumn{"hero", level});
  // A function default: SQLite rebuilds the table.
  orm::SchemaColumn joined = column("joined", ColumnType::timestamp);
  joined.default_value = "now()";
  step(AddColumn{"hero", joined});
  // UNIQUE: SQLite rebuilds the table.
  orm::SchemaColumn code = column("code", ColumnType::text, true);
  code.unique = true;
  step(AddColumn{"hero", code});
  step(AddColumn{"hero", reference("rival_id", "hero", DeleteRule::nullify)});
  // A default for new rows, an initial value for the existing ones.
  orm::SchemaColumn motto = column("motto", ColumnType::text, true);
  motto.default_value = "'hi'";
  step(AddColumn{"hero", motto, "'yo'"});
  run(db_->execute("INSERT INTO hero (name, rank) VALUES ('dee', 9)"));

  EXPECT_EQ(strings("SELECT name || '/' || rank || '/' || level || '/' || motto FROM hero "
                    "ORDER BY id"),
            (Strings{"ann/3/1/yo", "bob/3/1/yo", "cy/3/1/yo", "dee/9/1/hi"}));
  EXPECT_EQ(strings("SELECT coalesce(mentor_id, 0) FROM hero ORDER BY id"),
            (Strings{"0", "1", "1", "0"}));
  EXPECT_EQ(count("SELECT count(*) FROM hero WHERE joined IS NULL"), 0);
  run(db_->execute("UPDATE hero SET code = 'c' WHERE id = 1"));
  EXPECT_THROW(run(db_->execute("UPDATE hero SET code = 'c' WHERE id = 2")), db::DatabaseError);
  EXPECT_THROW(run(db_->execute("UPDATE hero SET rival_id = 99")), db::DatabaseError);
}

TEST_P(MigrationApplyTest, DeleteColumnsOfEveryKindKeepsTheRows) {
  create_heroes();
  step(DeleteColumn{"team", "founded"});  // with a default
  step(AlterColumn{.table = "hero", .column = "power", .indexed = true});
  step(DeleteColumn{"hero", "power"});    // indexed
  step(DeleteColumn{"team", "city"});     // in a unique set, which goes with it
  step(DeleteColumn{"hero", "name"});     // indexed, in a unique set
  step(DeleteColumn{"hero", "team_id"});  // a foreign key
  step(DeleteColumn{"team", "name"});     // UNIQUE and indexed
  EXPECT_EQ(strings("SELECT coalesce(mentor_id, 0) FROM hero ORDER BY id"),
            (Strings{"0", "1", "1"}));
  EXPECT_EQ(count("SELECT count(*) FROM team"), 2);
  run(db_->execute("DELETE FROM hero WHERE id = 1"));  // the mentor key still cascades
  EXPECT_EQ(count("SELECT count(*) FROM hero"), 0);
}

TEST_P(MigrationApplyTest, RenameColumnsKeepsIndexesConstraintsAndReferences) {
  create_heroes();
  step(RenameColumn{"team", "name", "title"});        // UNIQUE, indexed, in a unique set
  step(RenameColumn{"hero", "team_id", "squad_id"});  // a foreign key, indexed
  step(RenameColumn{"team", "id", "team_key"});       // a key others refer to
  EXPECT_EQ(schema_.find_table("hero")->find_column("squad_id")->relationship->column, "team_key");
  EXPECT_EQ(strings("SELECT title FROM team ORDER BY team_key"), (Strings{"red", "blue"}));
  run(db_->execute("INSERT INTO team (title) VALUES ('green')"));
  EXPECT_EQ(strings("SELECT team_key FROM team WHERE title = 'green'"), Strings{"3"});

  // Later operations find the renamed index and constraints.
  step(AlterColumn{.table = "team", .column = "title", .unique = false, .indexed = false});
  step(AlterColumn{
      .table = "hero", .column = "squad_id", .indexed = false, .on_delete = DeleteRule::cascade});
  run(db_->execute("DELETE FROM team WHERE team_key = 2"));
  EXPECT_EQ(strings("SELECT name FROM hero ORDER BY id"), (Strings{"ann", "cy"}));
  EXPECT_THROW(run(db_->execute("UPDATE hero SET squad_id = 99")), db::DatabaseError);
}

INSTANTIATE_TEST_SUITE_P(Dialects, MigrationApplyTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::migration
