// Reading one migration file: the YAML -> Operation decoding with located errors. The
// directory scan and file-name rules are in migration_directory.cpp, the writer in
// migration_file_write.cpp.
//
// parse_yaml (not the configuration loader) is used on purpose: it does not substitute
// environment variables, so a migration means the same thing on every machine.
//
// Thread-safety: stateless functions.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>
#include <utility>

#include "conduit/config/config_error.hpp"
#include "conduit/config/config_node.hpp"
#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "core/internal/suggestions.hpp"
#include "migration/file_name_check.hpp"

namespace conduit::migration {
namespace {

using Keys = std::span<const std::string_view>;

constexpr std::array<std::string_view, 2> kTopKeys = {"operations", "seed"};
constexpr std::array<std::string_view, 9> kOperationKeys = {
    "create_table",  "delete_table", "rename_table",      "add_column", "delete_column",
    "rename_column", "alter_column", "alter_unique_sets", "sql"};
constexpr std::array<std::string_view, 9> kColumnKeys = {
    "name",   "type",    "nullable", "primary_key", "autoincrement",
    "unique", "indexed", "default",  "references"};
constexpr std::array<std::string_view, 3> kReferenceKeys = {"table", "column", "on_delete"};
constexpr std::array<std::string_view, 3> kCreateTableKeys = {"name", "columns", "unique_sets"};
constexpr std::array<std::string_view, 3> kAddColumnKeys = {"table", "column", "initial_value"};
constexpr std::array<std::string_view, 8> kAlterColumnKeys = {
    "table", "column", "nullable", "unique", "indexed", "default", "on_delete", "initial_value"};
constexpr std::array<std::string_view, 3> kSqlKeys = {"all", "postgres", "sqlite"};

template <class Enum, std::size_t N>
std::string enum_names(const std::array<Enum, N>& values) {
  std::string out;
  for (Enum value : values) {
    if (!out.empty()) out += ", ";
    out += orm::to_string(value);
  }
  return out;
}

const std::string kColumnTypeNames = enum_names(
    std::array{orm::ColumnType::integer, orm::ColumnType::big_integer, orm::ColumnType::boolean,
               orm::ColumnType::double_precision, orm::ColumnType::text, orm::ColumnType::timestamp,
               orm::ColumnType::document, orm::ColumnType::uuid, orm::ColumnType::decimal});
const std::string kDeleteRuleNames =
    enum_names(std::array{orm::DeleteRule::nullify, orm::DeleteRule::cascade,
                          orm::DeleteRule::restrict, orm::DeleteRule::set_default});

std::string field(const std::string& key, std::string_view name) {
  return key.empty() ? std::string(name) : key + "." + std::string(name);
}

std::string element(const std::string& key, std::size_t index) {
  return key + "[" + std::to_string(index) + "]";
}

// Decodes one file's tree; every failure names the file, the position and the key path.
class Decoder {
 public:
  explicit Decoder(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(ConfigMark mark, const std::string& key, std::string message) const {
    throw MigrationError(file_, mark.line, mark.column, key, std::move(message));
  }

  void expect_map(const ConfigNode& node, const std::string& key, std::string_view what) const {
    if (!node.is_map())
      fail(node.mark(), key, "expected " + std::string(what) + ", got " + describe_node(node));
  }

  // `node` is a map whose keys are all in `allowed` and that has every key in `required`.
  void check_keys(const ConfigNode& node, const std::string& key, std::string_view what,
                  Keys allowed, Keys required) const {
    expect_map(node, key, what);
    for (const ConfigNode::Entry& entry : node.entries()) {
      if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
      std::string message = "unknown key '" + entry.key + "'";
      const std::string_view close = detail::closest_match(entry.key, allowed);
      if (!close.empty()) {
        message += " (did you mean '" + std::string(close) + "'?)";
      } else {
        message += " (expected one of " + detail::quoted_list(allowed) + ")";
      }
      fail(entry.key_mark, field(key, entry.key), std::move(message));
    }
    for (std::string_view name : required) {
      if (!node.find(name)) fail(node.mark(), key, "missing key '" + std::string(name) + "'");
    }
  }

  std::string text(const ConfigNode& node, const std::string& key) const {
    if (!node.is_scalar()) fail(node.mark(), key, "expected a string, got " + describe_node(node));
    return node.text();
  }

  // Table and column names: a non-empty string.
  std::string name(const ConfigNode& node, const std::string& key) const {
    std::string out = text(node, key);
    if (out.empty()) fail(node.mark(), key, "expected a name, got an empty string");
    return out;
  }

  bool boolean(const ConfigNode& node, const std::string& key) const {
    if (node.is_scalar() && node.text() == "true") return true;
    if (node.is_scalar() && node.text() == "false") return false;
    fail(node.mark(), key, "expected true or false, got " + describe_node(node));
  }

  std::optional<bool> optional_boolean(const ConfigNode& map, const std::string& key,
                                       std::string_view name) const {
    const ConfigNode* node = map.find(name);
    if (!node) return std::nullopt;
    return boolean(*node, field(key, name));
  }

  std::optional<std::string> optional_text(const ConfigNode& map, const std::string& key,
                                           std::string_view name) const {
    const ConfigNode* node = map.find(name);
    if (!node) return std::nullopt;
    return text(*node, field(key, name));
  }

  const ConfigNode& list(const ConfigNode& node, const std::string& key,
                         std::string_view what) const {
    if (!node.is_list())
      fail(node.mark(), key, "expected " + std::string(what) + ", got " + describe_node(node));
    return node;
  }

  orm::DeleteRule delete_rule(const ConfigNode& node, const std::string& key) const {
    const std::string value = text(node, key);
    if (auto rule = orm::parse_delete_rule(value)) return *rule;
    fail(node.mark(), key,
         "unknown delete rule '" + value + "' (use one of " + kDeleteRuleNames + ")");
  }

  std::vector<std::vector<std::string>> unique_sets(const ConfigNode& node,
                                                    const std::string& key) const {
    std::vector<std::vector<std::string>> sets;
    const auto& items = list(node, key, "a list of column lists such as [[a, b]]").items();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string at = element(key, i);
      std::vector<std::string> names;
      const auto& columns = list(items[i], at, "a list of column names such as [a, b]").items();
      for (std::size_t j = 0; j < columns.size(); ++j) {
        names.push_back(name(columns[j], element(at, j)));
      }
      sets.push_back(std::move(names));
    }
    return sets;
  }

