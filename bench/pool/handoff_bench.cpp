// What a database pool shared by the event loops would cost per statement: a hop to the
// loop that owns the connection and back (bench/README.md, "Split or shared pool").
//
// conduit gives each event loop its own pool (maxConnectionCount split across the loops):
// a libpq connection is driven by one loop's io_context, so a statement never leaves its
// loop. A shared pool would post the statement to the loop owning a free connection and
// post the result back (or move the connection's socket between epoll sets, with a lock).
// This measures that round trip with Asio alone, on two io_contexts:
//
//   same_loop        post to the calling loop and run it (what a resume costs today)
//   cross_loop/idle  post to another loop whose thread sleeps, which posts back: both
//                    threads are woken (the usual case when the loops are not saturated)
//   cross_loop/busy  the same while both threads spin on poll() instead of sleeping (a
//                    saturated server: no wake-up, only the queues' lock and cache lines)
//
// Each iteration is one round trip; "Time" is wall time and "CPU" the whole process's CPU
// time (both threads), per round trip. HANDOFF_CORES="0,1" pins the calling thread and
// the other loop to those cores (default: not pinned).
//
// Thread-safety: each benchmark starts and joins its own second thread; the io_contexts
// are only touched through post() and by their own threads.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

namespace asio = boost::asio;

// Pins the calling thread to core `which` (0 = the caller's, 1 = the other loop's) of
// HANDOFF_CORES, when set.
void pin(int which) {
  const char* cores = std::getenv("HANDOFF_CORES");
  if (!cores) return;
  const std::string text(cores);
  const auto comma = text.find(',');
  if (comma == std::string::npos) return;
  const int core = std::stoi(which == 0 ? text.substr(0, comma) : text.substr(comma + 1));
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void same_loop(benchmark::State& state) {
  pin(0);
  asio::io_context loop(1);
  auto guard = asio::make_work_guard(loop);
  int hops = 0;
  for (auto _ : state) {
    asio::post(loop, [&] { ++hops; });
    loop.run_one();
  }
  benchmark::DoNotOptimize(hops);
}

// The other loop runs on its own thread; `busy` makes both threads spin on poll().
void cross_loop(benchmark::State& state, bool busy) {
  pin(0);
  asio::io_context mine(1);
  asio::io_context other(1);
  auto mine_guard = asio::make_work_guard(mine);
  auto other_guard = asio::make_work_guard(other);
  std::atomic<bool> stop{false};
  std::thread thread([&] {
    pin(1);
    if (busy) {
      while (!stop.load(std::memory_order_relaxed)) other.poll();
    } else {
      other.run();
    }
  });
  bool back = false;
  for (auto _ : state) {
    back = false;
    // The statement goes to the owning loop, its result comes back to the caller's.
    asio::post(other, [&] { asio::post(mine, [&] { back = true; }); });
    if (busy) {
      while (!back) mine.poll();
    } else {
      while (!back) mine.run_one();
    }
  }
  stop = true;
  other_guard.reset();
  other.stop();
  thread.join();
}

}  // namespace

BENCHMARK(same_loop)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(cross_loop, idle, false)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(cross_loop, busy, true)->UseRealTime()->MeasureProcessCPUTime();

BENCHMARK_MAIN();
