// Tests of conduit::auth::AuthScope: Conduit's parsing and coverage rules (the cases of
// Conduit's auth_scope_test.dart, restated from the grant's side), scope lists and the
// client filter. Thread-safety: single-threaded tests.
#include "conduit/auth/scope.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace conduit::auth {
namespace {

bool covers(std::string_view granted, std::string_view required) {
  return AuthScope(granted).covers(AuthScope(required));
}

std::vector<AuthScope> scopes(std::initializer_list<std::string_view> texts) {
  std::vector<AuthScope> out;
  for (auto text : texts) out.emplace_back(text);
  return out;
}

std::string error_of(std::string_view text) {
  try {
    AuthScope scope(text);
  } catch (const ScopeError& e) {
    return e.what();
  }
  return "";
}

TEST(Scope, ParsesSegmentsAndModifier) {
  AuthScope scope("user:location:equipment.readonly");
  EXPECT_EQ(scope.str(), "user:location:equipment.readonly");
  ASSERT_EQ(scope.segments().size(), 3u);
  EXPECT_EQ(scope.segments()[0], "user");
  EXPECT_EQ(scope.segments()[2], "equipment");
  EXPECT_EQ(scope.modifier(), "readonly");
  EXPECT_FALSE(AuthScope("user").modifier().has_value());
}

TEST(Scope, RefusesInvalidScopes) {
  for (std::string_view text : {"", "user.readonly:location", "user:location.readonly:equipment",
                                "user:location:", ":user:location:", " ab", "ab c", "a::b",
                                "user.:x", ".readonly", "user:.readonly"}) {
    EXPECT_THROW(AuthScope{text}, ScopeError) << "'" << text << "'";
  }
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("a.b:c").find("only the last segment may have a modifier"), std::string::npos);
  EXPECT_NE(error_of("a::b").find("empty segment"), std::string::npos);
}

TEST(Scope, ErrorIsAnInvalidArgumentNamingTheCharacter) {
  EXPECT_THROW(AuthScope("abdef\"xz"), std::invalid_argument);
  EXPECT_NE(error_of("abdef\"xz").find("character 6 is not allowed"), std::string::npos);
  EXPECT_NE(error_of("abdef\\xz").find("'abdef\\xz'"), std::string::npos);
  EXPECT_FALSE(error_of("tab\there").empty());
  EXPECT_FALSE(error_of("caf\xc3\xa9").empty());  // non-ASCII
  EXPECT_FALSE(error_of(std::string_view("a\0b", 3)).empty());
}

TEST(Scope, AcceptsEveryAllowedCharacter) {
  const std::string all =
      "ABC:DEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzz0123456789!#$%&'`()*+,./"
      ";<=>?@[]^_{|}-~";
  AuthScope scope(all);
  EXPECT_TRUE(scope.covers(AuthScope(all)));
  EXPECT_TRUE(covers("ABC", all));
}

// Conduit's segment rule: name.modifier only when a segment has exactly one dot.
TEST(Scope, KeepsConduitsDotQuirks) {
  AuthScope dotted("a.b.c");
  EXPECT_FALSE(dotted.modifier().has_value());
  EXPECT_EQ(dotted.segments()[0], "a.b.c");
  EXPECT_NO_THROW(AuthScope("a.b.c:d"));
  EXPECT_EQ(AuthScope("user.").modifier(), "");
  EXPECT_FALSE(covers("user.", "user"));
  EXPECT_TRUE(covers("user", "user."));
}

TEST(ScopeCovers, EqualScopes) {
  EXPECT_TRUE(covers("user", "user"));
  EXPECT_TRUE(covers("user.readonly", "user.readonly"));
  EXPECT_TRUE(covers("user:location:equipment", "user:location:equipment"));
  EXPECT_TRUE(covers("user:location:equipment.readonly", "user:location:equipment.readonly"));
}

TEST(ScopeCovers, BroaderGrantCoversNarrowerRequirement) {
  EXPECT_TRUE(covers("user", "user.readonly"));
  EXPECT_TRUE(covers("user:location:equipment", "user:location:equipment.readonly"));
  EXPECT_TRUE(covers("user:location", "user:location:equipment"));
  EXPECT_TRUE(covers("user", "user:location:equipment:blah:de:blah"));
  EXPECT_TRUE(covers("user:location", "user:location:equipment:blah:de:blah"));
  EXPECT_TRUE(covers("user", "user:email"));
  EXPECT_TRUE(covers("user", "user:email:x"));
  EXPECT_TRUE(covers("user.readonly", "user:email.readonly"));
  EXPECT_TRUE(covers("user", "user:email.readonly"));
}

TEST(ScopeCovers, NarrowerOrDifferentGrantDoesNotCover) {
  EXPECT_FALSE(covers("notuser", "user"));
  EXPECT_FALSE(covers("user.actions", "user.readonly"));
  EXPECT_FALSE(covers("user.readonly", "user"));
  EXPECT_FALSE(covers("user.readonly", "user:email"));
  EXPECT_FALSE(covers("user:location", "user"));
  EXPECT_FALSE(covers("user:email", "user"));
  EXPECT_FALSE(covers("user:location.readonly", "user.readonly"));
  EXPECT_FALSE(covers("user:posts", "user:location"));
  EXPECT_FALSE(covers("user:location.readonly", "user:location"));
  EXPECT_FALSE(covers("user:location.readonly", "user:location.something"));
  EXPECT_FALSE(covers("user:location:equipment", "user:location"));
  EXPECT_FALSE(covers("users", "user"));
  EXPECT_FALSE(covers("use", "user"));
}

