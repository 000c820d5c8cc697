// Gate statistics (Karpathy, Johnson & Fei-Fei 2015, fig. 3): per neuron and quantity, the
// mean and variance over a text (streaming, Chan/Welford in double) and, for the sigmoid gates
// (LSTM input/forget/output, GRU update/reset), the fraction of positions left-saturated
// (< 0.1) and right-saturated (> 0.9). Memory: a few numbers per neuron and quantity.
#pragma once

#include <cstdint>
#include <vector>

#include "probe.h"
#include "running_stats.h"

namespace cellscope {

struct NeuronStats {
  int layer = 0, neuron = 0;
  Quantity quantity = Quantity::kHidden;
  double mean = 0.0;
  double variance = 0.0;  // population variance
  double left = 0.0;      // fraction of positions < kLeftSaturated; NaN for non-gates
  double right = 0.0;     // fraction of positions > kRightSaturated; NaN for non-gates
};

class SaturationStats {
 public:
  static constexpr float kLeftSaturated = 0.1f;
  static constexpr float kRightSaturated = 0.9f;

  SaturationStats(int layers, int hidden, const std::vector<Quantity>& quantities);
  // values: (H × T) of quantity q in layer l for T consecutive positions.
  void add(int layer, Quantity q, const Eigen::Ref<const Mat<float>>& values);
  void add(const ChunkView& chunk);  // every layer and quantity
  // Ordered by layer, then quantity (in the given order), then neuron.
  std::vector<NeuronStats> results() const;

 private:
  std::size_t slot(int layer, Quantity q) const;
  int hidden_;
  std::vector<Quantity> quantities_;
  std::vector<RowMoments> moments_;                 // [layer * Q + quantity index]
  std::vector<std::vector<int64_t>> left_, right_;  // same index, per neuron
};

// One pass of the probe over every quantity of its cell; empty when cancelled.
std::vector<NeuronStats> saturation(Probe& probe, const ProgressFn& progress = {});

}  // namespace cellscope
