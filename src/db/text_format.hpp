// Text forms of SQL values shared by both backends: timestamps as PostgreSQL prints them
// ("2024-01-02 03:04:05.123456+00"), shortest round-trip doubles, strict integer parsing,
// decimal literals and hex.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "conduit/db/value.hpp"

namespace conduit::db::detail {

// "YYYY-MM-DD HH:MM:SS.ffffff" plus "+00" when with_zone; Timestamp::max()/min() are
// "infinity"/"-infinity". Throws ValueError for years before 1.
std::string format_timestamp(Timestamp t, bool with_zone);
// Accepts "YYYY-MM-DD", then optionally [ T]HH:MM[:SS[.fraction]] and a zone (Z, +HH,
// +HHMM, +HH:MM, +HH:MM:SS); no zone means UTC. Fractions beyond microseconds are
// truncated. "infinity"/"-infinity" map to max()/min().
std::optional<Timestamp> parse_timestamp(std::string_view text) noexcept;

// Shortest text that parses back to the same double; "NaN", "Infinity", "-Infinity".
std::string format_double(double v);
std::optional<double> parse_double(std::string_view text) noexcept;
// Decimal digits with an optional sign, nothing else.
std::optional<std::int64_t> parse_int64(std::string_view text) noexcept;

// [+-]digits[.digits][e[+-]digits], also ".5", "5.", and "NaN" (PostgreSQL numeric).
bool is_decimal_literal(std::string_view text) noexcept;

std::optional<Bytes> decode_hex(std::string_view hex) noexcept;

// ASCII case-insensitive search and comparison.
bool contains_ci(std::string_view haystack, std::string_view needle) noexcept;
bool equals_ci(std::string_view a, std::string_view b) noexcept;

}  // namespace conduit::db::detail
