// Implementation of conduit::orm::Decimal: parsing into canonical text and numeric
// comparison on that text. Stateless; thread-safe.
#include "conduit/orm/decimal.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace conduit::orm {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The parts of a canonical decimal string.
struct Parts {
  bool negative = false;
  std::string_view integer;   // no leading zeros, "0" for zero
  std::string_view fraction;  // possibly empty
};

Parts split(const std::string& text) {
  Parts parts;
  std::string_view view = text;
  if (!view.empty() && view.front() == '-') {
    parts.negative = true;
    view.remove_prefix(1);
  }
  auto point = view.find('.');
  parts.integer = view.substr(0, point);
  if (point != std::string_view::npos) parts.fraction = view.substr(point + 1);
  return parts;
}

// Compares |a| and |b|.
std::strong_ordering compare_magnitude(const Parts& a, const Parts& b) {
  if (a.integer.size() != b.integer.size()) return a.integer.size() <=> b.integer.size();
  if (auto c = a.integer.compare(b.integer); c != 0) return c <=> 0;
  std::size_t digits = std::max(a.fraction.size(), b.fraction.size());
  for (std::size_t i = 0; i < digits; ++i) {
    char x = i < a.fraction.size() ? a.fraction[i] : '0';
    char y = i < b.fraction.size() ? b.fraction[i] : '0';
    if (x != y) return x <=> y;
  }
  return std::strong_ordering::equal;
}

bool is_zero(const Parts& parts) {
  return parts.integer == "0" &&
         std::all_of(parts.fraction.begin(), parts.fraction.end(), [](char c) { return c == '0'; });
}

}  // namespace

Decimal::Decimal(std::int64_t value) : text_(std::to_string(value)) {}

std::optional<Decimal> Decimal::parse(std::string_view text) {
  // PostgreSQL's numeric allows 16383 digits after the point; the exponent bound keeps
  // a hostile "1e999999999" from allocating gigabytes.
  constexpr int kMaxExponent = 20000;
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
  std::size_t integer_start = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  std::string_view integer = text.substr(integer_start, pos - integer_start);
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t fraction_start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    fraction = text.substr(fraction_start, pos - fraction_start);
  }
  if (integer.empty() && fraction.empty()) return std::nullopt;
  int exponent = 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool exponent_negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      exponent_negative = text[pos++] == '-';
    }
    std::size_t exponent_start = pos;
    while (pos < text.size() && is_digit(text[pos])) {
      exponent = exponent * 10 + (text[pos] - '0');
      if (exponent > kMaxExponent) return std::nullopt;
      ++pos;
    }
    if (pos == exponent_start) return std::nullopt;
    if (exponent_negative) exponent = -exponent;
  }
  if (pos != text.size()) return std::nullopt;

  // Move the decimal point `exponent` places through the digit string.
  std::string digits = std::string(integer) + std::string(fraction);
  long point = static_cast<long>(integer.size()) + exponent;
  if (point < 0) {
    digits.insert(0, static_cast<std::size_t>(-point), '0');
    point = 0;
  } else if (static_cast<std::size_t>(point) > digits.size()) {
    digits.append(static_cast<std::size_t>(point) - digits.size(), '0');
  }
  std::string whole = digits.substr(0, static_cast<std::size_t>(point));
  std::string part = digits.substr(static_cast<std::size_t>(point));
  auto first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? "0" : whole.substr(first);

  std::string canonical;
  bool zero = whole == "0" && part.find_first_not_of('0') == std::string::npos;
  if (negative && !zero) canonical += '-';
  canonical += whole;
  if (!part.empty()) {
    canonical += '.';
    canonical += part;
  }
  return Decimal(std::move(canonical));
}

int Decimal::scale() const noexcept {
  auto point = text_.find('.');
  return point == std::string::npos ? 0 : static_cast<int>(text_.size() - point - 1);
}

double Decimal::to_double() const {
  double value = 0;
  std::from_chars(text_.data(), text_.data() + text_.size(), value);
  return value;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  Parts x = split(a.text_);
  Parts y = split(b.text_);
  // Canonical text never has "-0", but "-0.00" compares equal to "0" all the same.
  bool x_negative = x.negative && !is_zero(x);
  bool y_negative = y.negative && !is_zero(y);
  if (x_negative != y_negative) {
    return x_negative ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  auto magnitude = compare_magnitude(x, y);
  if (!x_negative) return magnitude;
  return 0 <=> magnitude;
}

}  // namespace conduit::orm
