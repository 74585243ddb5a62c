// Implementation of the row seam's non-template parts: PostgreSQL text-format parsing and
// row errors. Stateless; thread-safe.
#include "conduit/orm/row.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <charconv>
#include <limits>

namespace conduit::orm::detail {

namespace {

template <class I>
bool parse_integer(std::string_view text, I& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

void throw_null_in_required(const Entity& entity, std::size_t property) {
  throw RowError(fmt::format("{}.{}: the column is NULL but the member is not optional",
                             entity.name(), entity.properties()[property].name));
}

void throw_bad_cell(const Entity& entity, std::size_t property, std::string_view text) {
  throw RowError(fmt::format("{}.{}: cannot read '{}' from the database", entity.name(),
                             entity.properties()[property].name, text));
}

bool parse_text(std::string_view text, std::int32_t& out) { return parse_integer(text, out); }

bool parse_text(std::string_view text, std::int64_t& out) { return parse_integer(text, out); }

bool parse_text(std::string_view text, bool& out) {
  // PostgreSQL prints t/f; SQLite stores 1/0.
  if (text == "t" || text == "true" || text == "1") {
    out = true;
    return true;
  }
  if (text == "f" || text == "false" || text == "0") {
    out = false;
    return true;
  }
  return false;
}

bool parse_text(std::string_view text, double& out) {
  if (text == "NaN") {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == "Infinity" || text == "-Infinity") {
    out = text.front() == '-' ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
    return true;
  }
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool parse_text(std::string_view text, std::string& out) {
  out.assign(text.data(), text.size());
  return true;
}

bool parse_text(std::string_view text, Timestamp& out) {
  if (text == "infinity") {
    out = Timestamp::max();
    return true;
  }
  if (text == "-infinity") {
    out = Timestamp::min();
    return true;
  }
  // timestamptz prints the offset as "+00" when it has no minutes; ISO-8601 wants "+00:00".
  std::string copy(text);
  if (copy.size() > 3) {
    char sign = copy[copy.size() - 3];
    if ((sign == '+' || sign == '-') && copy.find('T') == std::string::npos &&
        copy.find(' ') != std::string::npos) {
      copy += ":00";
    }
  }
  auto parsed = parse_iso8601(copy);
  if (!parsed) return false;
  out = *parsed;
  return true;
}

bool parse_text(std::string_view text, boost::json::value& out) {
  boost::system::error_code error;
  out = boost::json::parse(text, error);
  return !error;
}

bool parse_text(std::string_view text, Uuid& out) {
  auto parsed = Uuid::parse(text);
  if (!parsed) return false;
  out = *parsed;
  return true;
}

bool parse_text(std::string_view text, Decimal& out) {
  auto parsed = Decimal::parse(text);
  if (!parsed) return false;
  out = std::move(*parsed);
  return true;
}

}  // namespace conduit::orm::detail
