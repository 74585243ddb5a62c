// Internal: parsing a Router pattern ("/heroes/[:id(\d+)]") into route specifications.
//
// A pattern expands into one specification per optional part, shortest first:
// "/a/[:b/[:c]]" gives "a", "a/:b" and "a/:b/:c". Segments are literals, variables
// (":name", optionally ":name(regex)"), unnamed regex segments ("(regex)") or the rest
// matcher "*". Regexes are compiled here, once, and must match a whole path segment.
// Malformed patterns throw std::invalid_argument naming the pattern and the problem.
//
// Thread-safety: parse_route_pattern is a pure function; a RouteSpec is immutable once
// built (the compiled regexes are only read while matching).
#pragma once

#include <cstddef>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace conduit::http::detail {

struct RouteSegment {
  enum class Kind {
    literal,   // matches `text` exactly
    variable,  // a non-empty segment (matching `regex` if set), bound to the name `text`
    regex,     // a non-empty segment matching `regex`, not bound to a name
    rest,      // "*": the rest of the path, possibly empty
  };

  Kind kind = Kind::literal;
  std::string text;
  // The regex as written in the pattern; empty when the segment has none.
  std::string regex_source;
  // Shared between the expansions of one pattern so each regex is compiled once.
  std::shared_ptr<const std::regex> regex;

  // Whether this segment matches one arbitrary segment (a variable or a regex).
  bool is_matcher() const noexcept { return kind == Kind::variable || kind == Kind::regex; }
};

struct RouteSpec {
  std::vector<RouteSegment> segments;
  // The names of the variables in `segments`, in order.
  std::vector<std::string> variable_names;
};

// Expands `pattern` into its specifications, shortest first. The root pattern "/" (or
// "") is a specification with no segments. Throws std::invalid_argument when the
// pattern is malformed.
std::vector<RouteSpec> parse_route_pattern(std::string_view pattern);

// Splits a base path such as "/api/v1/" into its non-empty segments ("api", "v1").
std::vector<std::string> split_base_path(std::string_view base_path);

}  // namespace conduit::http::detail
