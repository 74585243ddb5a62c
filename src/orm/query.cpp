// The non-template parts of orm::Query: member-to-column lookup, the columns a query
// selects, the steps of key paths and joins, running a statement, and conversion between
// the orm's canonical value types and db::Value. Stateless; thread-safe.
#include "conduit/orm/query.hpp"

#include <fmt/format.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace conduit::orm::detail {

std::vector<std::string> selected_columns(const Entity& entity, std::uint64_t bits) {
  std::vector<std::string> columns;
  const auto& properties = entity.properties();
  const Property* key = &entity.primary_key();
  for (std::size_t i = 0; i < properties.size(); ++i) {
    const Property& property = properties[i];
    if (!property.column) continue;
    const bool wanted = i < 64 && ((bits >> i) & 1U);
    if (wanted || &property == key) columns.push_back(entity.column_of(property).name);
  }
  return columns;
}

std::uint64_t insertable_bits(const Entity& entity) {
  std::uint64_t bits = 0;
  const auto& properties = entity.properties();
  for (std::size_t i = 0; i < properties.size() && i < 64; ++i) {
    if (properties[i].column && !entity.column_of(properties[i]).autoincrement) {
      bits |= std::uint64_t{1} << i;
    }
  }
  return bits;
}

const std::string& column_for_member(const Entity& entity, std::size_t index) {
  if (index >= entity.properties().size()) {
    throw std::invalid_argument(fmt::format(
        "orm::Query<{}>: the member pointer names no member BOOST_DESCRIBE_STRUCT lists",
        entity.name()));
  }
  const Property& property = entity.properties()[index];
  if (!property.column) {
    throw std::invalid_argument(
        fmt::format("orm::Query<{}>: {} is not stored in a column", entity.name(), property.name));
  }
  return entity.column_of(property).name;
}

Hop hop_of(const Entity& entity, std::size_t index) {
  if (index >= entity.properties().size()) {
    throw std::invalid_argument(fmt::format(
        "orm::Query<{}>: the member pointer names no member BOOST_DESCRIBE_STRUCT lists",
        entity.name()));
  }
  const Property& property = entity.properties()[index];
  if (!property.is_relationship() || !property.target) {
    throw std::invalid_argument(
        fmt::format("orm::Query<{}>: {} is not a relationship", entity.name(), property.name));
  }
  const Entity& target = property.target();
  if (property.kind == PropertyKind::belongs_to) {
    return Hop{entity.column_of(property).name, target.table().name,
               target.column_of(target.primary_key()).name};
  }
  const Property* inverse = target.find_property(property.inverse);
  if (!inverse || !inverse->column) {
    throw std::invalid_argument(fmt::format("orm::Query<{}>: {} has no foreign key in {}",
                                            entity.name(), property.name, target.name()));
  }
  return Hop{entity.column_of(entity.primary_key()).name, target.table().name,
             target.column_of(*inverse).name};
}

std::size_t join_index(QuerySpec& spec, const std::string& parent_alias, const Hop& hop) {
  for (std::size_t i = 0; i < spec.joins.size(); ++i) {
    const JoinSpec& join = spec.joins[i];
    if (join.parent_alias == parent_alias && join.table == hop.table &&
        join.join_column == hop.inner_column && join.parent_column == hop.outer_column) {
      return i;
    }
  }
  JoinSpec join{hop.table,
                "t" + std::to_string(spec.joins.size() + 1),
                hop.inner_column,
                hop.outer_column,
                {}};
  join.parent_alias = parent_alias;
  spec.joins.push_back(std::move(join));
  return spec.joins.size() - 1;
}

std::vector<std::size_t> merge_joins(QuerySpec& spec, std::size_t at,
                                     const std::vector<JoinSpec>& joins) {
  // The related query's aliases: its own table ("t0") is spec.joins[at].
  std::map<std::string, std::string> aliases{{"t0", spec.joins.at(at).alias}};
  std::vector<std::size_t> out;
  out.reserve(joins.size());
  for (const JoinSpec& join : joins) {
    const std::size_t i = join_index(spec, aliases.at(join.parent_alias),
                                     Hop{join.parent_column, join.table, join.join_column});
    JoinSpec& merged = spec.joins[i];
    if (!join.columns.empty()) merged.columns = join.columns;
    merged.where.insert(merged.where.end(), join.where.begin(), join.where.end());
    aliases[join.alias] = merged.alias;
    out.push_back(i);
  }
  return out;
}

SortKey sort_key_through(QuerySpec& spec, const std::vector<Hop>& hops, const std::string& column,
                         bool descending) {
  std::string alias = "t0";
  for (const Hop& hop : hops) alias = spec.joins[join_index(spec, alias, hop)].alias;
  return SortKey{column, descending, alias, true};
}

