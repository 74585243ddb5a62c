// How long the migration tools take at a realistic size (issue: migrations):
//   - `db generate` against a 100-table model: replaying the files, diffing, writing;
//   - `db upgrade` applying 200 migration files to an empty database, in one transaction,
//     on SQLite and (with --postgres URL or $CONDUIT_TEST_DATABASE_URL) on PostgreSQL.
// Prints one line per measurement. Run through bench/migration_bench.sh.
//
// Thread-safety: a single-threaded program.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "conduit/config/database_configuration.hpp"
#include "conduit/migration/generator.hpp"
#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/replay.hpp"
#include "conduit/migration/test_database.hpp"

namespace {

using namespace conduit;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

orm::SchemaColumn column(std::string name, orm::ColumnType type, bool nullable = false) {
  return {.name = std::move(name), .type = type, .nullable = nullable};
}

// 100 tables of 8 columns; every table after the first refers to the one before it.
orm::Schema model(int tables) {
  orm::Schema schema;
  for (int t = 0; t < tables; ++t) {
    orm::SchemaTable table{.name = fmt::format("table_{:03}", t)};
    table.columns.push_back({.name = "id",
                             .type = orm::ColumnType::big_integer,
                             .primary_key = true,
                             .autoincrement = true});
    table.columns.push_back(column("name", orm::ColumnType::text));
    table.columns.back().unique = true;
    table.columns.push_back(column("count", orm::ColumnType::integer));
    table.columns.back().default_value = "0";
    table.columns.push_back(column("ratio", orm::ColumnType::double_precision, true));
    table.columns.push_back(column("created", orm::ColumnType::timestamp));
    table.columns.back().default_value = "now()";
    table.columns.push_back(column("flag", orm::ColumnType::boolean, true));
    table.columns.push_back(column("notes", orm::ColumnType::text, true));
    table.columns.back().indexed = true;
    if (t > 0) {
      orm::SchemaColumn ref = column("parent_id", orm::ColumnType::big_integer, true);
      ref.indexed = true;
      ref.relationship =
          orm::ForeignKey{fmt::format("table_{:03}", t - 1), "id", orm::DeleteRule::cascade};
      table.columns.push_back(ref);
    } else {
      table.columns.push_back(column("parent_id", orm::ColumnType::big_integer, true));
    }
    schema.tables.push_back(std::move(table));
  }
  return schema;
}

// Writes 200 files: the first creates 20 tables, each later one changes one of them.
void write_history(const std::filesystem::path& dir) {
  orm::Schema schema = model(20);
  std::vector<migration::Migration> files;
  migration::Migration first;
  first.version = 1;
  first.name = "initial";
  for (const auto& table : schema.tables) first.operations.push_back(migration::CreateTable{table});
  files.push_back(first);
  for (std::uint32_t v = 2; v <= 200; ++v) {
    migration::Migration m;
    m.version = v;
    m.name = fmt::format("change_{}", v);
    const std::string table = fmt::format("table_{:03}", v % 20);
    const std::string col = fmt::format("extra_{}", v);
    switch (v % 4) {
      case 0:
        m.operations.push_back(
            migration::AddColumn{table, column(col, orm::ColumnType::integer), std::string("1")});
        break;
      case 1:
        m.operations.push_back(
            migration::AddColumn{table, column(col, orm::ColumnType::text, true), std::nullopt});
        break;
      case 2: {
        migration::AlterColumn alter{.table = table, .column = "notes"};
        alter.indexed = (v / 4) % 2 == 0;
        m.operations.push_back(alter);
        break;
      }
      default:
        m.operations.push_back(
            migration::RawSql{.sql = fmt::format("UPDATE {} SET count = {}", table, v)});
        m.seed.push_back(fmt::format("INSERT INTO {} (name) VALUES ('row {}')", table, v));
    }
    files.push_back(std::move(m));
  }
  std::filesystem::create_directories(dir);
  for (const auto& m : files) {
    std::ofstream(dir / migration::migration_file_name(m.version, m.name))
        << migration::write_migration(m);
  }
}

void time_upgrade(const char* label, const DatabaseConfiguration& server,
                  const std::filesystem::path& dir) {
  const auto start = Clock::now();
  auto db = migration::TestDatabase::create(server, migration::TestDatabase::from_migrations(dir));
  fmt::print("upgrade 200 migrations ({}): {:.0f} ms (parse + replay + apply in one transaction)\n",
             label, ms_since(start));
}

}  // namespace

int main(int argc, char** argv) {
  std::string postgres;
  if (const char* url = std::getenv("CONDUIT_TEST_DATABASE_URL")) postgres = url;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--postgres") postgres = argv[i + 1];
  }
  const auto root = std::filesystem::temp_directory_path() /
                    fmt::format("conduit-migration-bench-{}", ::getpid());
  std::filesystem::remove_all(root);
  try {
    // db generate against a 100-table model: first from nothing, then with nothing to do.
    const orm::Schema big = model(100);
    auto start = Clock::now();
    auto first = migration::generate_migration(root / "generate", big);
    fmt::print("generate, 100-table model, no files: {:.1f} ms ({} operations, {} bytes)\n",
               ms_since(start), first.diff.operations.size(),
               std::filesystem::file_size(first.file));
    start = Clock::now();
    auto again = migration::generate_migration(root / "generate", big);
    fmt::print("generate, 100-table model, up to date: {:.1f} ms ({} operations)\n",
               ms_since(start), again.diff.operations.size());

    write_history(root / "history");
    start = Clock::now();
    auto files = migration::read_migration_directory(root / "history");
    auto replayed = migration::replay(files);
    fmt::print("read + replay 200 files: {:.1f} ms ({} tables)\n", ms_since(start),
               replayed.tables.size());

    DatabaseConfiguration sqlite;
    sqlite.kind = DatabaseKind::sqlite;
    time_upgrade("SQLite", sqlite, root / "history");
    if (!postgres.empty()) {
      time_upgrade("PostgreSQL", DatabaseConfiguration::parse_url(postgres), root / "history");
    } else {
      fmt::print("upgrade 200 migrations (PostgreSQL): skipped (no --postgres URL)\n");
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "migration_bench: {}\n", error.what());
    std::filesystem::remove_all(root);
    return 1;
  }
  std::filesystem::remove_all(root);
  return 0;
}
