// Tests of conduit::auth password hashing: Conduit-compatible PBKDF2 values (computed
// independently with Python's hashlib), salts, options and verification.
// Thread-safety: single-threaded tests.
#include "conduit/auth/password.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace conduit::auth {
namespace {

// Expected values: base64(hashlib.pbkdf2_hmac('sha256', password.encode(), salt.encode(),
// rounds, length)), i.e. the salt's base64 text is the PBKDF2 salt, as in Conduit.
TEST(PasswordHash, MatchesConduitVectors) {
  EXPECT_EQ(hash_password("password", "c2FsdA=="), "vz6eP9k9+OlTR8/nios4/xq5Zw5d9DCfJf965djvhVU=");
  EXPECT_EQ(hash_password("", "c2FsdA=="), "ODoHXvP6GeW/Jcbw21Sk4kC3EdirWjFMkHqOBqEKCmk=");
  const std::string salt = "ZmlxZ3JvbWFuZG9tc2FsdDEyMzQ1Njc4OTBhYmNkZWY=";
  EXPECT_EQ(hash_password("password", salt), "NvhVr5CacXYaVf4WSBvTnshHTFjHuvkNnzc4jfSjpCU=");
  EXPECT_EQ(hash_password("", salt), "KzDdgmxV5EBWzLN0KvAqFsBPgMYVPRylc613vKFUeUE=");
}

TEST(PasswordHash, HashesNonAsciiPasswordsAsUtf8) {
  const std::string password = "p\xc3\xa4ssw\xc3\xb6rd\xf0\x9f\x94\x91";  // "pässwörd🔑"
  EXPECT_EQ(hash_password(password, "c2FsdA=="), "2Y2TT3EBhtMrU9bEizdNI5fgPv5od0cgpKvccYsZqTo=");
  EXPECT_EQ(hash_password(password, "ZmlxZ3JvbWFuZG9tc2FsdDEyMzQ1Njc4OTBhYmNkZWY="),
            "55GPSrYm7hVzVwrj1Ca0+p5Uvd/PD6COD1RZrrJGOWw=");
}

TEST(PasswordHash, HonoursRoundsAndKeyLength) {
  EXPECT_EQ(
      hash_password("password", "c2FsdA==", {.rounds = 10000, .key_length = 64}),
      "kaHnFLd4uUczBnhUq7tP3TpAbbnXfIcDDyl62EHR4QzxlJXwOvybUyCpaTh2mtSH0oYGqEsbipkSoAgI0vCidA==");
  EXPECT_NE(hash_password("password", "c2FsdA==", {.rounds = 1001}),
            hash_password("password", "c2FsdA=="));
}

TEST(PasswordHash, RefusesInvalidOptions) {
  EXPECT_THROW(hash_password("p", "s", {.rounds = 0}), std::invalid_argument);
  EXPECT_THROW(hash_password("p", "s", {.rounds = 1000, .key_length = 0}), std::invalid_argument);
}

TEST(PasswordSalt, Is44CharactersOfBase64From32Bytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string salt = generate_salt();
    ASSERT_EQ(salt.size(), 44u);
    EXPECT_EQ(salt.back(), '=');
    EXPECT_NE(salt[42], '=');  // 32 bytes: exactly one padding character
    for (char c : salt.substr(0, 43)) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') << salt;
    }
    seen.insert(salt);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(PasswordVerify, AcceptsTheRightPasswordOnly) {
  const std::string salt = generate_salt();
  const std::string hash = hash_password("correct horse", salt);
  EXPECT_TRUE(verify_password("correct horse", salt, hash));
  EXPECT_FALSE(verify_password("correct horsf", salt, hash));
  EXPECT_FALSE(verify_password("correct horse", generate_salt(), hash));
  EXPECT_FALSE(verify_password("correct horse", salt, hash, {.rounds = 999}));
}

TEST(PasswordVerify, RefusesHashesOfAnotherLength) {
  const std::string hash = hash_password("pw", "c2FsdA==");
  EXPECT_FALSE(verify_password("pw", "c2FsdA==", ""));
  EXPECT_FALSE(verify_password("pw", "c2FsdA==", hash.substr(0, hash.size() - 1)));
  EXPECT_FALSE(verify_password("pw", "c2FsdA==", hash + "A"));
  EXPECT_FALSE(verify_password("pw", "c2FsdA==", hash + std::string(100, 'x')));
  // A prefix padded with NULs must not pass for the real hash.
  EXPECT_FALSE(verify_password("pw", "c2FsdA==", std::string(hash.size(), '\0')));
}

// Runs a shell command and returns its standard output, or nullopt if it could not run.
std::optional<std::string> capture(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return std::nullopt;
  std::string out;
  std::array<char, 256> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get())) out += buffer.data();
  return out;
}

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Random passwords (arbitrary bytes, hex-encoded on the command line) against Python's
// hashlib when python3 is installed.
TEST(PasswordHash, AgreesWithPythonOnRandomInputs) {
  if (capture("python3 -c 'print(1)' 2>/dev/null").value_or("") != "1\n") {
    GTEST_SKIP() << "python3 is not available";
  }
  std::mt19937 random(12345);
  for (int i = 0; i < 5; ++i) {
    std::string password(random() % 40, '\0');
    for (char& c : password) c = static_cast<char>(random() % 256);
    const std::string salt = generate_salt();
    const int rounds = 1 + static_cast<int>(random() % 2000);
    const std::size_t length = 1 + random() % 64;
    const std::string command =
        "python3 -c \"import hashlib,base64,sys; print(base64.b64encode(hashlib.pbkdf2_hmac("
        "'sha256', bytes.fromhex(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3]), "
        "int(sys.argv[4]))).decode())\" '" +
        hex(password) + "' '" + salt + "' " + std::to_string(rounds) + " " + std::to_string(length);
    const auto expected = capture(command);
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(hash_password(password, salt, {.rounds = rounds, .key_length = length}) + "\n",
              *expected)
        << "password hex " << hex(password) << " salt " << salt;
  }
}

}  // namespace
}  // namespace conduit::auth
