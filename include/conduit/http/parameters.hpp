// conduit::Parameters: ordered name/value pairs from a query string or a form body.
//
// Names are case-sensitive (as in Conduit); a name may repeat. parse_urlencoded decodes
// application/x-www-form-urlencoded text ('+' is a space, %XX escapes).
//
// Thread-safety: a plain value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conduit {

class Parameters {
 public:
  using Pair = std::pair<std::string, std::string>;

  std::optional<std::string_view> get(std::string_view name) const noexcept;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }
  std::size_t count(std::string_view name) const noexcept;
  void add(std::string name, std::string value) {
    pairs_.emplace_back(std::move(name), std::move(value));
  }
  const std::vector<Pair>& pairs() const noexcept { return pairs_; }
  bool empty() const noexcept { return pairs_.empty(); }
  std::size_t size() const noexcept { return pairs_.size(); }
  auto begin() const noexcept { return pairs_.begin(); }
  auto end() const noexcept { return pairs_.end(); }

 private:
  std::vector<Pair> pairs_;
};

// Decodes "a=1&b=two+words&c=%2F". Malformed escapes are an error: returns nullopt.
std::optional<Parameters> parse_urlencoded(std::string_view text);

// Percent-decodes `text`; when plus_is_space, '+' becomes ' '. nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace conduit
