// `<app> db ...`: the migration commands of an application binary (Conduit's names/flags).
//
//   db generate [--name NAME] [--rename-table OLD:NEW] [--rename-column TABLE.OLD:NEW]
//   db upgrade [-c URL | --database-config FILE | --config-path FILE] [--ssl-mode MODE]
//   db validate | db list [-c URL] | db get-version [-c URL] | db schema [--machine]
// All take --migration-directory (default "migrations"). Where the database is, in order:
// --connect, --database-config (default database.yaml when it exists; Conduit's map form or
// a URL), the `database` key of --config-path (default config.yaml), $DATABASE_URL
// (database_connection.cpp, shared with the auth commands).
// Progress goes to stdout, one line per event (the release phase log); failures print one
// "*** " line to stderr and exit 1. No output ever contains the database password.
//
// Thread-safety: runs once from main(), on its own event loop on the calling thread.
#include "app/db_command.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include <exception>
#include <memory>
#include <optional>

#include "app/database_connection.hpp"
#include "conduit/config/config_error.hpp"
#include "conduit/db/database.hpp"
#include "conduit/migration/generator.hpp"
#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/migrator.hpp"
#include "conduit/orm/data_model.hpp"

namespace conduit::app::detail {

namespace {

int fail(const std::string& message) { return fail_line(message); }

void add_directory_option(CLI::App* command, DbFlags& flags) {
  command
      ->add_option("--migration-directory", flags.migration_directory,
                   "Where the migration files are")
      ->capture_default_str();
}

const orm::DataModel* model_of(const ApplicationSpec& spec) {
  return spec.data_model ? &spec.data_model() : nullptr;
}

int no_model(const ApplicationSpec& spec) {
  return fail(spec.name +
              " has no data model: give its channel a `static const orm::DataModel& "
              "data_model()` listing the models");
}

std::optional<migration::Renames> parse_renames(const DbFlags& flags, std::string& error) {
  migration::Renames renames;
  for (const std::string& r : flags.rename_tables) {
    auto colon = r.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == r.size()) {
      error = "--rename-table '" + r + "': write OLD:NEW, e.g. --rename-table _hero:_heroes";
      return std::nullopt;
    }
    renames.tables.emplace_back(r.substr(0, colon), r.substr(colon + 1));
  }
  for (const std::string& r : flags.rename_columns) {
    auto dot = r.find('.');
    auto colon = r.find(':');
    if (dot == std::string::npos || colon == std::string::npos || dot == 0 || colon < dot + 2 ||
        colon + 1 == r.size()) {
      error = "--rename-column '" + r +
              "': write TABLE.OLD:NEW (TABLE by its new name), e.g. --rename-column _hero.nam:name";
      return std::nullopt;
    }
    renames.columns.push_back(
        {r.substr(0, dot), r.substr(dot + 1, colon - dot - 1), r.substr(colon + 1)});
  }
  return renames;
}

void print_diff(const migration::SchemaDiff& diff) {
  for (const migration::Operation& op : diff.operations) say("  - " + migration::describe(op));
  for (const std::string& warning : diff.warnings) say("WARNING: " + warning);
}

int generate(const ApplicationSpec& spec, const DbFlags& flags) {
  const orm::DataModel* model = model_of(spec);
  if (!model) return no_model(spec);
  std::string error;
  auto renames = parse_renames(flags, error);
  if (!renames) return fail(error);
  migration::GenerateOptions options;
  if (!flags.name.empty()) options.name = flags.name;
  options.renames = std::move(*renames);
  std::string found;
  for (const orm::SchemaTable& table : model->schema().tables) {
    found += (found.empty() ? "" : ", ") + table.name;
  }
  say("Tables in the data model: " + found);
  auto result = migration::generate_migration(flags.migration_directory, model->schema(), options);
  if (result.file.empty()) {
    say("No changes: the migration files already describe the data model. Nothing written.");
    return 0;
  }
  say(fmt::format("Changes in version {}:", result.version));
  print_diff(result.diff);
  say("Created new migration file " + result.file.string() + ".");
  return 0;
}

int validate(const ApplicationSpec& spec, const DbFlags& flags) {
  const orm::DataModel* model = model_of(spec);
  if (!model) return no_model(spec);
  auto result = migration::validate_migrations(flags.migration_directory, model->schema());
  if (result.valid()) {
    say("Validation OK");
    say(fmt::format("Latest version is {}.", result.latest_version));
    return 0;
  }
  say("Validation failed: the data model differs from the migration files by:");
  print_diff(result.diff);
  say("Run 'db generate' to write a migration with these changes.");
  return 1;
}

int schema(const ApplicationSpec& spec, const DbFlags& flags) {
  const orm::DataModel* model = model_of(spec);
  if (!model) return no_model(spec);
  const boost::json::value json = model->to_json();
  say(flags.machine ? boost::json::serialize(json) : pretty_json(json));
  return 0;
}

int upgrade(const DbFlags& flags) {
  auto migrations = migration::read_migration_directory(flags.migration_directory);
  if (migrations.empty()) {
    return fail("No migration files in " + flags.migration_directory +
                ". Run 'db generate' first.");
  }
  return with_database(flags, [&](std::shared_ptr<db::Database> db) -> Task<int> {
    migration::UpgradeOptions options;
    options.progress = say;
    options.statement_timeout =
        std::chrono::milliseconds(static_cast<long long>(flags.statement_timeout_seconds * 1000));
    migration::UpgradeResult result = co_await migration::upgrade(*db, migrations, options);
    if (result.applied.empty()) {
      say(fmt::format("Database version is already current (version: {}).", result.from_version));
    } else {
      say(fmt::format("Applied {} migration(s): database version is now {}.", result.applied.size(),
                      result.to_version));
    }
    co_return 0;
  });
}

int get_version(const DbFlags& flags) {
  return with_database(flags, [](std::shared_ptr<db::Database> db) -> Task<int> {
    const std::uint32_t version = co_await migration::current_version(*db);
    if (version == 0) {
      say("This database hasn't had a migration yet.");
    } else {
      say(fmt::format("Current version: {}", version));
    }
    co_return 0;
  });
}

int list(const DbFlags& flags) {
  auto migrations = migration::read_migration_directory(flags.migration_directory);
  if (migrations.empty()) {
    say("No migration files in " + flags.migration_directory + ".");
    return 0;
  }
  const bool with_db = !flags.connect.empty() || !flags.database_config.empty();
  auto print = [&](const std::vector<migration::AppliedVersion>* applied) {
    say(applied ? " Version  | Applied             | Path" : " Version  | Path");
    for (const migration::Migration& m : migrations) {
      if (!applied) {
        say(fmt::format(" {:08} | {}", m.version, m.path.string()));
        continue;
      }
      std::string when = "pending";
      for (const auto& a : *applied) {
        if (a.version == m.version) when = a.date_of_upgrade;
      }
      say(fmt::format(" {:08} | {:<19} | {}", m.version, when, m.path.string()));
    }
  };
  if (!with_db) {
    print(nullptr);
    return 0;
  }
  return with_database(flags, [&](std::shared_ptr<db::Database> db) -> Task<int> {
    const auto applied = co_await migration::applied_versions(*db);
    print(&applied);
    co_return 0;
  });
}

}  // namespace

