// Building the application inside a project before the tool runs it: `conduit serve`
// (and db, auth, document) configures build/ once and runs `cmake --build` on the app
// target each time, so an edited source is served without a separate build step. Where
// cmake or a C++ compiler is missing (a Heroku dyno) nothing is built.
//
// Thread-safety: single-threaded (the tool's main thread); runs child processes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace conduit::tool {

struct BuildResult {
  bool attempted = false;        // false: no cmake or compiler here (or CONDUIT_NO_BUILD is set)
  bool ok = true;                // the build succeeded (or was not attempted)
  std::filesystem::path binary;  // the built binary, when attempted and ok
};

// Configures `directory`/build (Release) when it has no CMakeCache.txt, then builds the
// target `name`. Build output goes to build/conduit-build.log and is printed (to stderr)
// only when the build fails (its first error and last lines) or when `verbose`.
BuildResult build_project(const std::filesystem::path& directory, const std::string& name,
                          bool verbose);

}  // namespace conduit::tool
