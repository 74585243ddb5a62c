// Building the application inside a project before the tool runs it (see project_build.hpp).
//
// Thread-safety: single-threaded; each step is a child process the tool waits for.
#include "project_build.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace conduit::tool {
namespace {

// An executable `name` (a bare name is looked up in $PATH; a path is taken as it is).
bool have_program(const std::string& name) {
  if (name.empty()) return false;
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest = path;
  while (true) {
    const auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return true;
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

bool have_compiler() {
  // $CXX may carry arguments ("ccache g++"): its first word is the program.
  if (const char* cxx = std::getenv("CXX"); cxx != nullptr && *cxx != '\0') {
    std::string first(cxx);
    first = first.substr(0, first.find(' '));
    return have_program(first);
  }
  return have_program("c++") || have_program("g++") || have_program("clang++");
}

// Runs argv with stdout and stderr appended to `log` (or to the tool's stderr when
// verbose, keeping the tool's stdout for the application). Returns the exit status.
int run_logged(const std::vector<std::string>& args, const fs::path& log, bool verbose) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (verbose) {
      ::dup2(STDERR_FILENO, STDOUT_FILENO);
    } else {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0) ::_exit(127);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execvp(argv[0], argv.data());
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

// The first compiler or CMake error in the log and what follows it (the context a user
// needs), then the log's last lines (a linker or ninja failure has no "error:" line).
void print_failure(const fs::path& log) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  std::size_t first = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("error:") != std::string::npos ||
        lines[i].find("CMake Error") != std::string::npos) {
      first = i;
      break;
    }
  }
  if (first < lines.size()) {
    std::fprintf(stderr, "    first error:\n");
    for (std::size_t i = first; i < lines.size() && i < first + 12; ++i) {
      std::fprintf(stderr, "    %s\n", lines[i].c_str());
    }
  }
  std::fprintf(stderr, "    last lines of %s:\n", log.c_str());
  const std::size_t from = lines.size() > 15 ? lines.size() - 15 : 0;
  for (std::size_t i = from; i < lines.size(); ++i) {
    std::fprintf(stderr, "    %s\n", lines[i].c_str());
  }
}

}  // namespace

BuildResult build_project(const fs::path& directory, const std::string& name, bool verbose) {
  BuildResult result;
  if (const char* off = std::getenv("CONDUIT_NO_BUILD"); off != nullptr && *off != '\0') {
    return result;
  }
  if (!have_program("cmake") || !have_compiler()) return result;
  result.attempted = true;
  const fs::path build = directory / "build";
  std::error_code ec;
  fs::create_directories(build, ec);
  const fs::path log = build / "conduit-build.log";
  fs::remove(log, ec);
  if (!fs::exists(build / "CMakeCache.txt")) {
    std::vector<std::string> configure = {"cmake", "-S",           directory.string(),
                                          "-B",    build.string(), "-DCMAKE_BUILD_TYPE=Release"};
    if (have_program("ninja")) {
      configure.insert(configure.begin() + 1, {"-G", "Ninja"});
    }
    // The project builds against the conduit this tool belongs to, when it is an installed
    // one (<prefix>/bin/conduit next to <prefix>/lib*/cmake/conduit), with no
    // CMAKE_PREFIX_PATH to set; the project's own cache or environment may still override.
    std::error_code ec_self;
    const fs::path prefix = fs::read_symlink("/proc/self/exe", ec_self).parent_path().parent_path();
    for (const char* lib : {"lib", "lib64"}) {
      const fs::path package = prefix / lib / "cmake" / "conduit";
      if (!ec_self && fs::is_regular_file(package / "conduitConfig.cmake", ec) &&
          std::getenv("conduit_DIR") == nullptr) {
        configure.push_back("-Dconduit_DIR=" + package.string());
        break;
      }
    }
    if (run_logged(configure, log, verbose) != 0) {
      std::fprintf(stderr, "*** configuring the project failed (cmake -S . -B build)\n");
      if (!verbose) print_failure(log);
      result.ok = false;
      return result;
    }
  }
  // Only the application's target: the project's tests build with `cmake --build build`.
  // The generator decides what is out of date (and re-runs CMake itself when a CMakeLists.txt
  // changed); an up-to-date build is a no-op. A Ninja tree is driven by ninja directly:
  // `cmake --build` only starts ninja, after a CMake start-up of its own (about 0.1 s of CPU
  // and 0.3 s on a loaded machine, paid on every `conduit serve`).
  std::vector<std::string> build_command = {"cmake", "--build", build.string(), "--target", name};
  if (fs::is_regular_file(build / "build.ninja", ec) && have_program("ninja")) {
    build_command = {"ninja", "-C", build.string(), name};
  }
  if (run_logged(build_command, log, verbose) != 0) {
    std::fprintf(stderr, "*** building %s failed (cmake --build build --target %s)\n", name.c_str(),
                 name.c_str());
    if (!verbose) print_failure(log);
    result.ok = false;
    return result;
  }
  for (const fs::path& candidate : {build / name, build / "bin" / name}) {
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      result.binary = candidate;
      break;
    }
  }
  return result;
}

}  // namespace conduit::tool
