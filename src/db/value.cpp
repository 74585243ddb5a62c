// Implementation of conduit::db::Value conversions, Uuid and Decimal.
#include "conduit/db/value.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <string>

#include "db/text_format.hpp"

namespace conduit::db {

namespace {

constexpr std::string_view kTypeNames[] = {"null",  "boolean",   "integer", "real", "text",
                                           "bytes", "timestamp", "json",    "uuid", "decimal"};

std::string_view type_name(Value::Type t) { return kTypeNames[static_cast<std::size_t>(t)]; }

[[noreturn]] void fail_conversion(const Value& v, std::string_view target) {
  throw ValueError("cannot convert " + v.describe() + " to " + std::string(target));
}

}  // namespace

// ---- Uuid -------------------------------------------------------------------------------

std::optional<Uuid> Uuid::try_parse(std::string_view text) noexcept {
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, text.size() - 2);
  }
  std::string hex;
  hex.reserve(32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-') {
      // Dashes only between groups of 4 hex digits, as PostgreSQL accepts them.
      if (hex.empty() || hex.size() % 4 != 0 || i + 1 == text.size() || text[i + 1] == '-') {
        return std::nullopt;
      }
      continue;
    }
    hex.push_back(c);
  }
  if (hex.size() != 32) return std::nullopt;
  auto bytes = detail::decode_hex(hex);
  if (!bytes) return std::nullopt;
  Uuid u;
  for (std::size_t i = 0; i < 16; ++i) u.bytes[i] = (*bytes)[i];
  return u;
}

Uuid Uuid::parse(std::string_view text) {
  auto u = try_parse(text);
  if (!u) throw ValueError("not a UUID");
  return *u;
}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

// ---- Decimal ----------------------------------------------------------------------------

Decimal::Decimal(std::string_view text) : text_(text) {
  if (!detail::is_decimal_literal(text_)) throw ValueError("not a decimal number");
}

// ---- Value ------------------------------------------------------------------------------

std::string Value::describe() const {
  std::string out(type_name(type()));
  switch (type()) {
    case Type::boolean:
      out += std::get<bool>(data_) ? " true" : " false";
      break;
    case Type::integer:
      out += " " + std::to_string(std::get<std::int64_t>(data_));
      break;
    case Type::real:
      out += " " + detail::format_double(std::get<double>(data_));
      break;
    case Type::text:
      out += " (" + std::to_string(std::get<std::string>(data_).size()) + " bytes)";
      break;
    case Type::bytes:
      out += " (" + std::to_string(std::get<Bytes>(data_).size()) + " bytes)";
      break;
    default:
      break;
  }
  return out;
}

void Value::throw_out_of_range(std::int64_t v, std::string_view target) {
  throw ValueError("integer " + std::to_string(v) + " is out of range for " + std::string(target));
}

void Value::throw_null() { throw ValueError("value is null"); }

bool Value::to_bool() const {
  if (auto* b = std::get_if<bool>(&data_)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&data_)) {
    if (*i == 0 || *i == 1) return *i == 1;
  }
  if (auto* s = std::get_if<std::string>(&data_)) {
    for (std::string_view t : {"t", "true", "1", "yes", "on"}) {
      if (detail::equals_ci(*s, t)) return true;
    }
    for (std::string_view f : {"f", "false", "0", "no", "off"}) {
      if (detail::equals_ci(*s, f)) return false;
    }
  }
  fail_conversion(*this, "bool");
}

std::int64_t Value::to_int64() const {
  if (auto* i = std::get_if<std::int64_t>(&data_)) return *i;
  if (auto* b = std::get_if<bool>(&data_)) return *b ? 1 : 0;
  if (auto* d = std::get_if<double>(&data_)) {
    // Only exact integers: 3.0 is 3, 3.5 is an error rather than a silent truncation.
    if (std::isfinite(*d) && std::trunc(*d) == *d && *d >= -9.2233720368547758e18 &&
        *d < 9.2233720368547758e18) {
      return static_cast<std::int64_t>(*d);
    }
  }
  if (auto* s = std::get_if<std::string>(&data_)) {
    if (auto v = detail::parse_int64(*s)) return *v;
  }
  if (auto* n = std::get_if<Decimal>(&data_)) {
    std::string_view t = n->text();
    // "42", "42.", "42.000" are integers; anything with a fraction or exponent is not.
    if (auto dot = t.find('.'); dot != std::string_view::npos) {
      if (t.find_first_not_of('0', dot + 1) == std::string_view::npos) t = t.substr(0, dot);
    }
    if (auto v = detail::parse_int64(t)) return *v;
  }
  fail_conversion(*this, "an integer");
}