std::vector<std::string> join_prefixes(const QuerySpec& spec) {
  std::vector<std::string> out;
  out.reserve(spec.joins.size());
  for (const JoinSpec& join : spec.joins) out.push_back(join.alias + ".");
  return out;
}

void throw_joined_twice(const Entity& entity, std::size_t index) {
  throw std::invalid_argument(fmt::format("orm::Query<{}>::join: {} is already joined",
                                          entity.name(), entity.properties().at(index).name));
}

void throw_configured_to_one(const Entity& entity, std::size_t index) {
  throw std::invalid_argument(fmt::format(
      "orm::Query<{}>::join: the query of {} (a to-one join) cannot have limit, offset, sort_by "
      "or page_by (its object is read in the same row as its parent; sort the parents by a key "
      "path instead)",
      entity.name(), entity.properties().at(index).name));
}

void throw_limited_join(const Entity& entity, std::size_t index) {
  throw std::invalid_argument(fmt::format(
      "orm::Query<{}>::join: the query of {} cannot have limit, offset or page_by (they would "
      "count the related rows of all fetched objects together)",
      entity.name(), entity.properties().at(index).name));
}

void throw_no_row_returned() {
  throw QueryStateError("orm::Query::insert: the database returned no row for the insert");
}

Task<db::Result> execute(db::Executor& executor, Statement statement) {
  if (statement.error) std::rethrow_exception(statement.error);
  if (statement.timeout) {
    co_return co_await executor.execute(statement.sql, std::move(statement.params),
                                        *statement.timeout);
  }
  co_return co_await executor.execute(statement.sql, std::move(statement.params));
}

db::Value key_to_db_value(const Key& key) {
  if (const auto* integer = std::get_if<std::int64_t>(&key)) return db::Value(*integer);
  if (const auto* uuid = std::get_if<Uuid>(&key)) return to_db_value(*uuid);
  if (const auto* text = std::get_if<std::string>(&key)) return db::Value(*text);
  return db::Value(nullptr);
}

db::Value to_db_value(std::int32_t v) { return db::Value(v); }
db::Value to_db_value(std::int64_t v) { return db::Value(v); }
db::Value to_db_value(bool v) { return db::Value(v); }
db::Value to_db_value(double v) { return db::Value(v); }
db::Value to_db_value(const std::string& v) { return db::Value(v); }
db::Value to_db_value(const Timestamp& v) { return db::Value(v); }
db::Value to_db_value(const boost::json::value& v) { return db::Value(db::Json{v}); }
db::Value to_db_value(const Uuid& v) { return db::Value(db::Uuid{v.bytes()}); }
db::Value to_db_value(const Decimal& v) { return db::Value(db::Decimal(v.to_string())); }

void from_db_value(const db::Value& v, std::int32_t& out) { out = v.as<std::int32_t>(); }
void from_db_value(const db::Value& v, std::int64_t& out) { out = v.as<std::int64_t>(); }
void from_db_value(const db::Value& v, bool& out) { out = v.as<bool>(); }
void from_db_value(const db::Value& v, double& out) { out = v.as<double>(); }
void from_db_value(const db::Value& v, std::string& out) { out = v.as<std::string>(); }
void from_db_value(const db::Value& v, Timestamp& out) { out = v.as<Timestamp>(); }

void from_db_value(const db::Value& v, boost::json::value& out) {
  out = v.as<boost::json::value>();
}

void from_db_value(const db::Value& v, Uuid& out) { out = Uuid(v.as<db::Uuid>().bytes); }

void from_db_value(const db::Value& v, Decimal& out) {
  const db::Decimal text = v.as<db::Decimal>();
  auto parsed = Decimal::parse(text.text());
  if (!parsed) throw db::ValueError("'" + text.text() + "' is not a finite decimal");
  out = std::move(*parsed);
}

void throw_bad_value(const Entity& entity, std::string_view column, const std::exception& cause) {
  throw RowError(fmt::format("{} column {}: {}", entity.name(), column, cause.what()));
}

void throw_too_many_rows(std::string_view operation, const Entity& entity) {
  throw QueryStateError(fmt::format("orm::Query<{}>::{}: more than one row of \"{}\" matched",
                                    entity.name(), operation, entity.table().name));
}

Task<std::size_t> run_delete(db::Executor& executor, Statement statement) {
  const db::Result result = co_await execute(executor, std::move(statement));
  co_return static_cast<std::size_t>(result.affected_rows());
}

Task<std::int64_t> run_count(db::Executor& executor, Statement statement) {
  const db::Result result = co_await execute(executor, std::move(statement));
  co_return result.front().get<std::int64_t>(0);
}

}  // namespace conduit::orm::detail
