// SQL DDL for an orm::Schema, per dialect: the statements that create every table with its
// columns, indexes, multi-column unique sets and foreign keys, and those that drop them.
// Migrations use it for create_table operations and TestDatabase for a fresh schema; the
// ALTER statements of the other operations are in migration_sql.hpp, so all DDL lives in
// the migration module.
//
//   for (const std::string& sql : migration::create_schema_sql(model.schema(), db->dialect())) ...
//   co_await migration::create_schema(*db, model.schema());  // the same, executed in order
//
// Output is deterministic (tables sorted by name, columns and indexes in declaration
// order) so generated files are stable. Identifiers are double-quoted on both dialects.
//
// Column types:
//   ColumnType        PostgreSQL                    SQLite
//   integer           INTEGER (SERIAL if autoinc.)   INTEGER
//   big_integer       BIGINT (BIGSERIAL if autoinc.) BIGINT (INTEGER PRIMARY KEY AUTOINCREMENT)
//   boolean           BOOLEAN                       BOOLEAN (stored 0/1)
//   double_precision  DOUBLE PRECISION              REAL
//   text              TEXT                          TEXT
//   timestamp         TIMESTAMP (UTC, no zone)      TIMESTAMP_TEXT (ISO-8601 text)
//   document          JSONB                         JSON_TEXT
//   uuid              UUID                          UUID_TEXT (canonical text)
//   decimal           NUMERIC                       DECIMAL_TEXT (exact text)
// The SQLite names are chosen so that the db module reads the values back with their type
// (it keys on BOOL/TIMESTAMP/JSON/UUID/DECIMAL in the declared type) and so that the
// column has TEXT affinity (the name contains TEXT), which keeps JSON "42" or decimal
// "1.50" as written instead of converting them to numbers. A decimal column therefore
// compares as text on SQLite.
//
// PostgreSQL (as Conduit): CREATE TABLE per table, its indexes ("t_col_idx") and unique
// sets ("t_unique_idx", then "t_unique2_idx", ...), then every foreign key as
// ALTER TABLE ONLY ... ADD CONSTRAINT "t_col_fkey" FOREIGN KEY after all tables, so table
// order and reference cycles do not matter. Drop: DROP TABLE ... CASCADE.
//
// SQLite cannot add a constraint to an existing table, so foreign keys are inline column
// constraints. SQLite resolves a REFERENCES clause only when rows are written, so a table
// may refer to one created later (and cycles work); tables are nevertheless created with
// referenced tables first where there is no cycle, and dropped in the reverse order
// (dropping a table deletes its rows, which checks the foreign keys pointing at them).
// SQLite only autoincrements an INTEGER PRIMARY KEY, so an autoincrement key is declared
// exactly that, whatever its width; autoincrement on another column is refused.
// Defaults are copied verbatim except on SQLite, where PostgreSQL's now() and
// gen_random_uuid() become equivalent SQLite expressions and other function calls are
// parenthesised as SQLite requires.
//
// Throws std::invalid_argument for what a dialect cannot express (see above) and for a
// table without columns.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration {

using orm::Schema;
using orm::SchemaColumn;

// The SQL type of `column` (without constraints) in `dialect`.
std::string column_sql_type(const SchemaColumn& column, db::Dialect dialect);

// One column definition as it appears inside CREATE TABLE.
std::string column_definition_sql(const SchemaColumn& column, db::Dialect dialect);

// Statements, without trailing semicolons, in the order they must run.
std::vector<std::string> create_schema_sql(const Schema& schema, db::Dialect dialect);
std::vector<std::string> drop_schema_sql(const Schema& schema, db::Dialect dialect);

// Runs create_schema_sql(schema, executor.dialect()) statement by statement. Not atomic by
// itself: run it on a Transaction for all or nothing.
Task<void> create_schema(db::Executor& executor, const Schema& schema);

}  // namespace conduit::migration