double Value::to_double() const {
  if (auto* d = std::get_if<double>(&data_)) return *d;
  if (auto* i = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*i);
  if (auto* n = std::get_if<Decimal>(&data_)) {
    if (auto v = detail::parse_double(n->text())) return *v;
  }
  if (auto* s = std::get_if<std::string>(&data_)) {
    if (auto v = detail::parse_double(*s)) return *v;
  }
  fail_conversion(*this, "a floating-point number");
}

std::string Value::to_string() const {
  switch (type()) {
    case Type::text:
      return std::get<std::string>(data_);
    case Type::boolean:
      return std::get<bool>(data_) ? "true" : "false";
    case Type::integer:
      return std::to_string(std::get<std::int64_t>(data_));
    case Type::real:
      return detail::format_double(std::get<double>(data_));
    case Type::timestamp:
      return detail::format_timestamp(std::get<Timestamp>(data_), true);
    case Type::json:
      return boost::json::serialize(std::get<Json>(data_).value);
    case Type::uuid:
      return std::get<Uuid>(data_).to_string();
    case Type::decimal:
      return std::get<Decimal>(data_).text();
    default:
      fail_conversion(*this, "text");
  }
}

Bytes Value::to_bytes() const {
  if (auto* b = std::get_if<Bytes>(&data_)) return *b;
  if (auto* u = std::get_if<Uuid>(&data_)) return Bytes(u->bytes.begin(), u->bytes.end());
  fail_conversion(*this, "bytes");
}

Timestamp Value::to_timestamp() const {
  if (auto* t = std::get_if<Timestamp>(&data_)) return *t;
  if (auto* s = std::get_if<std::string>(&data_)) {
    if (auto t = detail::parse_timestamp(*s)) return *t;
  }
  fail_conversion(*this, "a timestamp");
}

boost::json::value Value::to_json() const {
  switch (type()) {
    case Type::json:
      return std::get<Json>(data_).value;
    case Type::text: {
      boost::system::error_code ec;
      auto v = boost::json::parse(std::get<std::string>(data_), ec);
      if (!ec) return v;
      break;
    }
    // SQLite turns JSON scalars stored in a NUMERIC-affinity column into numbers.
    case Type::integer:
      return std::get<std::int64_t>(data_);
    case Type::real:
      return std::get<double>(data_);
    case Type::boolean:
      return std::get<bool>(data_);
    default:
      break;
  }
  fail_conversion(*this, "JSON");
}

Uuid Value::to_uuid() const {
  if (auto* u = std::get_if<Uuid>(&data_)) return *u;
  if (auto* s = std::get_if<std::string>(&data_)) {
    if (auto u = Uuid::try_parse(*s)) return *u;
  }
  if (auto* b = std::get_if<Bytes>(&data_); b && b->size() == 16) {
    Uuid u;
    for (std::size_t i = 0; i < 16; ++i) u.bytes[i] = (*b)[i];
    return u;
  }
  fail_conversion(*this, "a UUID");
}

Decimal Value::to_decimal() const {
  switch (type()) {
    case Type::decimal:
      return std::get<Decimal>(data_);
    case Type::integer:
      return Decimal(std::to_string(std::get<std::int64_t>(data_)));
    case Type::text:
      if (detail::is_decimal_literal(std::get<std::string>(data_))) {
        return Decimal(std::get<std::string>(data_));
      }
      break;
    case Type::real: {
      // SQLite may have stored a decimal as REAL; its shortest form is the best we have.
      const double d = std::get<double>(data_);
      if (std::isfinite(d)) return Decimal(detail::format_double(d));
      break;
    }
    default:
      break;
  }
  fail_conversion(*this, "a decimal");
}

}  // namespace conduit::db
