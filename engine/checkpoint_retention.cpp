// checkpoints_to_keep: three rules over the written list, united. The log-spaced rule takes, for
// each target every × 2^k up to the newest iteration, the first file at or after the target; as
// files are only appended with larger iterations, that choice never changes once made.
#include "checkpoint_retention.h"

#include <algorithm>
#include <cmath>

namespace cellscope {

std::vector<int64_t> checkpoints_to_keep(const std::vector<WrittenCheckpoint>& written,
                                         int64_t checkpoint_every,
                                         const CheckpointRetention& policy) {
  std::vector<int64_t> keep;
  if (written.empty()) return keep;
  const std::size_t n = written.size();
  const std::size_t last = static_cast<std::size_t>(std::max(0, policy.keep_last));
  for (std::size_t i = n > last ? n - last : 0; i < n; ++i) keep.push_back(written[i].iteration);

  if (policy.keep_best) {
    const WrittenCheckpoint* best = nullptr;
    for (const WrittenCheckpoint& w : written) {
      if (std::isfinite(w.val_loss) && (!best || w.val_loss < best->val_loss)) best = &w;
    }
    if (best) keep.push_back(best->iteration);
  }

  if (policy.keep_log_spaced) {
    int64_t target = checkpoint_every > 0 ? checkpoint_every : std::max<int64_t>(1, written[0].iteration);
    const int64_t newest = written.back().iteration;
    std::size_t i = 0;
    while (target <= newest) {
      while (i < n && written[i].iteration < target) ++i;
      if (i == n) break;
      keep.push_back(written[i].iteration);
      if (target > newest / 2) break;  // the next target is past the newest file (no overflow)
      target *= 2;
    }
  }

  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  return keep;
}

}  // namespace cellscope
