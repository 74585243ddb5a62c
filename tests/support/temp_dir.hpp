// Test helper: a fresh, uniquely named folder in the temp directory, removed with all it
// holds when the TempDir goes away.
//
//   conduit::test::TempDir dir;
//   auto config = dir.write("config.yaml", "port: 8080\n");   // the file's path
//   run(..., dir.path() / "migrations");
//
// Thread-safety: each instance is independent; mkdtemp makes the name unique across
// threads and processes (ctest runs suites in parallel).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace conduit::test {

class TempDir {
 public:
  // `prefix` names the folder (conduit-<prefix>-XXXXXX) so a leftover says which test made it.
  explicit TempDir(std::string_view prefix = "test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("conduit-" + std::string(prefix) + "-XXXXXX"))
            .string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::string string() const { return path_.string(); }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

  // Writes `text` to `name` (a path relative to the folder; parent folders are made) and
  // returns the file's full path.
  std::filesystem::path write(const std::filesystem::path& name, std::string_view text) const {
    std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace conduit::test
