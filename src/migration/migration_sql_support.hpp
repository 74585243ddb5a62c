// Private to migration_sql: the object names both dialects share, small DDL builders, and
// the per-dialect generators that migration_sql.cpp dispatches to.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/migration/operation.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration::detail {

std::string quote(std::string_view identifier);

// The names schema_sql.cpp gives (indexes, unique sets, foreign keys) and those PostgreSQL
// chooses itself (UNIQUE column, primary key, SERIAL sequence).
std::string index_name(std::string_view table, std::string_view column);
std::string unique_set_name(std::string_view table, std::size_t position);
std::string unique_key_name(std::string_view table, std::string_view column);
std::string foreign_key_name(std::string_view table, std::string_view column);
std::string primary_key_name(std::string_view table);
std::string sequence_name(std::string_view table, std::string_view column);

std::string on_delete_sql(orm::DeleteRule rule);
// REFERENCES "t" ("id") ON DELETE ...
std::string references_sql(const orm::ForeignKey& key);
// CREATE INDEX "t_c_idx" ON "t" ("c")
std::string create_index_sql(std::string_view table, std::string_view column);
// CREATE UNIQUE INDEX "t_uniqueN_idx" ON "t" (...)
std::string create_unique_set_sql(std::string_view table, std::size_t position,
                                  const std::vector<std::string>& columns);

// ALTER TABLE ONLY "t" ADD CONSTRAINT "t_c_fkey" FOREIGN KEY ("c") REFERENCES ... (PostgreSQL)
std::string add_foreign_key_sql(std::string_view table, const orm::SchemaColumn& column);

// DROP INDEX then CREATE UNIQUE INDEX for each position whose set differs between `from`
// and `to` (names are positional). `if_exists` drops with IF EXISTS, for indexes that a
// DROP COLUMN may already have taken.
void sync_unique_sets(std::string_view table, const std::vector<std::vector<std::string>>& from,
                      const std::vector<std::vector<std::string>>& to, bool if_exists,
                      std::vector<std::string>& out);

// The table named `name` in `schema`; throws MigrationError when absent.
const orm::SchemaTable& table_in(const orm::Schema& schema, std::string_view name);
const orm::SchemaColumn& column_in(const orm::SchemaTable& table, std::string_view name);

// The statements for `op` (not RawSql) given the schema before and after it.
std::vector<std::string> postgres_sql(const Operation& op, const orm::Schema& before,
                                      const orm::Schema& after);
std::vector<std::string> sqlite_sql(const Operation& op, const orm::Schema& before,
                                    const orm::Schema& after);

}  // namespace conduit::migration::detail
