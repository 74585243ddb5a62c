// Compiles tests/orm/query_compile_error_cases.inc (query mistakes: misspelt members,
// values of the wrong type, text operators on numbers, members of another model, HasMany)
// and checks that every "// expect:" message is reported. Skipped without a compiler.
#include "support/compile_check.hpp"

namespace conduit::orm::testing {
namespace {

TEST(QueryCompileErrors, MistakesInQueriesDoNotCompile) {
  expect_compile_errors("tests/orm/query_compile_error_cases.inc", 7,
                        {"required from here", "In function"});
}

}  // namespace
}  // namespace conduit::orm::testing
