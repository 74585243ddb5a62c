// Implementation of the default loop count (loop_count.hpp).
#include "app/loop_count.hpp"

#include <sched.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace conduit::app::detail {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

// A whole decimal integer (optionally negative), nothing else.
std::optional<long long> parse_integer(std::string_view text) {
  text = trim(text);
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int> cpus_from_quota(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  long long cpus = (quota + period - 1) / period;  // a quota of 1.5 CPUs keeps 2 loops busy
  if (cpus < 1) cpus = 1;
  if (cpus > 1024) cpus = 1024;
  return static_cast<int>(cpus);
}

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::optional<int> parse_web_concurrency(const char* value) {
  if (value == nullptr || *value == '\0') return std::nullopt;
  auto parsed = parse_integer(value);
  if (!parsed || *parsed < 1 || *parsed > 1024) {
    throw std::runtime_error("WEB_CONCURRENCY must be a positive integer (at most 1024), not '" +
                             std::string(value) + "'");
  }
  return static_cast<int>(*parsed);
}

std::optional<int> parse_cgroup_v2_cpu_max(std::string_view contents) {
  contents = trim(contents);
  auto space = contents.find(' ');
  std::string_view quota = contents.substr(0, space);
  if (quota == "max") return std::nullopt;
  // The period is optional in what the kernel accepts; it defaults to 100 ms.
  std::string_view period = space == std::string_view::npos ? "100000" : contents.substr(space + 1);
  auto q = parse_integer(quota);
  auto p = parse_integer(period);
  if (!q || !p) return std::nullopt;
  return cpus_from_quota(*q, *p);
}

std::optional<int> parse_cgroup_v1_quota(std::string_view quota_us, std::string_view period_us) {
  auto q = parse_integer(quota_us);
  auto p = parse_integer(period_us);
  if (!q || !p) return std::nullopt;
  return cpus_from_quota(*q, *p);
}

LoopCount choose_loop_count(std::optional<int> web_concurrency, std::optional<int> cgroup_cpus,
                            std::optional<int> affinity_cpus, unsigned hardware_concurrency) {
  if (web_concurrency) {
    return {*web_concurrency, "WEB_CONCURRENCY=" + std::to_string(*web_concurrency)};
  }
  if (cgroup_cpus && (!affinity_cpus || *cgroup_cpus <= *affinity_cpus)) {
    return {*cgroup_cpus, "cgroup CPU quota"};
  }
  if (affinity_cpus) return {*affinity_cpus, "CPU affinity"};
  if (hardware_concurrency > 0) {
    return {static_cast<int>(hardware_concurrency), "hardware concurrency"};
  }
  return {1, "core count unknown"};
}

LoopCount detect_loop_count() {
  std::optional<int> web = parse_web_concurrency(std::getenv("WEB_CONCURRENCY"));
  std::optional<int> cgroup;
  if (auto v2 = read_file("/sys/fs/cgroup/cpu.max")) {
    cgroup = parse_cgroup_v2_cpu_max(*v2);
  } else {
    auto quota = read_file("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
    auto period = read_file("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
    if (quota && period) cgroup = parse_cgroup_v1_quota(*quota, *period);
  }
  std::optional<int> affinity;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) affinity = count;
  }
  return choose_loop_count(web, cgroup, affinity, std::thread::hardware_concurrency());
}

}  // namespace conduit::app::detail
