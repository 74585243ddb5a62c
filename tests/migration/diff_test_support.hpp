// Test helpers shared by the schema diff suites: a checked diff (replayed onto its source,
// compared with its target, written to a file and read back) and small schema builders.
//
// Thread-safety: test code, single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <string>
#include <utility>
#include <vector>

#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/replay.hpp"
#include "conduit/migration/schema_diff.hpp"
#include "migration/operation_printer.hpp"

namespace migration_test {

namespace mig = conduit::migration;
namespace orm = conduit::orm;

inline orm::SchemaColumn id_column() {
  return {.name = "id",
          .type = orm::ColumnType::big_integer,
          .primary_key = true,
          .autoincrement = true};
}

// Replays the diff onto `from` and checks it reaches `to` (and that nothing is left to
// diff), and that the diff survives being written to a file and read back.
inline mig::SchemaDiff checked_diff(const orm::Schema& from, const orm::Schema& to,
                                    const mig::Renames& renames = {}) {
  mig::SchemaDiff diff = mig::diff_schemas(from, to, renames);
  orm::Schema replayed = from;
  mig::apply_operations(replayed, diff.operations);
  EXPECT_EQ(replayed, to) << boost::json::serialize(orm::to_json(replayed)) << "\n"
                          << boost::json::serialize(orm::to_json(to));
  EXPECT_TRUE(mig::diff_schemas(replayed, to).empty());
  mig::Migration m;  // no designated initialisers: Migration's members have no defaults
  m.version = 1;
  m.name = "diff";
  m.operations = diff.operations;
  EXPECT_EQ(
      mig::parse_migration(mig::write_migration(m), "00000001_diff.migration.yaml").operations,
      diff.operations);
  return diff;
}

}  // namespace migration_test
