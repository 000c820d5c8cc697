// Gate statistics. Invariant: every position is counted once per layer and quantity; the
// saturation counts exist (and are reported) only for quantities with the (0, 1) range.
#include "saturation.h"

#include <algorithm>
#include <limits>

#include "error.h"

namespace cellscope {

SaturationStats::SaturationStats(int layers, int hidden, const std::vector<Quantity>& quantities)
    : hidden_(hidden), quantities_(quantities) {
  const std::size_t slots = static_cast<std::size_t>(layers) * quantities_.size();
  moments_.assign(slots, RowMoments(hidden));
  left_.assign(slots, std::vector<int64_t>(static_cast<std::size_t>(hidden), 0));
  right_ = left_;
}

std::size_t SaturationStats::slot(int layer, Quantity q) const {
  const auto it = std::find(quantities_.begin(), quantities_.end(), q);
  if (it == quantities_.end()) throw Error("saturation: quantity '" + to_string(q) + "' not kept");
  return static_cast<std::size_t>(layer) * quantities_.size() +
         static_cast<std::size_t>(it - quantities_.begin());
}

void SaturationStats::add(int layer, Quantity q, const Eigen::Ref<const Mat<float>>& values) {
  const std::size_t s = slot(layer, q);
  moments_[s].add(values);
  if (quantity_range(q) != QuantityRange::kUnit) return;
  auto& left = left_[s];
  auto& right = right_[s];
  for (Eigen::Index t = 0; t < values.cols(); ++t) {
    for (int h = 0; h < hidden_; ++h) {
      const float v = values(h, t);
      left[static_cast<std::size_t>(h)] += v < kLeftSaturated;
      right[static_cast<std::size_t>(h)] += v > kRightSaturated;
    }
  }
}

void SaturationStats::add(const ChunkView& chunk) {
  const int layers = static_cast<int>(moments_.size() / quantities_.size());
  for (int l = 0; l < layers; ++l) {
    for (Quantity q : quantities_) add(l, q, chunk.values(l, q));
  }
}

std::vector<NeuronStats> SaturationStats::results() const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<NeuronStats> out;
  for (std::size_t s = 0; s < moments_.size(); ++s) {
    const int layer = static_cast<int>(s / quantities_.size());
    const Quantity q = quantities_[s % quantities_.size()];
    const RowMoments& m = moments_[s];
    const Vec<double> var = m.variance();
    const bool gate = quantity_range(q) == QuantityRange::kUnit;
    const double n = static_cast<double>(m.count());
    for (int h = 0; h < hidden_; ++h) {
      const auto i = static_cast<std::size_t>(h);
      out.push_back({layer, h, q, m.count() > 0 ? m.mean()(h) : kNaN, var(h),
                     gate && n > 0 ? static_cast<double>(left_[s][i]) / n : kNaN,
                     gate && n > 0 ? static_cast<double>(right_[s][i]) / n : kNaN});
    }
  }
  return out;
}

std::vector<NeuronStats> saturation(Probe& probe, const ProgressFn& progress) {
  const ModelConfig& config = probe.model().config();
  SaturationStats stats(config.num_layers, config.hidden_size, cell_quantities(config.cell));
  if (!probe.run([&](const ChunkView& chunk) { stats.add(chunk); }, progress)) return {};
  return stats.results();
}

}  // namespace cellscope
