// libFuzzer target: application/x-www-form-urlencoded decoding (parse_urlencoded) and
// percent_decode, checked against an independent encoder written here.
//
// Checks beyond "no crash": text without '%' decodes to itself ('+' aside); encoding any
// bytes and decoding them gives them back; parsed parameters re-encode to text that
// parses to the same pairs, and get()/get_all()/count() agree with pairs().
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "conduit/http/parameters.hpp"
#include "fuzz_support.hpp"

namespace {

using conduit::Parameters;
using conduit::fuzz::check;

std::string encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto plain = conduit::percent_decode(text, false);
  auto spaced = conduit::percent_decode(text, true);
  check(plain.has_value() == spaced.has_value(), "'+' handling changed validity");
  if (text.find('%') == std::string_view::npos) {
    check(plain == std::string(text), "text without escapes did not decode to itself");
  }
  if (plain) check(plain->size() <= text.size(), "decoding grew the text");
  check(conduit::percent_decode(encode(text), true) == std::string(text),
        "encode/decode round trip failed");

  std::optional<Parameters> parsed = conduit::parse_urlencoded(text);
  if (!parsed) return 0;
  std::string reencoded;
  for (const auto& [name, value] : *parsed) {
    if (!reencoded.empty()) reencoded.push_back('&');
    reencoded += encode(name) + "=" + encode(value);
    check(parsed->get(name).has_value(), "parameter not found by its own name");
    check(parsed->count(name) == parsed->get_all(name).size(), "count() != get_all().size()");
    check(parsed->count(name) >= 1, "count() misses a parameter");
  }
  std::optional<Parameters> again = conduit::parse_urlencoded(reencoded);
  check(again.has_value(), "re-encoded parameters do not parse");
  check(again->pairs() == parsed->pairs(), "re-encoded parameters parse differently");
  return 0;
}
