// conduit::DatabaseConfiguration: where the database is, from a URL or a YAML map.
//
// In a configuration file both shapes work:
//   database: $DATABASE_URL                      # a URL, typically from the environment
//   database:                                    # or Conduit's map form
//     host: localhost
//     port: 5432                                 # optional, default 5432
//     databaseName: app
//     username: app                              # optional
//     password: $DB_PASSWORD                     # optional
//     isTemporary: false                         # optional
//     maxConnectionCount: 5                      # optional: the PROCESS's total,
//                                                #   split across its event loops
//     parameters: {sslmode: require}             # optional, libpq keywords, and
//                                                #   pgbouncer: true behind a transaction pooler
//     kind: postgresql                           # optional: postgresql | sqlite
//
// URLs (parse_url):
//   postgres://user:password@host:port/database?sslmode=require&connect_timeout=10
//   postgresql://...  (same). User name and password are percent-decoded (p%40ss is p@ss),
//   the port defaults to 5432, query parameters are kept in `parameters` (Heroku needs
//   sslmode), `?host=/var/run/postgresql` supplies the host when the URL has none (Unix
//   socket directories), and the path must be exactly one segment, the database name.
//   sqlite::memory:          in-memory database (database_name ":memory:")
//   sqlite:relative/app.db   file relative to the working directory
//   sqlite:///abs/app.db     absolute file (also sqlite:/abs/app.db); no host allowed.
// Errors are ConfigError and never contain the password, nor the URL itself.
//
// Thread-safety: a plain value type; all functions are reentrant.
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "conduit/config/config_field.hpp"

namespace conduit {

// from_config takes these by reference only; a channel header that holds a
// DatabaseConfiguration member need not parse the configuration machinery.
class ConfigContext;
class ConfigNode;

enum class DatabaseKind { postgresql, sqlite };
BOOST_DESCRIBE_ENUM(DatabaseKind, postgresql, sqlite)

struct DatabaseConfiguration {
  DatabaseKind kind = DatabaseKind::postgresql;
  // Host name, IP address, or a Unix socket directory (starting with '/'). Empty for SQLite.
  std::string host;
  // 0 for SQLite.
  std::uint16_t port = 5432;
  // PostgreSQL: the database name. SQLite: the file path, or ":memory:".
  std::string database_name;
  std::optional<std::string> username;
  std::optional<std::string> password;
  // Conduit's flag for test databases whose tables are created as temporary.
  bool is_temporary = false;
  // Upper bound for a connection pool; nullopt leaves the pool's default.
  std::optional<std::uint32_t> max_connection_count;
  // Extra connection parameters: libpq keywords such as sslmode, connect_timeout,
  // application_name (or SQLite URI parameters such as mode).
  std::map<std::string, std::string> parameters;

  static constexpr ConfigField config_fields[] = {
      {.member = "kind", .has_default = true},
      // host and databaseName are checked in from_config: which are needed depends on kind.
      {.member = "host", .has_default = true},
      {.member = "port", .has_default = true},
      {.member = "database_name", .key = "databaseName", .has_default = true},
      {.member = "is_temporary", .key = "isTemporary", .has_default = true},
      {.member = "max_connection_count", .key = "maxConnectionCount"},
      {.member = "parameters", .has_default = true},
  };

  // Parses a postgres://, postgresql:// or sqlite: URL (see above). Throws ConfigError.
  static DatabaseConfiguration parse_url(std::string_view url);

  // Configuration hook: a scalar is a URL, a map is decoded member by member (absent
  // host or databaseName: "missing required key(s)").
  static DatabaseConfiguration from_config(const ConfigNode& node, const ConfigContext& ctx);
  // Run by the decoder after from_config: throws ConfigFieldError naming the member at
  // fault ("config.yaml:4:9: database.port: the port must be a number from 1 to 65535"):
  // an empty host (PostgreSQL) or database name, a host with SQLite, port 0 (PostgreSQL),
  // a parameter name that is not a plain keyword.
  void validate() const;

  bool is_sqlite() const noexcept { return kind == DatabaseKind::sqlite; }

  // The `pgbouncer=true` parameter (URL query `?pgbouncer=true`, or `pgbouncer: true` under
  // `parameters`): PostgreSQL is reached through a pooler in transaction mode (PgBouncer,
  // Heroku's connection pooling), where consecutive transactions of one client connection
  // may run on different server connections. Statements then run unnamed (no server-side
  // prepared statement cache) and nothing relies on session state. Any value other than
  // true or false is a validate() error; it is never passed to libpq.
  bool behind_transaction_pooler() const;

  // libpq keyword/value connection string, every value single-quoted with \ and '
  // escaped: host='db' port='5432' dbname='app' user='u' password='p\'w' sslmode='require'.
  // Parameters come last so they override, as in a URL. Throws ConfigError for SQLite or
  // for a parameter name that is not a plain keyword. Contains the password: never log it.
  std::string to_libpq_conninfo() const;

  // The configuration as a URL, with the password (and any `password` parameter) shown
  // as *** so it can be logged.
  std::string redacted_url() const;
  // The same URL with the password, e.g. to hand to a child process. Never log it.
  std::string url() const;
};
BOOST_DESCRIBE_STRUCT(DatabaseConfiguration, (),
                      (kind, host, port, database_name, username, password, is_temporary,
                       max_connection_count, parameters))

}  // namespace conduit
