// Batch1Choice: picks, call by call, one of two ways to run the same batch-1 work (one thread
// or two), by the wall time per step each way took lately. Both ways give bit-identical
// results (batch1_forward.cpp), so the choice is only about speed: on an idle machine two
// threads win, on a loaded one (the other core busy, or the process held to its fair share) one
// thread often does. Invariants: the losing way is retried for kRetryCalls calls once every
// kRetryEvery × (how many times slower it was, at most kMaxSlower) calls, so retries cost about
// kRetryCalls/kRetryEvery of the time however slow the loser, and a change of load is noticed
// within some hundreds of calls; the first call after a switch of way is not counted, because
// it is cold (a pool thread asleep, the other way's caches) and would keep the loser losing.
#pragma once

#include <algorithm>
#include <cmath>

namespace cellscope {

class Batch1Choice {
 public:
  static constexpr int kRetryEvery = 48;
  static constexpr double kMaxSlower = 64.0;
  static constexpr int kRetryCalls = 2;
  // The newest time's weight in the running average: low, to follow the mean of a loaded
  // machine's heavy-tailed times (most calls quick, a preempted one 10-100x slower).
  static constexpr double kWeight = 0.1;

  // The way to run the next call: 0 (one thread) or 1 (two threads). Two threads until both
  // ways have a time, then the faster, and now and then the slower (see above).
  int next() {
    if (seconds_[1] < 0.0) return 1;
    if (seconds_[0] < 0.0) return 0;
    const int faster = seconds_[1] <= seconds_[0] ? 1 : 0;
    const double slower_by = std::clamp(seconds_[1 - faster] / seconds_[faster], 1.0, kMaxSlower);
    if (retry_calls_left_ > 0) {
      --retry_calls_left_;
      return 1 - faster;
    }
    if (++since_retry_ >= static_cast<long>(std::ceil(kRetryEvery * slower_by))) {
      since_retry_ = 0;
      retry_calls_left_ = kRetryCalls - 1;
      return 1 - faster;
    }
    return faster;
  }

  // Records that a call run `way` took `seconds_per_step` (wall clock).
  void record(int way, double seconds_per_step) {
    const bool switched = last_way_ >= 0 && way != last_way_;
    last_way_ = way;
    if (switched && seconds_[way] >= 0.0) return;
    double& s = seconds_[way];
    s = s < 0.0 ? seconds_per_step : s + kWeight * (seconds_per_step - s);
  }

  double seconds_per_step(int way) const { return seconds_[way]; }

 private:
  double seconds_[2] = {-1.0, -1.0};
  long since_retry_ = 0;  // calls since the losing way last ran
  int retry_calls_left_ = 0;
  int last_way_ = -1;
};

}  // namespace cellscope
