// The engine's keystone check, shared by the cell and cell-variant tests: a chunk's loss is
// differentiated by finite differences in double with respect to every parameter and every value
// of the initial state (h, and c for an LSTM), and each must match the model's backward pass to
// a relative error of 1e-6. Returns the analytic parameter gradient (callers add their own checks).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model.h"

namespace cellscope::testing_util {

inline double relative_error(double a, double n) {
  return std::abs(a - n) / std::max({std::abs(a), std::abs(n), 1e-4});
}

inline std::vector<double> expect_gradients_match_finite_differences(
    Model<double>& model, const std::vector<int32_t>& inputs, const std::vector<int32_t>& targets,
    const ChunkSpec& spec, ModelState<double>& init, double* worst_out = nullptr) {
  auto loss_of = [&]() {
    ModelState<double> s = init;
    std::mt19937_64 drop_rng(99);  // the same dropout masks for every evaluation
    return model.forward(inputs.data(), targets.data(), spec, s, true, &drop_rng);
  };
  loss_of();
  model.backward();
  const std::vector<double> analytic = model.grads().to_vector();
  const ModelState<double> dinit = model.dstate_init();

  const double eps = 1e-5;
  double worst = 0.0;
  auto central = [&](double& x) {
    const double saved = x;
    x = saved + eps;
    const double lp = loss_of();
    x = saved - eps;
    const double lm = loss_of();
    x = saved;
    return (lp - lm) / (2 * eps);
  };
  auto& p = model.params().values();
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double numeric = central(p[i]);
    const double err = relative_error(analytic[i], numeric);
    worst = std::max(worst, err);
    EXPECT_LE(err, 1e-6) << "parameter " << i << " analytic " << analytic[i] << " numeric "
                         << numeric;
  }
  // The initial state: h (and c for an LSTM) of every layer.
  for (int which = 0; which < 2; ++which) {
    const std::vector<Mat<double>>& states = which == 0 ? init.h : init.c;
    for (std::size_t l = 0; l < states.size(); ++l) {
      Mat<double>& m = which == 0 ? init.h[l] : init.c[l];
      const Mat<double>& d = which == 0 ? dinit.h[l] : dinit.c[l];
      for (Eigen::Index k = 0; k < m.size(); ++k) {
        const double err = relative_error(d.data()[k], central(m.data()[k]));
        worst = std::max(worst, err);
        EXPECT_LE(err, 1e-6) << (which ? "c" : "h") << " layer " << l << " index " << k;
      }
    }
  }
  if (worst_out != nullptr) *worst_out = worst;
  return analytic;
}

}  // namespace cellscope::testing_util
