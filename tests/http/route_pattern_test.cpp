// Tests for route pattern parsing: expansion of optional parts, segment kinds, regex
// extraction (including regexes that contain brackets or slashes) and the errors for
// malformed patterns. Ported from Conduit's pattern_test.dart, plus our stricter checks.
//
// Thread-safety: single-threaded tests.
#include "http/route_pattern.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace conduit::http::detail {
namespace {

// One string per expansion, segments joined by '/': "a/:b(\d+)/(x)/*".
std::vector<std::string> expand(std::string_view pattern) {
  std::vector<std::string> out;
  for (const RouteSpec& spec : parse_route_pattern(pattern)) {
    std::string text;
    for (const RouteSegment& segment : spec.segments) {
      if (!text.empty()) text += '/';
      switch (segment.kind) {
        case RouteSegment::Kind::literal:
          text += segment.text;
          break;
        case RouteSegment::Kind::variable:
          text += ":" + segment.text;
          if (!segment.regex_source.empty()) text += "(" + segment.regex_source + ")";
          break;
        case RouteSegment::Kind::regex:
          text += "(" + segment.regex_source + ")";
          break;
        case RouteSegment::Kind::rest:
          text += "*";
          break;
      }
    }
    out.push_back(text);
  }
  return out;
}

using Expansions = std::vector<std::string>;

// The message of the std::invalid_argument parsing `pattern` throws, or "" if none.
std::string error_of(std::string_view pattern) {
  try {
    parse_route_pattern(pattern);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(RoutePattern, NoOptionalsNoExpressions) {
  EXPECT_EQ(expand("/"), Expansions{""});
  EXPECT_EQ(expand(""), Expansions{""});
  EXPECT_EQ(expand("/a"), Expansions{"a"});
  EXPECT_EQ(expand("/a/b"), Expansions{"a/b"});
  EXPECT_EQ(expand("/a/:b"), Expansions{"a/:b"});
  EXPECT_EQ(expand("/abcd/:efgh/*"), Expansions{"abcd/:efgh/*"});
}

TEST(RoutePattern, LeadingAndTrailingSlashesAreTrimmed) {
  EXPECT_EQ(expand("a/b"), Expansions{"a/b"});
  EXPECT_EQ(expand("/a/b/"), Expansions{"a/b"});
  EXPECT_EQ(expand("//a/b//"), Expansions{"a/b"});
}

TEST(RoutePattern, ExpressionsWithoutOptionals) {
  EXPECT_EQ(expand(R"(/(\d+))"), Expansions{R"((\d+))"});
  EXPECT_EQ(expand(R"(/a/(\d+))"), Expansions{R"(a/(\d+))"});
  EXPECT_EQ(expand(R"(/a/:id/(\d+))"), Expansions{R"(a/:id/(\d+))"});
  EXPECT_EQ(expand(R"(/a/:id(\d+))"), Expansions{R"(a/:id(\d+))"});
}

TEST(RoutePattern, ExpressionsThatLookLikeOptionalsOrSeparators) {
  EXPECT_EQ(expand("/([^x]*)"), Expansions{"([^x]*)"});
  EXPECT_EQ(expand("/a/([^x])"), Expansions{"a/([^x])"});
  EXPECT_EQ(expand(R"(/a/:id/([^\]]))"), Expansions{R"(a/:id/([^\]]))"});
  EXPECT_EQ(expand("/a/:x(b/c)"), Expansions{"a/:x(b/c)"});
  EXPECT_EQ(expand("/a/:x([)])"), Expansions{"a/:x([)])"});
}

TEST(RoutePattern, NestedAndEscapedParenthesesInExpressions) {
  EXPECT_EQ(expand("/a/:x((ab)+|c)"), Expansions{"a/:x((ab)+|c)"});
  EXPECT_EQ(expand(R"(/a/:x(\(\d\)))"), Expansions{R"(a/:x(\(\d\)))"});
}

TEST(RoutePattern, OptionalsWithoutExpressions) {
  EXPECT_EQ(expand("/[a]"), (Expansions{"", "a"}));
  EXPECT_EQ(expand("/a[/:b]"), (Expansions{"a", "a/:b"}));
  EXPECT_EQ(expand("/a[/b[/c]]"), (Expansions{"a", "a/b", "a/b/c"}));
  EXPECT_EQ(expand("/a[/b/c]"), (Expansions{"a", "a/b/c"}));
  EXPECT_EQ(expand("/a[/ba/:cef]"), (Expansions{"a", "a/ba/:cef"}));
  EXPECT_EQ(expand("/a[/*]"), (Expansions{"a", "a/*"}));
  EXPECT_EQ(expand("/a/[b]"), (Expansions{"a", "a/b"}));
  EXPECT_EQ(expand("/a/[:b/[:c]]"), (Expansions{"a", "a/:b", "a/:b/:c"}));
}

TEST(RoutePattern, OptionalsWithExpressions) {
  EXPECT_EQ(expand("/[(any)]"), (Expansions{"", "(any)"}));
  EXPECT_EQ(expand("/a[/:b(a*)]"), (Expansions{"a", "a/:b(a*)"}));
  EXPECT_EQ(expand("/a[/b[/:c(x)]]"), (Expansions{"a", "a/b", "a/b/:c(x)"}));
  EXPECT_EQ(expand("/a[/:b(^x)[/*]]"), (Expansions{"a", "a/:b(^x)", "a/:b(^x)/*"}));
  EXPECT_EQ(expand("/a[/([^x])]"), (Expansions{"a", "a/([^x])"}));
  EXPECT_EQ(expand("/a[/:b([^x])]"), (Expansions{"a", "a/:b([^x])"}));
  EXPECT_EQ(expand("/a[/:b(x])]"), (Expansions{"a", "a/:b(x])"}));
}

TEST(RoutePattern, VariableNamesPerExpansion) {
  auto specs = parse_route_pattern("/a/[:b/c/[:d]]");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].variable_names, std::vector<std::string>{});
  EXPECT_EQ(specs[1].variable_names, std::vector<std::string>{"b"});
  EXPECT_EQ(specs[2].variable_names, (std::vector<std::string>{"b", "d"}));
  // Unnamed regex segments are not variables.
  EXPECT_EQ(parse_route_pattern(R"(/(\d+)/:x)")[0].variable_names, std::vector<std::string>{"x"});
}

TEST(RoutePattern, RegexesAreCompiledOncePerPattern) {
  auto specs = parse_route_pattern(R"(/a/[:b(\d+)[/c]])");
  ASSERT_EQ(specs.size(), 3u);
  ASSERT_NE(specs[1].segments[1].regex, nullptr);
  EXPECT_EQ(specs[1].segments[1].regex, specs[2].segments[1].regex);
  EXPECT_EQ(specs[2].segments[0].regex, nullptr);
}

TEST(RoutePattern, UnterminatedOptionals) {
  EXPECT_EQ(error_of("/["), "route '/[' does not close all optionals");
  EXPECT_EQ(error_of("/a/[:b"), "route '/a/[:b' does not close all optionals");
  EXPECT_EQ(error_of("/a[/b"), "route '/a[/b' does not close all optionals");
  EXPECT_EQ(error_of("/a/[b/[c]"), "route '/a/[b/[c]' does not close all optionals");
  EXPECT_EQ(error_of("/a/b]"), "route '/a/b]' has ']' without a matching '['");
  EXPECT_EQ(error_of("/a/[b]]"), "route '/a/[b]]' has ']' without a matching '['");
}

TEST(RoutePattern, OnlyTrailingOptionalsAtSegmentBoundaries) {
  EXPECT_NE(error_of("/a/[b]/c").find("not at the end"), std::string::npos);
  EXPECT_NE(error_of("/a[/b]/[c]").find("not at the end"), std::string::npos);
  EXPECT_NE(error_of("/ab[c]").find("does not start a segment"), std::string::npos);
  EXPECT_EQ(error_of("/a/[]"), "route '/a/[]' has an empty optional part");
  EXPECT_EQ(error_of("/a[/]"), "route '/a[/]' has an empty optional part");
}

TEST(RoutePattern, BadExpressions) {
  EXPECT_EQ(error_of("/(()"), "route '/(()' has an unterminated regex");
  EXPECT_EQ(error_of("/("), "route '/(' has an unterminated regex");
  EXPECT_EQ(error_of("/a)"), "route '/a)' has ')' without a matching '('");
  EXPECT_EQ(error_of("/:id()"), "route '/:id()' has an empty regex '()'");
  EXPECT_EQ(error_of(R"(/:id(\d+)x)"),
            R"(route '/:id(\d+)x' has text after the regex in segment ':id(\d+)x')");
  EXPECT_EQ(error_of("/a(b)"), "route '/a(b)' mixes literal text and a regex in segment 'a(b)'");
  std::string invalid = error_of("/:id(*a)");
  EXPECT_TRUE(invalid.starts_with("route '/:id(*a)' has an invalid regex '*a': ")) << invalid;
}

TEST(RoutePattern, BadSegments) {
  EXPECT_EQ(error_of("/a//b"), "route '/a//b' has an empty segment");
  EXPECT_EQ(error_of("/a/[/b]"), "route '/a/[/b]' has an empty segment");
  EXPECT_EQ(error_of("/a/:"), "route '/a/:' has a variable without a name");
  EXPECT_EQ(error_of("/a/:(x)"), "route '/a/:(x)' has a variable without a name");
  EXPECT_EQ(error_of("/:id/b/:id"), "route '/:id/b/:id' uses the variable 'id' twice");
  EXPECT_EQ(error_of("/*/a"), "route '/*/a' has '*' before its last segment");
  EXPECT_EQ(error_of("/files/*.png"),
            "route '/files/*.png' has '*' inside segment '*.png'; '*' must be a whole segment");
  EXPECT_EQ(error_of("/:a*"), "route '/:a*' has an invalid variable name 'a*'");
}

TEST(RoutePattern, SplitBasePath) {
  EXPECT_EQ(split_base_path(""), std::vector<std::string>{});
  EXPECT_EQ(split_base_path("/"), std::vector<std::string>{});
  EXPECT_EQ(split_base_path("/api"), std::vector<std::string>{"api"});
  EXPECT_EQ(split_base_path("api/v1/"), (std::vector<std::string>{"api", "v1"}));
  EXPECT_EQ(split_base_path("//api//v1"), (std::vector<std::string>{"api", "v1"}));
}

}  // namespace
}  // namespace conduit::http::detail
