// The thread pool: every index covered exactly once, nested calls run inline, and rapid
// resizing (workers that start late) never deadlocks.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "threads.h"

namespace cellscope {
namespace {

TEST(Threads, RangesCoverEveryIndexOnce) {
  for (int threads : {1, 2, 3}) {
    set_thread_count(threads);
    for (int64_t total : {1, 2, 7, 100, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<std::size_t>(total));
      parallel_ranges(total, 1, [&](int64_t b, int64_t e, int) {
        for (int64_t i = b; i < e; ++i) hits[static_cast<std::size_t>(i)]++;
      });
      for (auto& h : hits) ASSERT_EQ(h.load(), 1);
    }
  }
  set_thread_count(1);
}

TEST(Threads, NestedCallsRunInline) {
  set_thread_count(2);
  std::atomic<int> inner{0};
  parallel_ranges(2, 1, [&](int64_t, int64_t, int) {
    parallel_ranges(10, 1, [&](int64_t b, int64_t e, int) { inner += static_cast<int>(e - b); });
  });
  EXPECT_EQ(inner.load(), 20);
  set_thread_count(1);
}

TEST(Threads, RapidResizeNeverDeadlocks) {
  std::atomic<int64_t> sum{0};
  for (int round = 0; round < 300; ++round) {
    set_thread_count(2 + round % 2);
    if (round % 3 == 0) {
      parallel_ranges(64, 1, [&](int64_t b, int64_t e, int) { sum += e - b; });
    }
    set_thread_count(1);
  }
  EXPECT_EQ(sum.load(), 64 * 100);
}

}  // namespace
}  // namespace cellscope
