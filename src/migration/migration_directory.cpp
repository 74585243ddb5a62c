// The migrations directory: file-name rules (parse_migration_file_name) and the scan that
// reads every migration file in version order (read_migration_directory).
//
// Thread-safety: stateless functions; they only read the file system.
#include <algorithm>
#include <cstdint>
#include <map>
#include <system_error>
#include <utility>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "migration/file_name_check.hpp"

namespace conduit::migration {
namespace {

std::string file_name_problem(const std::filesystem::path& path) {
  return "'" + path.filename().string() +
         "' is not a migration file name: expected <version>_<name>" +
         std::string(kMigrationFileSuffix) + " with a version from 1 (e.g. 00000001_initial" +
         std::string(kMigrationFileSuffix) + ") and a name of lower-case letters, digits and '_'";
}

bool is_migration_file(const std::string& file_name) {
  return std::string_view(file_name).ends_with(kMigrationFileSuffix);
}

}  // namespace

std::optional<MigrationFileName> parse_migration_file_name(std::string_view file_name) {
  if (!file_name.ends_with(kMigrationFileSuffix)) return std::nullopt;
  const std::string_view stem = file_name.substr(0, file_name.size() - kMigrationFileSuffix.size());
  const std::size_t underscore = stem.find('_');
  if (underscore == 0 || underscore == std::string_view::npos) return std::nullopt;
  MigrationFileName out;
  std::uint64_t version = 0;
  for (char c : stem.substr(0, underscore)) {
    if (c < '0' || c > '9') return std::nullopt;
    version = version * 10 + static_cast<std::uint64_t>(c - '0');
    if (version > UINT32_MAX) return std::nullopt;
  }
  if (version == 0) return std::nullopt;
  for (char c : stem.substr(underscore + 1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return std::nullopt;
  }
  out.version = static_cast<std::uint32_t>(version);
  out.name = std::string(stem.substr(underscore + 1));
  return out;
}

MigrationFileName checked_migration_file_name(const std::filesystem::path& path) {
  auto parsed = parse_migration_file_name(path.filename().string());
  if (!parsed) throw MigrationError(path.string(), 0, 0, "", file_name_problem(path));
  return std::move(*parsed);
}

std::vector<Migration> read_migration_directory(const std::filesystem::path& directory) {
  std::error_code error;
  const auto status = std::filesystem::status(directory, error);
  if (status.type() == std::filesystem::file_type::not_found) return {};
  if (error)
    throw MigrationError(directory.string(), 0, 0, "", "cannot read (" + error.message() + ")");
  if (!std::filesystem::is_directory(status)) {
    throw MigrationError(directory.string(), 0, 0, "", "not a directory");
  }
  // Sorted by file name first so that every error below is the same on every machine.
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    if (is_migration_file(it->path().filename().string()) && !it->is_directory()) {
      files.push_back(it->path());
    }
  }
  if (error) {
    throw MigrationError(directory.string(), 0, 0, "",
                         "cannot read directory (" + error.message() + ")");
  }
  std::sort(files.begin(), files.end());
  std::map<std::uint32_t, std::filesystem::path> by_version;
  for (const auto& file : files) {
    const MigrationFileName name = checked_migration_file_name(file);
    auto [it, inserted] = by_version.emplace(name.version, file);
    if (!inserted) {
      throw MigrationError(directory.string(), 0, 0, "",
                           "two files have version " + std::to_string(name.version) + ": " +
                               it->second.filename().string() + ", " + file.filename().string());
    }
  }
  std::vector<Migration> migrations;
  for (const auto& [version, file] : by_version) migrations.push_back(read_migration_file(file));
  return migrations;
}

}  // namespace conduit::migration
