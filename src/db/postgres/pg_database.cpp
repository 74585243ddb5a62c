// Implementation of the PostgreSQL Database and its transactions.
#include "db/postgres/pg_database.hpp"

#include <stdexcept>

#include "core/internal/current_loop.hpp"
#include "db/error_mapping.hpp"
#include "db/postgres/libpq_api.hpp"
#include "db/postgres/pg_pool.hpp"
#include "db/text_format.hpp"

namespace conduit::db::pg {

namespace {

using std::chrono::milliseconds;

class PgDatabase;

class PgTransaction final : public Transaction {
 public:
  PgTransaction(std::shared_ptr<PgDatabase> db, Lease lease, milliseconds timeout)
      : db_(std::move(db)), lease_(std::move(lease)), timeout_(timeout) {}

  Dialect dialect() const noexcept override { return Dialect::postgres; }

 protected:
  milliseconds default_timeout() const noexcept override { return timeout_; }

  Task<Result> run(std::string sql, std::vector<Value> params, milliseconds timeout) override {
    ensure_active();
    co_return co_await lease_->execute(sql, params, timeout);
  }

  Task<void> run_script(std::string sql, milliseconds timeout) override {
    ensure_active();
    co_await lease_->execute_simple(sql, timeout);
  }

  Task<void> commit() override {
    ensure_active();
    finished_ = true;
    if (lease_->in_failed_transaction()) {
      // PostgreSQL would answer COMMIT with a silent ROLLBACK; say so instead.
      co_await lease_->execute_simple("ROLLBACK", timeout_);
      lease_.reset();
      detail::raise(ErrorKind::query_failed,
                    "the transaction was rolled back: a statement in it failed", "25P02");
    }
    co_await lease_->execute_simple("COMMIT", timeout_);
    lease_.reset();
  }

  Task<void> rollback() override {
    if (finished_) co_return;
    finished_ = true;
    if (lease_ && !lease_->broken()) co_await lease_->execute_simple("ROLLBACK", timeout_);
    lease_.reset();
  }

 private:
  void ensure_active() const {
    if (finished_ || !lease_) {
      throw std::logic_error("conduit::db::Transaction used after its transaction ended");
    }
  }

  std::shared_ptr<PgDatabase> db_;  // declared first: outlives the lease into its pool
  Lease lease_;
  milliseconds timeout_;
  bool finished_ = false;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(boost::asio::io_context& io, std::shared_ptr<const ConnectionSettings> settings,
             const DatabaseOptions& options, std::string redacted_url)
      : io_(io),
        options_(options),
        redacted_url_(redacted_url),
        pool_(io, std::move(settings), options.max_connections, options.pipeline_depth,
              options.pipeline_stall, options.acquire_timeout, options.reconnect_backoff,
              options.reconnect_backoff_max, std::move(redacted_url)) {}

  Dialect dialect() const noexcept override { return Dialect::postgres; }

  Task<void> close() override {
    check_thread();
    pool_.close();
    co_return;
  }

  PoolStats stats() const override { return pool_.stats(); }
  const std::string& redacted_url() const noexcept override { return redacted_url_; }

 protected:
  milliseconds default_timeout() const noexcept override { return options_.query_timeout; }

  Task<Result> run(std::string sql, std::vector<Value> params, milliseconds timeout) override {
    check_thread();
    auto self = shared_from_this();
    co_return co_await pool_.execute(sql, params, timeout);
  }

  Task<void> run_script(std::string sql, milliseconds timeout) override {
    check_thread();
    auto self = shared_from_this();
    Lease lease = co_await pool_.acquire();
    co_await lease->execute_simple(sql, timeout);
  }

  Task<std::unique_ptr<Transaction>> begin() override {
    check_thread();
    auto self = std::static_pointer_cast<PgDatabase>(shared_from_this());
    Lease lease = co_await pool_.acquire();
    co_await lease->execute_simple("BEGIN", options_.query_timeout);
    co_return std::make_unique<PgTransaction>(std::move(self), std::move(lease),
                                              options_.query_timeout);
  }

 private:
  void check_thread() const {
    if (conduit::detail::current_io_context() != &io_) {
      throw std::logic_error(
          "conduit::db::Database used outside the event loop that opened it (open one "
          "Database per loop, in ApplicationChannel::prepare)");
    }
  }

  boost::asio::io_context& io_;
  DatabaseOptions options_;
  std::string redacted_url_;
  Pool pool_;
};

}  // namespace

}  // namespace conduit::db::pg

namespace conduit::db::detail {

std::shared_ptr<Database> open_postgres(boost::asio::io_context& io,
                                        const DatabaseConfiguration& config,
                                        const DatabaseOptions& options) {
  // The first PostgreSQL database of the process loads libpq; without it, opening fails
  // here, saying what to install, rather than at the first query.
  pg::pq();
  auto settings = std::make_shared<pg::ConnectionSettings>();
  std::string conninfo = config.to_libpq_conninfo();  // validates parameter names
  auto has = [&](const char* key) { return config.parameters.count(key) > 0; };
  // libpq's own default is also prefer (SSL when the server offers it, as Heroku's
  // does), but PGSSLMODE in the environment could change it behind our back.
  if (!has("sslmode")) conninfo += " sslmode='prefer'";
  // GSSAPI negotiation costs a round trip and Kerberos lookups nobody here uses.
  if (!has("gssencmode")) conninfo += " gssencmode='disable'";
  if (!has("application_name") && !has("fallback_application_name")) {
    conninfo += " fallback_application_name='conduit'";
  }
  if (!has("client_encoding")) conninfo += " client_encoding='UTF8'";
  settings->conninfo = std::move(conninfo);
  if (config.password) {
    settings->password = *config.password;
  } else if (auto it = config.parameters.find("password"); it != config.parameters.end()) {
    settings->password = it->second;
  }
  settings->host = config.host;
  if (auto it = config.parameters.find("host");
      settings->host.empty() && it != config.parameters.end()) {
    settings->host = it->second;
  }
  settings->port = config.port;
  settings->connect_timeout = options.connect_timeout;
  if (auto it = config.parameters.find("connect_timeout"); it != config.parameters.end()) {
    // libpq only applies connect_timeout to blocking connects; honour it here.
    if (auto seconds = parse_int64(it->second); seconds && *seconds > 0) {
      settings->connect_timeout =
          std::min(settings->connect_timeout, std::chrono::milliseconds(*seconds * 1000));
    }
  }
  // Behind a transaction pooler a named prepared statement lives on one server connection
  // while the next statement may run on another: every statement runs unnamed instead
  // (PQsendQueryParams: Parse, Bind, Execute of the unnamed statement, in the same
  // pipeline). The one piece of session state, SET TimeZone at connect, is safe: PgBouncer
  // tracks TimeZone (a reported parameter) per client and sets it on the server
  // connection it hands out.
  settings->statement_cache_size =
      config.behind_transaction_pooler() ? 0 : options.statement_cache_size;
  return std::make_shared<pg::PgDatabase>(io, std::move(settings), options, config.redacted_url());
}

}  // namespace conduit::db::detail
