// Batch1Choice: picks, call by call, one of two ways to run the same batch-1 work (one thread
// or two), by the wall time per step each way took lately. Both ways give bit-identical
// results (batch1_forward.cpp), so the choice is only about speed: on an idle machine two
// threads win, on a loaded one (the other core busy, or the process held to its fair share) one
// thread often does. Invariant: a way is retried every kRetryEvery calls while it loses, so a
// change of load is noticed within a few dozen calls.
#pragma once

namespace cellscope {

class Batch1Choice {
 public:
  static constexpr int kRetryEvery = 24;
  static constexpr double kWeight = 0.25;  // of the newest time in the running average

  // The way to run the next call: 0 (one thread) or 1 (two threads). Two threads until both
  // ways have a time, then the faster, and the slower once every kRetryEvery calls.
  int next() {
    ++calls_;
    if (seconds_[1] < 0.0) return 1;
    if (seconds_[0] < 0.0) return 0;
    const int faster = seconds_[1] <= seconds_[0] ? 1 : 0;
    return calls_ % kRetryEvery == 0 ? 1 - faster : faster;
  }

  // Records that a call run `way` took `seconds_per_step` (wall clock).
  void record(int way, double seconds_per_step) {
    double& s = seconds_[way];
    s = s < 0.0 ? seconds_per_step : s + kWeight * (seconds_per_step - s);
  }

  double seconds_per_step(int way) const { return seconds_[way]; }

 private:
  double seconds_[2] = {-1.0, -1.0};
  long calls_ = 0;
};

}  // namespace cellscope
