// Implementation of conduit::log.
#include "conduit/core/log.hpp"

// format.h, not only the header's core.h: format_to_n is a template whose instantiation
// must come from here. Left to libfmt's copy, a clang-built conduit (the fuzzers) does not
// link against Debian's GCC-built libfmt (the two mangle it differently).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace conduit::log {

namespace {
std::atomic<Level> g_level{Level::info};

constexpr std::string_view level_name(Level level) noexcept {
  switch (level) {
    case Level::debug:
      return "DEBUG";
    case Level::info:
      return "INFO";
    case Level::warn:
      return "WARN";
    case Level::error:
      return "ERROR";
    case Level::off:
      break;
  }
  return "";
}
}  // namespace

void set_level(Level level) noexcept { g_level.store(level, std::memory_order_relaxed); }
Level level() noexcept { return g_level.load(std::memory_order_relaxed); }
bool enabled(Level l) noexcept { return l >= level() && l != Level::off; }

bool parse_level(std::string_view name, Level& out) noexcept {
  if (name == "debug")
    out = Level::debug;
  else if (name == "info")
    out = Level::info;
  else if (name == "warn")
    out = Level::warn;
  else if (name == "error")
    out = Level::error;
  else if (name == "off")
    out = Level::off;
  else
    return false;
  return true;
}

namespace {
// The "YYYY-MM-DDTHH:MM:SS" part changes once a second; formatting it once per second
// per thread keeps a log line cheap on the request path.
struct TimestampCache {
  std::time_t second = -1;
  char text[20];
};
thread_local TimestampCache t_timestamp;
}  // namespace

void append_prefix(std::string& out, Level level) {
  append_prefix(out, level, std::chrono::system_clock::now());
}

void append_prefix(std::string& out, Level level, std::chrono::system_clock::time_point now) {
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  if (seconds != t_timestamp.second) {
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    fmt::format_to_n(t_timestamp.text, sizeof t_timestamp.text,
                     "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    t_timestamp.second = seconds;
  }
  out.append(t_timestamp.text, 19);
  char ms[6] = {'.',
                char('0' + millis.count() / 100),
                char('0' + millis.count() / 10 % 10),
                char('0' + millis.count() % 10),
                'Z',
                ' '};
  out.append(ms, sizeof ms);
  out.append(level_name(level));
  out.push_back(' ');
}

void finish_line(std::string& out, std::size_t message_start) {
  // A message must stay one line: newlines inside it are escaped, carriage returns dropped.
  // Two memchr scans: find_first_of would call memchr once per character of the line,
  // which showed as 7% of a pipelined request's CPU.
  const char* text = out.data() + message_start;
  const std::size_t length = out.size() - message_start;
  if (std::memchr(text, '\n', length) != nullptr || std::memchr(text, '\r', length) != nullptr) {
    std::string message = out.substr(message_start);
    out.resize(message_start);
    for (char c : message) {
      if (c == '\n') {
        out.append("\\n");
      } else if (c != '\r') {
        out.push_back(c);
      }
    }
  }
  out.push_back('\n');
}

void append_line(std::string& out, Level level, std::string_view message) {
  append_prefix(out, level);
  std::size_t start = out.size();
  out.append(message);
  finish_line(out, start);
}

void write_lines(std::string_view lines) noexcept {
  const char* data = lines.data();
  std::size_t left = lines.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void write_line(Level level, std::string_view message) noexcept {
  try {
    std::string line;
    line.reserve(64 + message.size());
    append_line(line, level, message);
    write_lines(line);
  } catch (...) {
    // Logging must never take the process down.
  }
}

}  // namespace conduit::log
