// Implementation of conduit::auth::AuthScope and the scope-list functions, following
// Conduit's AuthScope (packages/core/lib/src/auth/objects.dart) rule for rule.
// Stateless; thread-safe.
#include "conduit/auth/scope.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace conduit::auth {

namespace {

// Conduit's character check, by code unit: '!' and '#'..'[' and ']'..'~'.
bool allowed_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x5b) || (u >= 0x5d && u <= 0x7e);
}

[[noreturn]] void invalid(std::string_view text, std::string_view problem) {
  throw ScopeError(fmt::format("invalid scope '{}': {}", text, problem));
}

struct Segment {
  std::string name;
  std::optional<std::string> modifier;
};

// Conduit splits a segment at '.' and takes name.modifier only when there are exactly two
// parts; any other count leaves the whole segment as the name.
Segment split_segment(std::string_view segment) {
  const auto dot = segment.find('.');
  if (dot == std::string_view::npos || segment.find('.', dot + 1) != std::string_view::npos) {
    return {std::string(segment), std::nullopt};
  }
  return {std::string(segment.substr(0, dot)), std::string(segment.substr(dot + 1))};
}

}  // namespace

AuthScope::AuthScope(std::string_view text) : text_(text) {
  if (text.empty()) invalid(text, "it is empty");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!allowed_char(text[i])) {
      invalid(text, fmt::format("character {} is not allowed (only A-Za-z0-9 and "
                                "!#$%&'`()*+,./:;<=>?@[]^_{{|}}~-)",
                                i + 1));
    }
  }
  std::size_t start = 0;
  while (true) {
    const auto colon = text.find(':', start);
    const bool last = colon == std::string_view::npos;
    Segment segment = split_segment(text.substr(start, last ? text.size() - start : colon - start));
    if (!last && segment.modifier) invalid(text, "only the last segment may have a modifier");
    if (segment.name.empty()) invalid(text, "it has an empty segment");
    segments_.push_back(std::move(segment.name));
    if (last) {
      modifier_ = std::move(segment.modifier);
      break;
    }
    start = colon + 1;
  }
}

bool AuthScope::covers(const AuthScope& required) const {
  // A grant restricted by a modifier only reaches requirements with that same modifier.
  if (modifier_ && required.modifier_ != modifier_) return false;
  // A grant deeper than the requirement is narrower than it.
  if (segments_.size() > required.segments_.size()) return false;
  return std::equal(segments_.begin(), segments_.end(), required.segments_.begin());
}

std::vector<AuthScope> parse_scope_list(std::string_view text) {
  if (text.empty()) throw ScopeError("invalid scope list: it is empty");
  std::vector<AuthScope> scopes;
  std::size_t start = 0;
  while (true) {
    const auto space = text.find(' ', start);
    const auto item =
        text.substr(start, space == std::string_view::npos ? text.npos : space - start);
    if (item.empty()) {
      throw ScopeError(fmt::format(
          "invalid scope list '{}': scopes are separated by single spaces, with none at the "
          "start or end",
          text));
    }
    AuthScope scope(item);
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) {
      scopes.push_back(std::move(scope));
    }
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return scopes;
}

std::string to_string(std::span<const AuthScope> scopes) {
  std::string out;
  for (const AuthScope& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += scope.str();
  }
  return out;
}

bool any_covers(std::span<const AuthScope> granted, const AuthScope& required) {
  return std::any_of(granted.begin(), granted.end(),
                     [&](const AuthScope& scope) { return scope.covers(required); });
}

bool covers_all(std::span<const AuthScope> granted, std::span<const AuthScope> required) {
  return std::all_of(required.begin(), required.end(),
                     [&](const AuthScope& scope) { return any_covers(granted, scope); });
}

std::vector<AuthScope> allowed_by_client(std::span<const AuthScope> requested,
                                         std::span<const AuthScope> client_allowed) {
  std::vector<AuthScope> allowed;
  for (const AuthScope& scope : requested) {
    if (any_covers(client_allowed, scope)) allowed.push_back(scope);
  }
  return allowed;
}

std::vector<AuthScope> collapse_scopes(std::span<const AuthScope> scopes) {
  std::vector<AuthScope> kept;
  for (const AuthScope& scope : scopes) {
    const bool redundant = std::any_of(scopes.begin(), scopes.end(), [&](const AuthScope& other) {
      return other != scope && other.covers(scope);
    });
    if (!redundant) kept.push_back(scope);
  }
  return kept;
}

}  // namespace conduit::auth
