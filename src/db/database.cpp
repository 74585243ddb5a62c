// The backend-independent part of conduit::db::Database: open(), the Executor entry
// points and the transaction protocol (BEGIN, body, COMMIT or ROLLBACK).
#include "conduit/db/database.hpp"

#include <stdexcept>

#include "core/internal/current_loop.hpp"
#include "db/postgres/pg_database.hpp"
#include "db/sqlite/sqlite_database.hpp"

namespace conduit::db {

std::shared_ptr<Database> Database::open(const DatabaseConfiguration& config,
                                         DatabaseOptions options) {
  boost::asio::io_context* io = conduit::detail::current_io_context();
  if (!io) {
    throw std::logic_error(
        "conduit::db::Database::open must run on a conduit event loop (e.g. in "
        "ApplicationChannel::prepare)");
  }
  if (options.max_connections == 0) {
    const conduit::detail::LoopShare share = conduit::detail::current_loop_share();
    options.max_connections =
        config.max_connection_count && *config.max_connection_count > 0
            ? pool_share(*config.max_connection_count, share.index, share.count)
            : 2;
  }
  if (config.is_sqlite()) return detail::open_sqlite(*io, config, options);
  return detail::open_postgres(*io, config, options);
}

std::size_t pool_share(std::size_t total, int loop_index, int loop_count) noexcept {
  if (loop_count < 1) loop_count = 1;
  if (loop_index < 0 || loop_index >= loop_count) loop_index = 0;
  const auto loops = static_cast<std::size_t>(loop_count);
  const auto index = static_cast<std::size_t>(loop_index);
  // The first total % loops loops get one more, so the shares add up to the total.
  std::size_t share = total / loops + (index < total % loops ? 1 : 0);
  return share == 0 ? 1 : share;
}

// These are not coroutines themselves: the SQL is copied before the lazy task starts, so
// callers may pass temporaries.
Task<Result> Executor::execute(std::string_view sql, std::vector<Value> params) {
  return run(std::string(sql), std::move(params), default_timeout());
}

Task<Result> Executor::execute(std::string_view sql, std::vector<Value> params,
                               std::chrono::milliseconds timeout) {
  return run(std::string(sql), std::move(params), timeout);
}

Task<void> Executor::execute_script(std::string_view sql,
                                    std::optional<std::chrono::milliseconds> timeout) {
  return run_script(std::string(sql), timeout.value_or(default_timeout()));
}

Task<TransactionOutcome> Database::transaction(std::function<Task<void>(Transaction&)> body) {
  auto self = shared_from_this();  // keeps the pool alive across suspensions
  std::unique_ptr<Transaction> tx = co_await begin();
  std::exception_ptr error;
  std::optional<std::string> rollback_reason;
  try {
    co_await body(*tx);
  } catch (const Rollback& rollback) {
    rollback_reason = rollback.reason();
  } catch (...) {
    error = std::current_exception();
  }
  if (!error && !rollback_reason) {
    co_await tx->commit();
    co_return TransactionOutcome{true, {}};
  }
  try {
    co_await tx->rollback();
  } catch (...) {
    // The body's failure is what the caller needs to see; a connection that could not
    // roll back is discarded when the transaction releases it.
  }
  if (error) std::rethrow_exception(error);
  co_return TransactionOutcome{false, std::move(*rollback_reason)};
}

std::string_view to_string(Dialect dialect) noexcept {
  return dialect == Dialect::postgres ? "postgres" : "sqlite";
}

}  // namespace conduit::db
