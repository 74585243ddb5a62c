// Implementation of conduit::Multipart (multipart/form-data parsing) and
// Request::multipart(). Every index is checked against the input size before use, so
// truncated or hostile input ends in MultipartError, never in an out-of-bounds read.
// Stateless; thread-safe.
#include "conduit/http/multipart.hpp"

#include <algorithm>
#include <utility>

#include "conduit/http/parameters.hpp"
#include "conduit/http/request.hpp"

namespace conduit {

namespace {

constexpr std::string_view kCrlf = "\r\n";

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) noexcept {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bchars: what a boundary may contain (a space only when not last).
bool is_valid_boundary(std::string_view boundary) noexcept {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  constexpr std::string_view kSpecials = "'()+_,-./:=? ";
  return std::all_of(boundary.begin(), boundary.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kSpecials.find(c) != std::string_view::npos;
  });
}

[[noreturn]] void fail(std::string_view reason) {
  throw MultipartError("malformed multipart body: " + std::string(reason));
}

// A header value of the form `type; name=value; name="quoted value"`.
struct ParameterizedValue {
  std::string type;
  std::vector<std::pair<std::string, std::string>> parameters;

  const std::string* parameter(std::string_view name) const noexcept {
    for (const auto& [n, v] : parameters) {
      if (iequals(n, name)) return &v;
    }
    return nullptr;
  }
};

std::optional<ParameterizedValue> parse_parameterized(std::string_view text) {
  ParameterizedValue out;
  std::size_t pos = 0;
  auto skip_space = [&] {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  };
  auto semi = text.find(';');
  out.type = std::string(trim(text.substr(0, semi)));
  if (out.type.empty()) return std::nullopt;
  if (semi == std::string_view::npos) return out;
  pos = semi + 1;
  while (true) {
    skip_space();
    if (pos >= text.size()) break;
    std::size_t name_start = pos;
    while (pos < text.size() && is_token_char(text[pos])) ++pos;
    std::string name(text.substr(name_start, pos - name_start));
    skip_space();
    if (name.empty() || pos >= text.size() || text[pos] != '=') return std::nullopt;
    ++pos;
    skip_space();
    std::string value;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < text.size()) {
        char c = text[pos++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && pos < text.size()) c = text[pos++];
        value.push_back(c);
      }
      if (!closed) return std::nullopt;
    } else {
      std::size_t value_start = pos;
      while (pos < text.size() && is_token_char(text[pos])) ++pos;
      value = std::string(text.substr(value_start, pos - value_start));
    }
    out.parameters.emplace_back(std::move(name), std::move(value));
    skip_space();
    if (pos >= text.size()) break;
    if (text[pos] != ';') return std::nullopt;
    ++pos;
  }
  return out;
}

// RFC 5987 ext-value: charset'language'percent-encoded. Only UTF-8 (and ASCII) decoded.
std::optional<std::string> decode_ext_value(std::string_view value) {
  auto first = value.find('\'');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = value.find('\'', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view charset = value.substr(0, first);
  if (!iequals(charset, "utf-8") && !iequals(charset, "us-ascii")) return std::nullopt;
  return percent_decode(value.substr(second + 1), false);
}

Headers parse_part_headers(std::string_view block) {
  Headers headers;
  while (!block.empty()) {
    auto end = block.find(kCrlf);
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view{} : block.substr(end + 2);
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') fail("folded part header");
    if (line.find_first_of("\r\n") != std::string_view::npos) fail("bare CR or LF in part header");
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) fail("part header without a name");
    std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) fail("invalid part header name");
    headers.add(name, trim(line.substr(colon + 1)));
  }
  return headers;
}

MultipartPart make_part(std::string_view header_block, std::string_view data) {
  MultipartPart part;
  part.headers = parse_part_headers(header_block);
  auto disposition_header = part.headers.get("content-disposition");
  if (!disposition_header) fail("part without Content-Disposition");
  auto disposition = parse_parameterized(*disposition_header);
  if (!disposition) fail("invalid Content-Disposition");
  if (!iequals(disposition->type, "form-data")) fail("part is not form-data");
  const std::string* name = disposition->parameter("name");
  if (!name || name->empty()) fail("part without a name");
  part.name = *name;
  if (const std::string* extended = disposition->parameter("filename*")) {
    part.filename = decode_ext_value(*extended);
    if (!part.filename) fail("invalid filename*");
  } else if (const std::string* filename = disposition->parameter("filename")) {
    part.filename = *filename;
  }
  if (auto content_type = part.headers.get("content-type")) {
    if (content_type->empty()) fail("empty part Content-Type");
    part.content_type = std::string(*content_type);
  }
  part.data = std::string(data);
  return part;
}

}  // namespace

