// Implementation of conduit::LocatedError: assembles the "file:line:column: key: message"
// text, leaving out the parts that are unknown.
#include "conduit/core/located_error.hpp"

#include <utility>

namespace conduit {
namespace {

std::string format_error(const std::string& file, int line, int column, const std::string& key_path,
                         const std::string& message) {
  std::string out = file;
  // A line means nothing without the file it is in.
  if (!file.empty() && line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  out += message;
  return out;
}

}  // namespace

LocatedError::LocatedError(std::string message)
    : std::runtime_error(message), message_(std::move(message)) {}

LocatedError::LocatedError(std::string file, int line, int column, std::string key_path,
                           std::string message)
    : std::runtime_error(format_error(file, line, column, key_path, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

}  // namespace conduit
