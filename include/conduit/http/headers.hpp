// conduit::Headers: an ordered list of HTTP header fields with case-insensitive lookup.
//
// Kept as a flat vector because requests carry few headers and a linear scan over
// contiguous memory beats a map at that size. Thread-safety: a plain value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conduit {

// ASCII case-insensitive comparison, as HTTP field names require.
bool iequals(std::string_view a, std::string_view b) noexcept;

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // The first value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  // Every value of `name`, in order.
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

  // Replaces every field named `name` by one with `value`.
  void set(std::string_view name, std::string_view value);
  // Appends a field, keeping existing ones (Set-Cookie, Vary...).
  void add(std::string_view name, std::string_view value);
  // Removes every field named `name`; returns how many were removed.
  std::size_t remove(std::string_view name);

  const std::vector<Field>& fields() const noexcept { return fields_; }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept { fields_.clear(); }
  void reserve(std::size_t n) { fields_.reserve(n); }

  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace conduit
