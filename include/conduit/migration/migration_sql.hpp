// SQL for migration operations, per dialect: the statements that take a database whose
// schema is `before` to `before` with the operation(s) applied (replay.hpp's
// apply_operation, which also validates them). The upgrade runner executes them.
//
//   for (const std::string& sql : migration::migration_sql(m.operations, schema, dialect))
//     co_await tx.execute_script(sql);
//
// Statements have no trailing semicolon. A RawSql statement is the author's text as it is
// and may hold several statements: run every element with Executor::execute_script.
// Names follow schema_sql.hpp: index "t_col_idx", unique sets "t_unique_idx",
// "t_unique2_idx", ... (by position), foreign key "t_col_fkey"; PostgreSQL's own defaults
// name a UNIQUE column "t_col_key", the primary key "t_pkey", a SERIAL's sequence
// "t_col_seq". Renames keep these names in step, so later operations find them.
//
// PostgreSQL
//   CreateTable      CREATE TABLE, its indexes, then ALTER TABLE ONLY ... ADD CONSTRAINT
//                    "t_col_fkey" FOREIGN KEY per relationship (create_schema_sql).
//                    migration_sql() creates consecutive tables first and adds all their
//                    foreign keys after them, as replay.hpp checks them.
//   DeleteTable      DROP TABLE (no CASCADE: nothing may refer to it, see replay.hpp).
//   RenameTable      ALTER TABLE RENAME TO, then ALTER INDEX/SEQUENCE RENAME and ALTER TABLE
//                    RENAME CONSTRAINT for each of the names above.
//   AddColumn        ALTER TABLE ADD COLUMN (with initial_value: added with DEFAULT initial,
//                    then SET DEFAULT the real default or DROP DEFAULT; a SERIAL numbers
//                    the rows itself); its index and FK.
//   DeleteColumn     ALTER TABLE DROP COLUMN (indexes and constraints on it go with it).
//   RenameColumn     ALTER TABLE RENAME COLUMN, then its index, "_key", "_fkey", "_seq".
//   AlterColumn      only what changes: SET/DROP DEFAULT; UPDATE ... SET c = initial WHERE
//                    c IS NULL then SET NOT NULL, or DROP NOT NULL; ADD/DROP CONSTRAINT
//                    "t_c_key" UNIQUE; CREATE/DROP INDEX; a delete rule by dropping and
//                    re-adding "t_c_fkey".
//   AlterUniqueSets  DROP INDEX and CREATE UNIQUE INDEX for each position that changes.
//   RawSql           `postgres`, else `sql`; nothing when neither is set.
//
// SQLite (3.35 or later; Debian 12 ships 3.40)
//   CreateTable      CREATE TABLE with inline foreign keys, then its indexes.
//   DeleteTable      DROP TABLE.
//   RenameTable      ALTER TABLE RENAME TO (SQLite rewrites other tables' REFERENCES), and
//                    its named indexes dropped and created under the new name.
//   AddColumn        ALTER TABLE ADD COLUMN when SQLite allows it: not a primary key, not
//                    UNIQUE, NULL or with a constant default, and a foreign key only without
//                    a default; then UPDATE for initial_value and CREATE INDEX. Else rebuild.
//   DeleteColumn     DROP INDEX (if indexed) and ALTER TABLE DROP COLUMN when the column is
//                    no primary key, not UNIQUE, no foreign key and in no unique set. Else
//                    rebuild.
//   RenameColumn     ALTER TABLE RENAME COLUMN (rewrites index definitions and other
//                    tables' REFERENCES), its index under the new name.
//   AlterColumn      an index alone: CREATE/DROP INDEX. Anything else: rebuild, where
//                    initial_value fills NULLs (COALESCE) of a column becoming NOT NULL.
//   AlterUniqueSets  DROP INDEX and CREATE UNIQUE INDEX, as on PostgreSQL.
//   RawSql           `sqlite`, else `sql`; nothing when neither is set.
//   Rebuild          SQLite's "Making Other Kinds Of Table Schema Changes":
//                    CREATE TABLE "_conduit_new_t" (the table after the operation),
//                    INSERT INTO it SELECT the columns kept (a new column gets its
//                    initial_value, or its default when there is none), the AUTOINCREMENT
//                    counter copied, DROP TABLE "t", ALTER TABLE "_conduit_new_t" RENAME TO
//                    "t", then its indexes and unique sets. The old table is dropped before
//                    the new one takes its name so that other tables' REFERENCES "t" (text,
//                    resolved when rows are written) keep meaning the rebuilt table.
//
// A rebuild drops a table other tables may refer to, so foreign-key enforcement must be
// off while it runs, and SQLite only turns it off outside a transaction. The runner
// therefore runs, on SQLite:  PRAGMA foreign_keys = OFF;  BEGIN;  <statements>;
// PRAGMA foreign_key_check (any row returned is a broken reference: roll back);  COMMIT;
// PRAGMA foreign_keys = ON  (also after a rollback).
//
// Limits: SQLite refuses the rebuild's final RENAME while a view selects from the table
// ("error in view v: no such table"): drop such views with a `sql` step before and create
// them again after. PostgreSQL shortens names over 63 bytes, after which the derived
// "_key", "_pkey", "_seq" and index names would not be the ones predicted here, so replay
// (replay.hpp) refuses table and column names whose derived names would be longer.
//
// Errors: MigrationError (message only) for an operation that does not apply to `before`
// (apply_operation's message) or that the dialect cannot express, e.g. an autoincrement
// column that is not the primary key on SQLite.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "conduit/db/database.hpp"
#include "conduit/migration/operation.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration {

// The statements for one operation on a database whose schema is `before`. A CreateTable
// includes its foreign keys, so every table it refers to must exist in `before` (or be the
// table itself), as for apply_operation; use migration_sql() for a migration's list.
std::vector<std::string> operation_sql(const Operation& op, const orm::Schema& before,
                                       db::Dialect dialect);

// The statements for `operations` in order, each generated against the schema the ones
// before it leave (apply_operations). Consecutive CreateTables may refer to each other in
// any order or in a cycle: all of them are created, then (PostgreSQL) their foreign keys
// added. Errors are MigrationErrors whose key() is "operations[i]", the failing one.
std::vector<std::string> migration_sql(const std::vector<Operation>& operations,
                                       const orm::Schema& before, db::Dialect dialect);

}  // namespace conduit::migration
