// How many event loops `serve` runs when -n is not given: $WEB_CONCURRENCY (Heroku's
// convention for a dyno's size), else the CPUs the process may really use (the cgroup
// CPU quota and the affinity mask, the smaller), else the machine's core count.
//
// The parsers take the text of the environment variable or cgroup files, so they are
// tested without a real cgroup; detect_loop_count() reads the real ones.
//
// Thread-safety: pure functions, except detect_loop_count() which reads the environment
// and /sys/fs/cgroup (call it before starting threads that may change the environment).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace conduit::app::detail {

struct LoopCount {
  int count = 1;
  std::string reason;  // for the start log line: "WEB_CONCURRENCY=2", "cgroup CPU quota", ...
};

// $WEB_CONCURRENCY: nullopt when unset or empty; a positive integer; anything else throws
// std::runtime_error naming the variable and its value.
std::optional<int> parse_web_concurrency(const char* value);

// cgroup v2 cpu.max ("max 100000" or "150000 100000"): the quota in CPUs rounded up (at
// least 1), nullopt when unlimited or unreadable.
std::optional<int> parse_cgroup_v2_cpu_max(std::string_view contents);

// cgroup v1 cpu.cfs_quota_us and cpu.cfs_period_us: the same; a quota of -1 is unlimited.
std::optional<int> parse_cgroup_v1_quota(std::string_view quota_us, std::string_view period_us);

// The choice, from what was found (nullopt: not available).
LoopCount choose_loop_count(std::optional<int> web_concurrency, std::optional<int> cgroup_cpus,
                            std::optional<int> affinity_cpus, unsigned hardware_concurrency);

// Reads $WEB_CONCURRENCY, /sys/fs/cgroup (v2, else v1) and sched_getaffinity.
LoopCount detect_loop_count();

}  // namespace conduit::app::detail
