// Implementation of the PostgreSQL value conversions.
#include "db/postgres/pg_types.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstring>
#include <utility>

#include "db/text_format.hpp"

namespace conduit::db::pg {

Params::Params(const std::vector<Value>& values) {
  const std::size_t n = values.size();
  storage_.reserve(n);  // never reallocated: values_ points into these strings
  values_.resize(n, nullptr);
  lengths_.resize(n, 0);
  formats_.resize(n, 0);
  types_.resize(n, oid::unknown);
  for (std::size_t i = 0; i < n; ++i) {
    const Value& v = values[i];
    auto own = [&](std::string text, Oid type) {
      storage_.push_back(std::move(text));
      values_[i] = storage_.back().c_str();
      types_[i] = type;
    };
    switch (v.type()) {
      case Value::Type::null:
        break;
      case Value::Type::boolean:
        own(*v.get_if<bool>() ? "t" : "f", oid::boolean);
        break;
      case Value::Type::integer: {
        // Typed as PostgreSQL types integer literals: integer when it fits (it widens
        // implicitly to bigint, numeric and double precision, and matches functions
        // taking integer), bigint otherwise.
        const std::int64_t number = *v.get_if<std::int64_t>();
        own(std::to_string(number), std::in_range<std::int32_t>(number) ? oid::int4 : oid::int8);
        break;
      }
      case Value::Type::real:
        own(detail::format_double(*v.get_if<double>()), oid::float8);
        break;
      case Value::Type::text: {
        const std::string& text = *v.get_if<std::string>();
        if (std::memchr(text.data(), '\0', text.size())) {
          throw InvalidValueError(ErrorKind::invalid_value,
                                  "parameter $" + std::to_string(i + 1) +
                                      ": PostgreSQL text cannot contain a NUL character",
                                  "22021");
        }
        values_[i] = text.c_str();  // untyped: the server infers the type from context
        break;
      }
      case Value::Type::bytes: {
        const Bytes& bytes = *v.get_if<Bytes>();
        static const char kEmpty = 0;
        values_[i] = bytes.empty() ? &kEmpty : reinterpret_cast<const char*>(bytes.data());
        lengths_[i] = static_cast<int>(bytes.size());
        formats_[i] = 1;  // binary: no escaping, no doubling in size
        types_[i] = oid::bytea;
        break;
      }
      case Value::Type::timestamp:
        own(detail::format_timestamp(*v.get_if<Timestamp>(), true), oid::timestamptz);
        break;
      case Value::Type::json:
        own(boost::json::serialize(v.get_if<Json>()->value), oid::jsonb);
        break;
      case Value::Type::uuid:
        own(v.get_if<Uuid>()->to_string(), oid::uuid);
        break;
      case Value::Type::decimal:
        own(v.get_if<Decimal>()->text(), oid::numeric);
        break;
    }
  }
}

std::string Params::cache_key(const std::string& sql) const {
  std::string key;
  key.reserve(sql.size() + types_.size() * 5 + 1);
  for (Oid type : types_) {
    key += std::to_string(type);
    key += ',';
  }
  key += '\n';
  key += sql;
  return key;
}

namespace {

Value parse_cell(Oid type, const char* text, int length) {
  const std::string_view s(text, static_cast<std::size_t>(length));
  switch (type) {
    case oid::boolean:
      return Value(s == "t");
    case oid::int8:
    case oid::int4:
    case oid::int2:
    case oid::oid:
      if (auto v = detail::parse_int64(s)) return Value(*v);
      break;
    case oid::float4:
    case oid::float8:
      if (auto v = detail::parse_double(s)) return Value(*v);
      break;
    case oid::numeric:
      if (detail::is_decimal_literal(s)) return Value(Decimal(s));
      break;
    case oid::bytea:
      if (s.substr(0, 2) == "\\x") {
        if (auto bytes = detail::decode_hex(s.substr(2))) return Value(std::move(*bytes));
      } else {
        // bytea_output = escape on this server: let libpq undo it.
        std::size_t size = 0;
        if (unsigned char* raw =
                pq().PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size)) {
          Bytes bytes(raw, raw + size);
          pq().PQfreemem(raw);
          return Value(std::move(bytes));
        }
      }
      break;
    case oid::timestamp:
    case oid::timestamptz:
      if (auto t = detail::parse_timestamp(s)) return Value(*t);
      break;
    case oid::json:
    case oid::jsonb: {
      boost::system::error_code ec;
      auto json = boost::json::parse(s, ec);
      if (!ec) return Value(Json{std::move(json)});
      break;
    }
    case oid::uuid:
      if (auto u = Uuid::try_parse(s)) return Value(*u);
      break;
    default:
      break;
  }
  // Every other type (text, varchar, date, arrays, enums...), and anything that did not
  // parse as expected, stays text.
  return Value(std::string(s));
}

}  // namespace

Result to_result(const PGresult* result) {
  const LibPq& lib = pq();  // once, not per cell
  const int rows = lib.PQntuples(result);
  const int columns = lib.PQnfields(result);
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(columns));
  std::vector<Oid> types;
  types.reserve(static_cast<std::size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    names.emplace_back(lib.PQfname(result, c));
    types.push_back(lib.PQftype(result, c));
  }
  std::vector<Value> cells;
  cells.reserve(static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < columns; ++c) {
      if (lib.PQgetisnull(result, r, c)) {
        cells.emplace_back();
      } else {
        cells.push_back(parse_cell(types[static_cast<std::size_t>(c)], lib.PQgetvalue(result, r, c),
                                   lib.PQgetlength(result, r, c)));
      }
    }
  }
  std::int64_t affected = 0;
  if (const char* count = lib.PQcmdTuples(const_cast<PGresult*>(result)); count && *count) {
    affected = detail::parse_int64(count).value_or(0);
  }
  return Result(std::move(names), std::move(cells), affected);
}

detail::PostgresErrorFields error_fields(const PGresult* result) {
  auto field = [&](int code) -> std::string_view {
    const char* v = pq().PQresultErrorField(result, code);
    return v ? std::string_view(v) : std::string_view();
  };
  detail::PostgresErrorFields f;
  f.sql_state = field(PG_DIAG_SQLSTATE);
  f.primary = field(PG_DIAG_MESSAGE_PRIMARY);
  if (f.primary.empty()) {
    const char* message = pq().PQresultErrorMessage(result);
    f.primary = message ? std::string_view(message) : std::string_view();
  }
  f.detail = field(PG_DIAG_MESSAGE_DETAIL);
  f.table = field(PG_DIAG_TABLE_NAME);
  f.column = field(PG_DIAG_COLUMN_NAME);
  f.constraint = field(PG_DIAG_CONSTRAINT_NAME);
  return f;
}

}  // namespace conduit::db::pg
