// Migration SQL for PostgreSQL: every operation as ALTER statements on the live table
// (migration_sql.hpp lists the statement chosen per operation).
//
// Thread-safety: pure functions.
#include <string>
#include <variant>
#include <vector>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "migration/migration_sql_support.hpp"

namespace conduit::migration::detail {

namespace {

constexpr db::Dialect postgres = db::Dialect::postgres;

bool has_unique_constraint(const orm::SchemaColumn& column) {
  return column.unique && !column.primary_key;  // a key's own constraint is "t_pkey"
}

std::string rename_constraint(const std::string& table, const std::string& from,
                              const std::string& to) {
  return "ALTER TABLE " + quote(table) + " RENAME CONSTRAINT " + quote(from) + " TO " + quote(to);
}

std::string rename_relation(const char* kind, const std::string& from, const std::string& to) {
  return std::string("ALTER ") + kind + " " + quote(from) + " RENAME TO " + quote(to);
}

struct PostgresSql {
  const orm::Schema& before;
  const orm::Schema& after;
  std::vector<std::string> out = {};

  void operator()(const CreateTable& op) {
    out = migration::create_schema_sql(orm::Schema{{table_in(after, op.table.name)}}, postgres);
  }

  void operator()(const DeleteTable& op) {
    // No CASCADE: replay refuses to drop a table other tables refer to, and a view or
    // function built on it by hand should stop the migration rather than vanish.
    out.push_back("DROP TABLE " + quote(op.table));
  }

  void operator()(const RenameTable& op) {
    const orm::SchemaTable& table = table_in(before, op.from);
    const std::string& from = op.from;
    const std::string& to = op.to;
    out.push_back("ALTER TABLE " + quote(from) + " RENAME TO " + quote(to));
    if (table.primary_key()) {
      out.push_back(rename_constraint(to, primary_key_name(from), primary_key_name(to)));
    }
    for (const orm::SchemaColumn& column : table.columns) {
      const std::string& name = column.name;
      if (column.autoincrement) {
        out.push_back(
            rename_relation("SEQUENCE", sequence_name(from, name), sequence_name(to, name)));
      }
      if (has_unique_constraint(column)) {
        out.push_back(
            rename_constraint(to, unique_key_name(from, name), unique_key_name(to, name)));
      }
      if (column.indexed) {
        out.push_back(rename_relation("INDEX", index_name(from, name), index_name(to, name)));
      }
      if (column.relationship) {
        out.push_back(
            rename_constraint(to, foreign_key_name(from, name), foreign_key_name(to, name)));
      }
    }
    for (std::size_t i = 0; i < table.unique_sets.size(); ++i) {
      if (table.unique_sets[i].empty()) continue;
      out.push_back(rename_relation("INDEX", unique_set_name(from, i), unique_set_name(to, i)));
    }
  }

  void operator()(const AddColumn& op) {
    const orm::SchemaTable& table = table_in(after, op.table);
    const orm::SchemaColumn& column = column_in(table, op.column.name);
    orm::SchemaColumn added = column;
    // Existing rows get the initial value through a default that does not stay. A SERIAL
    // numbers them itself (and allows no second default).
    const bool initial = op.initial_value && !column.autoincrement;
    if (initial) added.default_value = op.initial_value;
    out.push_back("ALTER TABLE " + quote(op.table) + " ADD COLUMN " +
                  migration::column_definition_sql(added, postgres));
    if (initial) {
      const std::string alter =
          "ALTER TABLE " + quote(op.table) + " ALTER COLUMN " + quote(column.name);
      out.push_back(column.default_value ? alter + " SET DEFAULT " + *column.default_value
                                         : alter + " DROP DEFAULT");
    }
    if (column.indexed) out.push_back(create_index_sql(op.table, column.name));
    if (column.relationship) out.push_back(add_foreign_key_sql(op.table, column));
    sync_unique_sets(op.table, table_in(before, op.table).unique_sets, table.unique_sets, false,
                     out);
  }

