// Implementation of the SQLite worker thread and its registry.
#include "db/sqlite/sqlite_worker.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "db/error_mapping.hpp"

namespace conduit::db::sqlite {

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::weak_ptr<Worker>> workers;
};

Registry& registry() {
  // Deliberately never destroyed: a Database may outlive static destruction.
  static auto* instance = new Registry;
  return *instance;
}

std::string registry_key(const std::string& path) {
  if (path == ":memory:") return path;
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec) return path;
  auto canonical = std::filesystem::weakly_canonical(absolute, ec);
  return ec ? absolute.string() : canonical.string();
}

}  // namespace

std::shared_ptr<Worker> Worker::get(const Settings& settings) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (auto it = r.workers.begin(); it != r.workers.end();) {
    it = it->second.expired() ? r.workers.erase(it) : std::next(it);
  }
  auto& slot = r.workers[registry_key(settings.path)];
  if (auto existing = slot.lock()) return existing;
  auto worker = std::make_shared<Worker>(settings);
  slot = worker;
  return worker;
}

Worker::Worker(Settings settings) : connection_(std::move(settings)), thread_([this] { main(); }) {}

Worker::~Worker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Worker::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      job.done = nullptr;
    }
  }
  if (job.done) {
    job.done(std::nullopt, std::make_exception_ptr(detail::closed_error()));
    return;
  }
  wake_.notify_one();
}

bool Worker::runnable(const Job& job) const noexcept {
  return active_session_ == 0 || job.session == active_session_;
}

void Worker::main() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopping_) break;
    // Jobs kept waiting by a transaction past their deadline fail as an exhausted pool.
    const auto now = std::chrono::steady_clock::now();
    std::vector<Job> expired;
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (!runnable(*it) && it->acquire_deadline <= now) {
        expired.push_back(std::move(*it));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
    if (!expired.empty()) {
      lock.unlock();
      for (Job& job : expired) {
        if (job.done) {
          job.done(std::nullopt,
                   std::make_exception_ptr(detail::pool_exhausted_error(
                       "the SQLite database stayed busy with a transaction past the acquire "
                       "timeout")));
        }
      }
      lock.lock();
      continue;
    }
    auto next = std::find_if(queue_.begin(), queue_.end(),
                             [this](const Job& job) { return runnable(job); });
    if (next != queue_.end()) {
      Job job = std::move(*next);
      queue_.erase(next);
      lock.unlock();
      run(job);
      lock.lock();
      continue;
    }
    auto wake_at = std::chrono::steady_clock::time_point::max();
    for (const Job& job : queue_) wake_at = std::min(wake_at, job.acquire_deadline);
    if (wake_at == std::chrono::steady_clock::time_point::max()) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, wake_at);
    }
  }
  std::deque<Job> left = std::move(queue_);
  lock.unlock();
  for (Job& job : left) {
    if (job.done) job.done(std::nullopt, std::make_exception_ptr(detail::closed_error()));
  }
  connection_.close();
}

void Worker::run(Job& job) {
  std::optional<Result> result;
  std::exception_ptr error;
  auto set_active = [this](std::uint64_t session) {
    std::lock_guard lock(mutex_);
    active_session_ = session;
  };
  try {
    switch (job.kind) {
      case JobKind::statement:
        result = connection_.execute(job.sql, job.params, job.timeout);
        break;
      case JobKind::script:
        connection_.execute_script(job.sql, job.timeout);
        break;
      case JobKind::begin:
        connection_.execute_script("BEGIN IMMEDIATE", job.timeout);
        set_active(job.session);
        break;
      case JobKind::commit:
        try {
          connection_.execute_script("COMMIT", job.timeout);
        } catch (...) {
          error = std::current_exception();
          if (connection_.in_transaction()) connection_.execute_script("ROLLBACK", job.timeout);
        }
        set_active(0);
        break;
      case JobKind::rollback:
        set_active(0);
        if (connection_.in_transaction()) connection_.execute_script("ROLLBACK", job.timeout);
        break;
    }
  } catch (...) {
    if (!error) error = std::current_exception();
  }
  // A BEGIN written by hand outside Database::transaction would capture the shared
  // connection for everyone: undo it.
  if (job.session == 0 && job.kind != JobKind::begin && connection_.in_transaction()) {
    try {
      connection_.execute_script("ROLLBACK", job.timeout);
    } catch (...) {
    }
    if (!error) {
      try {
        detail::raise(ErrorKind::query_failed,
                      "transactions must use Database::transaction(); the open transaction "
                      "was rolled back",
                      "25000");
      } catch (...) {
        error = std::current_exception();
      }
      result.reset();
    }
  }
  if (job.done) job.done(std::move(result), error);
}

}  // namespace conduit::db::sqlite
