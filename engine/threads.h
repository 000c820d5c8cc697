// The engine's threads: a small persistent pool that runs one task per thread and waits for
// all of them (fork-join), used to split the batch and the rows of weight-gradient products.
// Workers sleep on a condition variable between jobs (no spinning), so an app that shares the
// cores stays responsive. Jobs are passed as non-owning references: dispatch never allocates.
// One job at a time: concurrent callers are serialised. StepCounter is the batch-1 wavefront's
// hand-off: one thread publishes how far it got, others wait for it (spin, then yield, then sleep).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <utility>

namespace cellscope {

// n <= 0: one thread per hardware thread. Returns the count now in effect.
int set_thread_count(int n);
int thread_count();

// A non-owning reference to a callable void(int task).
class TaskRef {
 public:
  template <typename F>
  TaskRef(F& f) : object_(&f), call_([](void* o, int t) { (*static_cast<F*>(o))(t); }) {}
  void operator()(int task) const { call_(object_, task); }

 private:
  void* object_;
  void (*call_)(void*, int);
};

// Runs task(0) … task(n-1) in parallel (at most thread_count() at once) and returns when all
// are done. n == 1 runs inline on the caller's thread.
void run_tasks(int n, TaskRef task);

// True when run_tasks(n, ...) runs its n tasks at the same time on n threads (not nested in a
// task, and the pool has n threads). Tasks that wait for each other need this.
bool tasks_run_concurrently(int n);

// A progress count published by one thread (release) and awaited by others (acquire). A
// waiter spins ~20 µs (a hand-off usually lands within a step), then yields for ~200 µs, then
// sleeps in 50 µs naps, so a preempted publisher does not cost a core.
class StepCounter {
 public:
  void reset() { value_.store(0, std::memory_order_relaxed); }
  void publish(int value) { value_.store(value, std::memory_order_release); }
  int get() const { return value_.load(std::memory_order_acquire); }
  // Moves the count from `from` to from + 1 unless another thread moved it first.
  bool try_claim(int from) {
    return value_.compare_exchange_strong(from, from + 1, std::memory_order_acq_rel);
  }
  void advance() { value_.fetch_add(1, std::memory_order_acq_rel); }
  void wait_for(int value) const {
    if (get() < value) wait_slow(value, std::chrono::microseconds::max());
  }
  // As wait_for, but gives up after `patience`; true if the count reached `value`.
  bool wait_for(int value, std::chrono::microseconds patience) const {
    return get() >= value || wait_slow(value, patience);
  }

 private:
  bool wait_slow(int value, std::chrono::microseconds patience) const;
  alignas(64) std::atomic<int> value_{0};
  char pad_[64 - sizeof(std::atomic<int>)] = {};  // one counter per cache line
};

// Splits [0, total) into at most thread_count() contiguous ranges of at least `grain` items
// and runs fn(begin, end, part) for each, in parallel.
template <typename F>
void parallel_ranges(int64_t total, int64_t grain, F&& fn) {
  if (total <= 0) return;
  int64_t parts = thread_count();
  if (grain > 0 && total / grain < parts) parts = total / grain;
  if (parts < 1) parts = 1;
  auto task = [&](int p) {
    const int64_t begin = total * p / parts, end = total * (p + 1) / parts;
    if (end > begin) fn(begin, end, p);
  };
  if (parts == 1) {
    task(0);
    return;
  }
  run_tasks(static_cast<int>(parts), TaskRef(task));
}

}  // namespace cellscope
