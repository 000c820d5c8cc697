// Checkpoint retention: the pure rule that bounds a run's per-iteration files (the last few, the
// best validation loss, log-spaced ones), checked on hand-written lists and by replaying a
// long run the way the trainer uses it (append one, keep what the rule says).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "checkpoint_retention.h"

namespace cellscope {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<WrittenCheckpoint> every(int64_t step, int count, double loss = kNaN) {
  std::vector<WrittenCheckpoint> w;
  for (int i = 1; i <= count; ++i) w.push_back({step * i, loss});
  return w;
}

TEST(CheckpointRetention, KeepsTheLastFewTheBestAndPowersOfTwo) {
  std::vector<WrittenCheckpoint> written = every(100, 20);
  written[4].val_loss = 1.5;  // iteration 500: the best
  written[10].val_loss = 1.7;
  const std::vector<int64_t> keep = checkpoints_to_keep(written, 100);
  // log-spaced 100, 200, 400, 800, 1600; best 500; last three 1800, 1900, 2000.
  EXPECT_EQ(keep, (std::vector<int64_t>{100, 200, 400, 500, 800, 1600, 1800, 1900, 2000}));
}

TEST(CheckpointRetention, EachRuleCanBeTurnedOff) {
  std::vector<WrittenCheckpoint> written = every(10, 8);
  written[2].val_loss = 0.5;
  CheckpointRetention last_only;
  last_only.keep_best = false;
  last_only.keep_log_spaced = false;
  last_only.keep_last = 2;
  EXPECT_EQ(checkpoints_to_keep(written, 10, last_only), (std::vector<int64_t>{70, 80}));
  CheckpointRetention best_only = last_only;
  best_only.keep_last = 0;
  best_only.keep_best = true;
  EXPECT_EQ(checkpoints_to_keep(written, 10, best_only), (std::vector<int64_t>{30}));
  EXPECT_TRUE(checkpoints_to_keep({}, 10).empty());
}

TEST(CheckpointRetention, LogSpacingTakesTheFirstFileAtOrAfterEachTarget) {
  // Resumed runs and a final checkpoint off the cadence: 250 (≥ 200), 410 (≥ 400), 900 (≥ 800).
  const std::vector<WrittenCheckpoint> written = {{100, kNaN}, {250, kNaN}, {410, kNaN},
                                                  {900, kNaN}, {950, kNaN}, {990, kNaN},
                                                  {1000, kNaN}};
  CheckpointRetention policy;
  policy.keep_last = 1;
  EXPECT_EQ(checkpoints_to_keep(written, 100, policy),
            (std::vector<int64_t>{100, 250, 410, 900, 1000}));
  // No cadence: the spacing starts at the first file.
  EXPECT_EQ(checkpoints_to_keep(written, 0, policy), (std::vector<int64_t>{100, 250, 410, 900, 1000}));
}

TEST(CheckpointRetention, AReplayedLongRunStaysBoundedAndNeverNeedsADroppedFile) {
  // 30,000 checkpoints with a validation loss that falls, then rises after 12,000.
  std::vector<WrittenCheckpoint> on_disk;
  std::vector<int64_t> dropped;
  for (int64_t k = 1; k <= 30000; ++k) {
    const double loss = 2.0 + std::fabs(static_cast<double>(k) - 12000.0) / 12000.0;
    on_disk.push_back({k * 5, loss});
    const std::vector<int64_t> keep = checkpoints_to_keep(on_disk, 5);
    std::vector<WrittenCheckpoint> still;
    for (const WrittenCheckpoint& w : on_disk) {
      if (std::binary_search(keep.begin(), keep.end(), w.iteration)) {
        still.push_back(w);
      } else {
        dropped.push_back(w.iteration);
      }
    }
    // Every kept iteration is still on disk (nothing asked back after it was deleted).
    ASSERT_EQ(still.size(), keep.size()) << "at checkpoint " << k;
    on_disk = std::move(still);
    // 3 last + 1 best + log2(30000) + 1 = 20 at most.
    ASSERT_LE(on_disk.size(), 20u) << "at checkpoint " << k;
  }
  std::vector<int64_t> kept;
  for (const WrittenCheckpoint& w : on_disk) kept.push_back(w.iteration);
  EXPECT_EQ(kept, (std::vector<int64_t>{5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120,
                                        10240, 20480, 40960, 60000, 81920, 149990, 149995,
                                        150000}));
}

}  // namespace
}  // namespace cellscope
