// The thread that owns one SQLite database's connection. Every Database opened on the
// same file (or on ":memory:") in this process shares one Worker, found through a
// process-wide registry, so that all event loops see the same data and SQLite is used
// the way it likes best: one connection, serialised.
//
// Jobs run in submission order, except while a transaction holds the connection: then
// only that transaction's jobs (its session) run, and the others wait, each at most
// until its acquire deadline (then it fails with 503 pool_exhausted). A job's completion
// runs on the worker thread and is responsible for getting back to its loop.
//
// Thread-safety: submit() and new_session() from any thread; the rest is internal.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "conduit/db/result.hpp"
#include "conduit/db/value.hpp"
#include "db/sqlite/sqlite_connection.hpp"

namespace conduit::db::sqlite {

class Worker {
 public:
  enum class JobKind { statement, script, begin, commit, rollback };
  // Called on the worker thread with the result or the error.
  using Completion = std::function<void(std::optional<Result>, std::exception_ptr)>;

  struct Job {
    JobKind kind = JobKind::statement;
    std::uint64_t session = 0;  // 0: not part of a transaction
    std::string sql;
    std::vector<Value> params;
    std::chrono::milliseconds timeout{30'000};
    std::chrono::steady_clock::time_point acquire_deadline =
        std::chrono::steady_clock::time_point::max();
    Completion done;  // may be empty (fire and forget)
  };

  // The worker of the database at settings.path, started if none is running.
  static std::shared_ptr<Worker> get(const Settings& settings);

  explicit Worker(Settings settings);
  // Fails the queued jobs with 503 closed, closes the connection, joins the thread.
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void submit(Job job);
  std::uint64_t new_session() noexcept { return next_session_++; }

 private:
  void main();
  void run(Job& job);
  bool runnable(const Job& job) const noexcept;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::uint64_t active_session_ = 0;  // the transaction holding the connection
  std::atomic<std::uint64_t> next_session_{1};
  Connection connection_;  // worker thread only
  std::thread thread_;     // last: starts once everything above exists
};

}  // namespace conduit::db::sqlite
