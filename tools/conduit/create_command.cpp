// `conduit create NAME [-t TEMPLATE] [-o DIR]` and `conduit create list-templates`.
//
// Templates are directories holding a project whose placeholders are Conduit's: "wildfire"
// (the project name) and "Wildfire" (its CamelCase), in file contents and file names, so a
// template is itself a buildable project. Each has a `.conduit-template` file whose first
// line describes it; the list of templates is whatever directories have one (the
// db_and_auth template appears by adding its directory). Dotfiles other than .gitignore
// are not copied (as Conduit), nor a build/ directory left by building a template in place;
// config.src.yaml is copied to config.yaml as well. templates/shared (no marker, so not a
// template) holds the deployment files common to all templates, copied into each project;
// app.json's buildpack URL is replaced by the one the tool was built with
// (CONDUIT_BUILDPACK_URL).
//
// Where the templates are, in order: $CONDUIT_TEMPLATES_DIR; <tool>/../share/conduit/
// templates (installed); the source tree's templates/ (the tool run from a build tree).
//
// Thread-safety: single-threaded (the tool's main thread).
#include "create_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace conduit::tool {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "*** %s\n", message.c_str());
  return 1;
}

void print_usage() {
  std::printf(
      "Usage: conduit create NAME [-t|--template TEMPLATE] [-o|--output-dir DIR]\n"
      "       conduit create list-templates\n\n"
      "Creates the project NAME (snake_case) in DIR/NAME (default: the current directory).\n"
      "Templates: default (an empty application), db (a database and a data model);\n"
      "'conduit create list-templates' lists those installed.\n");
}

struct Template {
  std::string name;
  std::string description;
  fs::path directory;
};

std::optional<fs::path> templates_root() {
  std::error_code ec;
  if (const char* env = std::getenv("CONDUIT_TEMPLATES_DIR"); env != nullptr && *env != '\0') {
    return fs::path(env);
  }
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = self.parent_path().parent_path() / "share" / "conduit" / "templates";
    if (fs::is_directory(installed, ec)) return installed;
  }
#ifdef CONDUIT_SOURCE_TEMPLATES_DIR
  if (fs::is_directory(CONDUIT_SOURCE_TEMPLATES_DIR, ec))
    return fs::path(CONDUIT_SOURCE_TEMPLATES_DIR);
#endif
  return std::nullopt;
}

std::vector<Template> list_templates(const fs::path& root) {
  std::vector<Template> templates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const fs::path marker = entry.path() / ".conduit-template";
    if (!entry.is_directory() || !fs::is_regular_file(marker, ec)) continue;
    std::ifstream in(marker);
    std::string description;
    std::getline(in, description);
    templates.push_back({entry.path().filename().string(), description, entry.path()});
  }
  // default first, then by name: the order list-templates prints.
  std::sort(templates.begin(), templates.end(), [](const Template& a, const Template& b) {
    if ((a.name == "default") != (b.name == "default")) return a.name == "default";
    return a.name < b.name;
  });
  return templates;
}

// Names the new project cannot take although they are snake_case: the name becomes a C++
// namespace, a CMake target and the binary's name.
bool reserved_name(const std::string& name) {
  static const std::set<std::string> reserved = {
      // C++ keywords and alternative tokens
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
      // namespaces the project's code uses, and CMake's reserved target names
      "conduit", "std", "boost", "main", "all", "clean", "help", "install", "test", "package",
      "package_source", "edit_cache", "rebuild_cache", "list_install_components"};
  return reserved.contains(name);
}

std::string camel_case(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// The buildpack URL the templates' app.json holds; the tool writes the one it was
// configured with (CMake cache variable CONDUIT_BUILDPACK_URL) in its place.
constexpr const char* template_buildpack_url =
    "https://github.com/conduit-cpp/heroku-buildpack-conduit";

std::string substitute(std::string text, const std::string& name, const std::string& camel) {
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{template_buildpack_url, CONDUIT_BUILDPACK_URL},
        std::pair<std::string, std::string>{"wildfire", name},
        std::pair<std::string, std::string>{"Wildfire", camel}}) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

bool copied(const fs::path& relative) {
  const std::string first = relative.begin()->string();
  if (first == "build") return false;
  for (const auto& part : relative) {
    const std::string s = part.string();
    // Heroku reads .slugignore; other dotfiles (.conduit-template, editor state) stay behind.
    if (s.starts_with(".") && s != ".gitignore" && s != ".slugignore") return false;
  }
  return true;
}

