// The upgrade runner (migrator.hpp) and TestDatabase (test_database.hpp) on both dialects:
// versions recorded, pending files applied in one transaction with their seeds, a failure
// rolling everything back, SQLite table rebuilds under foreign keys, private test schemas.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "conduit/db/database.hpp"
#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migrator.hpp"
#include "conduit/migration/test_database.hpp"
#include "migration_db.hpp"
#include "support/db_test_support.hpp"

namespace conduit::migration::testing {
namespace {

using db::testing::Loop;

const std::string kHeroesMigrations =
    std::string(CONDUIT_SOURCE_DIR) + "/examples/heroes/migrations";

std::optional<DatabaseConfiguration> server_for(db::Dialect dialect) {
  if (dialect == db::Dialect::sqlite) {
    DatabaseConfiguration sqlite;
    sqlite.kind = DatabaseKind::sqlite;
    return sqlite;
  }
  const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
  if (!url) return std::nullopt;
  return DatabaseConfiguration::parse_url(url);
}

Migration migration(std::uint32_t version, std::vector<Operation> operations,
                    std::vector<std::string> seed = {}) {
  Migration m;
  m.version = version;
  m.name = "m" + std::to_string(version);
  m.operations = std::move(operations);
  m.seed = std::move(seed);
  return m;
}

CreateTable teams() {
  return CreateTable{
      {.name = "teams", .columns = {key_column(), column("name", orm::ColumnType::text)}}};
}
CreateTable players() {
  return CreateTable{{.name = "players",
                      .columns = {key_column(), column("name", orm::ColumnType::text),
                                  reference("team_id", "teams", orm::DeleteRule::cascade)}}};
}

class UpgradeTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    auto server = server_for(GetParam());
    if (!server) GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set (run through ctest)";
    // An empty private database, through the class under test.
    test_db_.emplace(TestDatabase::create(*server, TestDatabase::from_model({})));
    db_ = loop_.run([&]() -> Task<std::shared_ptr<db::Database>> {
      co_return db::Database::open(test_db_->configuration());
    }());
  }
  void TearDown() override {
    if (db_) loop_.run(db_->close());
    db_.reset();
  }
  UpgradeResult upgrade(const std::vector<Migration>& files) {
    return loop_.run(migration::upgrade(*db_, files));
  }
  std::int64_t count(const std::string& table) {
    return loop_.run(db_->execute("SELECT count(*) FROM " + table)).front().get<std::int64_t>(0);
  }

  Loop loop_;
  std::optional<TestDatabase> test_db_;
  std::shared_ptr<db::Database> db_;
};

TEST_P(UpgradeTest, AppliesPendingFilesOnceAndRecordsTheirVersions) {
  EXPECT_EQ(loop_.run(current_version(*db_)), 0u);
  EXPECT_TRUE(loop_.run(applied_versions(*db_)).empty());
  std::vector<Migration> files = {
      migration(1, {teams()}, {"INSERT INTO teams (name) VALUES ('a')"})};
  auto first = upgrade(files);
  EXPECT_EQ(first.from_version, 0u);
  EXPECT_EQ(first.to_version, 1u);
  EXPECT_EQ(first.applied, std::vector<std::uint32_t>{1});

  files.push_back(
      migration(2, {players()}, {"INSERT INTO players (name, team_id) VALUES ('p', 1)"}));
  files.push_back(migration(3, {AddColumn{"teams", column("city", orm::ColumnType::text, true)}}));
  auto second = upgrade(files);
  EXPECT_EQ(second.from_version, 1u);
  EXPECT_EQ(second.applied, (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(loop_.run(current_version(*db_)), 3u);
  auto versions = loop_.run(applied_versions(*db_));
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[2].version, 3u);
  EXPECT_EQ(versions[2].date_of_upgrade.size(), 19u) << versions[2].date_of_upgrade;

  auto again = upgrade(files);
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.from_version, 3u);
  EXPECT_EQ(count("teams"), 1);  // seeds ran once
  EXPECT_EQ(count("players"), 1);
}

TEST_P(UpgradeTest, AFailureRollsBackEveryPendingFile) {
  upgrade({migration(1, {teams()})});
  std::vector<Migration> files = {migration(1, {teams()}), migration(2, {players()}),
                                  migration(3, {RawSql{.sql = "INSERT INTO nowhere VALUES (1)"}})};
  files[2].path = "migrations/00000003_m3.migration.yaml";
  try {
    upgrade(files);
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& error) {
    EXPECT_EQ(error.file(), "migrations/00000003_m3.migration.yaml");
    EXPECT_NE(error.message().find("INSERT INTO nowhere"), std::string::npos) << error.what();
  }
  EXPECT_EQ(loop_.run(current_version(*db_)), 1u);
  EXPECT_THROW(count("players"), db::DatabaseError);  // version 2 is gone too
  // The database still works, and fixing the file lets the upgrade through.
  files[2].operations = {RawSql{.sql = "UPDATE teams SET name = name"}};
  EXPECT_EQ(upgrade(files).to_version, 3u);
}

