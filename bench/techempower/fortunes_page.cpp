// Renders the /fortunes page. A handful of appends into one reserved string: the page is
// fixed apart from its rows, so a template engine would add nothing but indirection.
#include "fortunes_page.hpp"

#include <charconv>

namespace techempower {

namespace {

// The character reference for a character HTML gives a meaning to, else empty.
std::string_view reference_for(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return {};
  }
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  std::size_t plain = 0;  // start of the run of characters that need no escaping
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string_view reference = reference_for(text[i]);
    if (reference.empty()) continue;
    out.append(text.substr(plain, i - plain));
    out.append(reference);
    plain = i + 1;
  }
  out.append(text.substr(plain));
}

std::string render_fortunes(const std::vector<Fortune>& fortunes) {
  constexpr std::string_view head =
      "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
      "<tr><th>id</th><th>message</th></tr>";
  constexpr std::string_view tail = "</table></body></html>";
  std::string page;
  page.reserve(head.size() + tail.size() + fortunes.size() * 128);
  page.append(head);
  for (const Fortune& fortune : fortunes) {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, fortune.id).ptr;
    page.append("<tr><td>");
    page.append(digits, end);
    page.append("</td><td>");
    append_escaped(page, fortune.message);
    page.append("</td></tr>");
  }
  page.append(tail);
  return page;
}

}  // namespace techempower
