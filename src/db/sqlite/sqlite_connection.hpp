// One SQLite connection, used only by its worker thread: opened lazily (foreign keys on,
// WAL for files), a cache of prepared statements by SQL text, $n parameters bound by
// name, results typed by the column's declared type, and a per-statement deadline
// enforced by a progress handler (SQLITE_INTERRUPT becomes the 503 timeout error).
//
// Declared types read back as: BOOL* -> boolean, TIMESTAMP/DATETIME -> timestamp,
// JSON* -> json, UUID -> uuid, DECIMAL/NUMERIC -> decimal (exact only when stored as
// TEXT: declare such columns e.g. "DECIMAL_TEXT", whose affinity is TEXT).
//
// Thread-safety: not thread-safe; owned by one worker thread.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "conduit/db/result.hpp"
#include "conduit/db/value.hpp"

namespace conduit::db::sqlite {

struct Settings {
  std::string path;  // file path or ":memory:"
  std::map<std::string, std::string> uri_parameters;
  std::size_t statement_cache_size = 256;
  std::chrono::milliseconds busy_timeout{5'000};
};

class Connection {
 public:
  explicit Connection(Settings settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Throws DatabaseError (mapped), or UnavailableError when the file cannot be opened.
  Result execute(const std::string& sql, const std::vector<Value>& params,
                 std::chrono::milliseconds timeout);
  void execute_script(const std::string& sql, std::chrono::milliseconds timeout);
  bool in_transaction() const noexcept;
  void close() noexcept;

 private:
  class Deadline;
  struct Prepared {
    sqlite3_stmt* statement = nullptr;
    bool cached = false;
  };

  void open();
  Prepared prepare(const std::string& sql);
  void bind(sqlite3_stmt* statement, const std::vector<Value>& params);
  [[noreturn]] void raise(int code);
  static int on_progress(void* self) noexcept;

  Settings settings_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  std::chrono::steady_clock::time_point deadline_{};
  bool deadline_armed_ = false;
};

}  // namespace conduit::db::sqlite
