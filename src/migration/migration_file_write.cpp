// Writing migration files: write_migration(), migration_file_name() and operation_key().
// The layout is fixed (block style for the lists, one flow map per line for small
// operations and columns) so that regenerating a file gives the same bytes and a review
// diff shows only what changed.
//
// Thread-safety: stateless functions.
#include <cstdio>
#include <string>
#include <type_traits>
#include <variant>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"

namespace conduit::migration {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Plain identifiers read back as the same string; anything else (and words YAML 1.1 or
// some readers would take for null or a boolean) is quoted.
bool plain_is_safe(std::string_view text) {
  if (text.empty() || !is_name_start(text.front())) return false;
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  std::string lower;
  for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (std::string_view word : {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}) {
    if (lower == word) return false;
  }
  return true;
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(c));
          out += escape;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string name(std::string_view text) {
  return plain_is_safe(text) ? std::string(text) : double_quoted(text);
}

// Multi-line SQL reads best as a literal block. Only text that a `|-` block reproduces
// exactly qualifies: printable lines, no tabs or carriage returns, no leading blank on the
// first line (it would set the indentation) and no trailing blank or newline (stripped).
bool fits_literal_block(std::string_view text) {
  if (text.find('\n') == std::string_view::npos) return false;
  if (text.front() == ' ' || text.front() == '\n') return false;
  if (text.back() == ' ' || text.back() == '\n') return false;
  for (char c : text) {
    if (c != '\n' && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)) return false;
  }
  return true;
}

// A string in block context: a `|-` block indented by `indent` spaces, or quoted.
std::string sql_text(std::string_view text, int indent) {
  if (!fits_literal_block(text)) return double_quoted(text);
  std::string out = "|-";
  const std::string prefix(static_cast<std::size_t>(indent), ' ');
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    out += '\n';
    if (!line.empty()) out += prefix + std::string(line);
    start = end + 1;
  }
  return out;
}

std::string flow_list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + name(names[i]);
  return out + "]";
}

std::string unique_sets(const std::vector<std::vector<std::string>>& sets) {
  std::string out = "[";
  for (std::size_t i = 0; i < sets.size(); ++i) out += (i ? ", " : "") + flow_list(sets[i]);
  return out + "]";
}

std::string column(const orm::SchemaColumn& c) {
  std::string out = "{name: " + name(c.name) + ", type: " + std::string(orm::to_string(c.type));
  if (c.nullable) out += ", nullable: true";
  if (c.primary_key) out += ", primary_key: true";
  if (c.autoincrement) out += ", autoincrement: true";
  if (c.unique) out += ", unique: true";
  if (c.indexed) out += ", indexed: true";
  if (c.default_value) out += ", default: " + double_quoted(*c.default_value);
  if (c.relationship) {
    out += ", references: {table: " + name(c.relationship->table) +
           ", column: " + name(c.relationship->column) +
           ", on_delete: " + std::string(orm::to_string(c.relationship->on_delete)) + "}";
  }
  return out + "}";
}

std::string flag(const char* key, const std::optional<bool>& value) {
  if (!value) return "";
  return std::string(", ") + key + ": " + (*value ? "true" : "false");
}

// Each returns the lines of one list item, starting with "  - ".
std::string write(const CreateTable& op) {
  std::string out = "  - create_table:\n      name: " + name(op.table.name) + "\n      columns:";
  // An empty list still has to read back as a list (replay then refuses the table).
  out += op.table.columns.empty() ? " []\n" : "\n";
  for (const auto& c : op.table.columns) out += "        - " + column(c) + "\n";
  if (!op.table.unique_sets.empty()) {
    out += "      unique_sets: " + unique_sets(op.table.unique_sets) + "\n";
  }
  return out;
}

std::string write(const DeleteTable& op) {
  return "  - delete_table: {table: " + name(op.table) + "}\n";
}

std::string write(const RenameTable& op) {
  return "  - rename_table: {from: " + name(op.from) + ", to: " + name(op.to) + "}\n";
}

