// db generate and db validate as library functions: see generator.hpp.
//
// Thread-safety: plain functions.
#include "conduit/migration/generator.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <system_error>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/replay.hpp"

namespace conduit::migration {

std::string snake_case_name(std::string_view name) {
  std::string out;
  bool pending_separator = false;
  char previous = 0;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      const bool boundary = std::isupper(u) && previous != 0 &&
                            (std::islower(static_cast<unsigned char>(previous)) ||
                             std::isdigit(static_cast<unsigned char>(previous)));
      if ((pending_separator || boundary) && !out.empty()) out += '_';
      out += static_cast<char>(std::tolower(u));
      pending_separator = false;
      previous = c;
    } else {
      pending_separator = true;
      previous = 0;
    }
  }
  if (out.empty()) {
    throw MigrationError(fmt::format(
        "--name '{}' has no letters or digits: name the migration, e.g. --name add_age", name));
  }
  return out;
}

GenerateResult generate_migration(const std::filesystem::path& directory, const orm::Schema& model,
                                  const GenerateOptions& options) {
  const std::vector<Migration> existing = read_migration_directory(directory);
  const orm::Schema replayed = replay(existing);
  GenerateResult result;
  result.diff = diff_schemas(replayed, model, options.renames);
  result.version = existing.empty() ? 1 : existing.back().version + 1;
  if (result.diff.operations.empty()) return result;
  // What replay will refuse later (a name PostgreSQL would shorten, ...) is refused now,
  // before a file that no upgrade accepts is written.
  orm::Schema checked = replayed;
  apply_operations(checked, result.diff.operations);

  Migration migration;
  migration.version = result.version;
  migration.name =
      options.name ? snake_case_name(*options.name) : (existing.empty() ? "initial" : "unnamed");
  migration.operations = result.diff.operations;

  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    throw MigrationError(directory.string(), 0, 0, "",
                         "cannot create the migration directory (" + ec.message() + ")");
  }
  const std::filesystem::path path =
      directory / migration_file_name(migration.version, migration.name);
  migration.path = path;
  const std::string text = write_migration(migration);
  // Written beside the target and renamed, so a crash never leaves half a file that a
  // later upgrade would refuse (or, worse, half apply).
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      throw MigrationError(temporary.string(), 0, 0, "", "cannot write the migration file");
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw MigrationError(path.string(), 0, 0, "", "cannot write the migration file");
  }
  result.file = path;
  return result;
}

ValidateResult validate_migrations(const std::filesystem::path& directory,
                                   const orm::Schema& model) {
  const std::vector<Migration> existing = read_migration_directory(directory);
  ValidateResult result;
  result.diff = diff_schemas(replay(existing), model);
  result.latest_version = existing.empty() ? 0 : existing.back().version;
  return result;
}

}  // namespace conduit::migration