  void operator()(const DeleteColumn& op) {
    // Indexes and constraints on the column, unique sets included, go with it.
    out.push_back("ALTER TABLE " + quote(op.table) + " DROP COLUMN " + quote(op.column));
    sync_unique_sets(op.table, table_in(before, op.table).unique_sets,
                     table_in(after, op.table).unique_sets, true, out);
  }

  void operator()(const RenameColumn& op) {
    const orm::SchemaColumn& column = column_in(table_in(before, op.table), op.from);
    const std::string& table = op.table;
    out.push_back("ALTER TABLE " + quote(table) + " RENAME COLUMN " + quote(op.from) + " TO " +
                  quote(op.to));
    if (column.indexed) {
      out.push_back(rename_relation("INDEX", index_name(table, op.from), index_name(table, op.to)));
    }
    if (has_unique_constraint(column)) {
      out.push_back(
          rename_constraint(table, unique_key_name(table, op.from), unique_key_name(table, op.to)));
    }
    if (column.relationship) {
      out.push_back(rename_constraint(table, foreign_key_name(table, op.from),
                                      foreign_key_name(table, op.to)));
    }
    if (column.autoincrement) {
      out.push_back(
          rename_relation("SEQUENCE", sequence_name(table, op.from), sequence_name(table, op.to)));
    }
  }

  void operator()(const AlterColumn& op) {
    const orm::SchemaTable& old_table = table_in(before, op.table);
    const orm::SchemaTable& new_table = table_in(after, op.table);
    const orm::SchemaColumn& was = column_in(old_table, op.column);
    const orm::SchemaColumn& now = column_in(new_table, op.column);
    const std::string table = quote(op.table);
    const std::string alter = "ALTER TABLE " + table + " ALTER COLUMN " + quote(op.column);
    if (was.default_value != now.default_value) {
      out.push_back(now.default_value ? alter + " SET DEFAULT " + *now.default_value
                                      : alter + " DROP DEFAULT");
    }
    if (was.nullable != now.nullable) {
      if (!now.nullable && op.initial_value) {
        out.push_back("UPDATE " + table + " SET " + quote(op.column) + " = " + *op.initial_value +
                      " WHERE " + quote(op.column) + " IS NULL");
      }
      out.push_back(alter + (now.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
    }
    if (has_unique_constraint(was) != has_unique_constraint(now)) {
      const std::string name = quote(unique_key_name(op.table, op.column));
      out.push_back("ALTER TABLE " + table +
                    (has_unique_constraint(now)
                         ? " ADD CONSTRAINT " + name + " UNIQUE (" + quote(op.column) + ")"
                         : " DROP CONSTRAINT " + name));
    }
    if (was.indexed != now.indexed) {
      out.push_back(now.indexed ? create_index_sql(op.table, op.column)
                                : "DROP INDEX " + quote(index_name(op.table, op.column)));
    }
    if (was.relationship != now.relationship) {
      if (was.relationship) {
        out.push_back("ALTER TABLE " + table + " DROP CONSTRAINT " +
                      quote(foreign_key_name(op.table, op.column)));
      }
      if (now.relationship) out.push_back(add_foreign_key_sql(op.table, now));
    }
    sync_unique_sets(op.table, old_table.unique_sets, new_table.unique_sets, false, out);
  }

  void operator()(const AlterUniqueSets& op) {
    sync_unique_sets(op.table, table_in(before, op.table).unique_sets,
                     table_in(after, op.table).unique_sets, false, out);
  }

  void operator()(const RawSql&) {}  // handled by operation_sql()
};

}  // namespace

std::vector<std::string> postgres_sql(const Operation& op, const orm::Schema& before,
                                      const orm::Schema& after) {
  PostgresSql generator{before, after};
  std::visit(generator, op);
  return std::move(generator.out);
}

}  // namespace conduit::migration::detail
