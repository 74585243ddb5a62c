// The whole workflow on both dialects: a model evolves through several versions; after
// each, `db generate` (generate_migration) writes the next file, `db upgrade` (upgrade)
// applies it to a database holding rows, the catalog read back equals the model, and
// `db validate` (validate_migrations) agrees.
#include <gtest/gtest.h>

#include <filesystem>

#include "conduit/migration/generator.hpp"
#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/migrator.hpp"
#include "migration_db.hpp"
#include "support/temp_dir.hpp"

namespace conduit::migration::testing {
namespace {

class GenerateUpgradeTest : public MigrationDbTest {
 protected:
  // generate + upgrade + catalog + validate for one model version.
  void evolve_to(const orm::Schema& model, const Renames& renames = {}) {
    GenerateOptions options;
    options.renames = renames;
    const GenerateResult generated = generate_migration(dir_.path(), model, options);
    ASSERT_FALSE(generated.file.empty()) << "nothing generated";
    SCOPED_TRACE(generated.file.string());
    const UpgradeResult result = run(upgrade(*db_, read_migration_directory(dir_.path())));
    EXPECT_EQ(result.applied, std::vector<std::uint32_t>{generated.version});
    const Catalog catalog = run(read_catalog(*db_));
    const orm::Schema wanted = comparable(model, GetParam());
    EXPECT_EQ(catalog.schema, wanted)
        << "catalog:  " << boost::json::serialize(orm::to_json(catalog.schema))
        << "\nexpected: " << boost::json::serialize(orm::to_json(wanted));
    EXPECT_TRUE(validate_migrations(dir_.path(), model).valid());
    EXPECT_TRUE(generate_migration(dir_.path(), model).file.empty())
        << "a second generate wrote a file";
  }

  conduit::test::TempDir dir_{"generate"};
};

orm::SchemaTable* table(orm::Schema& schema, std::string_view name) {
  return schema.find_table(name);
}

TEST_P(GenerateUpgradeTest, AModelEvolvesThroughGeneratedMigrations) {
  orm::Schema model = hero_schema();
  evolve_to(model);
  run(db_->execute_script(hero_rows()));

  // Columns added (one NOT NULL with a default), an index, a unique constraint, a default.
  orm::SchemaColumn age = column("age", orm::ColumnType::integer);
  age.default_value = "18";
  table(model, "hero")->columns.push_back(age);
  table(model, "hero")->find_column("power")->indexed = true;
  table(model, "team")->find_column("city")->unique = true;
  table(model, "team")->find_column("founded")->default_value = "2000";
  evolve_to(model);

  // A column renamed, one deleted, a delete rule and nullability changed.
  table(model, "hero")->find_column("power")->name = "strength";
  auto& team_columns = table(model, "team")->columns;
  std::erase_if(team_columns, [](const orm::SchemaColumn& c) { return c.name == "founded"; });
  table(model, "hero")->find_column("team_id")->relationship->on_delete = orm::DeleteRule::cascade;
  table(model, "hero")->find_column("age")->nullable = true;
  Renames renames;
  renames.columns.push_back({"hero", "power", "strength"});
  evolve_to(model, renames);

  // A table renamed (references follow) and a new table referring to another.
  table(model, "team")->name = "squad";
  table(model, "hero")->find_column("team_id")->relationship->table = "squad";
  model.tables.push_back(
      orm::SchemaTable{.name = "power",
                       .columns = {key_column(), column("label", orm::ColumnType::text),
                                   reference("hero_id", "hero", orm::DeleteRule::restrict)}});
  Renames table_rename;
  table_rename.tables.emplace_back("team", "squad");
  evolve_to(model, table_rename);

  // A table deleted and the unique sets changed.
  std::erase_if(model.tables, [](const orm::SchemaTable& t) { return t.name == "power"; });
  table(model, "hero")->unique_sets = {{"name", "age"}};
  evolve_to(model);

  // The rows came through every step.
  EXPECT_EQ(strings("SELECT name FROM hero ORDER BY id"),
            (std::vector<std::string>{"ann", "bob", "cy"}));
  EXPECT_EQ(strings("SELECT name FROM squad ORDER BY id"),
            (std::vector<std::string>{"red", "blue"}));
  EXPECT_EQ(run(current_version(*db_)), 5u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, GenerateUpgradeTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(GenerateTest, RefusesNamesPostgresqlWouldShortenBeforeWritingAFile) {
  const conduit::test::TempDir temp("generate");
  const auto dir = temp / "migrations";
  orm::Schema model = hero_schema();
  const std::string long_name(70, 'n');
  model.tables.front().columns.back().name = long_name;
  try {
    generate_migration(dir, model);
    ADD_FAILURE() << "generate accepted a 70-byte column name";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("PostgreSQL keeps only 63 bytes of a name"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(!std::filesystem::exists(dir) || std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace conduit::migration::testing
