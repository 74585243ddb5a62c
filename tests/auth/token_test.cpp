// Tests of conduit::auth tokens: alphabet, length, uniqueness, rough uniformity, digests and
// constant-time equality. Thread-safety: single-threaded tests.
#include "conduit/auth/token.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace conduit::auth {
namespace {

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

TEST(Token, Is32AlphanumericCharacters) {
  for (int i = 0; i < 200; ++i) {
    const std::string token = generate_token();
    ASSERT_EQ(token.size(), 32u);
    for (char c : token) EXPECT_TRUE(is_token_char(c)) << token;
  }
}

TEST(Token, NeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(generate_token());
  EXPECT_EQ(seen.size(), 1000u);
}

// Every one of the 62 characters shows up, and none far more often than the others: with
// modulo bias 'A'..'H' would come out about 25% more often. 320,000 characters give each an
// expected 5161 (standard deviation about 71), so the bounds below never fail by chance.
TEST(Token, UsesEveryCharacterUniformly) {
  std::map<char, int> counts;
  for (int i = 0; i < 10000; ++i) {
    for (char c : generate_token()) ++counts[c];
  }
  ASSERT_EQ(counts.size(), 62u);
  for (const auto& [c, count] : counts) {
    EXPECT_GT(count, 4700) << c;
    EXPECT_LT(count, 5650) << c;
  }
}

TEST(TokenDigest, IsHexSha256) {
  EXPECT_EQ(token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(token_digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string token = generate_token();
  EXPECT_EQ(token_digest(token), token_digest(token));
  EXPECT_NE(token_digest(token), token);
  EXPECT_EQ(token_digest(token).size(), 64u);
}

TEST(TokenConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("secret", "secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secreT"));
  EXPECT_FALSE(constant_time_equals("secret", "Secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secret "));
  EXPECT_FALSE(constant_time_equals("", "x"));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace conduit::auth
