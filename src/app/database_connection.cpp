// Where a command's database is and how a synchronous command runs database work: see
// database_connection.hpp.
//
// Thread-safety: used once from main(); with_database runs its own event loop on the
// calling thread and returns when the work and the database's close are done.
#include "app/database_connection.hpp"

#include <fmt/format.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>

#include "conduit/config/config_context.hpp"
#include "conduit/config/config_error.hpp"
#include "conduit/config/config_node.hpp"
#include "conduit/config/configuration.hpp"
#include "conduit/db/database.hpp"
#include "conduit/migration/migration_error.hpp"
#include "core/internal/current_loop.hpp"

namespace conduit::app::detail {

int fail_line(const std::string& message) {
  std::string line;
  bool space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  std::fprintf(stderr, "*** %s\n", line.c_str());
  std::fflush(stderr);
  return 1;
}

void say(const std::string& line) {
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

void add_connection_options(CLI::App* command, ConnectionFlags& flags) {
  command->add_option("-c,--connect", flags.connect,
                      "postgres://user:password@host:port/database (or sqlite:path); wins "
                      "over the files");
  command->add_option("--database-config", flags.database_config,
                      "YAML file with the database (a URL, or host/port/databaseName/...); "
                      "default database.yaml when it exists");
  command
      ->add_option("--config-path", flags.config_path,
                   "Application configuration whose `database` key is used")
      ->capture_default_str();
  command
      ->add_option("--ssl-mode", flags.ssl_mode,
                   "disable, prefer, require or verify-full (default: the URL's sslmode, "
                   "else prefer)")
      ->check(CLI::IsMember({"disable", "prefer", "require", "verify-full", "verifyFull"}));
}

DatabaseConfiguration resolve_database(const ConnectionFlags& flags) {
  DatabaseConfiguration config;
  auto from_file = [](const std::string& path, const char* key) {
    ConfigNode document = read_yaml_file(path);
    ConfigContext ctx(path);
    const ConfigNode* node = &document;
    if (key) {
      node = document.find(key);
      if (!node) throw ConfigError(path, 0, 0, "", std::string("has no '") + key + "' key");
      return ctx.child(key).decode<DatabaseConfiguration>(*node);
    }
    return ctx.decode<DatabaseConfiguration>(*node);
  };
  namespace fs = std::filesystem;
  if (!flags.connect.empty()) {
    config = DatabaseConfiguration::parse_url(flags.connect);
  } else if (!flags.database_config.empty()) {
    config = from_file(flags.database_config, nullptr);
  } else if (fs::exists("database.yaml")) {
    config = from_file("database.yaml", nullptr);
  } else if (fs::exists(flags.config_path) &&
             read_yaml_file(flags.config_path).find("database") != nullptr) {
    config = from_file(flags.config_path, "database");
  } else if (const char* url = std::getenv("DATABASE_URL"); url && *url) {
    config = DatabaseConfiguration::parse_url(url);
  } else {
    throw ConfigError(
        "no database to connect to: pass --connect postgres://user:password@host:port/database, "
        "or --database-config FILE, or give " +
        flags.config_path + " a `database` key, or set DATABASE_URL");
  }
  if (!flags.ssl_mode.empty() && config.kind == DatabaseKind::postgresql) {
    config.parameters["sslmode"] = flags.ssl_mode == "verifyFull" ? "verify-full" : flags.ssl_mode;
  }
  return config;
}

int with_database(const ConnectionFlags& flags,
                  std::function<Task<int>(std::shared_ptr<db::Database>)> body) {
  DatabaseConfiguration config;
  try {
    config = resolve_database(flags);
  } catch (const ConfigError& error) {
    return fail_line(error.what());
  }
  boost::asio::io_context io;
  conduit::detail::set_current_io_context(&io);
  int code = 1;
  std::exception_ptr failure;
  std::string where;
  auto task = [&]() -> Task<int> {
    db::DatabaseOptions options;
    options.max_connections = 1;
    std::shared_ptr<db::Database> database = db::Database::open(config, options);
    where = database->redacted_url();
    std::exception_ptr error;
    int result = 1;
    try {
      result = co_await body(database);
    } catch (...) {
      error = std::current_exception();
    }
    co_await database->close();
    if (error) std::rethrow_exception(error);
    co_return result;
  };
  // SQLite answers from its worker thread by posting to the loop: until then the loop has
  // no handler of its own pending, so a guard keeps run() from returning early.
  auto guard = boost::asio::make_work_guard(io);
  conduit::detail::spawn(task(), [&](std::exception_ptr e, std::optional<int> value) {
    failure = e;
    if (value) code = *value;
    guard.reset();
  });
  io.run();
  conduit::detail::set_current_io_context(nullptr);
  if (!failure) return code;
  try {
    std::rethrow_exception(failure);
  } catch (const migration::MigrationError& error) {
    return fail_line(error.what());
  } catch (const db::UnavailableError& error) {
    return fail_line(fmt::format(
        "cannot reach the database {}: {} (check that the server runs and that --connect, "
        "--database-config, config.yaml or DATABASE_URL names it)",
        where, error.what()));
  } catch (const ConfigError& error) {
    return fail_line(error.what());
  } catch (const std::exception& error) {
    return fail_line(fmt::format("database {}: {}", where, error.what()));
  }
}

}  // namespace conduit::app::detail
