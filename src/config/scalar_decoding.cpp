// Decoding of scalar YAML values: strings, booleans, integers, floating point numbers,
// durations and enumerator names, with the error messages users see for bad values.
//
// Thread-safety: pure functions.
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

#include "conduit/config/config_context.hpp"
#include "core/internal/suggestions.hpp"

namespace conduit::config::detail {
namespace {

const std::string& scalar_text(const ConfigNode& node, const ConfigContext& ctx,
                               const char* expected) {
  if (!node.is_scalar())
    ctx.fail(node, std::string("expected ") + expected + ", got " + describe_node(node));
  return node.text();
}

struct ParsedInteger {
  enum class Status { ok, not_a_number, too_large } status = Status::not_a_number;
  bool negative = false;
  unsigned long long magnitude = 0;
};

// Decimal, 0x hexadecimal or 0o octal (YAML 1.2 core schema), with an optional sign.
ParsedInteger parse_integer(std::string_view text) {
  ParsedInteger out;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    out.negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 2 && text[0] == '0' && text[1] == 'o') {
    base = 8;
    text.remove_prefix(2);
  }
  if (text.empty() || text[0] == '+' || text[0] == '-') return out;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), out.magnitude, base);
  if (end != text.data() + text.size()) return out;
  if (error == std::errc::result_out_of_range) {
    out.status = ParsedInteger::Status::too_large;
  } else if (error == std::errc{}) {
    out.status = ParsedInteger::Status::ok;
  }
  return out;
}

[[noreturn]] void fail_range(const ConfigNode& node, const ConfigContext& ctx,
                             const std::string& min, const std::string& max) {
  ctx.fail(node,
           "expected an integer between " + min + " and " + max + ", got " + describe_node(node));
}

}  // namespace

std::string decode_string(const ConfigNode& node, const ConfigContext& ctx) {
  return scalar_text(node, ctx, "a string");
}

bool decode_bool(const ConfigNode& node, const ConfigContext& ctx) {
  const std::string& text = scalar_text(node, ctx, "true or false");
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  ctx.fail(node, "expected true or false, got " + describe_node(node));
}

long long decode_signed(const ConfigNode& node, const ConfigContext& ctx, long long min,
                        long long max) {
  const ParsedInteger parsed = parse_integer(scalar_text(node, ctx, "an integer"));
  if (parsed.status == ParsedInteger::Status::not_a_number) {
    ctx.fail(node, "expected an integer, got " + describe_node(node));
  }
  // |min| as unsigned without overflowing: -(min + 1) + 1.
  const unsigned long long limit = parsed.negative ? static_cast<unsigned long long>(-(min + 1)) + 1
                                                   : static_cast<unsigned long long>(max);
  if (parsed.status == ParsedInteger::Status::too_large || parsed.magnitude > limit) {
    fail_range(node, ctx, std::to_string(min), std::to_string(max));
  }
  if (!parsed.negative) return static_cast<long long>(parsed.magnitude);
  if (parsed.magnitude == 0) return 0;
  return -static_cast<long long>(parsed.magnitude - 1) - 1;
}

unsigned long long decode_unsigned(const ConfigNode& node, const ConfigContext& ctx,
                                   unsigned long long max) {
  const ParsedInteger parsed = parse_integer(scalar_text(node, ctx, "an integer"));
  if (parsed.status == ParsedInteger::Status::not_a_number) {
    ctx.fail(node, "expected an integer, got " + describe_node(node));
  }
  if (parsed.status == ParsedInteger::Status::too_large || parsed.magnitude > max ||
      (parsed.negative && parsed.magnitude != 0)) {
    fail_range(node, ctx, "0", std::to_string(max));
  }
  return parsed.magnitude;
}

double decode_double(const ConfigNode& node, const ConfigContext& ctx) {
  std::string_view text = scalar_text(node, ctx, "a number");
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits == ".inf" || digits == ".Inf" || digits == ".INF") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // from_chars would also take "inf"/"nan" spellings and hex floats; YAML does not.
  const bool plain =
      !digits.empty() && digits.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
  double value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value,
                                            std::chars_format::general);
  if (!plain || end != digits.data() + digits.size() || digits[0] == '+' || digits[0] == '-') {
    ctx.fail(node, "expected a number, got " + describe_node(node));
  }
  if (error == std::errc::result_out_of_range) {
    ctx.fail(node, "number out of range: " + describe_node(node));
  }
  if (error != std::errc{}) ctx.fail(node, "expected a number, got " + describe_node(node));
  return negative ? -value : value;
}

long long decode_duration_ns(const ConfigNode& node, const ConfigContext& ctx) {
  const std::string& text = scalar_text(node, ctx, "a duration");
  auto bad = [&]() {
    ctx.fail(node,
             "expected a duration such as '30s', '250ms' or '1h30m' (units ns, us, ms, "
             "s, m, h), got " +
                 describe_node(node));
  };
  if (text == "0") return 0;
  std::string_view rest = text;
  long long total = 0;
  if (rest.empty()) bad();
  while (!rest.empty()) {
    unsigned long long amount = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), amount);
    if (end == rest.data()) bad();
    if (error != std::errc{}) ctx.fail(node, "duration out of range: " + describe_node(node));
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    std::size_t unit_length = 0;
    while (unit_length < rest.size() && rest[unit_length] >= 'a' && rest[unit_length] <= 'z') {
      ++unit_length;
    }
    const std::string_view unit = rest.substr(0, unit_length);
    rest.remove_prefix(unit_length);
    long long scale = 0;
    if (unit == "ns") {
      scale = 1;
    } else if (unit == "us") {
      scale = 1'000;
    } else if (unit == "ms") {
      scale = 1'000'000;
    } else if (unit == "s") {
      scale = 1'000'000'000;
    } else if (unit == "m" || unit == "min") {
      scale = 60'000'000'000;
    } else if (unit == "h") {
      scale = 3'600'000'000'000;
    } else {
      bad();
    }
    long long part = 0;
    if (amount > static_cast<unsigned long long>(std::numeric_limits<long long>::max()) ||
        __builtin_mul_overflow(static_cast<long long>(amount), scale, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      ctx.fail(node, "duration out of range: " + describe_node(node));
    }
  }
  return total;
}

std::size_t decode_enumerator(const ConfigNode& node, const ConfigContext& ctx,
                              std::span<const std::string_view> names) {
  const std::string& text = scalar_text(node, ctx, "a name");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return i;
  }
  std::string message =
      "expected one of " + conduit::detail::quoted_list(names) + ", got " + describe_node(node);
  const std::string_view match = conduit::detail::closest_match(text, names);
  if (!match.empty()) message += " (did you mean '" + std::string(match) + "'?)";
  ctx.fail(node, message);
}

}  // namespace conduit::config::detail
