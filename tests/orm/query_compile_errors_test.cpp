// Compiles tests/orm/query_compile_error_cases.inc (query mistakes: misspelt members, values
// of the wrong type, text operators on numbers, members of another model, HasMany) with the
// system's C++ compiler and checks that every "// expect:" message is reported: a query's
// compile-time checks cannot be tested from inside a binary. Skipped without a compiler.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

const std::string kCases =
    std::string(CONDUIT_SOURCE_DIR) + "/tests/orm/query_compile_error_cases.inc";

std::vector<std::string> expected_messages() {
  std::ifstream in(kCases);
  std::vector<std::string> out;
  const std::string marker = "// expect: ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(marker, 0) == 0) out.push_back(line.substr(marker.size()));
  }
  return out;
}

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) {
    result.output.append(buffer.data(), n);
  }
  result.status = pclose(pipe);
  return result;
}

std::string compiler() {
  const char* cxx = std::getenv("CXX");
  return cxx && *cxx ? cxx : "c++";
}

TEST(QueryCompileErrors, MistakesInQueriesDoNotCompile) {
  if (run_command(compiler() + " --version > /dev/null 2>&1").status != 0) {
    GTEST_SKIP() << "no C++ compiler on the PATH";
  }
  const auto expected = expected_messages();
  ASSERT_GE(expected.size(), 7U);
  // LC_ALL=C keeps GCC's quotes ASCII.
  const CommandResult result =
      run_command("LC_ALL=C timeout 120 " + compiler() + " -std=c++20 -fsyntax-only -x c++ -I" +
                  CONDUIT_SOURCE_DIR + "/include " + kCases + " 2>&1");
  EXPECT_NE(result.status, 0) << "the cases compiled";
  if (result.output.find("required from here") == std::string::npos &&
      result.output.find("In function") == std::string::npos) {
    GTEST_SKIP() << "the expected messages are GCC's";
  }
  for (const std::string& message : expected) {
    EXPECT_NE(result.output.find(message), std::string::npos)
        << "not reported: " << message << "\n--- compiler output ---\n"
        << result.output.substr(0, 4000);
  }
}

}  // namespace
