// Gate statistics: saturation fractions and moments against brute force, on hand-made values
// and on a real model's pass (compared with a window of the whole text).
#include <gtest/gtest.h>

#include <cmath>

#include "inspect_test_helpers.h"
#include "saturation.h"

namespace cellscope {
namespace {

using testing_util::random_model;
using testing_util::TextAndModel;

TEST(Saturation, CountsAndMomentsOfHandMadeValues) {
  SaturationStats stats(1, 2, {Quantity::kForget, Quantity::kHidden});
  Mat<float> f(2, 5), h(2, 5);
  f << 0.05f, 0.5f, 0.95f, 0.99f, 0.1f,  // left 1/5 (0.1 is not < 0.1), right 2/5
      0.2f, 0.3f, 0.4f, 0.6f, 0.9f;      // none (0.9 is not > 0.9)
  h << -1.0f, 1.0f, -1.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f;
  stats.add(0, Quantity::kForget, f.leftCols(2));
  stats.add(0, Quantity::kForget, f.rightCols(3));
  stats.add(0, Quantity::kHidden, h);
  const std::vector<NeuronStats> r = stats.results();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].quantity, Quantity::kForget);
  EXPECT_EQ(r[0].neuron, 0);
  EXPECT_DOUBLE_EQ(r[0].left, 0.2);
  EXPECT_DOUBLE_EQ(r[0].right, 0.4);
  EXPECT_NEAR(r[0].mean, (0.05 + 0.5 + 0.95 + 0.99 + 0.1) / 5, 1e-7);
  EXPECT_DOUBLE_EQ(r[1].left, 0.0);
  EXPECT_DOUBLE_EQ(r[1].right, 0.0);
  EXPECT_EQ(r[2].quantity, Quantity::kHidden);
  EXPECT_DOUBLE_EQ(r[2].mean, 0.0);
  EXPECT_DOUBLE_EQ(r[2].variance, 0.8);  // four ±1 and a 0 over 5
  EXPECT_TRUE(std::isnan(r[2].left));    // not a gate
  EXPECT_DOUBLE_EQ(r[3].variance, 0.0);
}

TEST(Saturation, OnePassAgreesWithTheWindow) {
  for (CellType cell : {CellType::kLstm, CellType::kGru}) {
    const TextAndModel m(cell, 700, 4, 6, 2, 31);
    Probe probe(*m.model, m.text, {64, 128});
    const std::vector<NeuronStats> stats = saturation(probe);
    const auto& qs = cell_quantities(cell);
    ASSERT_EQ(stats.size(), 2 * qs.size() * 6);
    const Window w = probe.window(0, 700);
    std::size_t k = 0;
    for (int l = 0; l < 2; ++l) {
      for (Quantity q : qs) {
        for (int u = 0; u < 6; ++u, ++k) {
          const NeuronStats& st = stats[k];
          ASSERT_EQ(st.layer, l);
          ASSERT_EQ(st.quantity, q);
          ASSERT_EQ(st.neuron, u);
          const Eigen::ArrayXd v = w.of(l, q).row(u).transpose().cast<double>().array();
          EXPECT_NEAR(st.mean, v.mean(), 1e-9);
          EXPECT_NEAR(st.variance, (v - v.mean()).square().mean(), 1e-9);
          if (quantity_range(q) == QuantityRange::kUnit) {
            EXPECT_DOUBLE_EQ(st.left, (v < 0.1f).cast<double>().mean());
            EXPECT_DOUBLE_EQ(st.right, (v > 0.9f).cast<double>().mean());
          } else {
            EXPECT_TRUE(std::isnan(st.left) && std::isnan(st.right));
          }
        }
      }
    }
  }
}

TEST(Saturation, CancelledPassGivesNothing) {
  const TextAndModel m(CellType::kLstm, 300, 4, 4, 1, 3);
  Probe probe(*m.model, m.text, {16, 32});
  EXPECT_TRUE(saturation(probe, [](double) { return false; }).empty());
}

}  // namespace
}  // namespace cellscope
