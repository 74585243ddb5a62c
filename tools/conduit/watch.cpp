// `conduit serve --watch` (watch.hpp). The files are polled (mtime and size, every 100 ms),
// which works on every file system and in containers where inotify may not; a change is
// acted on once the files have been quiet for a short debounce, so that an editor's save
// (write, rename, touch) triggers one rebuild.
//
// Thread-safety: single-threaded; the signal handlers only set a flag.
#include "watch.hpp"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "project_build.hpp"

namespace conduit::tool {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

volatile sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

struct FileStamp {
  fs::file_time_type mtime;
  std::uintmax_t size = 0;
  bool operator==(const FileStamp&) const = default;
};
using Snapshot = std::map<fs::path, FileStamp>;

bool is_config(const fs::path& relative) {
  return relative.extension() == ".yaml" || relative.extension() == ".yml" ||
         *relative.begin() == "migrations";
}

// The files whose change matters: sources and build files (rebuild), configuration and
// migrations (restart). build/ and hidden folders are never looked at.
Snapshot snapshot(const fs::path& directory) {
  Snapshot files;
  std::error_code ec;
  auto add = [&](const fs::path& path) {
    const auto mtime = fs::last_write_time(path, ec);
    if (ec) return;
    const auto size = fs::file_size(path, ec);
    if (ec) return;
    files[fs::relative(path, directory, ec)] = {mtime, size};
  };
  for (const char* folder : {"src", "include", "cmake", "migrations"}) {
    const fs::path root = directory / folder;
    if (!fs::is_directory(root, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) add(it->path());
    }
  }
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const auto file = entry.path().filename();
    if (file == "CMakeLists.txt" || file.extension() == ".yaml" || file.extension() == ".yml") {
      add(entry.path());
    }
  }
  return files;
}

// What changed between two snapshots (added, removed or modified files).
std::vector<fs::path> changes(const Snapshot& before, const Snapshot& after) {
  std::vector<fs::path> changed;
  for (const auto& [path, stamp] : after) {
    const auto it = before.find(path);
    if (it == before.end() || !(it->second == stamp)) changed.push_back(path);
  }
  for (const auto& [path, stamp] : before) {
    if (!after.contains(path)) changed.push_back(path);
  }
  return changed;
}

class App {
 public:
  App(fs::path binary, std::vector<std::string> args)
      : binary_(std::move(binary)), args_(std::move(args)) {}
  ~App() { stop(); }

  bool start() {
    std::vector<std::string> argv = {binary_.string()};
    argv.insert(argv.end(), args_.begin(), args_.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    std::fflush(nullptr);
    // SIGINT/SIGTERM stay blocked from before fork() until the child has reset them to
    // their defaults: one that arrived in between would otherwise run the watcher's handler
    // in the child, which then execs the app as if nothing had been asked of it.
    sigset_t stop_signals, previous;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &stop_signals, &previous);
    pid_ = ::fork();
    if (pid_ != 0) ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      // The app handles SIGINT/SIGTERM itself (it drains); the tool forwards them.
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::execv(raw[0], raw.data());
      std::fprintf(stderr, "*** cannot run %s: %s\n", raw[0], std::strerror(errno));
      ::_exit(127);
    }
    return true;
  }

  // SIGTERM, then the app's graceful stop; SIGKILL if it has not ended in time.
  std::optional<int> stop(int signal = SIGTERM) {
    if (pid_ <= 0) return std::nullopt;
    ::kill(pid_, signal);
    const auto deadline = Clock::now() + 20s;
    int status = 0;
    while (true) {
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) break;
      if (done < 0 && errno != EINTR) break;
      if (Clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // The exit status when the app has ended on its own.
  std::optional<int> exited() {
    if (pid_ <= 0) return std::nullopt;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  bool running() const noexcept { return pid_ > 0; }
  void set_binary(fs::path binary) { binary_ = std::move(binary); }

 private:
  fs::path binary_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
};

void note(const std::string& text) {
  std::fprintf(stderr, "[watch] %s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace

int serve_watch(const fs::path& directory, const std::string& name, bool verbose,
                const std::vector<std::string>& app_args) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);

  auto built = build_project(directory, name, verbose);
  if (!built.ok) return 1;
  fs::path binary = built.binary.empty() ? directory / "build" / name : built.binary;
  App app(binary, app_args);
  if (!app.start()) {
    note("cannot start " + binary.string());
    return 1;
  }
  note("watching " + directory.string() + " for changes (sources rebuild, *.yaml restarts)");
  Snapshot seen = snapshot(directory);
  while (g_stop_signal == 0) {
    std::this_thread::sleep_for(100ms);
    if (auto code = app.exited()) {
      note("the application exited (" + std::to_string(*code) +
           "); waiting for a change to restart it");
    }
    Snapshot now = snapshot(directory);
    auto changed = changes(seen, now);
    if (changed.empty()) continue;
    // Debounce: wait until the files have been quiet for 150 ms (bounded: 2 s).
    const auto give_up = Clock::now() + 2s;
    for (Snapshot next; Clock::now() < give_up && g_stop_signal == 0; now = next) {
      std::this_thread::sleep_for(150ms);
      next = snapshot(directory);
      if (next == now) break;
    }
    if (g_stop_signal != 0) break;
    changed = changes(seen, now);
    seen = now;
    bool rebuild = false;
    for (const auto& path : changed) rebuild = rebuild || !is_config(path);
    note(changed.front().string() + (changed.size() > 1 ? " and others" : "") + " changed; " +
         (rebuild ? "rebuilding" : "restarting"));
    if (rebuild) {
      const auto start = Clock::now();
      built = build_project(directory, name, verbose);
      if (!built.ok) {
        note(std::string("build failed; ") +
             (app.running() ? "the previous build is still serving" : "nothing is serving"));
        continue;
      }
      if (!built.binary.empty()) app.set_binary(built.binary);
      note(
          "built in " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()) +
          " ms");
    }
    app.stop();
    if (g_stop_signal != 0) break;  // asked to stop while the old app was stopping
    if (!app.start()) note("cannot start the application");
  }
  note("stopping");
  const auto code = app.stop(g_stop_signal == SIGINT ? SIGINT : SIGTERM);
  return code.value_or(0);
}

}  // namespace conduit::tool
