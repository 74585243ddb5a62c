// Unit tests of the default loop count's sources (app/loop_count.hpp): $WEB_CONCURRENCY,
// cgroup v2 cpu.max, cgroup v1 quota/period, and how they combine with the affinity mask.
#include "app/loop_count.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace conduit::app::detail {
namespace {

TEST(LoopCount, WebConcurrencyIsAPositiveInteger) {
  EXPECT_EQ(parse_web_concurrency(nullptr), std::nullopt);
  EXPECT_EQ(parse_web_concurrency(""), std::nullopt);
  EXPECT_EQ(parse_web_concurrency("1"), 1);
  EXPECT_EQ(parse_web_concurrency("8"), 8);
  EXPECT_EQ(parse_web_concurrency(" 4\n"), 4);
  for (const char* bad : {"0", "-2", "two", "2.5", "3x", "99999999999999999999", "2000"}) {
    try {
      parse_web_concurrency(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("WEB_CONCURRENCY"), std::string::npos);
    }
  }
}

TEST(LoopCount, CgroupV2CpuMax) {
  EXPECT_EQ(parse_cgroup_v2_cpu_max("max 100000\n"), std::nullopt);
  EXPECT_EQ(parse_cgroup_v2_cpu_max("200000 100000\n"), 2);
  EXPECT_EQ(parse_cgroup_v2_cpu_max("150000 100000\n"), 2);  // rounded up
  EXPECT_EQ(parse_cgroup_v2_cpu_max("50000 100000"), 1);     // at least one
  EXPECT_EQ(parse_cgroup_v2_cpu_max("400000"), 4);           // default period
  EXPECT_EQ(parse_cgroup_v2_cpu_max(""), std::nullopt);
  EXPECT_EQ(parse_cgroup_v2_cpu_max("garbage here"), std::nullopt);
}

TEST(LoopCount, CgroupV1Quota) {
  EXPECT_EQ(parse_cgroup_v1_quota("-1\n", "100000\n"), std::nullopt);
  EXPECT_EQ(parse_cgroup_v1_quota("300000\n", "100000\n"), 3);
  EXPECT_EQ(parse_cgroup_v1_quota("250000", "100000"), 3);
  EXPECT_EQ(parse_cgroup_v1_quota("10000", "100000"), 1);
  EXPECT_EQ(parse_cgroup_v1_quota("x", "100000"), std::nullopt);
  EXPECT_EQ(parse_cgroup_v1_quota("100000", "0"), std::nullopt);
}

TEST(LoopCount, ChoiceAndReason) {
  auto c = choose_loop_count(2, 8, 16, 32);
  EXPECT_EQ(c.count, 2);
  EXPECT_EQ(c.reason, "WEB_CONCURRENCY=2");
  c = choose_loop_count(std::nullopt, 3, 16, 32);  // the quota is smaller
  EXPECT_EQ(c.count, 3);
  EXPECT_EQ(c.reason, "cgroup CPU quota");
  c = choose_loop_count(std::nullopt, 8, 2, 32);  // the affinity mask is smaller
  EXPECT_EQ(c.count, 2);
  EXPECT_EQ(c.reason, "CPU affinity");
  c = choose_loop_count(std::nullopt, std::nullopt, 4, 32);
  EXPECT_EQ(c.count, 4);
  c = choose_loop_count(std::nullopt, std::nullopt, std::nullopt, 6);
  EXPECT_EQ(c.count, 6);
  EXPECT_EQ(c.reason, "hardware concurrency");
  c = choose_loop_count(std::nullopt, std::nullopt, std::nullopt, 0);
  EXPECT_EQ(c.count, 1);
}

TEST(LoopCount, DetectsSomethingUsableHere) {
  auto c = detect_loop_count();
  EXPECT_GE(c.count, 1);
  EXPECT_FALSE(c.reason.empty());
}

}  // namespace
}  // namespace conduit::app::detail
