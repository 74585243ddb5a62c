// conduit::run: the application binary's command line.
//
//   <app> serve [-p PORT] [-a ADDRESS] [-n THREADS] [-c CONFIG] [--ssl-certificate-path F
//               --ssl-key-path F] [--ipv6-only] [--trust-proxy] [--log-level L]
//   <app> db generate|upgrade|validate|list|get-version|schema ...   (db_command.cpp)
//   <app> auth add-client|set-scope|list-clients|remove-client ...  (auth_command.cpp)
//   <app> document [client|serve] ...                               (document_command.cpp)
//
// Flags and defaults follow `conduit serve`; `$PORT` is honoured when --port is absent,
// as Heroku starts web dynos with it. Errors print one line starting with "***" that
// names the problem and how to fix it, and exit 1. Further commands (document) register
// here as they land.
//
// Thread-safety: called once from main().
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>

#include "app/auth_command.hpp"
#include "app/db_command.hpp"
#include "app/document_command.hpp"
#include "app/openapi_document.hpp"
#include "conduit/app/application.hpp"
#include "conduit/core/log.hpp"

namespace conduit {

namespace {

constexpr const char* kVersion = "0.1.0";

int fail(const std::string& message) {
  std::fprintf(stderr, "*** %s\n", message.c_str());
  std::fflush(stderr);
  return 1;
}

struct ServeFlags {
  ApplicationOptions options;
  std::string ssl_certificate_path;
  std::string ssl_key_path;
  std::string log_level = "info";
  bool quiet = false;
  bool no_gzip = false;
};

void add_serve_command(CLI::App& app, ServeFlags& flags) {
  CLI::App* serve = app.add_subcommand("serve", "Serve the application over HTTP(S).");
  auto& o = flags.options;
  serve->add_option("-p,--port", o.port, "Port to listen on (default 8888, or $PORT)")
      ->envname("PORT");
  serve->add_option("-a,--address", o.address,
                    "Address to bind (default: dual-stack ::, else 0.0.0.0)");
  o.threads = 0;  // no -n: $WEB_CONCURRENCY, else the usable CPUs (app/loop_count.hpp)
  serve
      ->add_option("-n,--threads,--isolates", o.threads,
                   "Event loops, each on its own thread (default: $WEB_CONCURRENCY, else the "
                   "CPUs the process may use: cgroup quota and affinity)")
      ->check(CLI::Range(0, 1024));
  serve->add_option("-c,--config-path", o.config_path, "Configuration file")->capture_default_str();
  serve->add_option("--ssl-certificate-path", flags.ssl_certificate_path,
                    "PEM certificate chain; enables HTTPS (needs --ssl-key-path)");
  serve->add_option("--ssl-key-path", flags.ssl_key_path,
                    "PEM private key (needs --ssl-certificate-path)");
  serve->add_flag("--ipv6-only", o.ipv6_only, "Accept IPv6 connections only");
  serve->add_flag("--trust-proxy", o.trust_proxy,
                  "Take the client address and scheme from X-Forwarded-For/-Proto");
  serve->add_flag("--quiet", flags.quiet, "Do not log one line per request");
  serve->add_flag("--no-gzip", flags.no_gzip, "Do not compress responses");
  serve->add_flag("--docs", o.serve_docs,
                  "Serve the OpenAPI document at /openapi.json and the docs page at /docs "
                  "(as `openapi: {enabled: true}` in the configuration file)");
  serve->add_option("--log-level", flags.log_level, "debug, info, warn, error or off")
      ->capture_default_str();
  auto ms = [](std::chrono::milliseconds& target) {
    return [&target](double seconds) {
      target = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    };
  };
  serve
      ->add_option_function<double>("--request-timeout", ms(o.limits.request_timeout),
                                    "Seconds a handler may take before 503 (default 25)")
      ->check(CLI::PositiveNumber);
  serve
      ->add_option_function<double>("--shutdown-grace", ms(o.limits.shutdown_grace),
                                    "Seconds to finish in-flight requests on SIGTERM (default 10)")
      ->check(CLI::NonNegativeNumber);
  serve
      ->add_option_function<double>("--keep-alive-timeout", ms(o.limits.keep_alive_timeout),
                                    "Seconds an idle keep-alive connection stays open (default 90)")
      ->check(CLI::PositiveNumber);
  serve
      ->add_option_function<double>("--header-timeout", ms(o.limits.header_timeout),
                                    "Seconds a client has to send a request's header (default 10)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--max-body-size", o.limits.max_body_bytes,
                    "Largest request body in bytes (default 10485760)");
  // Accepted for compatibility with `conduit serve`; start-up here never waits.
  serve->add_option("--timeout", "Ignored: start-up does not wait on anything slow");
}

int serve(const ApplicationSpec& spec, ServeFlags& flags) {
  ApplicationOptions& o = flags.options;
  if (!flags.ssl_key_path.empty() && flags.ssl_certificate_path.empty()) {
    return fail(
        "Configuration error: --ssl-key-path was specified, but --ssl-certificate-path "
        "was not.");
  }
  if (!flags.ssl_certificate_path.empty() && flags.ssl_key_path.empty()) {
    return fail(
        "Configuration error: --ssl-certificate-path was specified, but --ssl-key-path "
        "was not.");
  }
  if (!flags.ssl_certificate_path.empty()) {
    o.ssl_certificate_path = flags.ssl_certificate_path;
    o.ssl_key_path = flags.ssl_key_path;
  }
  log::Level level;
  if (!log::parse_level(flags.log_level, level)) {
    return fail("unknown --log-level '" + flags.log_level +
                "': use debug, info, warn, error or off");
  }
  log::set_level(level);
  o.log_requests = !flags.quiet;
  o.compress_responses = !flags.no_gzip;
  // Conduit makes the configuration path absolute so channels can rely on it.
  std::error_code ec;
  auto absolute = std::filesystem::absolute(o.config_path, ec);
  if (!ec) o.config_path = absolute.string();
  try {
    app::detail::apply_openapi_configuration(o);  // `openapi:` in the file; --docs wins
  } catch (const std::exception& error) {
    return fail(std::string("cannot start ") + spec.name + ": " + error.what());
  }

  Application application(spec, o);
  try {
    return application.run_until_signal();
  } catch (const std::exception& error) {
    return fail(std::string("cannot start ") + spec.name + ": " + error.what());
  }
}

}  // namespace

int run(int argc, char** argv, const ApplicationSpec& spec) {
  CLI::App app(spec.description.empty() ? spec.name + ": a conduit application" : spec.description,
               spec.name);
  app.set_version_flag("--version", std::string(spec.name) + " (conduit " + kVersion + ")");
  app.require_subcommand(1);
  ServeFlags serve_flags;
  add_serve_command(app, serve_flags);
  app::detail::DbFlags db_flags;
  app::detail::add_db_command(app, db_flags);
  app::detail::AuthFlags auth_flags;
  app::detail::add_auth_command(app, auth_flags);
  app::detail::DocumentFlags document_flags;
  app::detail::add_document_command(app, document_flags);
  auto is_command = [&app](const char* name) {
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->get_name() == name) return true;
    }
    return false;
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    return fail("unknown command '" + std::string(argv[1]) + "' (run '" + spec.name +
                " --help' for the commands)");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + " (run '" + spec.name + " --help' for usage)");
  }
  if (app.got_subcommand("serve")) return serve(spec, serve_flags);
  if (app.got_subcommand("db")) return app::detail::run_db_command(app, spec, db_flags);
  if (app.got_subcommand("auth")) return app::detail::run_auth_command(app, spec, auth_flags);
  if (app.got_subcommand("document")) {
    return app::detail::run_document_command(app, spec, document_flags);
  }
  return fail("no command given (run '" + spec.name + " --help' for usage)");
}

}  // namespace conduit
