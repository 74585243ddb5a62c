// SQL text for orm::Query: predicates, SELECT / COUNT / INSERT / UPDATE / DELETE, for
// PostgreSQL and SQLite. Stateless; thread-safe.
//
// Text matching differs by dialect. PostgreSQL has LIKE (case-sensitive) and ILIKE.
// SQLite's LIKE ignores ASCII case, so a case-sensitive match there is a GLOB with the
// pattern translated, and a case-insensitive one compares lower() of both sides.
#include <fmt/format.h>

#include <stdexcept>

#include "conduit/orm/detail/query_sql.hpp"
#include "conduit/orm/query.hpp"

namespace conduit::orm::detail {

namespace {

class SqlWriter {
 public:
  explicit SqlWriter(db::Dialect dialect) : dialect_(dialect) {}

  db::Dialect dialect() const noexcept { return dialect_; }
  std::string& sql() noexcept { return sql_; }
  std::vector<db::Value>& params() noexcept { return params_; }

  // Appends a placeholder bound to `value`.
  void param(db::Value value) {
    params_.push_back(std::move(value));
    sql_ += fmt::format("${}", params_.size());
  }
  void identifier(std::string_view name) { sql_ += quote_identifier(name); }

  void predicate(const PredicateNode& node) {
    switch (node.kind) {
      case PredicateNode::Kind::leaf:
        leaf(node);
        return;
      case PredicateNode::Kind::negate:
        sql_ += "NOT (";
        predicate(*node.children.at(0));
        sql_ += ")";
        return;
      case PredicateNode::Kind::all:
      case PredicateNode::Kind::any: {
        const bool all = node.kind == PredicateNode::Kind::all;
        if (node.children.empty()) {
          sql_ += all ? "(1 = 1)" : "(1 = 0)";
          return;
        }
        sql_ += "(";
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          if (i > 0) sql_ += all ? " AND " : " OR ";
          predicate(*node.children[i]);
        }
        sql_ += ")";
        return;
      }
    }
  }

  void where(const std::vector<PredicatePtr>& predicates) {
    if (predicates.empty()) return;
    sql_ += " WHERE ";
    for (std::size_t i = 0; i < predicates.size(); ++i) {
      if (i > 0) sql_ += " AND ";
      predicate(*predicates[i]);
    }
  }

  void column_list(const std::vector<std::string>& columns) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql_ += ", ";
      identifier(columns[i]);
    }
  }

  void returning(const std::vector<std::string>& columns) {
    if (columns.empty()) return;
    sql_ += " RETURNING ";
    column_list(columns);
  }

  Statement finish() { return Statement{std::move(sql_), std::move(params_), nullptr}; }

 private:
  // The column, lowered when the comparison ignores case.
  void operand(const PredicateNode& node) {
    if (node.case_insensitive) {
      sql_ += "lower(";
      identifier(node.column);
      sql_ += ")";
    } else {
      identifier(node.column);
    }
  }
  void value_operand(const PredicateNode& node, std::size_t i) {
    if (node.case_insensitive) {
      // CAST so that PostgreSQL picks lower(text) for an untyped parameter.
      sql_ += "lower(CAST(";
      param(node.values.at(i));
      sql_ += " AS TEXT))";
    } else {
      param(node.values.at(i));
    }
  }
  void binary(const PredicateNode& node, std::string_view op) {
    operand(node);
    sql_ += op;
    value_operand(node, 0);
  }

  void leaf(const PredicateNode& node) {
    switch (node.op) {
      case Op::equal:
        return binary(node, " = ");
      case Op::not_equal:
        return binary(node, " <> ");
      case Op::less:
        return binary(node, " < ");
      case Op::less_or_equal:
        return binary(node, " <= ");
      case Op::greater:
        return binary(node, " > ");
      case Op::greater_or_equal:
        return binary(node, " >= ");
      case Op::between:
        operand(node);
        sql_ += " BETWEEN ";
        value_operand(node, 0);
        sql_ += " AND ";
        value_operand(node, 1);
        return;
      case Op::outside:
        sql_ += "(";
        binary(node, " < ");
        sql_ += " OR ";
        operand(node);
        sql_ += " > ";
        value_operand(node, 1);
        sql_ += ")";
        return;
      case Op::one_of:
        operand(node);
        sql_ += " IN (";
        for (std::size_t i = 0; i < node.values.size(); ++i) {
          if (i > 0) sql_ += ", ";
          value_operand(node, i);
        }
        sql_ += ")";
        return;
      case Op::is_null:
        identifier(node.column);
        sql_ += " IS NULL";
        return;
      case Op::is_not_null:
        identifier(node.column);
        sql_ += " IS NOT NULL";
        return;
      case Op::not_like:
        sql_ += "NOT (";
        pattern(node);
        sql_ += ")";
        return;
      case Op::like:
      case Op::contains:
      case Op::begins_with:
      case Op::ends_with:
        return pattern(node);
    }
  }

  // The LIKE pattern the operator stands for.
  static std::string like_pattern(const PredicateNode& node) {
    const std::string* text = node.values.at(0).get_if<std::string>();
    if (!text) throw std::invalid_argument("orm::Query: a text pattern must be text");
    switch (node.op) {
      case Op::contains:
        return "%" + escape_like(*text) + "%";
      case Op::begins_with:
        return escape_like(*text) + "%";
      case Op::ends_with:
        return "%" + escape_like(*text);
      default:
        return *text;
    }
  }

  void pattern(const PredicateNode& node) {
    const std::string like = like_pattern(node);
    if (dialect_ == db::Dialect::postgres) {
      identifier(node.column);
      sql_ += node.case_insensitive ? " ILIKE " : " LIKE ";
      param(like);
      sql_ += " ESCAPE '\\'";
    } else if (node.case_insensitive) {
      sql_ += "lower(";
      identifier(node.column);
      sql_ += ") LIKE lower(";
      param(like);
      sql_ += ") ESCAPE '\\'";
    } else {
      identifier(node.column);
      sql_ += " GLOB ";
      param(like_to_glob(like));
    }
  }

  db::Dialect dialect_;
  std::string sql_;
  std::vector<db::Value> params_;
};

