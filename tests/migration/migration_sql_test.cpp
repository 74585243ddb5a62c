// The statement text migration_sql generates per operation and dialect: the names it
// uses, what it keeps (defaults, indexes) and the order of a SQLite rebuild. No database;
// migration_apply_test.cpp runs the same SQL for real.
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
using testing::hero_schema;
using testing::key_column;
using testing::reference;
using Strings = std::vector<std::string>;

constexpr db::Dialect pg = db::Dialect::postgres;
constexpr db::Dialect lite = db::Dialect::sqlite;

Strings sql(const Operation& op, db::Dialect dialect) {
  return operation_sql(op, hero_schema(), dialect);
}

TEST(MigrationSqlTest, PostgresRenameTableRenamesEveryNameDerivedFromIt) {
  EXPECT_EQ(sql(RenameTable{"team", "squad"}, pg),
            (Strings{R"(ALTER TABLE "team" RENAME TO "squad")",
                     R"(ALTER TABLE "squad" RENAME CONSTRAINT "team_pkey" TO "squad_pkey")",
                     R"(ALTER SEQUENCE "team_id_seq" RENAME TO "squad_id_seq")",
                     R"(ALTER TABLE "squad" RENAME CONSTRAINT "team_name_key" TO "squad_name_key")",
                     R"(ALTER INDEX "team_name_idx" RENAME TO "squad_name_idx")",
                     R"(ALTER INDEX "team_unique_idx" RENAME TO "squad_unique_idx")"}));
}

TEST(MigrationSqlTest, SqliteRenameTableRecreatesItsNamedIndexes) {
  EXPECT_EQ(sql(RenameTable{"team", "squad"}, lite),
            (Strings{R"(ALTER TABLE "team" RENAME TO "squad")", R"(DROP INDEX "team_name_idx")",
                     R"(CREATE INDEX "squad_name_idx" ON "squad" ("name"))",
                     R"(DROP INDEX "team_unique_idx")",
                     R"(CREATE UNIQUE INDEX "squad_unique_idx" ON "squad" ("name", "city"))"}));
}

TEST(MigrationSqlTest, RenameColumnRenamesItsIndexAndConstraints) {
  EXPECT_EQ(sql(RenameColumn{"hero", "team_id", "squad_id"}, pg),
            (Strings{R"(ALTER TABLE "hero" RENAME COLUMN "team_id" TO "squad_id")",
                     R"(ALTER INDEX "hero_team_id_idx" RENAME TO "hero_squad_id_idx")",
                     R"(ALTER TABLE "hero" RENAME CONSTRAINT "hero_team_id_fkey" TO )"
                     R"("hero_squad_id_fkey")"}));
  EXPECT_EQ(sql(RenameColumn{"hero", "team_id", "squad_id"}, lite),
            (Strings{R"(ALTER TABLE "hero" RENAME COLUMN "team_id" TO "squad_id")",
                     R"(DROP INDEX "hero_team_id_idx")",
                     R"(CREATE INDEX "hero_squad_id_idx" ON "hero" ("squad_id"))"}));
}

TEST(MigrationSqlTest, PostgresAddColumnFillsRowsThroughATemporaryDefault) {
  EXPECT_EQ(sql(AddColumn{"hero", column("rank", ColumnType::integer), "3"}, pg),
            (Strings{R"(ALTER TABLE "hero" ADD COLUMN "rank" INTEGER NOT NULL DEFAULT 3)",
                     R"(ALTER TABLE "hero" ALTER COLUMN "rank" DROP DEFAULT)"}));
  orm::SchemaColumn motto = column("motto", ColumnType::text);
  motto.default_value = "'hi'";
  EXPECT_EQ(sql(AddColumn{"hero", motto, "'yo'"}, pg),
            (Strings{R"(ALTER TABLE "hero" ADD COLUMN "motto" TEXT NOT NULL DEFAULT 'yo')",
                     R"(ALTER TABLE "hero" ALTER COLUMN "motto" SET DEFAULT 'hi')"}));
  EXPECT_EQ(sql(AddColumn{"hero", reference("rival_id", "hero", DeleteRule::restrict)}, pg),
            (Strings{R"(ALTER TABLE "hero" ADD COLUMN "rival_id" BIGINT NULL)",
                     R"(CREATE INDEX "hero_rival_id_idx" ON "hero" ("rival_id"))",
                     R"(ALTER TABLE ONLY "hero" ADD CONSTRAINT "hero_rival_id_fkey" FOREIGN KEY )"
                     R"(("rival_id") REFERENCES "hero" ("id") ON DELETE RESTRICT)"}));
}

