// Implementation of the SQLite Database and its transactions.
#include "db/sqlite/sqlite_database.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <coroutine>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "core/internal/current_loop.hpp"
#include "db/error_mapping.hpp"
#include "db/sqlite/sqlite_worker.hpp"

namespace conduit::db::sqlite {

namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// How completions find their way back to the loop. The worker may only post while `io`
// is set; the Database clears it on destruction. The other fields belong to the loop.
struct LoopLink {
  std::mutex mutex;
  asio::io_context* io = nullptr;
  std::size_t outstanding = 0;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  void job_started() {
    if (outstanding++ == 0) work.emplace(io->get_executor());
  }
  void job_finished() {
    if (outstanding > 0 && --outstanding == 0) work.reset();
  }
};

struct JobState {
  std::coroutine_handle<> handle;
  std::optional<Result> result;
  std::exception_ptr error;
  bool completed = false;
  bool abandoned = false;  // the awaiting coroutine was destroyed
};

// Submits a job and suspends until its completion has been posted back to the loop.
class JobAwaiter {
 public:
  JobAwaiter(std::shared_ptr<LoopLink> link, Worker& worker, Worker::Job job)
      : link_(std::move(link)),
        worker_(worker),
        job_(std::move(job)),
        state_(std::make_shared<JobState>()) {}
  JobAwaiter(const JobAwaiter&) = delete;
  JobAwaiter& operator=(const JobAwaiter&) = delete;
  ~JobAwaiter() {
    if (!state_->completed) state_->abandoned = true;
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    state_->handle = handle;
    job_.done = [state = state_, link = link_](std::optional<Result> result,
                                               std::exception_ptr error) mutable {
      std::lock_guard lock(link->mutex);
      if (!link->io) return;  // the Database is gone; nobody is waiting any more
      asio::post(*link->io, [state, link, result = std::move(result), error]() mutable {
        link->job_finished();
        state->result = std::move(result);
        state->error = error;
        state->completed = true;
        if (state->abandoned) return;
        if (auto h = std::exchange(state->handle, {})) h.resume();
      });
    };
    worker_.submit(std::move(job_));
    link_->job_started();
  }
  Result await_resume() {
    if (state_->error) std::rethrow_exception(state_->error);
    return state_->result ? std::move(*state_->result) : Result();
  }

 private:
  std::shared_ptr<LoopLink> link_;
  Worker& worker_;
  Worker::Job job_;
  std::shared_ptr<JobState> state_;
};

class SqliteDatabase;

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(std::shared_ptr<SqliteDatabase> db, std::uint64_t session, milliseconds timeout)
      : db_(std::move(db)), session_(session), timeout_(timeout) {}
  ~SqliteTransaction() override;

  Dialect dialect() const noexcept override { return Dialect::sqlite; }

 protected:
  milliseconds default_timeout() const noexcept override { return timeout_; }
  Task<Result> run(std::string sql, std::vector<Value> params, milliseconds timeout) override;
  Task<void> run_script(std::string sql, milliseconds timeout) override;
  Task<void> commit() override;
  Task<void> rollback() override;

 private:
  void ensure_active() const {
    if (finished_) {
      throw std::logic_error("conduit::db::Transaction used after its transaction ended");
    }
  }

