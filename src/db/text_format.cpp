// Implementation of the shared text forms of SQL values.
#include "db/text_format.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace conduit::db::detail {

namespace {

using namespace std::chrono;

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

bool consume(std::string_view s, std::size_t& pos, char c) noexcept {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::string format_timestamp(Timestamp t, bool with_zone) {
  if (t == Timestamp::max()) return "infinity";
  if (t == Timestamp::min()) return "-infinity";
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const int y = static_cast<int>(ymd.year());
  if (y < 1) throw ValueError("timestamps before year 1 are not supported");
  auto rest = t - day;
  const auto h = duration_cast<hours>(rest);
  rest -= h;
  const auto m = duration_cast<minutes>(rest);
  rest -= m;
  const auto s = duration_cast<seconds>(rest);
  rest -= s;
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d:%02d.%06lld%s", y,
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(h.count()), static_cast<int>(m.count()),
                              static_cast<int>(s.count()), static_cast<long long>(rest.count()),
                              with_zone ? "+00" : "");
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::optional<Timestamp> parse_timestamp(std::string_view s) noexcept {
  if (equals_ci(s, "infinity")) return Timestamp::max();
  if (equals_ci(s, "-infinity")) return Timestamp::min();
  std::size_t pos = 0;
  // The year has at least 4 digits (PostgreSQL prints 5 after 9999).
  std::size_t year_end = 0;
  while (year_end < s.size() && is_digit(s[year_end])) ++year_end;
  if (year_end < 4 || year_end > 6) return std::nullopt;
  int year = 0, month = 0, day = 0;
  if (!read_digits(s, pos, year_end, year)) return std::nullopt;
  if (!consume(s, pos, '-') || !read_digits(s, pos, 2, month) || !consume(s, pos, '-') ||
      !read_digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year(year),
                           std::chrono::month(static_cast<unsigned>(month)),
                           std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || year < 1) return std::nullopt;
  microseconds time_of_day{0};
  if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T' || s[pos] == 't')) {
    ++pos;
    int hh = 0, mm = 0, ss = 0;
    if (!read_digits(s, pos, 2, hh) || !consume(s, pos, ':') || !read_digits(s, pos, 2, mm)) {
      return std::nullopt;
    }
    if (consume(s, pos, ':') && !read_digits(s, pos, 2, ss)) return std::nullopt;
    if (hh > 24 || mm > 59 || ss > 60) return std::nullopt;
    long long micros = 0;
    if (consume(s, pos, '.')) {
      int digits = 0;
      while (pos < s.size() && is_digit(s[pos])) {
        if (digits < 6) micros = micros * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 6; ++i) micros *= 10;
    }
    time_of_day = hours(hh) + minutes(mm) + seconds(ss) + microseconds(micros);
    // Zone: Z, or +/-HH[[:]MM[[:]SS]]. The stored value is UTC, so subtract the offset.
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh = 0, om = 0, os = 0;
      if (!read_digits(s, pos, 2, oh)) return std::nullopt;
      const bool colon = consume(s, pos, ':');
      if (pos < s.size() && is_digit(s[pos])) {
        if (!read_digits(s, pos, 2, om)) return std::nullopt;
        if ((colon ? consume(s, pos, ':') : true) && pos < s.size() && is_digit(s[pos])) {
          if (!read_digits(s, pos, 2, os)) return std::nullopt;
        }
      } else if (colon) {
        return std::nullopt;
      }
      time_of_day -= sign * (hours(oh) + minutes(om) + seconds(os));
    }
  }
  if (pos != s.size()) return std::nullopt;
  return Timestamp(sys_days(ymd).time_since_epoch() + time_of_day);
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, result.ptr);
}

std::optional<double> parse_double(std::string_view s) noexcept {
  if (equals_ci(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (equals_ci(s, "infinity") || equals_ci(s, "inf"))
    return std::numeric_limits<double>::infinity();
  if (equals_ci(s, "-infinity") || equals_ci(s, "-inf")) {
    return -std::numeric_limits<double>::infinity();
  }
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), v);
  if (result.ec != std::errc() || result.ptr != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> parse_int64(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || result.ec != std::errc() || result.ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

bool is_decimal_literal(std::string_view s) noexcept {
  if (equals_ci(s, "nan")) return true;
  std::size_t pos = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
  std::size_t digits = 0;
  while (pos < s.size() && is_digit(s[pos])) ++pos, ++digits;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos, ++digits;
  }
  if (digits == 0) return false;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    std::size_t exponent = 0;
    while (pos < s.size() && is_digit(s[pos])) ++pos, ++exponent;
    if (exponent == 0) return false;
  }
  return pos == s.size();
}

std::optional<Bytes> decode_hex(std::string_view hex) noexcept {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

bool equals_ci(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool contains_ci(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (equals_ci(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

}  // namespace conduit::db::detail
