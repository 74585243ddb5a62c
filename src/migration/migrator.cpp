// Applying migrations to a live database: see migrator.hpp for the guarantees.
//
// Thread-safety: the tasks run on the database's event loop.
#include "conduit/migration/migrator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "conduit/db/database_error.hpp"
#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_sql.hpp"
#include "conduit/migration/replay.hpp"

namespace conduit::migration {

namespace {

// Any constant works: it only has to be the same for every `db upgrade` of this database.
constexpr std::int64_t kUpgradeLockKey = 0x636f6e6475697431;  // "conduit1"

std::string version_table_exists_sql(db::Dialect dialect) {
  if (dialect == db::Dialect::sqlite) {
    return fmt::format("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{}'",
                       kVersionTable);
  }
  return fmt::format("SELECT to_regclass('{}') IS NOT NULL", kVersionTable);
}

std::string create_version_table_sql() {
  // Unquoted, as Conduit writes them: PostgreSQL folds the column names to lower case.
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (versionNumber INT NOT NULL UNIQUE, dateOfUpgrade "
      "TIMESTAMP NOT NULL)",
      kVersionTable);
}

std::string insert_version_sql(db::Dialect dialect) {
  const char* now = dialect == db::Dialect::sqlite ? "strftime('%Y-%m-%d %H:%M:%f', 'now')"
                                                   : "(now() AT TIME ZONE 'UTC')";
  return fmt::format("INSERT INTO {} (versionNumber, dateOfUpgrade) VALUES ($1, {})", kVersionTable,
                     now);
}

Task<bool> version_table_exists(db::Executor& executor) {
  db::Result result = co_await executor.execute(version_table_exists_sql(executor.dialect()));
  if (result.empty()) co_return false;
  if (executor.dialect() == db::Dialect::sqlite) co_return true;
  co_return result[0].get<bool>(0);
}

Task<std::uint32_t> max_version(db::Executor& executor) {
  db::Result result =
      co_await executor.execute(fmt::format("SELECT MAX(versionNumber) FROM {}", kVersionTable));
  if (result.empty() || result[0].is_null(0)) co_return 0;
  co_return static_cast<std::uint32_t>(result[0].get<std::int64_t>(0));
}

std::string location_of(const Migration& migration) {
  return migration.path.empty() ? fmt::format("migration {}", migration.version)
                                : migration.path.string();
}

// Runs one statement of `migration`, turning a database failure into a MigrationError that
// names the file and the statement (the database's message never contains the password).
Task<void> run_statement(db::Transaction& tx, const Migration& migration,
                         const std::string& statement, std::chrono::milliseconds timeout) {
  std::optional<std::string> failure;
  try {
    // A `sql` step may hold several statements, so everything runs as a script.
    co_await tx.execute_script(statement, timeout);
  } catch (const db::UnavailableError&) {
    throw;  // the connection, not the migration: reported as such
  } catch (const db::DatabaseError& error) {
    failure = error.what();
  }
  if (failure) {
    throw MigrationError(location_of(migration), 0, 0, "",
                         fmt::format("statement failed: {}: {}", statement, *failure));
  }
}

struct Plan {
  orm::Schema base;
  std::vector<const Migration*> pending;
};

Plan plan_upgrade(const std::vector<Migration>& migrations, std::uint32_t current) {
  std::vector<Migration> applied;
  Plan plan;
  for (const Migration& m : migrations) {
    if (m.version <= current) {
      applied.push_back(m);
    } else {
      plan.pending.push_back(&m);
    }
  }
  plan.base = replay(applied);
  // Pending files must replay too, before anything runs: a malformed history is refused
  // without touching the database.
  orm::Schema check = plan.base;
  for (const Migration* m : plan.pending) apply_migration(check, *m);
  return plan;
}

Task<void> apply_pending(db::Transaction& tx, const std::vector<Migration>& migrations,
                         const UpgradeOptions& options, UpgradeResult& result) {
  const db::Dialect dialect = tx.dialect();
  if (dialect == db::Dialect::postgres) {
    // (A local vector: GCC 12 rejects a braced list inside co_await.)
    std::vector<db::Value> key;
    key.emplace_back(kUpgradeLockKey);
    co_await tx.execute("SELECT pg_advisory_xact_lock($1)", std::move(key),
                        options.statement_timeout);
  }
  co_await tx.execute(create_version_table_sql(), std::vector<db::Value>(),
                      options.statement_timeout);
  const std::uint32_t current = co_await max_version(tx);
  result.from_version = result.to_version = current;
  Plan plan = plan_upgrade(migrations, current);
  if (plan.pending.empty()) co_return;

  orm::Schema schema = std::move(plan.base);
  for (const Migration* m : plan.pending) {
    if (options.progress) {
      options.progress(fmt::format(
          "Updating to version {}{} ({})...", m->version,
          current == 0 && m == plan.pending.front() ? " on new database" : "", location_of(*m)));
    }
    std::vector<std::string> statements;
    try {
      statements = migration_sql(m->operations, schema, dialect);
    } catch (const MigrationError& error) {
      throw MigrationError(location_of(*m), 0, 0, error.key(), error.message());
    }
    for (const std::string& statement : statements) {
      co_await run_statement(tx, *m, statement, options.statement_timeout);
    }
    apply_migration(schema, *m);
    for (const std::string& statement : m->seed) {
      co_await run_statement(tx, *m, statement, options.statement_timeout);
    }
    std::vector<db::Value> version;
    version.emplace_back(static_cast<std::int64_t>(m->version));
    co_await tx.execute(insert_version_sql(dialect), std::move(version), options.statement_timeout);
    result.applied.push_back(m->version);
    result.to_version = m->version;
  }
  if (dialect == db::Dialect::sqlite) {
    db::Result violations = co_await tx.execute("PRAGMA foreign_key_check");
    if (!violations.empty()) {
      throw MigrationError(fmt::format(
          "the migrations leave {} row(s) whose foreign key refers to no row (first in table "
          "'{}'): nothing was applied",
          violations.size(), violations[0].get<std::string>(0)));
    }
  }
}

}  // namespace

Task<std::vector<AppliedVersion>> applied_versions(db::Database& db) {
  std::vector<AppliedVersion> versions;
  const bool exists = co_await version_table_exists(db);
  if (!exists) co_return versions;
  // As text in one format on both databases (SQLite would read the column as a timestamp).
  const char* date = db.dialect() == db::Dialect::sqlite
                         ? "strftime('%Y-%m-%d %H:%M:%S', dateOfUpgrade)"
                         : "to_char(dateOfUpgrade, 'YYYY-MM-DD HH24:MI:SS')";
  db::Result result = co_await db.execute(
      fmt::format("SELECT versionNumber, {} FROM {} ORDER BY versionNumber", date, kVersionTable));
  for (const db::Row& row : result) {
    AppliedVersion v;
    v.version = static_cast<std::uint32_t>(row.get<std::int64_t>(0));
    v.date_of_upgrade = row.get<std::string>(1);
    versions.push_back(std::move(v));
  }
  co_return versions;
}

Task<std::uint32_t> current_version(db::Database& db) {
  // (Each co_await in its own statement: GCC 12 mishandles some co_await expressions
  // nested in conditions and co_return.)
  const bool exists = co_await version_table_exists(db);
  if (!exists) co_return 0;
  const std::uint32_t version = co_await max_version(db);
  co_return version;
}

Task<UpgradeResult> upgrade(db::Database& db, const std::vector<Migration>& migrations,
                            UpgradeOptions options) {
  UpgradeResult result;
  const bool sqlite = db.dialect() == db::Dialect::sqlite;
  if (sqlite) co_await db.execute("PRAGMA foreign_keys = OFF");
  std::exception_ptr failure;
  try {
    co_await db.transaction([&](db::Transaction& tx) -> Task<void> {
      co_await apply_pending(tx, migrations, options, result);
    });
  } catch (...) {
    failure = std::current_exception();
  }
  // (co_await is not allowed in a catch block.)
  if (sqlite) co_await db.execute("PRAGMA foreign_keys = ON");
  if (failure) std::rethrow_exception(failure);
  const std::uint32_t newest = migrations.empty() ? 0 : migrations.back().version;
  if (result.applied.empty() && result.from_version > newest && options.progress) {
    options.progress(fmt::format(
        "Database version {} is newer than the newest migration file (version {}); nothing "
        "to do.",
        result.from_version, newest));
  }
  co_return result;
}

}  // namespace conduit::migration
