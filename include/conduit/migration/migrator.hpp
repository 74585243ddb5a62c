// conduit::migration upgrade: applying migration files to a live database (`db upgrade`,
// `db get-version`), safely enough to run in every release phase.
//
//   auto files = migration::read_migration_directory("migrations");
//   migration::UpgradeResult r = co_await migration::upgrade(*db, files, print_line);
//
// The database records what it has applied in the version table `_conduit_version_pgsql`
// (versionNumber INT NOT NULL UNIQUE, dateOfUpgrade TIMESTAMP NOT NULL: Conduit's table,
// also on SQLite). upgrade():
//   - runs in ONE transaction: the version table is created if absent, every pending
//     migration's operations, then its seed statements, then its version row; any failure
//     rolls all of it back and throws MigrationError naming the file, the statement and
//     the database's message, so the database stays exactly as it was;
//   - takes a lock first (PostgreSQL: pg_advisory_xact_lock; SQLite: BEGIN IMMEDIATE),
//     so of two upgrades started at once one applies and the other waits, then finds
//     nothing left to do;
//   - on SQLite turns foreign-key enforcement off around the transaction (table rebuilds
//     need it; SQLite only allows that outside a transaction) and runs
//     PRAGMA foreign_key_check before committing;
//   - treats a database newer than the newest file (a rollback to an older release) as
//     current: it changes nothing and reports it, so the release still starts.
// The schema that the pending operations start from is the replay of the files already
// applied, which is what migration_sql needs to name indexes and rebuild SQLite tables.
//
// Thread-safety: the tasks run on the database's event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "conduit/migration/operation.hpp"

namespace conduit::migration {

inline constexpr const char* kVersionTable = "_conduit_version_pgsql";

struct AppliedVersion {
  std::uint32_t version = 0;
  std::string date_of_upgrade;  // as the database renders it
};

// Every row of the version table in version order; empty when the table does not exist.
Task<std::vector<AppliedVersion>> applied_versions(db::Database& db);
// The highest applied version; 0 for a database that has had no migration.
Task<std::uint32_t> current_version(db::Database& db);

struct UpgradeOptions {
  // Called with one line before each migration is applied, and for notices.
  std::function<void(const std::string&)> progress;
  // Per statement, including waiting for another upgrade's lock. Heroku allows a release
  // phase one hour.
  std::chrono::milliseconds statement_timeout{std::chrono::minutes(30)};
};

struct UpgradeResult {
  std::uint32_t from_version = 0;
  std::uint32_t to_version = 0;
  std::vector<std::uint32_t> applied;  // empty when the database was already current
};

// `migrations` sorted by version (as read_migration_directory returns them). Throws
// MigrationError (a file that does not replay, a failing statement) and db::DatabaseError
// (the database is unreachable).
Task<UpgradeResult> upgrade(db::Database& db, const std::vector<Migration>& migrations,
                            UpgradeOptions options = {});

}  // namespace conduit::migration