TEST(MigrationSqlTest, SqliteAddColumnAltersWhenItCan) {
  EXPECT_EQ(sql(AddColumn{"hero", reference("rival_id", "hero", DeleteRule::restrict)}, lite),
            (Strings{R"(ALTER TABLE "hero" ADD COLUMN "rival_id" BIGINT NULL CONSTRAINT )"
                     R"("hero_rival_id_fkey" REFERENCES "hero" ("id") ON DELETE RESTRICT)",
                     R"(CREATE INDEX "hero_rival_id_idx" ON "hero" ("rival_id"))"}));
  orm::SchemaColumn motto = column("motto", ColumnType::text);
  motto.default_value = "'hi'";
  EXPECT_EQ(sql(AddColumn{"hero", motto, "'yo'"}, lite),
            (Strings{R"(ALTER TABLE "hero" ADD COLUMN "motto" TEXT NOT NULL DEFAULT 'hi')",
                     R"(UPDATE "hero" SET "motto" = 'yo')"}));
}

// The documented procedure, in its order: copy, keep the AUTOINCREMENT counter, drop the
// old table before the new one takes its name, then the indexes.
TEST(MigrationSqlTest, SqliteRebuildsForWhatAlterTableCannotAdd) {
  EXPECT_EQ(
      sql(AddColumn{"hero", column("rank", ColumnType::integer), "3"}, lite),
      (Strings{R"(CREATE TABLE "_conduit_new_hero" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, )"
               R"("name" TEXT NOT NULL, "power" INTEGER NULL, "team_id" BIGINT NULL CONSTRAINT )"
               R"("hero_team_id_fkey" REFERENCES "team" ("id") ON DELETE SET NULL, "mentor_id" )"
               R"(BIGINT NULL CONSTRAINT "hero_mentor_id_fkey" REFERENCES "hero" ("id") ON DELETE )"
               R"(CASCADE, "rank" INTEGER NOT NULL))",
               R"(INSERT INTO "_conduit_new_hero" ("id", "name", "power", "team_id", "mentor_id", )"
               R"("rank") SELECT "id", "name", "power", "team_id", "mentor_id", 3 FROM "hero")",
               R"(DELETE FROM sqlite_sequence WHERE name = '_conduit_new_hero')",
               R"(INSERT INTO sqlite_sequence (name, seq) SELECT '_conduit_new_hero', seq FROM )"
               R"(sqlite_sequence WHERE name = 'hero')",
               R"(DROP TABLE "hero")", R"(ALTER TABLE "_conduit_new_hero" RENAME TO "hero")",
               R"(CREATE INDEX "hero_name_idx" ON "hero" ("name"))",
               R"(CREATE INDEX "hero_team_id_idx" ON "hero" ("team_id"))",
               R"(CREATE UNIQUE INDEX "hero_unique_idx" ON "hero" ("name", "team_id"))"}));
  // A function default and UNIQUE are beyond ADD COLUMN too.
  orm::SchemaColumn joined = column("joined", ColumnType::timestamp);
  joined.default_value = "now()";
  EXPECT_EQ(
      sql(AddColumn{"hero", joined}, lite).front().rfind(R"(CREATE TABLE "_conduit_new_hero" )", 0),
      0u);
  orm::SchemaColumn code = column("code", ColumnType::text, true);
  code.unique = true;
  EXPECT_EQ(sql(AddColumn{"hero", code}, lite).size(), 9u);
}

TEST(MigrationSqlTest, AlterColumnEmitsOnlyWhatChanges) {
  const AlterColumn not_null{
      .table = "hero", .column = "power", .nullable = false, .initial_value = "0"};
  EXPECT_EQ(sql(not_null, pg),
            (Strings{R"(UPDATE "hero" SET "power" = 0 WHERE "power" IS NULL)",
                     R"(ALTER TABLE "hero" ALTER COLUMN "power" SET NOT NULL)"}));
  const Strings rebuild = sql(not_null, lite);
  ASSERT_EQ(rebuild.size(), 9u);
  EXPECT_NE(rebuild[1].find(R"(SELECT "id", "name", COALESCE("power", 0), "team_id")"),
            std::string::npos)
      << rebuild[1];

  const AlterColumn rule{.table = "hero", .column = "team_id", .on_delete = DeleteRule::cascade};
  EXPECT_EQ(sql(rule, pg),
            (Strings{R"(ALTER TABLE "hero" DROP CONSTRAINT "hero_team_id_fkey")",
                     R"(ALTER TABLE ONLY "hero" ADD CONSTRAINT "hero_team_id_fkey" FOREIGN KEY )"
                     R"(("team_id") REFERENCES "team" ("id") ON DELETE CASCADE)"}));
  EXPECT_EQ(sql(AlterColumn{.table = "team", .column = "name", .unique = false}, pg),
            Strings{R"(ALTER TABLE "team" DROP CONSTRAINT "team_name_key")"});
  EXPECT_EQ(sql(AlterColumn{.table = "team",
                            .column = "city",
                            .unique = true,
                            .default_value = std::optional<std::string>("'x'")},
                pg),
            (Strings{R"(ALTER TABLE "team" ALTER COLUMN "city" SET DEFAULT 'x')",
                     R"(ALTER TABLE "team" ADD CONSTRAINT "team_city_key" UNIQUE ("city"))"}));

  // An index alone needs no rebuild; an unchanged value needs nothing.
  for (db::Dialect dialect : {pg, lite}) {
    EXPECT_EQ(sql(AlterColumn{.table = "hero", .column = "power", .indexed = true}, dialect),
              Strings{R"(CREATE INDEX "hero_power_idx" ON "hero" ("power"))"});
    EXPECT_EQ(sql(AlterColumn{.table = "hero", .column = "name", .indexed = false}, dialect),
              Strings{R"(DROP INDEX "hero_name_idx")"});
    EXPECT_TRUE(
        sql(AlterColumn{.table = "hero", .column = "power", .nullable = true}, dialect).empty());
  }
}

