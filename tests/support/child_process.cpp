// Implementation of the test ChildProcess (fork/exec, pipes, pidfd).
#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace conduit::testing {

namespace {
using Clock = std::chrono::steady_clock;

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

std::optional<int> decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return std::nullopt;
}
}  // namespace

ChildProcess::ChildProcess(const Options& options) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool drop = options.env.count(name) > 0;
    for (const auto& u : options.unset_env) drop = drop || u == name;
    if (!drop) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    if (!options.working_directory.empty() && ::chdir(options.working_directory.c_str()) != 0) {
      ::_exit(126);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  pid_fd_ = pidfd_open(pid_);
}

ChildProcess::~ChildProcess() {
  if (!exit_status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  for (int fd : {out_fd_, err_fd_, pid_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

bool ChildProcess::pump(std::chrono::milliseconds timeout) {
  pollfd fds[2];
  int n = 0;
  if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
  if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
  if (n == 0) return false;
  int ready = ::poll(fds, n, static_cast<int>(timeout.count()));
  if (ready <= 0) return ready == 0 || errno == EINTR;
  for (int i = 0; i < n; ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buffer[8192];
    ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
    bool is_out = fds[i].fd == out_fd_;
    if (got > 0) {
      (is_out ? out_ : err_).append(buffer, static_cast<std::size_t>(got));
    } else {
      ::close(fds[i].fd);
      (is_out ? out_fd_ : err_fd_) = -1;
    }
  }
  return true;
}

static bool wait_for(ChildProcess& self, const std::string& text, const std::string& needle,
                     std::chrono::milliseconds timeout,
                     bool (ChildProcess::*pump)(std::chrono::milliseconds)) {
  auto deadline = Clock::now() + timeout;
  while (text.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    if (!(self.*pump)(left)) return text.find(needle) != std::string::npos;
  }
  return true;
}

bool ChildProcess::wait_for_stdout(const std::string& needle, std::chrono::milliseconds timeout) {
  return wait_for(*this, out_, needle, timeout, &ChildProcess::pump);
}

bool ChildProcess::wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout) {
  return wait_for(*this, err_, needle, timeout, &ChildProcess::pump);
}

void ChildProcess::send_signal(int signal) {
  if (!exit_status_) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int status;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = decode_status(status);
      // Drain what the child wrote before exiting.
      while ((out_fd_ >= 0 || err_fd_ >= 0) && pump(std::chrono::milliseconds(200))) {
      }
      return exit_status_;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    // Wait on the pidfd (readable at exit) and the pipes together.
    pollfd fds[3];
    int n = 0;
    if (pid_fd_ >= 0) fds[n++] = {pid_fd_, POLLIN, 0};
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    ::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (out_fd_ >= 0 || err_fd_ >= 0) pump(std::chrono::milliseconds(0));
  }
}

CommandResult run_command(const ChildProcess::Options& options, std::chrono::milliseconds timeout) {
  ChildProcess child(options);
  CommandResult result;
  auto status = child.wait_exit(timeout);
  result.status = status.value_or(-1);
  result.out = child.stdout_text();
  result.err = child.stderr_text();
  return result;
}

}  // namespace conduit::testing
