// SqlWriter: predicate trees as SQL for PostgreSQL and SQLite, and the predicate-tree
// constructors. Stateless apart from the writer being filled; thread-safe.
//
// Text matching differs by dialect. PostgreSQL has LIKE (case-sensitive) and ILIKE.
// SQLite's LIKE ignores ASCII case, so a case-sensitive match there is a GLOB with the
// pattern translated, and a case-insensitive one compares lower() of both sides.
#include "sql_writer.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace conduit::orm::detail {

namespace {

// The LIKE pattern the operator stands for.
std::string like_pattern(const PredicateNode& node) {
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

}  // namespace

void SqlWriter::param(db::Value value) {
  params_.push_back(std::move(value));
  sql_ += fmt::format("${}", params_.size());
}

void SqlWriter::column(std::string_view name) {
  if (!qualifier_.empty()) {
    identifier(qualifier_);
    sql_ += '.';
  }
  identifier(name);
}

void SqlWriter::predicate(const PredicateNode& node) {
  switch (node.kind) {
    case PredicateNode::Kind::leaf:
      leaf(node);
      return;
    case PredicateNode::Kind::related:
      related(node);
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

void SqlWriter::where(const std::vector<const PredicateNode*>& predicates) {
  bool first = true;
  for (const PredicateNode* node : predicates) {
    if (!node) continue;
    sql_ += first ? " WHERE " : " AND ";
    first = false;
    predicate(*node);
  }
}

void SqlWriter::where(const std::vector<PredicatePtr>& predicates) {
  std::vector<const PredicateNode*> nodes;
  nodes.reserve(predicates.size());
  for (const PredicatePtr& p : predicates) nodes.push_back(p.get());
  where(nodes);
}

void SqlWriter::column_list(const std::vector<std::string>& columns) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql_ += ", ";
    column(columns[i]);
  }
}

void SqlWriter::returning(const std::vector<std::string>& columns) {
  if (columns.empty()) return;
  sql_ += " RETURNING ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql_ += ", ";
    identifier(columns[i]);
  }
}

void SqlWriter::limit_offset(std::optional<std::int64_t> limit,
                             std::optional<std::int64_t> offset) {
  if (limit) {
    sql_ += " LIMIT ";
    param(*limit);
  } else if (offset && dialect_ == db::Dialect::sqlite) {
    sql_ += " LIMIT -1";  // SQLite has no OFFSET without LIMIT
  }
  if (offset) {
    sql_ += " OFFSET ";
    param(*offset);
  }
}

// The NOT NULL test keeps NULLs out of the IN list, so that NOT (x IN (...)) is false
// rather than unknown for rows that are not related.
void SqlWriter::related(const PredicateNode& node) {
  column(node.column);
  sql_ += " IN (SELECT ";
  const std::string outer = std::exchange(qualifier_, std::string());
  identifier(node.inner_column);
  sql_ += " FROM ";
  identifier(node.table);
  sql_ += " WHERE ";
  identifier(node.inner_column);
  sql_ += " IS NOT NULL AND ";
  predicate(*node.children.at(0));
  sql_ += ")";
  qualifier_ = outer;
}

// The column, lowered when the comparison ignores case.
void SqlWriter::operand(const PredicateNode& node) {
  if (node.case_insensitive) {
    sql_ += "lower(";
    column(node.column);
    sql_ += ")";
  } else {
    column(node.column);
  }
}

void SqlWriter::value_operand(const PredicateNode& node, std::size_t i) {
  if (node.case_insensitive) {
    // CAST so that PostgreSQL picks lower(text) for an untyped parameter.
    sql_ += "lower(CAST(";
    param(node.values.at(i));
    sql_ += " AS TEXT))";
  } else {
    param(node.values.at(i));
  }
}

void SqlWriter::binary(const PredicateNode& node, std::string_view op) {
  operand(node);
  sql_ += op;
  value_operand(node, 0);
}

void SqlWriter::leaf(const PredicateNode& node) {
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
      column(node.column);
      sql_ += " IS NULL";
      return;
    case Op::is_not_null:
      column(node.column);
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

void SqlWriter::pattern(const PredicateNode& node) {
  const std::string like = like_pattern(node);
  if (dialect_ == db::Dialect::postgres) {
    column(node.column);
    sql_ += node.case_insensitive ? " ILIKE " : " LIKE ";
    param(like);
    sql_ += " ESCAPE '\\'";
  } else if (node.case_insensitive) {
    sql_ += "lower(";
    column(node.column);
    sql_ += ") LIKE lower(";
    param(like);
    sql_ += ") ESCAPE '\\'";
  } else {
    column(node.column);
    sql_ += " GLOB ";
    param(like_to_glob(like));
  }
}

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

PredicatePtr make_related(const Hop& hop, PredicatePtr condition) {
  auto node = std::make_shared<PredicateNode>();
  node->kind = PredicateNode::Kind::related;
  node->column = hop.outer_column;
  node->table = hop.table;
  node->inner_column = hop.inner_column;
  node->children.push_back(std::move(condition));
  return node;
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

}  // namespace conduit::orm::detail
