// Implementation of route pattern parsing (see route_pattern.hpp).
//
// Parsing runs once per route at start-up, so clarity wins over speed here. Regexes may
// contain '/', '[', ']' and nested or escaped parentheses: every scan skips a regex as a
// whole (see regex_end), so brackets inside it are never taken for optional parts.
#include "http/route_pattern.hpp"

#include <algorithm>
#include <stdexcept>

namespace conduit::http::detail {

namespace {

[[noreturn]] void fail(std::string_view pattern, std::string_view problem) {
  std::string message = "route '";
  message.append(pattern).append("' ").append(problem);
  throw std::invalid_argument(message);
}

// The index of the ')' closing the regex that opens at text[open] == '(', or npos.
// Backslash escapes and character classes are honoured so "([^)])" and "(\))" work.
std::size_t regex_end(std::string_view text, std::size_t open) {
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

// Splits a pattern without optional brackets into its segment texts. Leading and
// trailing slashes are trimmed; "" (the root) has no segments.
std::vector<std::string_view> split_segments(std::string_view pattern, std::string_view text) {
  while (!text.empty() && text.front() == '/') text.remove_prefix(1);
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  std::vector<std::string_view> segments;
  if (text.empty()) return segments;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '(') {
      i = regex_end(text, i);  // validated while stripping optionals
      continue;
    }
    if (i == text.size() || text[i] == '/') {
      if (i == start) fail(pattern, "has an empty segment");
      segments.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return segments;
}

std::shared_ptr<const std::regex> compile(std::string_view pattern, const std::string& source) {
  if (source.empty()) fail(pattern, "has an empty regex '()'");
  try {
    return std::make_shared<const std::regex>(source,
                                              std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& error) {
    fail(pattern, "has an invalid regex '" + source + "': " + error.what());
  }
}

// Reads the "(regex)" that starts at segment[open] and must end the segment.
std::string regex_source(std::string_view pattern, std::string_view segment, std::size_t open) {
  std::size_t close = regex_end(segment, open);
  if (close != segment.size() - 1) {
    fail(pattern, "has text after the regex in segment '" + std::string(segment) + "'");
  }
  return std::string(segment.substr(open + 1, close - open - 1));
}

RouteSegment parse_segment(std::string_view pattern, std::string_view text) {
  RouteSegment segment;
  if (text == "*") {
    segment.kind = RouteSegment::Kind::rest;
    return segment;
  }
  if (text.front() == ':') {
    std::size_t open = text.find('(');
    std::string_view name = text.substr(1, open == std::string_view::npos ? open : open - 1);
    if (name.empty()) fail(pattern, "has a variable without a name");
    if (name.find_first_of(":*") != std::string_view::npos) {
      fail(pattern, "has an invalid variable name '" + std::string(name) + "'");
    }
    segment.kind = RouteSegment::Kind::variable;
    segment.text = name;
    if (open == std::string_view::npos) return segment;
    segment.regex_source = regex_source(pattern, text, open);
  } else if (text.front() == '(') {
    segment.kind = RouteSegment::Kind::regex;
    segment.regex_source = regex_source(pattern, text, 0);
  } else {
    if (text.find('(') != std::string_view::npos) {
      fail(pattern, "mixes literal text and a regex in segment '" + std::string(text) + "'");
    }
    if (text.find('*') != std::string_view::npos) {
      fail(pattern,
           "has '*' inside segment '" + std::string(text) + "'; '*' must be a whole segment");
    }
    segment.text = text;
    return segment;
  }
  segment.regex = compile(pattern, segment.regex_source);
  return segment;
}

}  // namespace

std::vector<RouteSpec> parse_route_pattern(std::string_view pattern) {
  // Pass 1: drop the optional brackets, remembering where each optional part starts.
  std::string stripped;
  std::vector<std::size_t> cuts;
  std::size_t opens = 0;
  std::size_t closes = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '(') {
      std::size_t end = regex_end(pattern, i);
      if (end == std::string_view::npos) fail(pattern, "has an unterminated regex");
      stripped.append(pattern.substr(i, end - i + 1));
      i = end;
    } else if (c == ')') {
      fail(pattern, "has ')' without a matching '('");
    } else if (c == '[') {
      bool at_boundary = stripped.empty() || stripped.back() == '/' ||
                         (i + 1 < pattern.size() && pattern[i + 1] == '/');
      if (!at_boundary) fail(pattern, "has an optional part that does not start a segment");
      cuts.push_back(stripped.size());
      ++opens;
    } else if (c == ']') {
      std::string_view tail = pattern.substr(i);
      if (tail.find_first_not_of(']') != std::string_view::npos) {
        fail(pattern, "has an optional part that is not at the end (only trailing optionals)");
      }
      closes = tail.size();
      break;
    } else {
      stripped.push_back(c);
    }
  }
  if (closes > opens) fail(pattern, "has ']' without a matching '['");
  if (closes < opens) fail(pattern, "does not close all optionals");

  // Pass 2: parse the longest expansion; each shorter one is a prefix of it because
  // optional parts start at segment boundaries.
  std::vector<RouteSegment> segments;
  for (std::string_view text : split_segments(pattern, stripped)) {
    segments.push_back(parse_segment(pattern, text));
  }
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i].kind == RouteSegment::Kind::rest) {
      fail(pattern, "has '*' before its last segment");
    }
  }
  std::vector<std::string> names;
  for (const RouteSegment& segment : segments) {
    if (segment.kind != RouteSegment::Kind::variable) continue;
    if (std::find(names.begin(), names.end(), segment.text) != names.end()) {
      fail(pattern, "uses the variable '" + segment.text + "' twice");
    }
    names.push_back(segment.text);
  }

  std::vector<std::size_t> lengths;
  for (std::size_t cut : cuts) {
    lengths.push_back(split_segments(pattern, std::string_view(stripped).substr(0, cut)).size());
  }
  lengths.push_back(segments.size());
  std::vector<RouteSpec> specs;
  for (std::size_t n = 0; n < lengths.size(); ++n) {
    if (n > 0 && lengths[n] <= lengths[n - 1]) fail(pattern, "has an empty optional part");
    RouteSpec spec;
    spec.segments.assign(segments.begin(), segments.begin() + std::ptrdiff_t(lengths[n]));
    for (const RouteSegment& segment : spec.segments) {
      if (segment.kind == RouteSegment::Kind::variable) spec.variable_names.push_back(segment.text);
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::vector<std::string> split_base_path(std::string_view base_path) {
  std::vector<std::string> segments;
  while (!base_path.empty()) {
    std::size_t slash = base_path.find('/');
    std::string_view part = base_path.substr(0, slash);
    if (!part.empty()) segments.emplace_back(part);
    base_path = slash == std::string_view::npos ? std::string_view{} : base_path.substr(slash + 1);
  }
  return segments;
}

}  // namespace conduit::http::detail
