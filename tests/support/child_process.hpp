// Test support: a child process with captured stdout/stderr, bounded waits and signals.
//
// Every wait takes a timeout and uses poll(2) on the output pipes or a pidfd, so tests
// synchronise on what the child prints or on its exit, never on sleeps.
//
// Thread-safety: one ChildProcess is used by one test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace conduit::testing {

class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;  // added to (or replacing) the parent's
    std::vector<std::string> unset_env;
    std::string working_directory;
  };

  explicit ChildProcess(const Options& options);
  ~ChildProcess();  // kills the child if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }

  // Reads output until stdout contains `needle` (returns true) or the timeout passes.
  bool wait_for_stdout(const std::string& needle, std::chrono::milliseconds timeout);
  // Same for stderr.
  bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout);

  void send_signal(int signal);
  // Waits for exit; returns the exit status (128+N when killed by signal N), or nullopt
  // on timeout. Output is drained while waiting.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  const std::string& stdout_text() const noexcept { return out_; }
  const std::string& stderr_text() const noexcept { return err_; }

 private:
  // Reads whatever is available within `timeout`; false when nothing more can come.
  bool pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int pid_fd_ = -1;
  std::optional<int> exit_status_;
  std::string out_;
  std::string err_;
};

// Runs a command to completion (bounded), returning exit status and output.
struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};
CommandResult run_command(const ChildProcess::Options& options, std::chrono::milliseconds timeout);

}  // namespace conduit::testing