Multipart Multipart::parse(std::string_view body, std::string_view boundary,
                           const MultipartLimits& limits) {
  if (!is_valid_boundary(boundary)) fail("invalid boundary");
  const std::string delimiter = "--" + std::string(boundary);
  const std::string inner_delimiter = "\r\n" + delimiter;

  // The first delimiter starts the body or follows the preamble's last CRLF.
  std::size_t pos = 0;
  if (body.starts_with(delimiter)) {
    pos = delimiter.size();
  } else {
    auto found = body.find(inner_delimiter);
    if (found == std::string_view::npos) fail("no boundary delimiter");
    pos = found + inner_delimiter.size();
  }

  Multipart result;
  while (true) {
    // `pos` is just past a delimiter: "--" closes the body, else padding and CRLF follow.
    if (body.substr(pos, 2) == "--") return result;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != kCrlf) {
      fail(pos >= body.size() ? "body is truncated" : "delimiter line not ended by CRLF");
    }
    pos += 2;
    if (result.parts_.size() >= limits.max_parts) {
      throw MultipartError("multipart body has too many parts");
    }

    std::string_view header_block;
    std::size_t data_start = 0;
    if (body.substr(pos, 2) == kCrlf) {
      data_start = pos + 2;
    } else {
      // Search only as far as the limit allows, so a huge header block costs nothing.
      std::string_view window = body.substr(pos, limits.max_header_bytes + 4);
      auto end = window.find("\r\n\r\n");
      if (end == std::string_view::npos || end + 4 > limits.max_header_bytes) {
        if (window.size() < limits.max_header_bytes + 4 && end == std::string_view::npos) {
          fail("body is truncated");
        }
        throw MultipartError("multipart part headers are too large");
      }
      header_block = window.substr(0, end);
      data_start = pos + end + 4;
    }

    auto data_end = body.find(inner_delimiter, data_start);
    if (data_end == std::string_view::npos) fail("body is truncated");
    result.parts_.push_back(
        make_part(header_block, body.substr(data_start, data_end - data_start)));
    pos = data_end + inner_delimiter.size();
  }
}

std::optional<std::string> Multipart::boundary_of(std::string_view content_type) {
  auto parsed = parse_parameterized(content_type);
  if (!parsed || parsed->type.size() < 10 ||
      !iequals(std::string_view(parsed->type).substr(0, 10), "multipart/")) {
    return std::nullopt;
  }
  const std::string* boundary = parsed->parameter("boundary");
  if (!boundary || !is_valid_boundary(*boundary)) return std::nullopt;
  return *boundary;
}

const MultipartPart* Multipart::part(std::string_view name) const noexcept {
  for (const auto& p : parts_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::optional<std::string_view> Multipart::field(std::string_view name) const noexcept {
  for (const auto& p : parts_) {
    if (p.name == name && !p.is_file()) return std::string_view(p.data);
  }
  return std::nullopt;
}

const MultipartPart* Multipart::file(std::string_view name) const noexcept {
  for (const auto& p : parts_) {
    if (p.name == name && p.is_file()) return &p;
  }
  return nullptr;
}

std::vector<const MultipartPart*> Multipart::files(std::string_view name) const {
  std::vector<const MultipartPart*> out;
  for (const auto& p : parts_) {
    if (p.name == name && p.is_file()) out.push_back(&p);
  }
  return out;
}

// Declared in request.hpp; defined here so that Request does not depend on this parser.
Multipart Request::multipart() const {
  if (content_type() != "multipart/form-data") {
    throw HttpError(415, "request entity is not multipart/form-data");
  }
  auto boundary = Multipart::boundary_of(*header("content-type"));
  if (!boundary) throw MultipartError("malformed multipart body: missing or invalid boundary");
  return Multipart::parse(body(), *boundary);
}

}  // namespace conduit
