// The `db` command of an application binary: its flags and how command_line.cpp runs it.
// See db_command.cpp for the commands and where the database comes from.
//
// Thread-safety: used once from main().
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "app/database_connection.hpp"
#include "conduit/app/application.hpp"

namespace conduit::app::detail {

// The connection options are database_connection.hpp's, shared with the auth commands.
struct DbFlags : ConnectionFlags {
  std::string migration_directory = "migrations";
  // generate
  std::string name;
  std::vector<std::string> rename_tables;
  std::vector<std::string> rename_columns;
  // upgrade
  double statement_timeout_seconds = 1800;
  // schema
  bool machine = false;
};

void add_db_command(CLI::App& app, DbFlags& flags);
// After parsing, when app.got_subcommand("db"): runs it and returns the exit code.
int run_db_command(CLI::App& app, const ApplicationSpec& spec, const DbFlags& flags);

// Indented JSON (two spaces), for output people read.
std::string pretty_json(const boost::json::value& value);

}  // namespace conduit::app::detail
