// conduit::test::TestHarness<Channel>: an application's channel served in-process for its
// tests (Conduit's TestHarness with its ORM and auth mixins).
//
//   class AppTest : public ::testing::Test {
//    protected:
//     static void SetUpTestSuite() { harness = new TestHarness<MyChannel>(); harness->start(); }
//     static void TearDownTestSuite() { delete harness; }
//     void SetUp() override { harness->reset_data(); }  // a fresh database per test
//     static inline TestHarness<MyChannel>* harness = nullptr;
//   };
//   TEST_F(AppTest, Creates) { EXPECT_TRUE(has_status(harness->agent().post("/m", {...}), 201)); }
//
// start() serves the channel on 127.0.0.1 and an ephemeral port, with the configuration
// file options.config_path (default config.src.yaml, Conduit's), in which the harness
// replaces `database` by a fresh test database: a private schema on PostgreSQL when
// TEST_DATABASE_URL (or CONDUIT_TEST_DATABASE_URL) names a server, else a temporary SQLite
// file; built from options.migrations (default "migrations", as `db upgrade` would) or,
// when that folder does not exist, from the channel's data model. An application without
// either gets no database. reset_data() stops the server, makes a new database and starts
// again (a few milliseconds on SQLite). Hooks: before_start (may edit the
// ApplicationOptions) and after_start.
//
// Auth applications: add_client registers an OAuth 2.0 client in the test database (as
// `conduit auth add-client` does, hashing with the application's rounds: see
// HarnessOptions::hash_rounds) and returns an Agent with its Basic authorization;
// login_user runs the password grant at /auth/token and returns an Agent with the Bearer
// token.
//
// Thread-safety: a harness belongs to the test thread; start/stop/reset_data block it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/app/application.hpp"
#include "conduit/app/application_options.hpp"
#include "conduit/config/database_configuration.hpp"
#include "conduit/test/agent.hpp"

namespace conduit::test {

struct HarnessOptions {
  // Relative paths are taken from the current directory (a test sets it, or passes
  // absolute paths such as PROJECT_DIR "/config.src.yaml"). Empty: no file (an empty
  // configuration, plus `database` when there is one).
  std::filesystem::path config_path = "config.src.yaml";
  std::filesystem::path migrations = "migrations";
  // Empty: TEST_DATABASE_URL, then CONDUIT_TEST_DATABASE_URL, then SQLite.
  std::string database_url;
  bool use_database = true;
  // PBKDF2 rounds for client secrets and passwords. Set (tests use 1: every add_client,
  // registration and login hashes, at 1000 rounds by default), the harness writes it into
  // the test configuration as auth.hash_rounds (auth::AuthConfiguration's key, so the
  // application's AuthServer uses it) and add_client hashes with it. Unset: add_client
  // uses the configuration's auth.hash_rounds, else AuthServerOptions' default, so that a
  // client it adds is one the application's AuthServer accepts.
  std::optional<int> hash_rounds = std::nullopt;
};

class HarnessBase {
 public:
  HarnessBase(ApplicationSpec spec, HarnessOptions options);
  virtual ~HarnessBase();  // stops the server, then drops the database
  HarnessBase(const HarnessBase&) = delete;
  HarnessBase& operator=(const HarnessBase&) = delete;

  // Creates the database (when needed) and serves the channel. Throws what Application
  // start() or the database throws (a broken migration, a failing prepare()).
  void start();
  void stop();
  bool running() const noexcept;
  // Stops, replaces the database by a fresh one, starts again.
  void reset_data();

  // A new agent for the server (no default headers).
  Agent agent() const;
  std::uint16_t port() const;
  // The test database, if any (for seeding with Database::open on a loop).
  const DatabaseConfiguration* database() const noexcept;
  std::string database_url() const;
  // The configuration file the application reads (the test copy).
  const std::filesystem::path& config_path() const noexcept;

  std::function<void(ApplicationOptions&)> before_start;
  std::function<void(HarnessBase&)> after_start;

  // ---- auth applications ------------------------------------------------------------
  // Adds the client (secret empty: public) and returns an agent with Basic id:secret.
  Agent add_client(const std::string& id, const std::string& secret = "",
                   const std::optional<std::string>& redirect_uri = std::nullopt,
                   const std::vector<std::string>& allowed_scopes = {});
  // POST /auth/token (password grant) with `client`'s headers; an agent with the Bearer
  // access token. Throws std::runtime_error (with the response) when the grant fails.
  Agent login_user(const Agent& client, const std::string& username, const std::string& password,
                   const std::vector<std::string>& scopes = {}) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

template <class Channel>
class TestHarness : public HarnessBase {
 public:
  explicit TestHarness(HarnessOptions options = {})
      : HarnessBase(application_spec<Channel>("test"), std::move(options)) {}
};

}  // namespace conduit::test
