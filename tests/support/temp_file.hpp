// Test helper: one file with the given contents in a fresh temp folder (TempDir), removed
// on destruction. For tests that need a configuration or migration file on disk.
//
// Thread-safety: each instance is independent.
#pragma once

#include <string>
#include <string_view>

#include "support/temp_dir.hpp"

namespace conduit::test {

class TempFile {
 public:
  TempFile(std::string_view name, std::string_view contents)
      : dir_("file"), path_(dir_.write(name, contents).string()) {}

  const std::string& path() const { return path_; }
  std::string directory() const { return dir_.string(); }

 private:
  TempDir dir_;
  std::string path_;
};

}  // namespace conduit::test
