// Log lines stay one line whatever the message holds (Heroku reads stdout line by line).
#include <gtest/gtest.h>

#include <string>

#include "conduit/core/log.hpp"

namespace conduit::log {
namespace {

TEST(LogLine, EscapesNewlinesAndDropsCarriageReturns) {
  std::string out;
  append_line(out, Level::info, "first\r\nsecond\nthird");
  ASSERT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;  // exactly one line
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_NE(out.find(" INFO first\\nsecond\\nthird\n"), std::string::npos) << out;
}

TEST(LogLine, LeavesOrdinaryMessagesAlone) {
  std::string out = "earlier line\n";
  append_line(out, Level::warn, "GET /heroes 200 0.120ms");
  EXPECT_EQ(out.rfind("GET /heroes 200 0.120ms\n"), out.size() - 24) << out;
  EXPECT_NE(out.find(" WARN "), std::string::npos) << out;
}

TEST(LogLine, OnlyTheNewMessageIsEscaped) {
  // finish_line looks at the message after `start` only: earlier lines in the buffer keep
  // their own newlines.
  std::string out = "line one\n";
  const std::size_t start = out.size();
  out += "two\nparts";
  finish_line(out, start);
  EXPECT_EQ(out, "line one\ntwo\\nparts\n");
}

}  // namespace
}  // namespace conduit::log
