// `<app> auth ...` and `conduit auth ...`: OAuth 2.0 clients in the _authclient table, with
// Conduit's flags and messages (conduit.md §1.4):
//
//   auth add-client -i ID [-s SECRET] [-r URI] [--allowed-scopes "a b"] [--hash-rounds N]
//                   [--hash-length N] [--hash-function sha256]
//   auth set-scope -i ID --scopes "a b"
//   auth list-clients                     (beyond Conduit)
//   auth remove-client -i ID              (beyond Conduit)
//
// All take the database options of `db upgrade` (database_connection.hpp). The work is the
// AuthServer's (add_client, set_allowed_scopes, ...), so a client added here is stored
// exactly as a running server expects, and servers accept it at once (their state is the
// database). Information prints "-- ..." to stdout; a failure prints one "*** ..." line to
// stderr naming the problem and the fix, and exits 1. The secret is never printed or logged:
// no message quotes it, and AuthServer stores only hash_password(secret, salt).
//
// Thread-safety: runs once from main(), on its own event loop on the calling thread.
#include "app/auth_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <vector>

#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/scope.hpp"
#include "conduit/core/log.hpp"
#include "conduit/db/database.hpp"
#include "conduit/db/database_error.hpp"

namespace conduit::app::detail {

namespace {

void info(const std::string& line) { say("-- " + line); }
void detail_line(const std::string& line) { say("    " + line); }

// A space-separated scope list as typed: runs of blanks count as one separator (a shell
// user may write "a  b"); each item must be a valid scope. Throws auth::ScopeError.
std::vector<auth::AuthScope> parse_scopes(const std::string& text) {
  std::string normal;
  bool blank = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      blank = !normal.empty();
      continue;
    }
    if (blank) normal += ' ';
    blank = false;
    normal += c;
  }
  if (normal.empty()) return {};
  return auth::collapse_scopes(auth::parse_scope_list(normal));
}

// Why a statement failed, as a sentence with the fix; the table may not exist yet.
std::string describe(const db::DatabaseError& error, const db::Database& database) {
  if (error.sql_state() == "42P01") {
    return fmt::format(
        "the _authclient table does not exist in {}: run `conduit db upgrade` first (the "
        "application's data model must include conduit::auth::AuthClient)",
        database.redacted_url());
  }
  return fmt::format("database {}: {}", database.redacted_url(), error.what());
}

// Runs `body` with an AuthServer over the flags' database; a failing statement becomes one
// line (with the missing-table fix).
int with_auth_server(const AuthFlags& flags,
                     std::function<Task<int>(auth::AuthServer&, db::Database&)> body) {
  return with_database(flags, [&](std::shared_ptr<db::Database> database) -> Task<int> {
    auth::AuthServerOptions options;
    options.hashing.rounds = flags.hash_rounds;
    options.hashing.key_length = flags.hash_length;
    auth::AuthServer server(database, options);
    std::string failure;
    try {
      co_return co_await body(server, *database);
    } catch (const db::UnavailableError&) {
      throw;  // with_database names the database and the problem
    } catch (const db::DatabaseError& error) {
      failure = describe(error, *database);
    }
    co_return fail_line(failure);
  });
}

int require_id(const AuthFlags& flags) {
  if (flags.id.empty()) return fail_line("Option --id required.");
  return 0;
}

int add_client(const AuthFlags& flags) {
  if (int code = require_id(flags)) return code;
  if (flags.hash_function != "sha256") {
    return fail_line("--hash-function '" + flags.hash_function +
                     "' is not supported: only sha256 is (leave the option out or pass "
                     "--hash-function sha256)");
  }
  const bool has_secret = flags.secret.has_value() && !flags.secret->empty();
  const bool has_redirect = flags.redirect_uri.has_value() && !flags.redirect_uri->empty();
  std::vector<auth::AuthScope> scopes;
  try {
    scopes = parse_scopes(flags.allowed_scopes);
  } catch (const auth::ScopeError& error) {
    return fail_line(std::string("--allowed-scopes: ") + error.what() +
                     " (scopes are separated by spaces, e.g. \"user:email profile.readonly\")");
  }
  return with_auth_server(flags, [&](auth::AuthServer& server, db::Database&) -> Task<int> {
    if (co_await server.client(flags.id)) {
      co_return fail_line("Client ID '" + flags.id + "' already exists.");
    }
    bool rejected = false;
    std::string reason;
    // Arguments are built before the co_await: GCC 12 mishandles temporaries of a
    // conditional expression inside a co_await's operand.
    auth::ClientCredentials credentials{flags.id, std::nullopt};
    if (has_secret) credentials.secret = flags.secret;
    std::optional<std::string> redirect_uri;
    if (has_redirect) redirect_uri = flags.redirect_uri;
    try {
      co_await server.add_client(credentials, std::move(redirect_uri), scopes);
    } catch (const auth::AuthServerError& error) {
      rejected = true;
      reason = error.what();
    } catch (const db::ConstraintViolation& error) {
      if (error.kind() != db::ErrorKind::unique_violation) throw;
      rejected = true;
    }
    if (rejected) {
      // Another process may have added the same id since the check above.
      if (co_await server.client(flags.id) || reason.empty()) {
        co_return fail_line("Client ID '" + flags.id + "' already exists.");
      }
      co_return fail_line("Client ID '" + flags.id + "' was not added: " + reason);
    }
    info("Client with ID '" + flags.id + "' has been added.");
    if (has_secret) {
      detail_line(
          "The client secret has been hashed. You must store it elsewhere, as it cannot be "
          "retrieved.");
    } else {
      detail_line(has_redirect ? "It is a public client: it has no secret, and its "
                                 "authorization-code flow requires PKCE (S256)."
                               : "It is a public client: it has no secret.");
    }
    if (has_redirect) detail_line("Redirect URI: " + *flags.redirect_uri);
    if (!scopes.empty()) detail_line("Allowed scopes: " + auth::to_string(scopes));
    co_return 0;
  });
}

