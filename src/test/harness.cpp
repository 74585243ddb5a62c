// conduit::test::TestHarness: the channel served in-process on a test database
// (include/conduit/test/harness.hpp).
//
// Thread-safety: used from the test thread only; the Application runs its own loops.
#include "conduit/test/harness.hpp"

#include <stdlib.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <boost/json/value.hpp>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/scope.hpp"
#include "conduit/db/database.hpp"
#include "conduit/migration/test_database.hpp"
#include "conduit/orm/data_model.hpp"
#include "core/internal/run_blocking.hpp"

namespace conduit::test {

namespace fs = std::filesystem;

struct HarnessBase::State {
  ApplicationSpec spec;
  HarnessOptions options;
  std::optional<migration::TestDatabase> database;
  fs::path config_copy;
  std::unique_ptr<Application> app;
  // The PBKDF2 rounds of the application's AuthServer (read at start()).
  std::optional<int> hash_rounds;
};

namespace {

std::string server_url(const HarnessOptions& options) {
  if (!options.database_url.empty()) return options.database_url;
  for (const char* name : {"TEST_DATABASE_URL", "CONDUIT_TEST_DATABASE_URL"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return {};
}

fs::path temp_file() {
  std::string pattern = (fs::temp_directory_path() / "conduit-harness-XXXXXX.yaml").string();
  const int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) throw std::runtime_error("cannot create a temporary configuration file");
  ::close(fd);
  return pattern;
}

}  // namespace

HarnessBase::HarnessBase(ApplicationSpec spec, HarnessOptions options)
    : state_(std::make_unique<State>()) {
  state_->spec = std::move(spec);
  state_->options = std::move(options);
  state_->config_copy = temp_file();
}

HarnessBase::~HarnessBase() {
  stop();
  state_->database.reset();
  std::error_code ignored;
  fs::remove(state_->config_copy, ignored);
}

void HarnessBase::start() {
  if (state_->app) return;
  auto& options = state_->options;
  // The configuration: the file as written, `database` replaced by the test database.
  YAML::Node config;
  if (!options.config_path.empty()) {
    if (!fs::exists(options.config_path)) {
      throw std::runtime_error("no configuration file " + options.config_path.string() +
                               " (HarnessOptions::config_path; empty for none)");
    }
    config = YAML::LoadFile(options.config_path.string());
  }
  if (!config.IsMap()) config = YAML::Node(YAML::NodeType::Map);
  if (options.use_database && !state_->database) {
    std::optional<migration::TestDatabase::Source> source;
    if (fs::is_directory(options.migrations)) {
      source = migration::TestDatabase::from_migrations(options.migrations);
    } else if (state_->spec.data_model) {
      source = migration::TestDatabase::from_model(state_->spec.data_model().schema());
    }
    if (source) {
      const auto url = server_url(options);
      state_->database.emplace(url.empty() ? migration::TestDatabase::create_sqlite(*source)
                                           : migration::TestDatabase::create(
                                                 DatabaseConfiguration::parse_url(url), *source));
    }
  }
  if (state_->database) config["database"] = state_->database->url();
  // The rounds the application's AuthServer hashes with (auth::AuthConfiguration's key),
  // lowered for the tests when asked; add_client must hash the same way.
  state_->hash_rounds = options.hash_rounds;
  if (options.hash_rounds) {
    if (!config["auth"].IsMap()) config["auth"] = YAML::Node(YAML::NodeType::Map);
    config["auth"]["hash_rounds"] = *options.hash_rounds;
  } else if (const YAML::Node auth = config["auth"]; auth.IsMap() && auth["hash_rounds"]) {
    // Not a number ($ENV, a typo): the application's configuration reader reports it.
    try {
      state_->hash_rounds = auth["hash_rounds"].as<int>();
    } catch (const YAML::Exception&) {
    }
  }
  {
    std::ofstream out(state_->config_copy);
    out << YAML::Dump(config) << "\n";
    if (!out) throw std::runtime_error("cannot write " + state_->config_copy.string());
  }

  ApplicationOptions app_options;
  app_options.address = "127.0.0.1";
  app_options.port = 0;
  app_options.log_requests = false;
  app_options.config_path = state_->config_copy.string();
  if (before_start) before_start(app_options);
  state_->app = std::make_unique<Application>(state_->spec, app_options);
  try {
    state_->app->start();
  } catch (...) {
    state_->app.reset();
    throw;
  }
  if (after_start) after_start(*this);
}

void HarnessBase::stop() { state_->app.reset(); }

bool HarnessBase::running() const noexcept { return state_->app != nullptr; }

void HarnessBase::reset_data() {
  const bool was_running = running();
  stop();
  state_->database.reset();
  if (was_running) start();
}

Agent HarnessBase::agent() const { return Agent("127.0.0.1", port()); }

std::uint16_t HarnessBase::port() const {
  if (!state_->app) throw std::logic_error("the harness is not started");
  return state_->app->port();
}

const DatabaseConfiguration* HarnessBase::database() const noexcept {
  return state_->database ? &state_->database->configuration() : nullptr;
}

std::string HarnessBase::database_url() const {
  return state_->database ? state_->database->url() : std::string();
}

const fs::path& HarnessBase::config_path() const noexcept { return state_->config_copy; }

Agent HarnessBase::add_client(const std::string& id, const std::string& secret,
                              const std::optional<std::string>& redirect_uri,
                              const std::vector<std::string>& allowed_scopes) {
  if (!state_->database) throw std::logic_error("add_client: the harness has no database");
  std::vector<auth::AuthScope> scopes;
  for (const auto& scope : allowed_scopes) scopes.emplace_back(scope);
  auth::ClientCredentials credentials{id, std::nullopt};
  if (!secret.empty()) credentials.secret = secret;
  const auto& configuration = state_->database->configuration();
  conduit::detail::run_blocking([&]() -> Task<void> {
    auto database = db::Database::open(configuration);
    std::exception_ptr failure;
    try {
      auth::AuthServerOptions server_options;
      if (state_->hash_rounds) server_options.hashing.rounds = *state_->hash_rounds;
      auth::AuthServer server(database, server_options);
      co_await server.add_client(credentials, redirect_uri, scopes);
    } catch (...) {
      failure = std::current_exception();
    }
    co_await database->close();
    if (failure) std::rethrow_exception(failure);
  }());
  Agent client = agent();
  client.set_basic_authorization(id, secret);
  return client;
}

Agent HarnessBase::login_user(const Agent& client, const std::string& username,
                              const std::string& password,
                              const std::vector<std::string>& scopes) const {
  HeaderList form{{"grant_type", "password"}, {"username", username}, {"password", password}};
  if (!scopes.empty()) {
    std::string joined;
    for (const auto& scope : scopes) joined += (joined.empty() ? "" : " ") + scope;
    form.emplace_back("scope", joined);
  }
  const auto response = client.post("/auth/token", Body::form(form));
  const auto json = response.json();
  const boost::json::value* token =
      json && json->is_object() ? json->get_object().if_contains("access_token") : nullptr;
  if (response.status != 200 || token == nullptr || !token->is_string()) {
    throw std::runtime_error("login_user: POST /auth/token answered " +
                             std::to_string(response.status) + " " + response.body);
  }
  Agent user = client;
  user.set_bearer_authorization(std::string(token->get_string()));
  return user;
}

}  // namespace conduit::test
