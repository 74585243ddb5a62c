// The `conduit` command-line tool.
//
// Project commands (serve, db, auth, document) run inside the application binary,
// because only it knows the channel, the data model and its migrations; this tool finds
// that binary and hands it the command line, the way Conduit's CLI ran the project's
// code. The binary is found, in order, from:
//   --app PATH (before or after the command), $CONDUIT_APP, or the project in the current
//   directory (-d/--directory DIR): the name in CMakeLists.txt's project(NAME ...), looked
//   for as bin/NAME, build/NAME, build/bin/NAME (bin/ is where the buildpack installs).
// `db upgrade`, `db get-version`, `db list` and every `auth` command need only the
// migration files and a database, not the data model: without an application binary the
// tool runs them itself (a release phase or a Heroku one-off dyno may run before or without
// the project's build output, and has no compiler).
// In a project (no --app), the application is built first where cmake and a compiler
// are present (project_build.hpp), so an edited source is what runs. `create` makes a new
// project from a template (create_command.hpp).
// Errors print one line starting with "***" and exit 1.
//
// Thread-safety: single-threaded.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/app/application.hpp"
#include "create_command.hpp"
#include "project_build.hpp"
#include "watch.hpp"

namespace fs = std::filesystem;

namespace {

constexpr const char* kVersion = "0.1.0";
const char* const kProjectCommands[] = {"serve", "db", "auth", "document"};

int fail(const std::string& message) {
  std::fprintf(stderr, "*** %s\n", message.c_str());
  return 1;
}

void print_usage() {
  std::printf(
      "conduit: build and run conduit web applications\n\n"
      "Usage: conduit [--app PATH] [-d DIR] <command> [arguments]\n\n"
      "Commands:\n"
      "  create     Create a project from a template (see 'conduit create --help')\n\n"
      "Commands run by the project's application binary, built first when a compiler\n"
      "is present (cmake --build build; -v shows its output; CONDUIT_NO_BUILD=1 never\n"
      "builds):\n"
      "  serve      Serve the application (see 'conduit serve --help'; --watch: rebuild\n"
      "             and restart when a source or configuration file changes)\n"
      "  db         Migrations: generate, upgrade, validate, list, get-version, schema\n"
      "  auth       OAuth 2.0 clients: add-client, set-scope, list-clients, remove-client\n"
      "             (db upgrade|get-version|list and auth also run without the binary)\n\n"
      "Options:\n"
      "  --app PATH         the application binary, before or after the command\n"
      "                     (default: $CONDUIT_APP, else found from the project's\n"
      "                     CMakeLists.txt: bin/NAME, build/NAME, build/bin/NAME)\n"
      "  -d, --directory D  the project directory (default: the current directory)\n"
      "  -v, --verbose      show the build's output\n"
      "  --version          print the version\n"
      "  -h, --help         print this help\n");
}

std::optional<std::string> project_name(const fs::path& directory) {
  std::ifstream in(directory / "CMakeLists.txt");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  static const std::regex project_call(R"(project\s*\(\s*([A-Za-z0-9_.+-]+))", std::regex::icase);
  std::smatch match;
  std::string content = text.str();
  if (!std::regex_search(content, match, project_call)) return std::nullopt;
  return match[1].str();
}

bool is_executable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<std::string> app;
  fs::path directory = fs::current_path();
  bool verbose = false;  // -v/--verbose: show the build's output (see project_build.hpp)
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--version") {
      std::printf("Conduit CLI version: %s\n", kVersion);
      return 0;
    }
    if (arg == "-h" || arg == "--help") {
      print_usage();
      return 0;
    }
    if (arg == "-v" || arg == "--verbose") {
      verbose = true;
      continue;
    }
    if (arg == "--app" || arg == "-d" || arg == "--directory") {
      if (i + 1 >= argc) return fail("option " + arg + " needs a value");
      if (arg == "--app") {
        app = argv[++i];
      } else {
        directory = argv[++i];
      }
      continue;
    }
    break;
  }
  if (i >= argc) {
    print_usage();
    return fail("no command given (try 'conduit serve')");
  }
  std::string command = argv[i];
  if (command == "create") return conduit::tool::create_command(argc - i, argv + i);
  bool known = false;
  for (const char* c : kProjectCommands) known = known || command == c;
  if (!known) return fail("unknown command '" + command + "' (run 'conduit --help')");
  // `--app PATH` is also accepted after the command (`conduit db validate --app build/x`):
  // the application binary has no option of that name, so it is taken out here.
  std::vector<char*> rest;
  bool watch = false;  // serve --watch: the tool's own option (watch.hpp)
  for (int j = i; j < argc; ++j) {
    const std::string_view arg = argv[j];
    if (arg == "--watch" && command == "serve") {
      watch = true;
    } else if (arg == "--app") {
      if (j + 1 >= argc) return fail("option --app needs a value");
      app = argv[++j];
    } else if (arg.starts_with("--app=")) {
      app = std::string(arg.substr(6));
    } else if (arg == "-v" || arg == "--verbose") {
      verbose = true;
    } else {
      rest.push_back(argv[j]);
    }
  }
  argc = i + static_cast<int>(rest.size());
  std::copy(rest.begin(), rest.end(), argv + i);

  if (!app) {
    if (const char* env = std::getenv("CONDUIT_APP"); env && *env) app = env;
  }
  // The commands that need no data model run here when there is no binary to run.
  auto run_here = [&]() -> std::optional<int> {
    if (command == "db") {
      if (i + 1 >= argc) return std::nullopt;
      const std::string sub = argv[i + 1];
      if (sub != "upgrade" && sub != "get-version" && sub != "list") return std::nullopt;
    } else if (command != "auth") {
      return std::nullopt;
    }
    std::vector<char*> db_args = {argv[0]};
    for (int j = i; j < argc; ++j) db_args.push_back(argv[j]);
    conduit::ApplicationSpec spec;
    spec.name = "conduit";
    return conduit::run(static_cast<int>(db_args.size()), db_args.data(), spec);
  };
  fs::path binary;
  if (watch && app) return fail("--watch rebuilds a project: run it in the project, without --app");
  if (app) {
    binary = *app;
    if (!is_executable(binary)) {
      return fail("application binary '" + *app + "' is not an executable file");
    }
  } else {
    auto name = project_name(directory);
    if (!name) {
      if (auto code = run_here()) return *code;
      return fail("no conduit project in " + directory.string() +
                  " (no project() in CMakeLists.txt); run in the project directory or pass "
                  "--app PATH");
    }
    if (watch) {
      std::vector<std::string> app_args;
      for (int j = i; j < argc; ++j) app_args.emplace_back(argv[j]);
      return conduit::tool::serve_watch(directory, *name, verbose, app_args);
    }
    // Build first where a compiler is present, and run what was just built.
    const auto built = conduit::tool::build_project(directory, *name, verbose);
    if (!built.ok) return 1;
    binary = built.binary;
    std::vector<fs::path> candidates = {directory / "bin" / *name, directory / "build" / *name,
                                        directory / "build" / "bin" / *name};
    for (const auto& c : candidates) {
      if (binary.empty() && is_executable(c)) {
        binary = c;
        break;
      }
    }
    if (binary.empty()) {
      if (auto code = run_here()) return *code;
      return fail("application binary '" + *name +
                  "' not found in bin/, build/ or build/bin/; "
                  "build it first (cmake -S . -B build && cmake --build build) or pass --app PATH");
    }
  }
  std::vector<std::string> args;
  args.push_back(binary.string());
  for (int j = i; j < argc; ++j) args.emplace_back(argv[j]);
  std::vector<char*> exec_args;
  for (auto& a : args) exec_args.push_back(a.data());
  exec_args.push_back(nullptr);
  ::execv(exec_args[0], exec_args.data());
  return fail("cannot run '" + binary.string() + "': " + std::strerror(errno));
}