void add_db_command(CLI::App& app, DbFlags& flags) {
  CLI::App* db = app.add_subcommand("db", "Migrations: generate, upgrade, validate, ...");
  db->require_subcommand(1);
  CLI::App* generate = db->add_subcommand(
      "generate", "Write the next migration file from the data model (no database needed)");
  generate->add_option("--name", flags.name, "The migration's name (default initial/unnamed)");
  generate->add_option("--rename-table", flags.rename_tables,
                       "OLD:NEW: a table was renamed (otherwise a delete and an add)");
  generate->add_option("--rename-column", flags.rename_columns,
                       "TABLE.OLD:NEW: a column was renamed (otherwise a delete and an add)");
  add_directory_option(generate, flags);

  CLI::App* upgrade = db->add_subcommand("upgrade", "Apply pending migrations in one transaction");
  add_connection_options(upgrade, flags);
  add_directory_option(upgrade, flags);
  upgrade
      ->add_option("--statement-timeout", flags.statement_timeout_seconds,
                   "Seconds one statement (or waiting for a concurrent upgrade) may take")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  CLI::App* validate = db->add_subcommand("validate", "Check the files against the data model");
  add_directory_option(validate, flags);
  CLI::App* list = db->add_subcommand("list", "List the migration files (and what is applied)");
  add_directory_option(list, flags);
  add_connection_options(list, flags);
  CLI::App* version = db->add_subcommand("get-version", "Print the database's version");
  add_connection_options(version, flags);
  CLI::App* schema = db->add_subcommand("schema", "Print the data model's schema as JSON");
  schema->add_flag("--machine", flags.machine, "Compact JSON");
}

int run_db_command(CLI::App& app, const ApplicationSpec& spec, const DbFlags& flags) {
  CLI::App* db = app.get_subcommand("db");
  try {
    if (db->got_subcommand("generate")) return generate(spec, flags);
    if (db->got_subcommand("upgrade")) return upgrade(flags);
    if (db->got_subcommand("validate")) return validate(spec, flags);
    if (db->got_subcommand("list")) return list(flags);
    if (db->got_subcommand("get-version")) return get_version(flags);
    if (db->got_subcommand("schema")) return schema(spec, flags);
  } catch (const migration::MigrationError& error) {
    return fail(error.what());
  } catch (const ConfigError& error) {
    return fail(error.what());
  } catch (const std::exception& error) {
    return fail(error.what());
  }
  return fail("no db command given (run '" + spec.name + " db --help')");
}

}  // namespace conduit::app::detail
