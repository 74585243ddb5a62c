// Test support: compile a file of deliberate mistakes with the system's C++ compiler and
// check that every message listed in it after "// expect: " is reported. Compile-time
// checks (model declarations, typed queries) cannot be tested from inside a binary.
//
// Thread-safety: runs a child compiler; one test at a time per call.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace conduit::orm::testing {

struct CompileResult {
  int status = -1;
  std::string output;
};

inline CompileResult run_shell(const std::string& command) {
  CompileResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) {
    result.output.append(buffer.data(), n);
  }
  result.status = pclose(pipe);
  return result;
}

// Compiles `cases_file` (relative to the source tree) with -fsyntax-only and expects each
// listed message. Skips without a compiler, or when the compiler is not GCC (whose wording
// the messages are), recognised by any of `gcc_markers` in its output.
inline void expect_compile_errors(const std::string& cases_file, std::size_t min_cases,
                                  std::initializer_list<std::string_view> gcc_markers) {
  const char* cxx = std::getenv("CXX");
  const std::string compiler = cxx && *cxx ? cxx : "c++";
  if (run_shell(compiler + " --version > /dev/null 2>&1").status != 0) {
    GTEST_SKIP() << "no C++ compiler on the PATH";
  }
  const std::string path = std::string(CONDUIT_SOURCE_DIR) + "/" + cases_file;
  std::vector<std::string> expected;
  std::ifstream in(path);
  const std::string marker = "// expect: ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(marker, 0) == 0) expected.push_back(line.substr(marker.size()));
  }
  ASSERT_GE(expected.size(), min_cases) << path;
  // -fsyntax-only reports every failing check in one pass; LC_ALL=C keeps GCC's quotes ASCII.
  const CompileResult result =
      run_shell("LC_ALL=C timeout 120 " + compiler + " -std=c++20 -fsyntax-only -x c++ -I" +
                CONDUIT_SOURCE_DIR + "/include " + path + " 2>&1");
  EXPECT_NE(result.status, 0) << "the cases compiled";
  bool is_gcc = false;
  for (auto m : gcc_markers) is_gcc = is_gcc || result.output.find(m) != std::string::npos;
  if (!is_gcc) GTEST_SKIP() << "the expected messages are GCC's";
  for (const std::string& message : expected) {
    EXPECT_NE(result.output.find(message), std::string::npos)
        << "not reported: " << message << "\n--- compiler output ---\n"
        << result.output.substr(0, 4000);
  }
}

}  // namespace conduit::orm::testing
