// conduit::log: one line per event on stdout, flushed per line (Heroku reads stdout).
//
// Each line is "<ISO-8601 UTC time> <LEVEL> <message>" written with a single write(2),
// so lines from different threads never interleave. Levels below the threshold set by
// set_level() are dropped before formatting. Secrets must never be passed here.
//
// Thread-safety: every function is safe to call from any thread.
#pragma once

// fmt/core.h (not format.h, twice its size) is enough for format_string and fmt::format
// of the built-in types; a caller that formats with fmt::join, chrono or its own
// fmt::formatter includes the fmt header that defines those.
#include <fmt/core.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace conduit::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_level(Level level) noexcept;
Level level() noexcept;
bool enabled(Level level) noexcept;
// Parses "debug", "info", "warn", "error", "off"; nullopt-like false on an unknown name.
bool parse_level(std::string_view name, Level& out) noexcept;

// Writes one line at `level` (no level check: callers check enabled()).
void write_line(Level level, std::string_view message) noexcept;
// Appends one formatted line (timestamp, level, message, newline) to `out`, for callers
// that gather the lines of one event-loop turn into a single write.
void append_line(std::string& out, Level level, std::string_view message);
// The two halves of append_line, for callers that format the message straight into
// `out`: append_prefix writes the timestamp and level; finish_line escapes newlines in the
// message written since `message_start` and ends the line.
void append_prefix(std::string& out, Level level);
// append_prefix with a time the caller already has (saves a clock read per line).
void append_prefix(std::string& out, Level level, std::chrono::system_clock::time_point now);
void finish_line(std::string& out, std::size_t message_start);
// Writes already formatted lines to stdout with as few write(2) calls as possible.
void write_lines(std::string_view lines) noexcept;

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug)) write_line(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info)) write_line(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warn)) write_line(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::error)) write_line(Level::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace conduit::log
