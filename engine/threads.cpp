// Thread pool: workers 1..n-1 wait for a job generation; task t runs on thread t % n (the
// caller is thread 0), then the caller waits for the rest. Invariant: at most one job is in
// flight (dispatch_mutex_), a job's TaskRef outlives it because run_tasks blocks, and every
// worker sees every generation once (a job cannot finish without its workers' tasks).
// Both sides spin briefly (kSpin) before they sleep: batch-1 steps (the sampler) dispatch a
// job every ~20 µs, and a condition-variable wake costs about that much again.
#include "threads.h"

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace cellscope {
namespace {

thread_local bool in_task = false;  // a task that runs tasks runs them inline (no nesting)

// How long a worker polls for the next job, and the caller for the end of one, before sleeping.
constexpr std::chrono::microseconds kSpin(60);

// Polls `ready` for up to kSpin; true if it became true.
template <typename F>
bool spin_until(F&& ready) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  for (int i = 1;; ++i) {
    if (ready()) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if ((i & 31) == 0 && Clock::now() - start > kSpin) return ready();
  }
}

class Pool {
 public:
  ~Pool() { resize(1); }

  int size() const { return size_.load(); }

  void resize(int n) {
    std::lock_guard<std::mutex> dispatch(dispatch_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    stop_ = false;
    size_ = std::max(1, n);
    // Each worker starts from the generation current now: a worker scheduled late must still
    // see the next job or stop request as new, or a stop would wait for it forever.
    const uint64_t start = generation_.load();
    for (int i = 1; i < size_; ++i) {
      workers_.emplace_back([this, start, i] { work(start, i); });
    }
  }

  // Task t always runs on thread t % size() (0: the caller). The fixed assignment keeps each
  // thread's per-thread state (its GEMM packing workspace) the same from job to job, so a warmed
  // up training step allocates nothing, and makes the split reproducible.
  void run(int n, TaskRef task) {
    std::lock_guard<std::mutex> dispatch(dispatch_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      tasks_ = n;
      done_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    const int ran = run_mine(task, n, 0);
    const bool all_done = done_.fetch_add(ran, std::memory_order_acq_rel) + ran == n;
    if (!all_done && !spin_until([&] { return done_.load(std::memory_order_acquire) == n; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [&] { return done_.load(std::memory_order_acquire) == n; });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = nullptr;
  }

 private:
  // Runs the tasks assigned to thread `index`; returns how many.
  int run_mine(TaskRef& task, int n, int index) {
    int ran = 0;
    in_task = true;
    for (int t = index; t < n; t += size_.load()) {
      task(t);
      ++ran;
    }
    in_task = false;
    return ran;
  }

  void work(uint64_t seen, int index) {
    while (true) {
      TaskRef* task = nullptr;
      int n = 0;
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
        seen = generation_.load(std::memory_order_relaxed);
        if (stop_) return;
        task = task_;
        n = tasks_;
      }
      if (task == nullptr) continue;
      const int ran = run_mine(*task, n, index);
      if (ran > 0 && done_.fetch_add(ran, std::memory_order_acq_rel) + ran == n) {
        // The caller may be asleep (past its spin): wake it under the mutex, so the wake cannot
        // fall between its check of done_ and its wait.
        std::lock_guard<std::mutex> lock(mutex_);
        finished_.notify_one();
      }
    }
  }

  std::mutex dispatch_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::vector<std::thread> workers_;
  std::atomic<int> size_{1};
  bool stop_ = false;
  std::atomic<uint64_t> generation_{0};  // written under mutex_, polled without it
  TaskRef* task_ = nullptr;              // guarded by mutex_
  int tasks_ = 0;                        // guarded by mutex_
  std::atomic<int> done_{0};             // tasks of the current job finished
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

int set_thread_count(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Eigen::setNbThreads(1);  // products are single-threaded; the pool splits the work
  if (n != pool().size()) pool().resize(n);
  return pool().size();
}

int thread_count() {
  return pool().size();
}

bool tasks_run_concurrently(int n) {
  return n <= 1 || (!in_task && pool().size() >= n);
}

bool StepCounter::wait_slow(int value, std::chrono::microseconds patience) const {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  for (int i = 1;; ++i) {
    if (get() >= value) return true;
    if ((i & 63) != 0) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      continue;
    }
    const auto waited = Clock::now() - start;
    if (std::chrono::duration_cast<std::chrono::microseconds>(waited) >= patience) {
      return get() >= value;
    }
    if (waited < std::chrono::microseconds(20)) continue;
    if (waited < std::chrono::microseconds(200)) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
}

void run_tasks(int n, TaskRef task) {
  if (n <= 1 || pool().size() == 1 || in_task) {
    for (int t = 0; t < n; ++t) task(t);
    return;
  }
  pool().run(n, task);
}

}  // namespace cellscope
