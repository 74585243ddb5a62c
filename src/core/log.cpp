// Implementation of conduit::log.
#include "conduit/core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>

namespace conduit::log {

namespace {
std::atomic<Level> g_level{Level::info};

constexpr std::string_view level_name(Level level) noexcept {
  switch (level) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warn: return "WARN";
    case Level::error: return "ERROR";
    case Level::off: break;
  }
  return "";
}
}  // namespace

void set_level(Level level) noexcept { g_level.store(level, std::memory_order_relaxed); }
Level level() noexcept { return g_level.load(std::memory_order_relaxed); }
bool enabled(Level l) noexcept { return l >= level() && l != Level::off; }

bool parse_level(std::string_view name, Level& out) noexcept {
  if (name == "debug") out = Level::debug;
  else if (name == "info") out = Level::info;
  else if (name == "warn") out = Level::warn;
  else if (name == "error") out = Level::error;
  else if (name == "off") out = Level::off;
  else return false;
  return true;
}

void write_line(Level level, std::string_view message) noexcept {
  try {
    auto now = std::chrono::system_clock::now();
    auto seconds = std::chrono::system_clock::to_time_t(now);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    fmt::memory_buffer line;
    fmt::format_to(std::back_inserter(line), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {} ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   static_cast<int>(millis.count()), level_name(level));
    // A message must stay one line: newlines inside it are escaped.
    for (char c : message) {
      if (c == '\n') {
        line.append(std::string_view("\\n"));
      } else if (c != '\r') {
        line.push_back(c);
      }
    }
    line.push_back('\n');
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      ssize_t n = ::write(STDOUT_FILENO, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      data += n;
      left -= static_cast<std::size_t>(n);
    }
  } catch (...) {
    // Logging must never take the process down.
  }
}

}  // namespace conduit::log
