// Optimizer updates against hand-computed values, and both clipping modes.
#include <gtest/gtest.h>

#include <cmath>

#include "error.h"
#include "optimizer.h"

namespace cellscope {
namespace {

TEST(Optimizer, AdamFirstStepsMatchTheFormula) {
  Optimizer<double> opt(OptimizerType::kAdam, 2);
  std::vector<double> p = {1.0, -2.0}, g = {0.5, -0.25};
  opt.step(p.data(), g.data(), 0.1);
  // Step 1: m̂ = g, v̂ = g², so the update is lr * sign(g) (up to eps).
  EXPECT_NEAR(p[0], 1.0 - 0.1, 1e-7);
  EXPECT_NEAR(p[1], -2.0 + 0.1, 1e-7);
  const double p1 = p[0];
  std::vector<double> g2 = {0.1, 0.0};
  opt.step(p.data(), g2.data(), 0.1);
  const double m = 0.9 * 0.05 + 0.1 * 0.1, v = 0.999 * 0.00025 + 0.001 * 0.01;
  const double expected = p1 - 0.1 * (m / (1 - 0.81)) / (std::sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
  EXPECT_NEAR(p[0], expected, 1e-9);
  EXPECT_EQ(opt.steps(), 2);
}

TEST(Optimizer, RmsPropAndSgdMomentum) {
  Optimizer<double> rms(OptimizerType::kRmsProp, 1);
  std::vector<double> p = {0.0}, g = {2.0};
  rms.step(p.data(), g.data(), 0.01);
  EXPECT_NEAR(p[0], -0.01 * 2.0 / (std::sqrt(0.05 * 4.0) + 1e-8), 1e-12);

  Optimizer<double> sgd(OptimizerType::kSgd, 1);
  p = {0.0};
  sgd.step(p.data(), g.data(), 0.1);  // u = -0.2
  sgd.step(p.data(), g.data(), 0.1);  // u = 0.9 * -0.2 - 0.2 = -0.38
  EXPECT_NEAR(p[0], -0.58, 1e-12);
}

TEST(Optimizer, RestoreChecksTheSize) {
  Optimizer<float> opt(OptimizerType::kAdam, 3);
  EXPECT_EQ(opt.state().size(), 6u);
  EXPECT_THROW(opt.restore(std::vector<float>(3), 1), Error);
  opt.restore(std::vector<float>(6, 1.0f), 4);
  EXPECT_EQ(opt.steps(), 4);
}

TEST(Clipping, ByValueClampsEachElement) {
  std::vector<float> g = {0.5f, -7.0f, 9.0f};
  EXPECT_TRUE(
      clip_gradients(g.data(), g.size(), ClipMode::kValue, 5.0, global_norm(g.data(), g.size())));
  EXPECT_EQ(g, (std::vector<float>{0.5f, -5.0f, 5.0f}));
  EXPECT_FALSE(clip_gradients(g.data(), g.size(), ClipMode::kValue, 5.0, 0.0));
}

TEST(Clipping, ByNormRescalesTheWholeVector) {
  std::vector<double> g = {3.0, 4.0};
  const double n = global_norm(g.data(), g.size());
  EXPECT_DOUBLE_EQ(n, 5.0);
  EXPECT_TRUE(clip_gradients(g.data(), g.size(), ClipMode::kNorm, 1.0, n));
  EXPECT_NEAR(g[0], 0.6, 1e-12);
  EXPECT_NEAR(g[1], 0.8, 1e-12);
  EXPECT_FALSE(clip_gradients(g.data(), g.size(), ClipMode::kNorm, 2.0, 1.0));
  EXPECT_FALSE(clip_gradients(g.data(), g.size(), ClipMode::kNorm, 0.0, 1e9));  // disabled
}

}  // namespace
}  // namespace cellscope
