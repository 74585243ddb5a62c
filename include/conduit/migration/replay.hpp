// Replaying migrations: the schema that a list of migration files builds, computed without
// a database by applying each operation to an orm::Schema value. `db generate` diffs the
// model against it, `db validate` compares them, and the upgrade runner and the SQL
// generator use it to know the tables as they are before each step.
//
//   orm::Schema schema = migration::replay(migration::read_migration_directory("migrations"));
//
// Every operation is checked against the schema it applies to, so a file that could not
// run (a missing table or column, a name already taken, a foreign key to nothing, deleting
// a table or column that others refer to, a table and column whose derived index or
// constraint name would pass the 63 bytes PostgreSQL keeps) fails here with the file and
// line, before any SQL is sent. Renaming a table or column carries the foreign keys that refer to
// it and the unique sets that name it along; deleting a column drops the unique sets that name it.
// `sql` operations do not change the schema. initial_value is never recorded.
//
// Consecutive create_table operations are one step: all their tables are added, then their
// foreign keys are checked, so they may refer to each other in any order and in cycles (the
// SQL creates the tables first and the foreign keys after them). apply_operation, which
// sees one operation only, requires the tables a new table refers to to exist already
// (or to be the table itself).
//
// Thread-safety: pure functions on caller-owned values.
#pragma once

#include <vector>

#include "conduit/migration/operation.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration {

// Applies one operation; throws MigrationError with the reason only (no location). The
// schema is unchanged when it throws.
void apply_operation(orm::Schema& schema, const Operation& operation);

// Applies `operations` in order (create_table runs as described above). Throws
// MigrationError (no location); `schema` may then hold the operations before the failing one.
void apply_operations(orm::Schema& schema, const std::vector<Operation>& operations);

// apply_operations for one migration, whose errors name its file (or "migration N" for
// one built in memory), the failing operation's line and its key ("delete_column").
void apply_migration(orm::Schema& schema, const Migration& migration);

// The schema built by every migration in order, starting from an empty one.
orm::Schema replay(const std::vector<Migration>& migrations);

}  // namespace conduit::migration
