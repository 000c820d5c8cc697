// Neuron search: which neurons track a target signal (LSTMVis's match query: neuron_match.h,
// included here). One streaming pass over a Probe, memory bounded by the neuron count:
// Pearson r from running co-moments (RowMoments), exact up to rounding; ROC-AUC from a
// fixed-bin histogram per neuron and class (1024 bins), exact except that positive/negative
// pairs sharing a bin count as ties: error ≤ ½ × the fraction of such pairs. Measured in
// test_neuron_search.cpp: 7e-5 on noisy data, 6.6e-4 when the target is a neuron's own median
// split (the worst case: every value near the class boundary shares its bin).
#pragma once

#include <cstdint>
#include <vector>

#include "neuron_match.h"
#include "probe.h"
#include "running_stats.h"

namespace cellscope {

struct NeuronScore {
  int layer = 0, neuron = 0;
  double correlation = 0.0;  // signed Pearson r with the target; NaN when either is constant
  double auc = 0.0;          // P(value of a positive > value of a negative), ties 1/2; NaN
                             // when one class is empty
};

// AUC's positive class is target > threshold: 0.5 for 0/1 signals, else the target's median
// (so "deeper than usual" for depth, "further along the line than usual" for line position).
double auc_threshold(const std::vector<float>& target, bool binary);

// Exact ROC-AUC (Mann-Whitney, ties 1/2) by sorting; for tests and small data.
double exact_auc(const std::vector<float>& values, const std::vector<bool>& positive);

// Accumulates, per neuron of every layer, the statistics of one quantity against a target
// (kept by reference: it must outlive the search). Memory: L·H·2·bins counts.
class NeuronSearch {
 public:
  static constexpr int kDefaultBins = 1024;
  NeuronSearch(int layers, int hidden, Quantity q, const std::vector<float>& target,
               double auc_threshold, int bins = kDefaultBins);

  // values: (H × T) the quantity at positions [begin, begin + T) for `layer`.
  void add(int layer, int64_t begin, const Eigen::Ref<const Mat<float>>& values);
  void add(const ChunkView& chunk);  // every layer of a probe chunk

  // Every neuron, by |correlation| descending (NaN last; ties: layer, neuron).
  std::vector<NeuronScore> results() const;

  // Histogram bin of a value of quantity q: linear over (0,1) or (-1,1); the cell state's
  // unbounded range through sign(x)·log1p(|x|), clamped at |x| = 1000. Monotone in x.
  static int bin_of(Quantity q, float x, int bins);

 private:
  int hidden_, bins_;
  Quantity quantity_;
  const std::vector<float>& target_;
  double threshold_;
  std::vector<RowMoments> moments_;  // per layer
  std::vector<uint32_t> counts_;     // [(layer * H + neuron) * 2 + positive] * bins + bin
};

// Runs the probe's pass once; `target` has one value per text position.
std::vector<NeuronScore> find_neurons(Probe& probe, Quantity q, const std::vector<float>& target,
                                      double auc_threshold, const ProgressFn& progress = {});

}  // namespace cellscope