// Conduit's "Verify isSubsetOrEqualTo" case, with `users:foo` as the requirement.
TEST(ScopeCovers, RequirementUsersFoo) {
  EXPECT_TRUE(covers("users", "users:foo"));
  EXPECT_TRUE(covers("users:foo", "users:foo"));
  EXPECT_FALSE(covers("users:foo.readonly", "users:foo"));
  EXPECT_FALSE(covers("xyz", "users:foo"));
  EXPECT_FALSE(covers("users:foo:bar", "users:foo"));
}

// Conduit's AuthScope.verify cases.
TEST(ScopeCoversAll, EveryRequirementNeedsACoveringGrant) {
  EXPECT_TRUE(covers_all(scopes({"scope"}), scopes({"scope"})));
  EXPECT_FALSE(covers_all(scopes({"scope1"}), scopes({"scope"})));
  EXPECT_FALSE(covers_all(scopes({"scope:bar", "scope.readonly"}), scopes({"scope"})));
  EXPECT_TRUE(covers_all(scopes({"scope1", "scope"}), scopes({"scope"})));
  EXPECT_TRUE(covers_all(scopes({"scope1", "scope2"}), scopes({"scope1", "scope2"})));
  EXPECT_TRUE(covers_all(scopes({"scope2", "scope1"}), scopes({"scope1", "scope2"})));
  EXPECT_FALSE(covers_all(scopes({"scope2", "scope3"}), scopes({"scope1", "scope2"})));
  EXPECT_FALSE(covers_all(scopes({"scope2", "scope1:next"}), scopes({"scope1", "scope2"})));
  EXPECT_TRUE(covers_all(scopes({"scope2", "scope1"}), scopes({"scope1:next", "scope2.readonly"})));
  EXPECT_TRUE(covers_all(scopes({"scope2", "scope1"}), {}));
  EXPECT_TRUE(covers_all({}, {}));
  EXPECT_FALSE(covers_all({}, scopes({"scope"})));
}

TEST(ScopeAnyCovers, AnyGrantSuffices) {
  const auto granted = scopes({"profile.readonly", "user:posts"});
  EXPECT_TRUE(any_covers(granted, AuthScope("user:posts:42")));
  EXPECT_TRUE(any_covers(granted, AuthScope("profile:name.readonly")));
  EXPECT_FALSE(any_covers(granted, AuthScope("profile")));
  EXPECT_FALSE(any_covers(granted, AuthScope("user")));
  EXPECT_FALSE(any_covers({}, AuthScope("user")));
}

TEST(ScopeList, ParsesSpaceSeparatedScopesWithoutDuplicates) {
  const auto list = parse_scope_list("a b:c a d.readonly b:c");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].str(), "a");
  EXPECT_EQ(list[1].str(), "b:c");
  EXPECT_EQ(list[2].str(), "d.readonly");
  EXPECT_EQ(to_string(list), "a b:c d.readonly");
  EXPECT_EQ(parse_scope_list("single").size(), 1u);
}

TEST(ScopeList, RefusesEmptyItemsAndInvalidScopes) {
  for (std::string_view text : {"", " ", "a  b", " a", "a ", "a\tb", "a b:", "a \"b\""}) {
    EXPECT_THROW(parse_scope_list(text), ScopeError) << "'" << text << "'";
  }
}

TEST(ScopeClient, AllowsOnlyRequestedScopesTheClientCovers) {
  const auto client = scopes({"user", "profile.readonly"});
  const auto allowed = allowed_by_client(
      scopes({"user:email", "admin", "profile", "profile:name.readonly", "user.readonly"}), client);
  EXPECT_EQ(to_string(allowed), "user:email profile:name.readonly user.readonly");
  EXPECT_TRUE(allowed_by_client(scopes({"admin"}), client).empty());
  EXPECT_TRUE(allowed_by_client(scopes({"user"}), {}).empty());
}

// Conduit's "Client collapses redundant scope" cases.
TEST(ScopeClient, CollapsesRedundantScopes) {
  EXPECT_EQ(to_string(collapse_scopes(scopes({"abc", "abc:def"}))), "abc");
  EXPECT_EQ(to_string(collapse_scopes(scopes({"abc", "abc:def", "abc:def:xyz", "cba", "cba:foo"}))),
            "abc cba");
  EXPECT_EQ(
      to_string(collapse_scopes(scopes({"abc", "abc:def", "abc.readonly", "abc:def.readonly"}))),
      "abc");
  EXPECT_EQ(to_string(collapse_scopes(
                scopes({"abc", "abc:def", "abc:def:xyz.readonly", "cba", "cba:foo.readonly"}))),
            "abc cba");
  EXPECT_EQ(to_string(collapse_scopes(scopes({"a.readonly", "a:b"}))), "a.readonly a:b");
}

}  // namespace
}  // namespace conduit::auth