int set_scope(const AuthFlags& flags) {
  if (int code = require_id(flags)) return code;
  if (!flags.scopes) return fail_line("Option --scopes required.");
  std::vector<auth::AuthScope> scopes;
  try {
    scopes = parse_scopes(*flags.scopes);
  } catch (const auth::ScopeError& error) {
    return fail_line(std::string("--scopes: ") + error.what() +
                     " (scopes are separated by spaces, e.g. \"user:email profile.readonly\")");
  }
  return with_auth_server(flags, [&](auth::AuthServer& server, db::Database&) -> Task<int> {
    if (!co_await server.set_allowed_scopes(flags.id, scopes)) {
      co_return fail_line("Client ID '" + flags.id + "' does not exist.");
    }
    info("Client with ID '" + flags.id + "' has been updated.");
    detail_line(scopes.empty() ? std::string("It has no allowed scopes now.")
                               : "Updated scope: " + auth::to_string(scopes));
    co_return 0;
  });
}

int list_clients(const AuthFlags& flags) {
  return with_auth_server(flags, [&](auth::AuthServer& server, db::Database&) -> Task<int> {
    const std::vector<auth::ClientInfo> clients = co_await server.clients();
    if (clients.empty()) {
      info("No clients. Add one with `conduit auth add-client --id ID`.");
      co_return 0;
    }
    struct Row {
      std::string id, type, redirect, scopes;
    };
    std::vector<Row> rows;
    rows.push_back({"ID", "Type", "Redirect URI", "Allowed scopes"});
    for (const auth::ClientInfo& c : clients) {
      rows.push_back({c.id, c.is_public ? "public" : "confidential", c.redirect_uri.value_or("-"),
                      c.allowed_scopes.empty() ? "-" : auth::to_string(c.allowed_scopes)});
    }
    std::size_t w_id = 0, w_type = 0, w_redirect = 0;
    for (const Row& r : rows) {
      w_id = std::max(w_id, r.id.size());
      w_type = std::max(w_type, r.type.size());
      w_redirect = std::max(w_redirect, r.redirect.size());
    }
    for (const Row& r : rows) {
      say(fmt::format(" {:<{}} | {:<{}} | {:<{}} | {}", r.id, w_id, r.type, w_type, r.redirect,
                      w_redirect, r.scopes));
    }
    co_return 0;
  });
}

int remove_client(const AuthFlags& flags) {
  if (int code = require_id(flags)) return code;
  return with_auth_server(flags, [&](auth::AuthServer& server, db::Database&) -> Task<int> {
    if (!co_await server.remove_client(flags.id)) {
      co_return fail_line("Client ID '" + flags.id + "' does not exist.");
    }
    info("Client with ID '" + flags.id + "' has been removed, with its tokens.");
    co_return 0;
  });
}

void add_id_option(CLI::App* command, AuthFlags& flags) {
  command->add_option("-i,--id", flags.id, "The client ID (required)");
}

}  // namespace

void add_auth_command(CLI::App& app, AuthFlags& flags) {
  CLI::App* auth = app.add_subcommand(
      "auth", "OAuth 2.0 clients: add-client, set-scope, list-clients, remove-client");
  auth->require_subcommand(1);

  CLI::App* add = auth->add_subcommand("add-client", "Add a client to the _authclient table");
  add_id_option(add, flags);
  add->add_option("-s,--secret", flags.secret,
                  "The client secret (stored hashed; leave out for a public client)");
  add->add_option("-r,--redirect-uri", flags.redirect_uri,
                  "Where the code flow redirects (needs --secret)");
  add->add_option("--allowed-scopes", flags.allowed_scopes,
                  "Space-separated scopes the client may be granted (default: none)");
  add->add_option("--hash-rounds", flags.hash_rounds,
                  "PBKDF2 rounds; must match the server's AuthServerOptions")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  add->add_option("--hash-length", flags.hash_length,
                  "PBKDF2 key length in bytes; must match the server's AuthServerOptions")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  add->add_option("--hash-function", flags.hash_function, "PBKDF2's hash: only sha256")
      ->capture_default_str();
  add_connection_options(add, flags);

  CLI::App* scope = auth->add_subcommand("set-scope", "Replace a client's allowed scopes");
  add_id_option(scope, flags);
  scope->add_option("--scopes", flags.scopes,
                    "Space-separated scopes (required; \"\" removes them all)");
  add_connection_options(scope, flags);

  CLI::App* list = auth->add_subcommand("list-clients", "List the clients (never their secrets)");
  add_connection_options(list, flags);

  CLI::App* remove =
      auth->add_subcommand("remove-client", "Remove a client and the tokens issued to it");
  add_id_option(remove, flags);
  add_connection_options(remove, flags);
}

int run_auth_command(CLI::App& app, const ApplicationSpec& spec, const AuthFlags& flags) {
  CLI::App* auth = app.get_subcommand("auth");
  // The database layer's warnings are for servers (an unreachable database is "retrying
  // with backoff"); a command reports its one failure line itself.
  log::set_level(log::Level::error);
  try {
    if (auth->got_subcommand("add-client")) return add_client(flags);
    if (auth->got_subcommand("set-scope")) return set_scope(flags);
    if (auth->got_subcommand("list-clients")) return list_clients(flags);
    if (auth->got_subcommand("remove-client")) return remove_client(flags);
  } catch (const std::exception& error) {
    return fail_line(error.what());
  }
  return fail_line("no auth command given (run '" + spec.name + " auth --help')");
}

}  // namespace conduit::app::detail
