// RowMoments: each chunk's own mean and centred sums, merged into the totals with
//   M2 = M2a + M2b + δx²·na·nb/n,  C = Ca + Cb + δx·δy·na·nb/n  (Chan, Golub & LeVeque 1979).
#include "running_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cellscope {

RowMoments::RowMoments(int rows)
    : mean_(Vec<double>::Zero(rows)),
      m2_(Vec<double>::Zero(rows)),
      comoment_(Vec<double>::Zero(rows)) {}

void RowMoments::add(const Eigen::Ref<const Mat<float>>& x, const float* y) {
  const Eigen::Index T = x.cols();
  if (T == 0) return;
  Mat<double> centred = x.cast<double>();
  const Vec<double> chunk_mean = centred.rowwise().mean();
  centred.colwise() -= chunk_mean;
  const double na = static_cast<double>(n_), nb = static_cast<double>(T), n = na + nb;
  const double w = na * nb / n;
  const Vec<double> dx = chunk_mean - mean_;
  mean_ += dx * (nb / n);
  m2_ += centred.rowwise().squaredNorm() + dx.cwiseAbs2() * w;
  if (y != nullptr) {
    Vec<double> yc = Eigen::Map<const Eigen::VectorXf>(y, T).cast<double>();
    const double y_chunk_mean = yc.mean();
    yc.array() -= y_chunk_mean;
    const double dy = y_chunk_mean - y_mean_;
    y_mean_ += dy * (nb / n);
    y_m2_ += yc.squaredNorm() + dy * dy * w;
    comoment_ += centred * yc + dx * (dy * w);
  }
  n_ += T;
}

Vec<double> RowMoments::variance() const {
  if (n_ == 0) return Vec<double>::Constant(rows(), std::numeric_limits<double>::quiet_NaN());
  return m2_ / static_cast<double>(n_);
}

double RowMoments::y_variance() const {
  return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : y_m2_ / static_cast<double>(n_);
}

Vec<double> RowMoments::correlation() const {
  Vec<double> r(rows());
  for (Eigen::Index i = 0; i < r.size(); ++i) {
    const double denom = std::sqrt(m2_(i) * y_m2_);
    r(i) = denom > 0.0 ? std::clamp(comoment_(i) / denom, -1.0, 1.0)
                       : std::numeric_limits<double>::quiet_NaN();
  }
  return r;
}

}  // namespace cellscope
