// RowMoments: streaming mean, variance and (optionally) covariance with one shared series y,
// for many series at once (one per row, e.g. every neuron of a layer). Chunks are merged with
// Chan et al.'s pairwise update in double, so the result is independent of how the stream is cut
// (up to rounding) and stable for long streams. Memory: a few doubles per row.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "tensor.h"

namespace cellscope {

class RowMoments {
 public:
  explicit RowMoments(int rows = 0);

  // x: (R × T) observations, column t = step t. y (optional, T values): the shared series whose
  // covariance with every row is kept. Use y on every call or on none.
  void add(const Eigen::Ref<const Mat<float>>& x, const float* y = nullptr);

  int rows() const { return static_cast<int>(mean_.size()); }
  int64_t count() const { return n_; }
  const Vec<double>& mean() const { return mean_; }
  Vec<double> variance() const;     // (R) population variance (M2 / n); NaN when n = 0
  Vec<double> correlation() const;  // (R) Pearson r with y; NaN where either variance is 0
  double y_mean() const { return y_mean_; }
  double y_variance() const;

 private:
  int64_t n_ = 0;
  Vec<double> mean_, m2_, comoment_;
  double y_mean_ = 0.0, y_m2_ = 0.0;
};

}  // namespace cellscope
