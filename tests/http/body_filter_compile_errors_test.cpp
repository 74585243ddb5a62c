// Compiles tests/http/body_filter_compile_error_cases.inc (misspelt keys and misuse of
// Body<> key filters) and checks that every "// expect:" message is reported: a filter
// naming a key the bound struct or model does not have must not compile. Skipped
// without a compiler. Thread-safety: test code; one thread.
#include "support/compile_check.hpp"

namespace conduit::http_testing {
namespace {

TEST(BodyFilterCompileErrors, MisspeltKeysAndMisuseDoNotCompile) {
  conduit::orm::testing::expect_compile_errors("tests/http/body_filter_compile_error_cases.inc", 8,
                                               {"GCC", "In instantiation of"});
}

}  // namespace
}  // namespace conduit::http_testing