TEST(MigrationSqlTest, DeleteColumnDropsWhatDependsOnIt) {
  EXPECT_EQ(sql(DeleteColumn{"hero", "team_id"}, pg),
            (Strings{R"(ALTER TABLE "hero" DROP COLUMN "team_id")",
                     R"(DROP INDEX IF EXISTS "hero_unique_idx")"}));
  EXPECT_EQ(sql(DeleteColumn{"hero", "power"}, lite),
            Strings{R"(ALTER TABLE "hero" DROP COLUMN "power")"});
  const orm::Schema tagged{{{.name = "t", .columns = {key_column(), [] {
                                                        orm::SchemaColumn tag =
                                                            column("tag", ColumnType::text);
                                                        tag.indexed = true;
                                                        return tag;
                                                      }()}}}};
  EXPECT_EQ(operation_sql(DeleteColumn{"t", "tag"}, tagged, lite),
            (Strings{R"(DROP INDEX "t_tag_idx")", R"(ALTER TABLE "t" DROP COLUMN "tag")"}));
  // UNIQUE, a foreign key or a unique set: SQLite cannot drop it in place.
  EXPECT_EQ(sql(DeleteColumn{"team", "name"}, lite)
                .front()
                .rfind(R"(CREATE TABLE "_conduit_new_team" )", 0),
            0u);
  // Its index and unique set go with it: only hero_name_idx is made again.
  EXPECT_EQ(sql(DeleteColumn{"hero", "team_id"}, lite).size(), 7u);
}

TEST(MigrationSqlTest, UniqueSetsChangeOnlyWherePositionsDiffer) {
  for (db::Dialect dialect : {pg, lite}) {
    EXPECT_EQ(sql(AlterUniqueSets{"hero", {{"name", "team_id"}, {"power"}}}, dialect),
              Strings{R"(CREATE UNIQUE INDEX "hero_unique2_idx" ON "hero" ("power"))"});
    EXPECT_EQ(sql(AlterUniqueSets{"hero", {{"power"}}}, dialect),
              (Strings{R"(DROP INDEX "hero_unique_idx")",
                       R"(CREATE UNIQUE INDEX "hero_unique_idx" ON "hero" ("power"))"}));
  }
}

TEST(MigrationSqlTest, PostgresCreatesAMigrationsTablesBeforeTheirForeignKeys) {
  auto table = [](std::string name, std::string target) {
    return CreateTable{
        {.name = std::move(name),
         .columns = {key_column(), reference("other_id", target, DeleteRule::cascade, false)}}};
  };
  EXPECT_EQ(migration_sql({table("alpha", "beta"), table("beta", "alpha")}, orm::Schema{}, pg),
            (Strings{R"(CREATE TABLE "alpha" ("id" BIGSERIAL PRIMARY KEY, "other_id" BIGINT NULL))",
                     R"(CREATE TABLE "beta" ("id" BIGSERIAL PRIMARY KEY, "other_id" BIGINT NULL))",
                     R"(ALTER TABLE ONLY "alpha" ADD CONSTRAINT "alpha_other_id_fkey" FOREIGN KEY )"
                     R"(("other_id") REFERENCES "beta" ("id") ON DELETE CASCADE)",
                     R"(ALTER TABLE ONLY "beta" ADD CONSTRAINT "beta_other_id_fkey" FOREIGN KEY )"
                     R"(("other_id") REFERENCES "alpha" ("id") ON DELETE CASCADE)"}));
  // Alone, or separated by another operation, a reference to a later table is an error.
  EXPECT_THROW(operation_sql(table("alpha", "beta"), orm::Schema{}, pg), MigrationError);
  try {
    migration_sql({table("alpha", "beta"), RawSql{}, table("beta", "alpha")}, orm::Schema{}, lite);
    ADD_FAILURE() << "expected a MigrationError";
  } catch (const MigrationError& error) {
    EXPECT_EQ(error.key(), "operations[0]");
  }
}

TEST(MigrationSqlTest, DeleteTableAndRawSql) {
  EXPECT_EQ(sql(DeleteTable{"hero"}, pg), Strings{R"(DROP TABLE "hero")"});
  EXPECT_EQ(sql(DeleteTable{"hero"}, lite), Strings{R"(DROP TABLE "hero")"});
  const RawSql raw{.sql = "SELECT 1", .sqlite = "SELECT 2;"};
  EXPECT_EQ(sql(raw, pg), Strings{"SELECT 1"});
  EXPECT_EQ(sql(raw, lite), Strings{"SELECT 2;"});
  EXPECT_TRUE(sql(RawSql{.postgres = "  ;\n"}, pg).empty());
}

}  // namespace
}  // namespace conduit::migration
