// `conduit serve --watch`: serve the project's application, and rebuild and restart it
// when a source or configuration file changes.
//
// Thread-safety: single-threaded (the tool's main thread); owns one child process.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace conduit::tool {

// Builds and serves `name` from `directory` with `app_args` ("serve", options...), then
// polls the project's files: a change to src/, include/, CMakeLists.txt or cmake/ rebuilds
// and, when the build succeeds, restarts the app (a failed build keeps the old server and
// prints the compiler's first error); a change to a *.yaml file or migrations/ restarts
// without building. SIGINT/SIGTERM stop the app (it drains and exits) and then the tool.
// Returns the tool's exit code.
int serve_watch(const std::filesystem::path& directory, const std::string& name, bool verbose,
                const std::vector<std::string>& app_args);

}  // namespace conduit::tool