TEST_P(UpgradeTest, RebuildsAReferencedTableKeepingRowsAndReferences) {
  upgrade({migration(1, {teams(), players()},
                     {"INSERT INTO teams (name) VALUES ('a')",
                      "INSERT INTO players (name, team_id) VALUES ('p', 1)"})});
  // Making a referenced column NOT NULL with a default rebuilds `teams` on SQLite.
  AlterColumn alter{.table = "teams", .column = "name", .unique = true};
  alter.default_value = std::optional<std::string>("'x'");
  upgrade({migration(1, {teams(), players()}), migration(2, {alter})});
  EXPECT_EQ(count("players"), 1);
  loop_.run(db_->execute("DELETE FROM teams"));
  EXPECT_EQ(count("players"), 0);  // the cascade still points at the rebuilt table
}

TEST_P(UpgradeTest, ADatabaseNewerThanTheFilesIsLeftAlone) {
  upgrade({migration(1, {teams()}), migration(2, {players()})});
  auto result = upgrade({migration(1, {teams()})});  // an older release's files
  EXPECT_TRUE(result.applied.empty());
  EXPECT_EQ(result.from_version, 2u);
  EXPECT_EQ(count("players"), 0);
}

TEST_P(UpgradeTest, AFileThatDoesNotReplayIsRefusedBeforeAnythingRuns) {
  std::vector<Migration> files = {migration(1, {teams()}),
                                  migration(2, {DeleteColumn{"teams", "nope"}})};
  EXPECT_THROW(upgrade(files), MigrationError);
  EXPECT_EQ(loop_.run(current_version(*db_)), 0u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, UpgradeTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

// ---- TestDatabase -----------------------------------------------------------------------

TEST(TestDatabaseSqlite, BuildsFromTheFilesAndRemovesItsFile) {
  std::string file;
  {
    auto test_db = TestDatabase::create_sqlite(TestDatabase::from_migrations(kHeroesMigrations));
    file = test_db.name();
    ASSERT_TRUE(std::filesystem::exists(file));
    Loop loop;
    auto db = loop.run([&]() -> Task<std::shared_ptr<db::Database>> {
      co_return db::Database::open(test_db.configuration());
    }());
    EXPECT_EQ(loop.run(db->execute("SELECT count(*) FROM heroes")).front().get<std::int64_t>(0), 3);
    loop.run(db->close());
  }
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(TestDatabasePostgres, EachTestGetsItsOwnSchemaDroppedAfterwards) {
  const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL");
  if (!url) GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set (run through ctest)";
  const auto server = DatabaseConfiguration::parse_url(url);
  orm::Schema schema;
  schema.tables.push_back(teams().table);
  std::string first_name;
  Loop loop;
  auto admin = loop.run(
      [&]() -> Task<std::shared_ptr<db::Database>> { co_return db::Database::open(server); }());
  auto schemas_named = [&](const std::string& name) {
    return loop.run(admin->execute("SELECT count(*) FROM pg_namespace WHERE nspname = $1", name))
        .front()
        .get<std::int64_t>(0);
  };
  {
    auto a = TestDatabase::create(server, TestDatabase::from_model(schema));
    auto b = TestDatabase::create(server, TestDatabase::from_migrations(kHeroesMigrations));
    EXPECT_NE(a.name(), b.name());
    first_name = a.name();
    EXPECT_EQ(schemas_named(a.name()), 1);
    // The URL form carries the schema too (what a test writes into an app's config).
    auto db = loop.run([&]() -> Task<std::shared_ptr<db::Database>> {
      co_return db::Database::open(DatabaseConfiguration::parse_url(b.url()));
    }());
    EXPECT_EQ(loop.run(db->execute("SELECT count(*) FROM heroes")).front().get<std::int64_t>(0), 3);
    EXPECT_THROW(loop.run(db->execute("SELECT * FROM teams")), db::DatabaseError);  // a's table
    loop.run(db->close());
  }
  EXPECT_EQ(schemas_named(first_name), 0);
  loop.run(admin->close());
}

}  // namespace
}  // namespace conduit::migration::testing
