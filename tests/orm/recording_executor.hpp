// Test support: a db::Executor that runs every statement on a real database and keeps its
// SQL text and parameters, so that tests can check what orm::Query sent (that values
// travel as parameters, never in the text).
//
// Thread-safety: test code; used from the loop's thread only.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "conduit/db/database.hpp"

namespace conduit::orm::testing {

class RecordingExecutor : public db::Executor {
 public:
  struct Sent {
    std::string sql;
    std::vector<db::Value> params;
  };

  explicit RecordingExecutor(db::Executor& inner) : inner_(inner) {}

  db::Dialect dialect() const noexcept override { return inner_.dialect(); }
  const std::vector<Sent>& sent() const noexcept { return sent_; }
  void clear() { sent_.clear(); }

 protected:
  std::chrono::milliseconds default_timeout() const noexcept override {
    return std::chrono::seconds(30);
  }
  Task<db::Result> run(std::string sql, std::vector<db::Value> params,
                       std::chrono::milliseconds timeout) override {
    sent_.push_back({sql, params});
    co_return co_await inner_.execute(sql, std::move(params), timeout);
  }
  Task<void> run_script(std::string sql, std::chrono::milliseconds timeout) override {
    co_await inner_.execute_script(sql, timeout);
  }

 private:
  db::Executor& inner_;
  std::vector<Sent> sent_;
};

}  // namespace conduit::orm::testing