  orm::SchemaColumn column(const ConfigNode& node, const std::string& key) const {
    check_keys(node, key, "a column (a map with name and type)", kColumnKeys,
               std::array<std::string_view, 2>{"name", "type"});
    orm::SchemaColumn column;
    column.name = name(*node.find("name"), field(key, "name"));
    const ConfigNode& type = *node.find("type");
    const std::string type_name = text(type, field(key, "type"));
    const auto parsed = orm::parse_column_type(type_name);
    if (!parsed) {
      fail(type.mark(), field(key, "type"),
           "unknown column type '" + type_name + "' (use one of " + kColumnTypeNames + ")");
    }
    column.type = *parsed;
    column.nullable = optional_boolean(node, key, "nullable").value_or(false);
    column.primary_key = optional_boolean(node, key, "primary_key").value_or(false);
    column.autoincrement = optional_boolean(node, key, "autoincrement").value_or(false);
    column.unique = optional_boolean(node, key, "unique").value_or(false);
    column.indexed = optional_boolean(node, key, "indexed").value_or(false);
    if (const ConfigNode* value = node.find("default"); value && !value->is_null()) {
      column.default_value = text(*value, field(key, "default"));
    }
    if (const ConfigNode* references = node.find("references")) {
      const std::string at = field(key, "references");
      check_keys(*references, at, "a map with table, column and on_delete", kReferenceKeys,
                 std::array<std::string_view, 2>{"table", "column"});
      orm::ForeignKey foreign_key;
      foreign_key.table = name(*references->find("table"), field(at, "table"));
      foreign_key.column = name(*references->find("column"), field(at, "column"));
      if (const ConfigNode* rule = references->find("on_delete")) {
        foreign_key.on_delete = delete_rule(*rule, field(at, "on_delete"));
      }
      column.relationship = std::move(foreign_key);
    }
    return column;
  }

  Operation operation(const ConfigNode& node, const std::string& key) const {
    if (!node.is_map() || node.size() != 1) {
      std::string message = "expected an operation: a map with one key, the operation's name (" +
                            detail::quoted_list(kOperationKeys) + ")";
      if (node.is_map()) {
        message = "expected an operation: a map with one key, found " +
                  std::to_string(node.size()) +
                  " (are the operation's own keys indented below its name?)";
      }
      fail(node.mark(), key, std::move(message));
    }
    const ConfigNode::Entry& entry = node.entries().front();
    const std::string at = field(key, entry.key);
    const ConfigNode& body = entry.value;
    auto keys = [&](Keys allowed, Keys required = {}) {
      check_keys(body, at, "a map", allowed, required.empty() ? allowed : required);
    };
    auto get = [&](std::string_view name_key) {
      return name(*body.find(name_key), field(at, name_key));
    };
    if (entry.key == "create_table") {
      keys(kCreateTableKeys, std::array<std::string_view, 2>{"name", "columns"});
      CreateTable op;
      op.table.name = get("name");
      const std::string columns_key = field(at, "columns");
      const auto& columns = list(*body.find("columns"), columns_key, "a list of columns").items();
      for (std::size_t i = 0; i < columns.size(); ++i) {
        op.table.columns.push_back(column(columns[i], element(columns_key, i)));
      }
      if (const ConfigNode* sets = body.find("unique_sets")) {
        op.table.unique_sets = unique_sets(*sets, field(at, "unique_sets"));
      }
      return op;
    }
    if (entry.key == "delete_table") {
      keys(std::array<std::string_view, 1>{"table"});
      return DeleteTable{get("table")};
    }
    if (entry.key == "rename_table") {
      keys(std::array<std::string_view, 2>{"from", "to"});
      return RenameTable{get("from"), get("to")};
    }
    if (entry.key == "add_column") {
      keys(kAddColumnKeys, std::array<std::string_view, 2>{"table", "column"});
      return AddColumn{get("table"), column(*body.find("column"), field(at, "column")),
                       optional_text(body, at, "initial_value")};
    }
    if (entry.key == "delete_column") {
      keys(std::array<std::string_view, 2>{"table", "column"});
      return DeleteColumn{get("table"), get("column")};
    }
    if (entry.key == "rename_column") {
      keys(std::array<std::string_view, 3>{"table", "from", "to"});
      return RenameColumn{get("table"), get("from"), get("to")};
    }
    if (entry.key == "alter_column") return alter_column(body, at);
    if (entry.key == "alter_unique_sets") {
      keys(std::array<std::string_view, 2>{"table", "unique_sets"});
      return AlterUniqueSets{get("table"),
                             unique_sets(*body.find("unique_sets"), field(at, "unique_sets"))};
    }
    if (entry.key == "sql") return raw_sql(body, at);
    std::string message = "unknown operation '" + entry.key + "'";
    const std::string_view close = detail::closest_match(entry.key, kOperationKeys);
    message += close.empty() ? " (use one of " + detail::quoted_list(kOperationKeys) + ")"
                             : " (did you mean '" + std::string(close) + "'?)";
    fail(entry.key_mark, key, std::move(message));
  }

