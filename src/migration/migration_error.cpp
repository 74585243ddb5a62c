// Implementation of conduit::migration::MigrationError: assembles the
// "file:line:column: key: message" text, leaving out the parts that are unknown. Immutable
// once built; thread-safe.
#include "conduit/migration/migration_error.hpp"

#include <utility>

namespace conduit::migration {
namespace {

std::string format_error(const std::string& file, int line, int column, const std::string& key,
                         const std::string& message) {
  std::string out = file;
  // A line means nothing without the file it is in.
  if (!file.empty() && line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

}  // namespace

MigrationError::MigrationError(std::string message)
    : std::runtime_error(message), message_(std::move(message)) {}

MigrationError::MigrationError(std::string file, int line, int column, std::string key,
                               std::string message)
    : std::runtime_error(format_error(file, line, column, key, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)),
      message_(std::move(message)) {}

}  // namespace conduit::migration
