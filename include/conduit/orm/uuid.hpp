// conduit::orm::Uuid: a 128-bit UUID value for UUID columns and primary keys.
//
// Text form is the canonical lowercase 8-4-4-4-12 hex string (what PostgreSQL prints and
// what JSON carries); parse() also accepts upper case and the 32 digits without dashes.
// Ordering is by bytes, which is also PostgreSQL's order for the uuid type.
//
// Thread-safety: a plain value type; random() may be called from any thread.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace conduit::orm {

class Uuid {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  // The nil UUID (all zeros).
  constexpr Uuid() = default;
  explicit constexpr Uuid(const Bytes& bytes) : bytes_(bytes) {}

  // nullopt unless `text` is 32 hex digits, optionally dashed as 8-4-4-4-12.
  static std::optional<Uuid> parse(std::string_view text);
  // A version 4 (random) UUID from the operating system's random source.
  static Uuid random();

  std::string to_string() const;
  constexpr const Bytes& bytes() const noexcept { return bytes_; }
  constexpr bool is_nil() const noexcept {
    for (auto byte : bytes_) {
      if (byte != 0) return false;
    }
    return true;
  }

  friend constexpr auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

}  // namespace conduit::orm
