// Implementation of conduit::ConfigError: assembles the "file:line:col: path: message" text.
#include "conduit/config/config_error.hpp"

#include <utility>

namespace conduit {
namespace {

std::string format_error(const std::string& source, int line, int column, const std::string& path,
                         const std::string& message) {
  std::string out = source;
  if (!source.empty() && line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

}  // namespace

ConfigError::ConfigError(std::string message)
    : std::runtime_error(message), message_(std::move(message)) {}

ConfigError::ConfigError(std::string source, int line, int column, std::string path,
                         std::string message)
    : std::runtime_error(format_error(source, line, column, path, message)),
      source_(std::move(source)),
      line_(line),
      column_(column),
      path_(std::move(path)),
      message_(std::move(message)) {}

}  // namespace conduit
