// Implementation of the non-template parts of conduit/http/json.hpp: error paths and
// ISO-8601 time stamps. Stateless; thread-safe.
#include "conduit/http/json.hpp"

#include <fmt/format.h>

#include <array>

namespace conduit {

JsonError::JsonError(Kind kind, std::string keys, std::string_view detail)
    : std::runtime_error(std::string(detail)), kind_(kind), keys_(std::move(keys)) {}

namespace http::detail {

std::string render_path(const JsonPath* path) {
  if (!path) return {};
  std::string prefix = render_path(path->parent);
  if (path->is_index) return fmt::format("{}[{}]", prefix, path->index);
  if (prefix.empty()) return std::string(path->key);
  return prefix + "." + std::string(path->key);
}

std::string join_key(const JsonPath* path, std::string_view key) {
  std::string prefix = render_path(path);
  if (prefix.empty()) return std::string(key);
  return prefix + "." + std::string(key);
}

void throw_type_error(const JsonPath* path, std::string_view expected) {
  std::string keys = render_path(path);
  std::string where = keys.empty() ? std::string("the root") : "'" + keys + "'";
  throw JsonError(JsonError::Kind::unexpected_type, std::move(keys),
                  fmt::format("expected {} at {}", expected, where));
}

void throw_unknown_key(const JsonPath* path, std::string_view key) {
  std::string keys = join_key(path, key);
  std::string detail = fmt::format("unknown key '{}'", keys);
  throw JsonError(JsonError::Kind::unknown_key, std::move(keys), detail);
}

void throw_missing_keys(std::string keys) {
  std::string detail = fmt::format("missing key(s) '{}'", keys);
  throw JsonError(JsonError::Kind::missing_key, std::move(keys), detail);
}

std::optional<std::int64_t> json_integer(const boost::json::value& json) {
  if (json.is_int64()) return json.get_int64();
  if (json.is_uint64()) {
    if (!std::in_range<std::int64_t>(json.get_uint64())) return std::nullopt;
    return static_cast<std::int64_t>(json.get_uint64());
  }
  if (json.is_double()) {
    // 1.0 is an integer to a JavaScript client; 1.5 and 1e300 are not.
    double d = json.get_double();
    if (std::trunc(d) != d || !(std::fabs(d) < 9.2e18)) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace http::detail

namespace {

// Reads exactly `count` digits at `pos`; advances pos.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool consume(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::chrono::sys_time<std::chrono::microseconds>> parse_iso8601(
    std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  auto year = read_digits(text, pos, 4);
  if (!year || !consume(text, pos, '-')) return std::nullopt;
  auto month = read_digits(text, pos, 2);
  if (!month || !consume(text, pos, '-')) return std::nullopt;
  auto day = read_digits(text, pos, 2);
  if (!day) return std::nullopt;
  year_month_day date{std::chrono::year{*year}, std::chrono::month{unsigned(*month)},
                      std::chrono::day{unsigned(*day)}};
  if (!date.ok()) return std::nullopt;
  sys_time<microseconds> result = sys_days(date);
  if (pos == text.size()) return result;

  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  auto hour = read_digits(text, pos, 2);
  if (!hour || !consume(text, pos, ':')) return std::nullopt;
  auto minute = read_digits(text, pos, 2);
  if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
  int second = 0;
  long long micros = 0;
  if (consume(text, pos, ':')) {
    auto s = read_digits(text, pos, 2);
    if (!s || *s > 59) return std::nullopt;
    second = *s;
    if (consume(text, pos, '.') || consume(text, pos, ',')) {
      std::size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 6) micros = micros * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (std::size_t d = digits; d < 6; ++d) micros *= 10;
    }
  }
  result += hours(*hour) + minutes(*minute) + seconds(second) + microseconds(micros);

  if (pos == text.size()) return result;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '+' ? 1 : -1;
    ++pos;
    auto offset_hours = read_digits(text, pos, 2);
    if (!offset_hours) return std::nullopt;
    consume(text, pos, ':');
    auto offset_minutes = read_digits(text, pos, 2);
    if (!offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
    // The local time is ahead of UTC by the offset, so UTC = local - offset.
    result -= sign * (hours(*offset_hours) + minutes(*offset_minutes));
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return result;
}

std::string format_iso8601(std::chrono::sys_time<std::chrono::microseconds> time,
                           int fraction_digits) {
  using namespace std::chrono;
  auto day_point = floor<days>(time);
  year_month_day date{day_point};
  hh_mm_ss<microseconds> clock{time - day_point};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(date.year()),
                                unsigned(date.month()), unsigned(date.day()), clock.hours().count(),
                                clock.minutes().count(), clock.seconds().count());
  auto micros = clock.subseconds().count();
  if (fraction_digits == 3) {
    out += fmt::format(".{:03}", micros / 1000);
  } else if (fraction_digits >= 6) {
    out += fmt::format(".{:06}", micros);
  }
  out += 'Z';
  return out;
}

}  // namespace conduit