void limit_offset(SqlWriter& w, std::optional<std::int64_t> limit,
                  std::optional<std::int64_t> offset) {
  if (limit) {
    w.sql() += " LIMIT ";
    w.param(*limit);
  } else if (offset && w.dialect() == db::Dialect::sqlite) {
    w.sql() += " LIMIT -1";  // SQLite has no OFFSET without LIMIT
  }
  if (offset) {
    w.sql() += " OFFSET ";
    w.param(*offset);
  }
}

Statement refused(const char* operation, const QuerySpec& spec) {
  Statement statement;
  statement.error = std::make_exception_ptr(QueryStateError(
      fmt::format("orm::Query: {} of every row of \"{}\" refused: the query has no predicate (call "
                  "can_modify_all_instances() to allow it)",
                  operation, spec.table)));
  return statement;
}

}  // namespace

PredicatePtr make_leaf(std::string column, Op op, std::vector<db::Value> values,
                       bool case_insensitive) {
  auto node = std::make_shared<PredicateNode>();
  node->kind = PredicateNode::Kind::leaf;
  node->column = std::move(column);
  node->op = op;
  node->values = std::move(values);
  node->case_insensitive = case_insensitive;
  return node;
}

PredicatePtr make_group(PredicateNode::Kind kind, std::vector<PredicatePtr> children) {
  auto node = std::make_shared<PredicateNode>();
  node->kind = kind;
  node->children = std::move(children);
  return node;
}

PredicatePtr make_not(PredicatePtr child) {
  return make_group(PredicateNode::Kind::negate, {std::move(child)});
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string escape_like(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string like_to_glob(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  auto literal = [&](char c) {
    if (c == '*' || c == '?' || c == '[') {
      out += '[';
      out += c;
      out += ']';
    } else {
      out += c;
    }
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      literal(pattern[++i]);
    } else if (c == '%') {
      out += '*';
    } else if (c == '_') {
      out += '?';
    } else {
      literal(c);
    }
  }
  return out;
}

Statement select_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& columns, std::optional<std::int64_t> limit) {
  SqlWriter w(dialect);
  w.sql() += "SELECT ";
  w.column_list(columns);
  w.sql() += " FROM ";
  w.identifier(spec.table);
  w.where(spec.where);
  if (!spec.sort.empty()) {
    w.sql() += " ORDER BY ";
    for (std::size_t i = 0; i < spec.sort.size(); ++i) {
      if (i > 0) w.sql() += ", ";
      w.identifier(spec.sort[i].column);
      w.sql() += spec.sort[i].descending ? " DESC" : " ASC";
    }
  }
  limit_offset(w, limit ? limit : spec.limit, spec.offset);
  return w.finish();
}

Statement count_sql(db::Dialect dialect, const QuerySpec& spec) {
  SqlWriter w(dialect);
  w.sql() += "SELECT COUNT(*) FROM ";
  w.identifier(spec.table);
  w.where(spec.where);
  return w.finish();
}

Statement insert_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& names, std::vector<db::Value> values,
                     const std::vector<std::string>& returning) {
  SqlWriter w(dialect);
  w.sql() += "INSERT INTO ";
  w.identifier(spec.table);
  if (names.empty()) {
    w.sql() += " DEFAULT VALUES";
  } else {
    w.sql() += " (";
    w.column_list(names);
    w.sql() += ") VALUES (";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) w.sql() += ", ";
      w.param(std::move(values[i]));
    }
    w.sql() += ")";
  }
  w.returning(returning);
  return w.finish();
}

Statement update_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& names, std::vector<db::Value> values,
                     const std::vector<std::string>& returning) {
  if (spec.where.empty() && !spec.can_modify_all) return refused("update", spec);
  if (names.empty()) {
    Statement statement;
    statement.error = std::make_exception_ptr(std::invalid_argument(
        fmt::format("orm::Query: update of \"{}\" names no stored column to set", spec.table)));
    return statement;
  }
  SqlWriter w(dialect);
  w.sql() += "UPDATE ";
  w.identifier(spec.table);
  w.sql() += " SET ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) w.sql() += ", ";
    w.identifier(names[i]);
    w.sql() += " = ";
    w.param(std::move(values.at(i)));
  }
  w.where(spec.where);
  w.returning(returning);
  return w.finish();
}

Statement delete_sql(db::Dialect dialect, const QuerySpec& spec) {
  if (spec.where.empty() && !spec.can_modify_all) return refused("delete", spec);
  SqlWriter w(dialect);
  w.sql() += "DELETE FROM ";
  w.identifier(spec.table);
  w.where(spec.where);
  return w.finish();
}

}  // namespace conduit::orm::detail