  std::shared_ptr<SqliteDatabase> db_;
  std::uint64_t session_;
  milliseconds timeout_;
  bool finished_ = false;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(asio::io_context& io, std::shared_ptr<Worker> worker,
                 const DatabaseOptions& options, std::string redacted_url)
      : io_(io),
        worker_(std::move(worker)),
        options_(options),
        redacted_url_(std::move(redacted_url)),
        link_(std::make_shared<LoopLink>()) {
    link_->io = &io;
  }

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(link_->mutex);
      link_->io = nullptr;
    }
    link_->work.reset();
  }

  Dialect dialect() const noexcept override { return Dialect::sqlite; }

  Task<void> close() override {
    check_thread();
    closed_ = true;
    // The last Database on this file stops the worker (which finishes at most the job
    // it is running) and closes the connection.
    worker_.reset();
    co_return;
  }

  PoolStats stats() const override {
    PoolStats s;
    s.open = worker_ ? 1 : 0;
    s.idle = link_->outstanding == 0 ? s.open : 0;
    return s;
  }
  const std::string& redacted_url() const noexcept override { return redacted_url_; }

  // One job, awaited on this loop.
  Task<Result> submit(Worker::JobKind kind, std::uint64_t session, std::string sql,
                      std::vector<Value> params, milliseconds timeout) {
    check_thread();
    if (closed_ || !worker_) throw detail::closed_error();
    auto self = shared_from_this();
    Worker::Job job;
    job.kind = kind;
    job.session = session;
    job.sql = std::move(sql);
    job.params = std::move(params);
    job.timeout = timeout;
    if (session == 0 || kind == Worker::JobKind::begin) {
      job.acquire_deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    }
    co_return co_await JobAwaiter(link_, *worker_, std::move(job));
  }

  // For a transaction abandoned without commit or rollback.
  void submit_rollback(std::uint64_t session) noexcept {
    if (!worker_) return;
    try {
      Worker::Job job;
      job.kind = Worker::JobKind::rollback;
      job.session = session;
      worker_->submit(std::move(job));
    } catch (...) {
    }
  }

  milliseconds query_timeout() const noexcept { return options_.query_timeout; }

 protected:
  milliseconds default_timeout() const noexcept override { return options_.query_timeout; }

  Task<Result> run(std::string sql, std::vector<Value> params, milliseconds timeout) override {
    return submit(Worker::JobKind::statement, 0, std::move(sql), std::move(params), timeout);
  }

  Task<void> run_script(std::string sql, milliseconds timeout) override {
    co_await submit(Worker::JobKind::script, 0, std::move(sql), {}, timeout);
  }

  Task<std::unique_ptr<Transaction>> begin() override {
    check_thread();
    if (closed_ || !worker_) throw detail::closed_error();
    auto self = std::static_pointer_cast<SqliteDatabase>(shared_from_this());
    const std::uint64_t session = worker_->new_session();
    co_await submit(Worker::JobKind::begin, session, {}, {}, options_.query_timeout);
    co_return std::make_unique<SqliteTransaction>(std::move(self), session, options_.query_timeout);
  }

 private:
  void check_thread() const {
    if (conduit::detail::current_io_context() != &io_) {
      throw std::logic_error(
          "conduit::db::Database used outside the event loop that opened it (open one "
          "Database per loop, in ApplicationChannel::prepare)");
    }
  }

  asio::io_context& io_;
  std::shared_ptr<Worker> worker_;
  DatabaseOptions options_;
  std::string redacted_url_;
  std::shared_ptr<LoopLink> link_;
  bool closed_ = false;
};

SqliteTransaction::~SqliteTransaction() {
  // Abandoned (its coroutine destroyed mid-transaction): release the connection.
  if (!finished_) db_->submit_rollback(session_);
}

Task<Result> SqliteTransaction::run(std::string sql, std::vector<Value> params,
                                    milliseconds timeout) {
  ensure_active();
  co_return co_await db_->submit(Worker::JobKind::statement, session_, std::move(sql),
                                 std::move(params), timeout);
}

Task<void> SqliteTransaction::run_script(std::string sql, milliseconds timeout) {
  ensure_active();
  co_await db_->submit(Worker::JobKind::script, session_, std::move(sql), {}, timeout);
}

Task<void> SqliteTransaction::commit() {
  ensure_active();
  finished_ = true;
  co_await db_->submit(Worker::JobKind::commit, session_, {}, {}, timeout_);
}

Task<void> SqliteTransaction::rollback() {
  if (finished_) co_return;
  finished_ = true;
  co_await db_->submit(Worker::JobKind::rollback, session_, {}, {}, timeout_);
}

}  // namespace

}  // namespace conduit::db::sqlite

namespace conduit::db::detail {

std::shared_ptr<Database> open_sqlite(boost::asio::io_context& io,
                                      const DatabaseConfiguration& config,
                                      const DatabaseOptions& options) {
  sqlite::Settings settings;
  settings.path = config.database_name.empty() ? ":memory:" : config.database_name;
  settings.uri_parameters = config.parameters;
  settings.statement_cache_size = options.statement_cache_size;
  settings.busy_timeout = options.acquire_timeout;
  return std::make_shared<sqlite::SqliteDatabase>(io, sqlite::Worker::get(settings), options,
                                                  config.redacted_url());
}

}  // namespace conduit::db::detail
