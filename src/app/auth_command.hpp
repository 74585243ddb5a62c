// The `auth` command of an application binary (and of the `conduit` tool, which runs it
// without one): its flags and how command_line.cpp runs it. See auth_command.cpp.
//
// Thread-safety: used once from main().
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include "app/database_connection.hpp"
#include "conduit/app/application.hpp"

namespace conduit::app::detail {

struct AuthFlags : ConnectionFlags {
  std::string id;
  std::optional<std::string> secret;
  std::optional<std::string> redirect_uri;
  std::string allowed_scopes;         // add-client
  std::optional<std::string> scopes;  // set-scope
  int hash_rounds = 1000;
  std::size_t hash_length = 32;
  std::string hash_function = "sha256";
};

void add_auth_command(CLI::App& app, AuthFlags& flags);
// After parsing, when app.got_subcommand("auth"): runs it and returns the exit code.
int run_auth_command(CLI::App& app, const ApplicationSpec& spec, const AuthFlags& flags);

}  // namespace conduit::app::detail