std::string write(const AddColumn& op) {
  std::string out = "  - add_column: {table: " + name(op.table) + ", column: " + column(op.column);
  if (op.initial_value) out += ", initial_value: " + double_quoted(*op.initial_value);
  return out + "}\n";
}

std::string write(const DeleteColumn& op) {
  return "  - delete_column: {table: " + name(op.table) + ", column: " + name(op.column) + "}\n";
}

std::string write(const RenameColumn& op) {
  return "  - rename_column: {table: " + name(op.table) + ", from: " + name(op.from) +
         ", to: " + name(op.to) + "}\n";
}

std::string write(const AlterColumn& op) {
  std::string out = "  - alter_column: {table: " + name(op.table) + ", column: " + name(op.column);
  out += flag("nullable", op.nullable) + flag("unique", op.unique) + flag("indexed", op.indexed);
  if (op.default_value) {
    out += ", default: " +
           (*op.default_value ? double_quoted(**op.default_value) : std::string("null"));
  }
  if (op.on_delete) out += ", on_delete: " + std::string(orm::to_string(*op.on_delete));
  if (op.initial_value) out += ", initial_value: " + double_quoted(*op.initial_value);
  return out + "}\n";
}

std::string write(const AlterUniqueSets& op) {
  return "  - alter_unique_sets: {table: " + name(op.table) +
         ", unique_sets: " + unique_sets(op.unique_sets) + "}\n";
}

std::string write(const RawSql& op) {
  if (op.sql && !op.postgres && !op.sqlite) return "  - sql: " + sql_text(*op.sql, 6) + "\n";
  if (!op.sql && !op.postgres && !op.sqlite) return "  - sql: {}\n";
  std::string out = "  - sql:\n";
  if (op.sql) out += "      all: " + sql_text(*op.sql, 8) + "\n";
  if (op.postgres) out += "      postgres: " + sql_text(*op.postgres, 8) + "\n";
  if (op.sqlite) out += "      sqlite: " + sql_text(*op.sqlite, 8) + "\n";
  return out;
}

bool is_snake_case(std::string_view text) {
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string_view operation_key(const Operation& operation) {
  return std::visit(
      [](const auto& op) -> std::string_view {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, CreateTable>) return "create_table";
        if constexpr (std::is_same_v<T, DeleteTable>) return "delete_table";
        if constexpr (std::is_same_v<T, RenameTable>) return "rename_table";
        if constexpr (std::is_same_v<T, AddColumn>) return "add_column";
        if constexpr (std::is_same_v<T, DeleteColumn>) return "delete_column";
        if constexpr (std::is_same_v<T, RenameColumn>) return "rename_column";
        if constexpr (std::is_same_v<T, AlterColumn>) return "alter_column";
        if constexpr (std::is_same_v<T, AlterUniqueSets>) return "alter_unique_sets";
        if constexpr (std::is_same_v<T, RawSql>) return "sql";
      },
      operation);
}

std::string migration_file_name(std::uint32_t version, std::string_view migration_name) {
  if (version == 0) throw MigrationError("a migration version starts at 1");
  if (!is_snake_case(migration_name)) {
    throw MigrationError("invalid migration name '" + std::string(migration_name) +
                         "': use lower-case letters, digits and '_'");
  }
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08u", static_cast<unsigned>(version));
  return std::string(digits) + "_" + std::string(migration_name) +
         std::string(kMigrationFileSuffix);
}

std::string write_migration(const Migration& migration) {
  std::string out = "# conduit migration " + std::to_string(migration.version);
  // A name that is not snake_case could break the comment line; the file name has it anyway.
  if (!migration.name.empty() && is_snake_case(migration.name)) out += ": " + migration.name;
  out += "\n";
  if (migration.operations.empty()) {
    out += "operations: []\n";
  } else {
    out += "operations:\n";
    for (const Operation& operation : migration.operations) {
      out += std::visit([](const auto& op) { return write(op); }, operation);
    }
  }
  if (!migration.seed.empty()) {
    out += "seed:\n";
    for (const std::string& statement : migration.seed)
      out += "  - " + sql_text(statement, 4) + "\n";
  }
  return out;
}

}  // namespace conduit::migration
