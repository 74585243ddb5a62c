// Compiles tests/orm/query_feature_compile_error_cases.inc (mistakes with key paths,
// aggregates, joins and paging) and checks that every "// expect:" message is reported.
// Skipped without a compiler.
#include "support/compile_check.hpp"

namespace conduit::orm::testing {
namespace {

TEST(QueryFeatureCompileErrors, MistakesWithPathsAggregatesJoinsAndPagingDoNotCompile) {
  expect_compile_errors("tests/orm/query_feature_compile_error_cases.inc", 12,
                        {"required from here", "In function"});
}

}  // namespace
}  // namespace conduit::orm::testing
