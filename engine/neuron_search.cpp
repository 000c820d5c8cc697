// Neuron search. Invariants: statistics see each position exactly once, in order; histogram
// bins are a monotone function of the value, so the only AUC error comes from
// positive/negative pairs within one bin (each counted as half).
#include "neuron_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "error.h"

namespace cellscope {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_target_length(const Probe& probe, const std::vector<float>& target) {
  if (static_cast<int64_t>(target.size()) != probe.size()) {
    throw Error("the target has " + std::to_string(target.size()) + " values for a text of " +
                std::to_string(probe.size()) + " characters");
  }
}

}  // namespace

double auc_threshold(const std::vector<float>& target, bool binary) {
  if (binary || target.empty()) return 0.5;
  std::vector<float> copy(target);
  const auto mid = copy.begin() + static_cast<std::ptrdiff_t>(copy.size() / 2);
  std::nth_element(copy.begin(), mid, copy.end());
  return static_cast<double>(*mid);
}

double exact_auc(const std::vector<float>& values, const std::vector<bool>& positive) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  // Mann-Whitney: for each group of equal values, positives beat all negatives below it and tie
  // with the negatives inside it.
  double wins = 0.0, negatives_below = 0.0, P = 0.0, N = 0.0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    double pos = 0.0, neg = 0.0;
    while (j < order.size() && values[order[j]] == values[order[i]]) {
      (positive[order[j]] ? pos : neg) += 1.0;
      ++j;
    }
    wins += pos * (negatives_below + 0.5 * neg);
    negatives_below += neg;
    P += pos;
    N += neg;
    i = j;
  }
  return P > 0 && N > 0 ? wins / (P * N) : kNaN;
}

// ---- NeuronSearch ------------------------------------------------------------------------------

NeuronSearch::NeuronSearch(int layers, int hidden, Quantity q, const std::vector<float>& target,
                           double auc_threshold, int bins)
    : hidden_(hidden),
      bins_(std::max(bins, 2)),
      quantity_(q),
      target_(target),
      threshold_(auc_threshold),
      moments_(static_cast<std::size_t>(layers), RowMoments(hidden)),
      counts_(static_cast<std::size_t>(layers) * static_cast<std::size_t>(hidden) * 2 *
                  static_cast<std::size_t>(bins_),
              0) {}

int NeuronSearch::bin_of(Quantity q, float x, int bins) {
  double u = 0.0;  // x mapped monotonically into [0, 1]
  switch (quantity_range(q)) {
    case QuantityRange::kUnit:
      u = static_cast<double>(x);
      break;
    case QuantityRange::kSigned:
      u = 0.5 * (static_cast<double>(x) + 1.0);
      break;
    case QuantityRange::kUnbounded: {
      const double s = std::copysign(std::log1p(std::fabs(static_cast<double>(x))), x);
      u = 0.5 * (s / std::log1p(1000.0) + 1.0);
      break;
    }
  }
  if (!(u > 0.0)) return 0;  // also NaN
  return std::min(bins - 1, static_cast<int>(u * bins));
}

void NeuronSearch::add(int layer, int64_t begin, const Eigen::Ref<const Mat<float>>& values) {
  const auto T = values.cols();
  if (begin < 0 || begin + T > static_cast<int64_t>(target_.size())) {
    throw Error("neuron search: positions beyond the target");
  }
  const float* y = target_.data() + begin;
  moments_[static_cast<std::size_t>(layer)].add(values, y);
  const std::size_t layer_base =
      static_cast<std::size_t>(layer) * static_cast<std::size_t>(hidden_) * 2;
  for (Eigen::Index t = 0; t < T; ++t) {
    const std::size_t cls = static_cast<double>(y[t]) > threshold_ ? 1 : 0;
    for (int h = 0; h < hidden_; ++h) {
      const std::size_t row = layer_base + static_cast<std::size_t>(h) * 2 + cls;
      ++counts_[row * static_cast<std::size_t>(bins_) +
                static_cast<std::size_t>(bin_of(quantity_, values(h, t), bins_))];
    }
  }
}

void NeuronSearch::add(const ChunkView& chunk) {
  for (int l = 0; l < static_cast<int>(moments_.size()); ++l) {
    add(l, chunk.begin(), chunk.values(l, quantity_));
  }
}

std::vector<NeuronScore> NeuronSearch::results() const {
  std::vector<NeuronScore> out;
  const auto B = static_cast<std::size_t>(bins_);
  for (int l = 0; l < static_cast<int>(moments_.size()); ++l) {
    const Vec<double> r = moments_[static_cast<std::size_t>(l)].correlation();
    for (int h = 0; h < hidden_; ++h) {
      const std::size_t row = (static_cast<std::size_t>(l) * static_cast<std::size_t>(hidden_) +
                               static_cast<std::size_t>(h)) *
                              2;
      const uint32_t* neg = counts_.data() + row * B;
      const uint32_t* pos = neg + B;
      double wins = 0.0, below = 0.0, P = 0.0, N = 0.0;
      for (std::size_t k = 0; k < B; ++k) {
        wins += pos[k] * (below + 0.5 * neg[k]);
        below += neg[k];
        P += pos[k];
        N += neg[k];
      }
      out.push_back({l, h, r(h), P > 0 && N > 0 ? wins / (P * N) : kNaN});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const NeuronScore& a, const NeuronScore& b) {
    const bool na = std::isnan(a.correlation), nb = std::isnan(b.correlation);
    if (na != nb) return nb;
    return !na && std::fabs(a.correlation) > std::fabs(b.correlation);
  });
  return out;
}

std::vector<NeuronScore> find_neurons(Probe& probe, Quantity q, const std::vector<float>& target,
                                      double auc_threshold, const ProgressFn& progress) {
  const ModelConfig& config = probe.model().config();
  require_quantity(config.cell, q);
  check_target_length(probe, target);
  NeuronSearch search(config.num_layers, config.hidden_size, q, target, auc_threshold);
  if (!probe.run([&](const ChunkView& chunk) { search.add(chunk); }, progress)) return {};
  return search.results();
}

}  // namespace cellscope