  AlterColumn alter_column(const ConfigNode& body, const std::string& at) const {
    check_keys(body, at, "a map", kAlterColumnKeys,
               std::array<std::string_view, 2>{"table", "column"});
    AlterColumn op;
    op.table = name(*body.find("table"), field(at, "table"));
    op.column = name(*body.find("column"), field(at, "column"));
    op.nullable = optional_boolean(body, at, "nullable");
    op.unique = optional_boolean(body, at, "unique");
    op.indexed = optional_boolean(body, at, "indexed");
    if (const ConfigNode* value = body.find("default")) {
      // `default: null` drops the default, which is not the same as leaving it alone.
      op.default_value = value->is_null()
                             ? std::optional<std::string>()
                             : std::optional<std::string>(text(*value, field(at, "default")));
    }
    if (const ConfigNode* rule = body.find("on_delete")) {
      op.on_delete = delete_rule(*rule, field(at, "on_delete"));
    }
    op.initial_value = optional_text(body, at, "initial_value");
    return op;
  }

  RawSql raw_sql(const ConfigNode& body, const std::string& at) const {
    if (body.is_scalar()) return RawSql{body.text()};
    if (!body.is_map()) {
      fail(body.mark(), at,
           "expected SQL text or a map with all, postgres and/or sqlite, got " +
               describe_node(body));
    }
    check_keys(body, at, "a map", kSqlKeys, {});
    if (body.size() == 0)
      fail(body.mark(), at, "expected at least one of 'all', 'postgres', 'sqlite'");
    return RawSql{optional_text(body, at, "all"), optional_text(body, at, "postgres"),
                  optional_text(body, at, "sqlite")};
  }

  void migration(const ConfigNode& root, Migration& out) const {
    if (!root.is_map()) {
      fail(root.mark(), "",
           "expected a map with 'operations' (and optionally 'seed'), got " + describe_node(root));
    }
    check_keys(root, "", "a map", kTopKeys, std::array<std::string_view, 1>{"operations"});
    // `operations:` left empty (a file with only seed statements) means none.
    const ConfigNode& operation_list = *root.find("operations");
    const auto& operations =
        operation_list.is_null()
            ? operation_list.items()
            : list(operation_list, "operations", "a list of operations").items();
    for (std::size_t i = 0; i < operations.size(); ++i) {
      out.operations.push_back(operation(operations[i], element("operations", i)));
      out.operation_lines.push_back(operations[i].mark().line);
    }
    if (const ConfigNode* seed = root.find("seed")) {
      const auto& statements = list(*seed, "seed", "a list of SQL statements").items();
      for (std::size_t i = 0; i < statements.size(); ++i) {
        out.seed.push_back(text(statements[i], element("seed", i)));
      }
    }
  }

 private:
  std::string file_;
};

}  // namespace

Migration parse_migration(std::string_view yaml, const std::filesystem::path& path) {
  const MigrationFileName file_name = checked_migration_file_name(path);
  Migration migration;
  migration.version = file_name.version;
  migration.name = file_name.name;
  migration.path = path;
  ConfigNode root;
  try {
    root = parse_yaml(yaml, path.string());
  } catch (const ConfigError& e) {
    throw MigrationError(e.source(), e.line(), e.column(), e.path(), e.message());
  }
  Decoder(path.string()).migration(root, migration);
  return migration;
}

Migration read_migration_file(const std::filesystem::path& path) {
  checked_migration_file_name(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw MigrationError(path.string(), 0, 0, "",
                         "cannot read file (" + std::string(std::strerror(errno)) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw MigrationError(path.string(), 0, 0, "", "cannot read file");
  return parse_migration(text.str(), path);
}

}  // namespace conduit::migration
