// Implementation of conduit::Parameters and URL-encoded text decoding.
#include "conduit/http/parameters.hpp"

namespace conduit {

std::optional<std::string_view> Parameters::get(std::string_view name) const noexcept {
  for (const auto& [n, v] : pairs_) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> Parameters::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [n, v] : pairs_) {
    if (n == name) values.emplace_back(v);
  }
  return values;
}

std::size_t Parameters::count(std::string_view name) const noexcept {
  std::size_t n = 0;
  for (const auto& pair : pairs_) n += pair.first == name;
  return n;
}

namespace {
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<Parameters> parse_urlencoded(std::string_view text) {
  Parameters params;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto name = percent_decode(part.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string{})
                                              : percent_decode(part.substr(eq + 1), true);
    if (!name || !value) return std::nullopt;
    params.add(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace conduit
