// Golden tests for the DDL generated from an orm::Schema on PostgreSQL and SQLite: types,
// constraints, defaults, indexes, unique sets, foreign keys, statement order, and what
// each dialect refuses.
//
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "conduit/orm/data_model.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "support/test_models.hpp"

namespace {

using conduit::db::Dialect;
using conduit::orm::ColumnType;
using conduit::orm::DeleteRule;
using conduit::orm::ForeignKey;
using conduit::orm::Schema;
using conduit::orm::SchemaColumn;
using conduit::orm::SchemaTable;
namespace migration = conduit::migration;
namespace orm = conduit::orm;

// Declared out of name order, to show that the output does not depend on it.
Schema small_schema() {
  SchemaTable member{
      .name = "member",
      .columns =
          {
              {.name = "id",
               .type = ColumnType::integer,
               .primary_key = true,
               .autoincrement = true},
              {.name = "name", .type = ColumnType::text},
              {.name = "alias", .type = ColumnType::text, .nullable = true},
              {.name = "active", .type = ColumnType::boolean, .default_value = "true"},
              {.name = "rating", .type = ColumnType::double_precision, .default_value = "0"},
              {.name = "joined", .type = ColumnType::timestamp, .default_value = "now()"},
              {.name = "meta", .type = ColumnType::document, .nullable = true},
              {.name = "token", .type = ColumnType::uuid, .default_value = "gen_random_uuid()"},
              {.name = "team_id",
               .type = ColumnType::big_integer,
               .nullable = true,
               .indexed = true,
               .relationship = ForeignKey{"team", "id", DeleteRule::cascade}},
          },
      .unique_sets = {{"name", "team_id"}},
  };
  SchemaTable team{
      .name = "team",
      .columns =
          {
              {.name = "id",
               .type = ColumnType::big_integer,
               .primary_key = true,
               .autoincrement = true},
              {.name = "name", .type = ColumnType::text, .unique = true, .indexed = true},
              {.name = "budget", .type = ColumnType::decimal, .default_value = "0"},
          },
  };
  return Schema{.tables = {team, member}};
}

TEST(SchemaSql, PostgresGolden) {
  const std::vector<std::string> expected = {
      R"(CREATE TABLE "member" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL, )"
      R"("alias" TEXT NULL, "active" BOOLEAN NOT NULL DEFAULT true, )"
      R"("rating" DOUBLE PRECISION NOT NULL DEFAULT 0, )"
      R"("joined" TIMESTAMP NOT NULL DEFAULT now(), "meta" JSONB NULL, )"
      R"("token" UUID NOT NULL DEFAULT gen_random_uuid(), "team_id" BIGINT NULL))",
      R"(CREATE INDEX "member_team_id_idx" ON "member" ("team_id"))",
      R"(CREATE UNIQUE INDEX "member_unique_idx" ON "member" ("name", "team_id"))",
      R"(CREATE TABLE "team" ("id" BIGSERIAL PRIMARY KEY, "name" TEXT NOT NULL UNIQUE, )"
      R"("budget" NUMERIC NOT NULL DEFAULT 0))",
      R"(CREATE INDEX "team_name_idx" ON "team" ("name"))",
      R"(ALTER TABLE ONLY "member" ADD CONSTRAINT "member_team_id_fkey" FOREIGN KEY ("team_id") )"
      R"(REFERENCES "team" ("id") ON DELETE CASCADE)",
  };
  EXPECT_EQ(migration::create_schema_sql(small_schema(), Dialect::postgres), expected);
  EXPECT_EQ(
      migration::drop_schema_sql(small_schema(), Dialect::postgres),
      (std::vector<std::string>{R"(DROP TABLE "team" CASCADE)", R"(DROP TABLE "member" CASCADE)"}));
}

TEST(SchemaSql, SqliteGolden) {
  const std::vector<std::string> expected = {
      // Referenced tables first on SQLite, although "member" sorts before "team".
      R"(CREATE TABLE "team" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, )"
      R"("name" TEXT NOT NULL UNIQUE, "budget" DECIMAL_TEXT NOT NULL DEFAULT 0))",
      R"(CREATE INDEX "team_name_idx" ON "team" ("name"))",
      R"(CREATE TABLE "member" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL, )"
      R"("alias" TEXT NULL, "active" BOOLEAN NOT NULL DEFAULT true, )"
      R"("rating" REAL NOT NULL DEFAULT 0, )"
      R"("joined" TIMESTAMP_TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), )"
      R"("meta" JSON_TEXT NULL, "token" UUID_TEXT NOT NULL DEFAULT (lower(hex(randomblob(4))) )"
      R"(|| '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) )"
      R"(|| '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || )"
      R"(substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))), )"
      R"("team_id" BIGINT NULL CONSTRAINT "member_team_id_fkey" REFERENCES "team" ("id") )"
      R"(ON DELETE CASCADE))",
      R"(CREATE INDEX "member_team_id_idx" ON "member" ("team_id"))",
      R"(CREATE UNIQUE INDEX "member_unique_idx" ON "member" ("name", "team_id"))",
  };
  EXPECT_EQ(migration::create_schema_sql(small_schema(), Dialect::sqlite), expected);
  EXPECT_EQ(migration::drop_schema_sql(small_schema(), Dialect::sqlite),
            (std::vector<std::string>{R"(DROP TABLE "member")", R"(DROP TABLE "team")"}));
}

TEST(SchemaSql, OutputDoesNotDependOnDeclarationOrder) {
  Schema reversed = small_schema();
  std::swap(reversed.tables[0], reversed.tables[1]);
  for (Dialect dialect : {Dialect::postgres, Dialect::sqlite}) {
    EXPECT_EQ(migration::create_schema_sql(reversed, dialect),
              migration::create_schema_sql(small_schema(), dialect));
    EXPECT_EQ(migration::drop_schema_sql(reversed, dialect),
              migration::drop_schema_sql(small_schema(), dialect));
  }
}

TEST(SchemaSql, DeleteRulesAndKeysWithoutAutoincrement) {
  auto fk_column = [](DeleteRule rule) {
    return SchemaColumn{.name = "x_id",
                        .type = ColumnType::uuid,
                        .nullable = true,
                        .relationship = ForeignKey{"x", "id", rule}};
  };
  EXPECT_EQ(migration::column_definition_sql(fk_column(DeleteRule::nullify), Dialect::postgres),
            R"("x_id" UUID NULL)");
  const std::vector<std::pair<DeleteRule, std::string>> rules = {
      {DeleteRule::nullify, "SET NULL"},
      {DeleteRule::cascade, "CASCADE"},
      {DeleteRule::restrict, "RESTRICT"},
      {DeleteRule::set_default, "SET DEFAULT"}};
  for (const auto& [rule, sql] : rules) {
    const Schema schema{.tables = {SchemaTable{.name = "t", .columns = {fk_column(rule)}}}};
    EXPECT_EQ(migration::create_schema_sql(schema, Dialect::postgres).back(),
              R"(ALTER TABLE ONLY "t" ADD CONSTRAINT "t_x_id_fkey" FOREIGN KEY ("x_id") )"
              R"(REFERENCES "x" ("id") ON DELETE )" +
                  sql);
  }
  // A text key: SQLite needs NOT NULL spelled out for keys other than INTEGER PRIMARY KEY.
  const SchemaColumn slug{.name = "slug", .type = ColumnType::text, .primary_key = true};
  EXPECT_EQ(migration::column_definition_sql(slug, Dialect::postgres), R"("slug" TEXT PRIMARY KEY)");
  EXPECT_EQ(migration::column_definition_sql(slug, Dialect::sqlite),
            R"("slug" TEXT PRIMARY KEY NOT NULL)");
  // A 64-bit key that the application assigns stays BIGINT.
  const SchemaColumn id{.name = "id", .type = ColumnType::big_integer, .primary_key = true};
  EXPECT_EQ(migration::column_definition_sql(id, Dialect::sqlite), R"("id" BIGINT PRIMARY KEY NOT NULL)");
}

TEST(SchemaSql, IdentifiersAreQuotedAndDefaultsOtherwiseVerbatim) {
  const SchemaColumn odd{.name = "we\"ird", .type = ColumnType::text, .default_value = "'it''s'"};
  EXPECT_EQ(migration::column_definition_sql(odd, Dialect::postgres),
            R"("we""ird" TEXT NOT NULL DEFAULT 'it''s')");
  EXPECT_EQ(migration::column_definition_sql(odd, Dialect::sqlite),
            R"("we""ird" TEXT NOT NULL DEFAULT 'it''s')");
  const SchemaColumn call{.name = "c", .type = ColumnType::text, .default_value = "upper('a')"};
  EXPECT_EQ(migration::column_definition_sql(call, Dialect::postgres),
            R"("c" TEXT NOT NULL DEFAULT upper('a'))");
  EXPECT_EQ(migration::column_definition_sql(call, Dialect::sqlite),
            R"("c" TEXT NOT NULL DEFAULT (upper('a')))");
}

TEST(SchemaSql, RefusesWhatTheDialectCannotExpress) {
  const SchemaColumn counter{.name = "n", .type = ColumnType::big_integer, .autoincrement = true};
  EXPECT_EQ(migration::column_definition_sql(counter, Dialect::postgres), R"("n" BIGSERIAL NOT NULL)");
  EXPECT_THROW(migration::column_definition_sql(counter, Dialect::sqlite), std::invalid_argument);
  const SchemaColumn text_counter{.name = "n", .type = ColumnType::text, .autoincrement = true};
  EXPECT_THROW(migration::column_definition_sql(text_counter, Dialect::postgres), std::invalid_argument);
  const Schema empty_table{.tables = {SchemaTable{.name = "t"}}};
  EXPECT_THROW(migration::create_schema_sql(empty_table, Dialect::postgres), std::invalid_argument);
}

TEST(SchemaSql, SqliteBreaksReferenceCyclesByNameAndKeepsSelfReferences) {
  // a -> b -> a, and c -> c: all created (SQLite resolves references when rows are written).
  auto table = [](std::string name, std::string target) {
    return SchemaTable{
        .name = name,
        .columns = {{.name = "id",
                     .type = ColumnType::big_integer,
                     .primary_key = true,
                     .autoincrement = true},
                    {.name = "ref_id",
                     .type = ColumnType::big_integer,
                     .nullable = true,
                     .relationship = ForeignKey{target, "id", DeleteRule::nullify}}}};
  };
  const Schema schema{.tables = {table("c", "c"), table("b", "a"), table("a", "b")}};
  const auto sql = migration::create_schema_sql(schema, Dialect::sqlite);
  ASSERT_EQ(sql.size(), 3u);
  // c is ready at once; the cycle is then broken at the first name.
  EXPECT_EQ(sql[0].rfind(R"(CREATE TABLE "c")", 0), 0u);
  EXPECT_EQ(sql[1].rfind(R"(CREATE TABLE "a")", 0), 0u);
  EXPECT_EQ(sql[2].rfind(R"(CREATE TABLE "b")", 0), 0u);
}

TEST(SchemaSql, TheSharedTestModelGeneratesForBothDialects) {
  const auto model = orm::DataModel::of<models::User, models::Profile, models::Hero, models::Team,
                                        models::Power, models::HeroPower, models::Tag>();
  const auto postgres = migration::create_schema_sql(model.schema(), Dialect::postgres);
  // Tables sorted by name, each followed by its indexes; all foreign keys last.
  ASSERT_FALSE(postgres.empty());
  EXPECT_EQ(postgres.front().rfind(R"(CREATE TABLE "_hero")", 0), 0u);
  EXPECT_EQ(postgres.back(),
            R"(ALTER TABLE ONLY "profile" ADD CONSTRAINT "profile_user_id_fkey" FOREIGN KEY )"
            R"(("user_id") REFERENCES "users" ("id") ON DELETE CASCADE)");
  EXPECT_NE(std::find(postgres.begin(), postgres.end(),
                      R"(CREATE UNIQUE INDEX "power_unique_idx" ON "power" ("name", "kind"))"),
            postgres.end());
  const auto sqlite = migration::create_schema_sql(model.schema(), Dialect::sqlite);
  // users before profile and _hero, team before _hero, _hero and power before hero_power.
  auto position = [&](const std::string& table) {
    const std::string prefix = "CREATE TABLE \"" + table + "\"";
    return std::find_if(sqlite.begin(), sqlite.end(),
                        [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }) -
           sqlite.begin();
  };
  EXPECT_LT(position("users"), position("profile"));
  EXPECT_LT(position("users"), position("_hero"));
  EXPECT_LT(position("team"), position("_hero"));
  EXPECT_LT(position("_hero"), position("hero_power"));
  EXPECT_LT(position("power"), position("hero_power"));
}

}  // namespace