// Copies `source`'s files into `destination` with the placeholders substituted; a file
// that already exists there is kept when `keep_existing` (the template's own beats shared/).
void copy_tree(const fs::path& source, const fs::path& destination, const std::string& name,
               bool keep_existing) {
  const std::string camel = camel_case(name);
  fs::create_directories(destination);
  for (auto it = fs::recursive_directory_iterator(source); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path relative = fs::relative(it->path(), source);
    if (!copied(relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    const fs::path target = destination / substitute(relative.string(), name, camel);
    if (it->is_directory()) {
      fs::create_directories(target);
      continue;
    }
    if (keep_existing && fs::exists(target)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    const std::string text = substitute(content.str(), name, camel);
    fs::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    out << text;
    if (!out)
      throw fs::filesystem_error("cannot write", target,
                                 std::error_code(errno, std::generic_category()));
    out.close();
    fs::permissions(target, fs::status(it->path()).permissions());
    if (relative == "config.src.yaml") {
      std::ofstream config(destination / "config.yaml", std::ios::binary);
      config << text;
    }
  }
}

// The template's files, then the deployment files every template shares (templates/shared:
// Dockerfile, heroku.yml, app.json, Aptfile, .slugignore) that the template does not
// replace with its own (db_and_auth has its own app.json, for the postdeploy script).
void copy_template(const Template& t, const fs::path& destination, const std::string& name) {
  copy_tree(t.directory, destination, name, false);
  const fs::path shared = t.directory.parent_path() / "shared";
  std::error_code ec;
  if (fs::is_directory(shared, ec)) copy_tree(shared, destination, name, true);
}

}  // namespace

int create_command(int argc, char** argv) {
  std::optional<std::string> name;
  std::string template_name = "default";
  fs::path output = fs::current_path();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string_view option) -> std::optional<std::string> {
      if (arg == option) {
        if (i + 1 >= argc) return std::nullopt;
        return std::string(argv[++i]);
      }
      return arg.substr(option.size() + 1);  // --option=value
    };
    if (arg == "-h" || arg == "--help") {
      print_usage();
      return 0;
    }
    if (arg == "-t" || arg == "--template" || arg.starts_with("--template=")) {
      auto v = value(arg.starts_with("--") ? "--template" : "-t");
      if (!v) return fail("option " + arg + " needs a value");
      template_name = *v;
    } else if (arg == "-o" || arg == "--output-dir" || arg.starts_with("--output-dir=")) {
      auto v = value(arg.starts_with("--") ? "--output-dir" : "-o");
      if (!v) return fail("option " + arg + " needs a value");
      output = *v;
    } else if (arg.starts_with("-") && arg.size() > 1) {
      return fail("unknown option '" + arg + "' (run 'conduit create --help')");
    } else if (name) {
      return fail("one project name only (got '" + *name + "' and '" + arg + "')");
    } else {
      name = arg;
    }
  }
  if (!name) {
    print_usage();
    return fail("no project name given (conduit create NAME)");
  }

  const auto root = templates_root();
  if (!root) {
    return fail(
        "no conduit templates found next to this tool (../share/conduit/templates); "
        "reinstall conduit or set CONDUIT_TEMPLATES_DIR");
  }
  const auto templates = list_templates(*root);

  if (*name == "list-templates") {
    std::size_t width = 0;
    for (const auto& t : templates) width = std::max(width, t.name.size());
    std::printf("-- Available templates:\n");
    for (const auto& t : templates) {
      std::printf("    %-*s | %s\n", static_cast<int>(width), t.name.c_str(),
                  t.description.c_str());
    }
    return 0;
  }

  static const std::regex snake_case("^[a-z][a-z0-9_]*$");
  if (!std::regex_match(*name, snake_case)) {
    return fail("Invalid project name (" + *name + " is not snake_case).");
  }
  if (reserved_name(*name)) {
    return fail("Invalid project name (" + *name +
                " is a C++ keyword or a name conduit or CMake reserves).");
  }

  const auto chosen = std::find_if(templates.begin(), templates.end(),
                                   [&](const Template& t) { return t.name == template_name; });
  if (chosen == templates.end()) {
    std::string available;
    for (const auto& t : templates) available += (available.empty() ? "" : ", ") + t.name;
    return fail("unknown template '" + template_name + "'; available templates: " + available);
  }

  std::error_code ec;
  const fs::path destination = fs::absolute(output / *name, ec).lexically_normal();
  if (fs::exists(destination, ec) || fs::is_symlink(destination, ec)) {
    return fail(destination.string() + " already exists, stopping.");
  }
  try {
    copy_template(*chosen, destination, *name);
  } catch (const std::exception& e) {
    fs::remove_all(destination, ec);
    return fail(std::string("cannot create the project: ") + e.what());
  }
  std::printf("-- Conduit project '%s' successfully created (template %s).\n", name->c_str(),
              chosen->name.c_str());
  std::printf("    Project is located at %s\n", destination.c_str());
  std::printf("    To run it: cd %s && conduit serve\n", name->c_str());
  return 0;
}

}  // namespace conduit::tool
