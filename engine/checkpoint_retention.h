// Checkpoint retention: which of a run's per-iteration checkpoint files to keep, so a long run
// leaves a bounded set — the last few, the one with the best validation loss, and log-spaced
// ones for the timeline (the first written at or after checkpoint_every × 1, 2, 4, 8, ...).
// A pure function of what was written: a file it drops is never asked for again, because
// every rule picks from the newest files or from iterations already passed.
#pragma once

#include <cstdint>
#include <vector>

namespace cellscope {

struct WrittenCheckpoint {
  int64_t iteration = 0;
  double val_loss = 0.0;  // NaN when no validation loss was known when it was written
};

struct CheckpointRetention {
  int keep_last = 3;            // the newest N files
  bool keep_best = true;        // the smallest finite validation loss (the earliest on a tie)
  bool keep_log_spaced = true;  // first written at or after every × 2^k, k = 0, 1, 2, ...
};

// The iterations of `written` (in the order written, iterations increasing) to keep, ascending.
// `checkpoint_every` <= 0: the log spacing starts at the first written iteration instead.
// Bound: keep_last + 1 + log2(last / checkpoint_every) + 1 files.
std::vector<int64_t> checkpoints_to_keep(const std::vector<WrittenCheckpoint>& written,
                                         int64_t checkpoint_every,
                                         const CheckpointRetention& policy = {});

}  // namespace cellscope
