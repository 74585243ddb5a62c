// conduit::orm::Decimal: an exact decimal number for NUMERIC columns (money, quantities).
//
// The value is kept as canonical decimal text ("-12.50"): no exponent, no '+', no leading
// zeros, and the scale (digits after the point) as given, like PostgreSQL's numeric. JSON
// carries it as a string so that clients do not round it through a double; reading also
// accepts a JSON number. Comparison is numeric (1.50 == 1.5), while to_string() keeps the
// scale.
//
// Thread-safety: a plain value type.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace conduit::orm {

class Decimal {
 public:
  // Zero.
  Decimal() = default;
  explicit Decimal(std::int64_t value);

  // Accepts [+-]digits[.digits][(e|E)[+-]digits] (".5" and "5." too); the exponent is
  // expanded. nullopt for anything else (NaN and infinities included).
  static std::optional<Decimal> parse(std::string_view text);

  const std::string& to_string() const noexcept { return text_; }
  // Digits after the decimal point.
  int scale() const noexcept;
  bool is_negative() const noexcept { return !text_.empty() && text_.front() == '-'; }
  // The nearest double; exactness is lost, as with any conversion to binary floating point.
  double to_double() const;

  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return (a <=> b) == 0; }

 private:
  explicit Decimal(std::string canonical) : text_(std::move(canonical)) {}
  std::string text_ = "0";
};

}  // namespace conduit::orm
