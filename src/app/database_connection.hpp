// Where a command's database is, and running async database work from a synchronous
// command: shared by `db upgrade|list|get-version` (db_command.cpp) and `auth ...`
// (auth_command.cpp), so both take the same options with the same SSL defaults.
//
// The database, in order: --connect, --database-config (default database.yaml when it
// exists; Conduit's map form or a URL), the `database` key of --config-path (default
// config.yaml), $DATABASE_URL. --ssl-mode overrides the URL's sslmode (PostgreSQL only).
//
// Thread-safety: used once from main(), on the calling thread.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "conduit/config/database_configuration.hpp"
#include "conduit/core/task.hpp"

namespace conduit::db {
class Database;
}

namespace conduit::app::detail {

struct ConnectionFlags {
  std::string connect;
  std::string database_config;
  std::string config_path = "config.yaml";
  std::string ssl_mode;
};

// Adds -c/--connect, --database-config, --config-path and --ssl-mode to `command`.
void add_connection_options(CLI::App* command, ConnectionFlags& flags);

// The database the flags name (see the file comment). Throws ConfigError when there is
// none or a file or URL is malformed.
DatabaseConfiguration resolve_database(const ConnectionFlags& flags);

// Opens the database (one connection), runs `body` on an event loop on this thread, closes
// the database and returns the body's exit code. Failures (no database, unreachable, a
// failing statement) print one "*** " line naming the database without its password and
// return 1.
int with_database(const ConnectionFlags& flags,
                  std::function<Task<int>(std::shared_ptr<db::Database>)> body);

// Prints "*** message" to stderr on one line (newlines and runs of blanks become one space:
// libpq's messages and SQL statements span lines) and returns 1.
int fail_line(const std::string& message);

// Prints one line to stdout and flushes (progress must reach a release-phase log at once).
void say(const std::string& line);

}  // namespace conduit::app::detail
