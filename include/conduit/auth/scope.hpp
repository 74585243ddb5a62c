// conduit::auth::AuthScope: an OAuth 2.0 scope with Conduit's syntax and coverage rules, so
// scopes stored or configured for a Conduit (Dart) server mean the same here.
//
// A scope is one or more `:`-separated segments, each restricting the one before it, and an
// optional `.modifier` on the last segment only (`user`, `user:posts`, `user:posts.readonly`).
// Characters: printable ASCII except space, `"` and `\` (Conduit's check: 0x21, 0x23-0x5B,
// 0x5D-0x7E; its documentation leaves out `~`, which its code accepts).
//
// Coverage (Conduit's isSubsetOrEqualTo, read from the grant's side):
//   granted `user`          covers `user`, `user:email`, `user:email:x`, `user.readonly`
//   granted `user.readonly` covers `user.readonly`, `user:email.readonly`; not `user`,
//                           not `user:email`, not `user.write`
//   granted `user:email`    does not cover `user` nor `user:posts`
//
//   auto granted = conduit::auth::parse_scope_list("user:posts profile.readonly");
//   if (conduit::auth::any_covers(granted, AuthScope("user:posts.readonly"))) ...
//
// Parsing follows Conduit to the letter, quirks included: a segment with two or more dots
// is a plain name (`a.b.c` has no modifier), and `user.` has an empty modifier.
//
// Thread-safety: immutable value type; the functions are stateless.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace conduit::auth {

// A scope string that is not valid; what() names the problem and quotes the scope.
class ScopeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class AuthScope {
 public:
  // Throws ScopeError for an empty string, a character outside the allowed set, an empty
  // segment (leading, trailing or doubled `:`) or a modifier before the last segment.
  explicit AuthScope(std::string_view text);

  // The scope as written.
  const std::string& str() const { return text_; }
  // The segment names, at least one; the last one without its modifier.
  std::span<const std::string> segments() const { return segments_; }
  // The last segment's modifier, if any (possibly empty: `user.`).
  const std::optional<std::string>& modifier() const { return modifier_; }

  // Whether a token granted this scope may access what `required` protects: this scope's
  // segments are a prefix of the required one's, and if this scope has a modifier, the
  // required scope has the same one.
  bool covers(const AuthScope& required) const;

  // Same text, hence same segments and modifier.
  friend bool operator==(const AuthScope& a, const AuthScope& b) { return a.text_ == b.text_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;
  std::optional<std::string> modifier_;
};

// A space-separated list (the OAuth `scope` parameter, the _authclient.allowedScope column):
// single spaces only, each item a valid scope, duplicates dropped (first kept, order kept).
// Throws ScopeError for an empty string, an empty item (leading, trailing or double space)
// or an invalid scope.
std::vector<AuthScope> parse_scope_list(std::string_view text);

// The items joined by single spaces (the inverse of parse_scope_list).
std::string to_string(std::span<const AuthScope> scopes);

// Whether any granted scope covers `required`.
bool any_covers(std::span<const AuthScope> granted, const AuthScope& required);

// Whether every required scope is covered by some granted one (Conduit's AuthScope.verify);
// true when nothing is required.
bool covers_all(std::span<const AuthScope> granted, std::span<const AuthScope> required);

// The requested scopes that a client allowing `client_allowed` may issue, in request order
// (Conduit's AuthClient.allowsScope filter). An empty result means the request must fail
// with invalid_scope.
std::vector<AuthScope> allowed_by_client(std::span<const AuthScope> requested,
                                         std::span<const AuthScope> client_allowed);

// The scopes without those another one in the list covers (Conduit collapses a client's
// allowed scopes this way: `abc abc:def abc.readonly` is just `abc`). Order kept.
std::vector<AuthScope> collapse_scopes(std::span<const AuthScope> scopes);

}  // namespace conduit::auth
