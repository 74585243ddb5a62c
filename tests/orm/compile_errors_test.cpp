// Compiles tests/orm/compile_error_cases.inc (declaration mistakes) and checks that every
// message listed there with "// expect:" is reported readably. Skipped when no compiler
// is on the PATH (e.g. an installed test run).
#include "support/compile_check.hpp"

namespace conduit::orm::testing {
namespace {

TEST(ModelCompileErrors, EveryDeclarationMistakeIsReportedReadably) {
  expect_compile_errors("tests/orm/compile_error_cases.inc", 25, {"GCC", "In instantiation of"});
}

}  // namespace
}  // namespace conduit::orm::testing
