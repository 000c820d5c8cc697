// Neuron search: streaming Pearson r against a two-pass computation in double, histogram AUC
// against the exact (sorting) AUC with the approximation error measured, and the ranking (the
// match query: test_neuron_search_match.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>

#include "error.h"
#include "inspect_test_helpers.h"
#include "neuron_search.h"

namespace cellscope {
namespace {

using testing_util::random_model;
using testing_util::TextAndModel;

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(RowMoments, MatchTwoPassStatisticsWhateverTheChunking) {
  std::mt19937_64 rng(3);
  std::normal_distribution<float> normal(5.0f, 2.0f);
  const int R = 4, N = 1000;
  Mat<float> x(R, N);
  std::vector<float> y(N);
  for (int t = 0; t < N; ++t) {
    y[t] = normal(rng);
    for (int r = 0; r < R; ++r) x(r, t) = normal(rng) + static_cast<float>(r) * y[t];
  }
  RowMoments m(R);
  for (int t = 0, step = 1; t < N; t += step, step = step * 3 % 97 + 1) {
    const int T = std::min(step, N - t);
    m.add(x.middleCols(t, T), y.data() + t);
  }
  EXPECT_EQ(m.count(), N);
  std::vector<double> yd(y.begin(), y.end());
  for (int r = 0; r < R; ++r) {
    std::vector<double> xd(N);
    double mean = 0;
    for (int t = 0; t < N; ++t) mean += (xd[t] = x(r, t)) / N;
    double var = 0;
    for (double v : xd) var += (v - mean) * (v - mean) / N;
    EXPECT_NEAR(m.mean()(r), mean, 1e-9 * std::fabs(mean));
    EXPECT_NEAR(m.variance()(r), var, 1e-9 * var);
    EXPECT_NEAR(m.correlation()(r), pearson(xd, yd), 1e-9);
  }
  RowMoments empty(2);
  EXPECT_TRUE(std::isnan(empty.variance()(0)));
}

TEST(ExactAuc, KnownCases) {
  EXPECT_DOUBLE_EQ(exact_auc({1, 2, 3, 4}, {false, false, true, true}), 1.0);
  EXPECT_DOUBLE_EQ(exact_auc({1, 2, 3, 4}, {true, true, false, false}), 0.0);
  EXPECT_DOUBLE_EQ(exact_auc({1, 1, 1, 1}, {true, false, true, false}), 0.5);
  EXPECT_DOUBLE_EQ(exact_auc({1, 2, 3}, {false, true, false}), 0.5);
  EXPECT_TRUE(std::isnan(exact_auc({1, 2}, {true, true})));
}

TEST(NeuronSearch, AucThresholdIsHalfOrTheMedian) {
  EXPECT_EQ(auc_threshold({0, 1, 1, 0}, true), 0.5);
  EXPECT_EQ(auc_threshold({0, 0, 0, 1, 2, 3, 7}, false), 1.0);
}

TEST(NeuronSearch, BinsAreMonotoneAndInRange) {
  for (Quantity q : {Quantity::kForget, Quantity::kHidden, Quantity::kCell}) {
    int previous = 0;
    for (double x = -2000.0; x <= 2000.0; x += 0.37) {
      const int b = NeuronSearch::bin_of(q, static_cast<float>(x), 512);
      ASSERT_GE(b, previous) << to_string(q) << " " << x;
      ASSERT_LT(b, 512);
      previous = b;
    }
    EXPECT_EQ(previous, 511) << to_string(q);
    EXPECT_EQ(NeuronSearch::bin_of(q, std::nanf(""), 512), 0);
  }
  EXPECT_NE(NeuronSearch::bin_of(Quantity::kCell, 5.0f, 512),
            NeuronSearch::bin_of(Quantity::kCell, 5.5f, 512));  // resolution where cells live
}

// Random neurons with every strength of relation to a binary target, for each value range.
// Correlation: exact up to rounding. AUC: the histogram's error, measured and bounded.
TEST(NeuronSearch, CorrelationIsExactAndHistogramAucIsClose) {
  std::mt19937_64 rng(8);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int L = 2, H = 6, N = 3000;
  std::vector<float> target(N);
  for (auto& v : target) v = rng() % 3 == 0 ? 1.0f : 0.0f;
  double worst = 0.0;
  for (Quantity q : {Quantity::kInput, Quantity::kHidden, Quantity::kCell}) {
    std::vector<Mat<float>> values(L, Mat<float>(H, N));
    for (int l = 0; l < L; ++l) {
      for (int h = 0; h < H; ++h) {
        const double strength = (h - 2.5) * (l + 1) / 3.0;
        for (int t = 0; t < N; ++t) {
          const double z = strength * target[t] + normal(rng);
          double v = z;
          if (q == Quantity::kInput) v = 1.0 / (1.0 + std::exp(-z));
          if (q == Quantity::kHidden) v = std::tanh(z);
          if (q == Quantity::kCell) v = 4.0 * z;
          values[l](h, t) = static_cast<float>(v);
        }
      }
    }
    NeuronSearch search(L, H, q, target, 0.5);
    for (int t = 0; t < N; t += 250) {
      for (int l = 0; l < L; ++l) search.add(l, t, values[l].middleCols(t, std::min(250, N - t)));
    }
    const std::vector<NeuronScore> scores = search.results();
    ASSERT_EQ(scores.size(), static_cast<std::size_t>(L * H));
    std::vector<bool> positive(N);
    std::vector<double> y(N);
    for (int t = 0; t < N; ++t) {
      positive[t] = target[t] > 0.5f;
      y[t] = target[t];
    }
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const NeuronScore& s = scores[i];
      const Eigen::RowVectorXf row = values[s.layer].row(s.neuron);
      const std::vector<float> xf(row.data(), row.data() + N);
      const std::vector<double> xd(xf.begin(), xf.end());
      EXPECT_NEAR(s.correlation, pearson(xd, y), 1e-9);
      const double exact = exact_auc(xf, positive);
      worst = std::max(worst, std::fabs(s.auc - exact));
      EXPECT_NEAR(s.auc, exact, 1e-3) << to_string(q) << " " << s.layer << ":" << s.neuron;
      if (i > 0) {
        EXPECT_GE(std::fabs(scores[i - 1].correlation), std::fabs(s.correlation));
      }
    }
  }
  std::cout << "[ measured ] max |AUC(histogram) - AUC(exact)| = " << worst << "\n";
}

TEST(NeuronSearch, ConstantNeuronsAndTargetsGiveNaNLast) {
  const std::vector<float> target = {0, 1, 0, 1, 1, 0};
  Mat<float> v(2, 6);
  v.row(0).setConstant(0.25f);
  v.row(1) << 0.1f, 0.9f, 0.2f, 0.8f, 0.7f, 0.3f;
  NeuronSearch search(1, 2, Quantity::kForget, target, 0.5);
  search.add(0, 0, v);
  const auto scores = search.results();
  EXPECT_EQ(scores[0].neuron, 1);
  EXPECT_GT(scores[0].correlation, 0.9);
  EXPECT_DOUBLE_EQ(scores[0].auc, 1.0);
  EXPECT_TRUE(std::isnan(scores[1].correlation));
  EXPECT_DOUBLE_EQ(scores[1].auc, 0.5);  // all tied
  const std::vector<float> flat(6, 1.0f);
  NeuronSearch none(1, 2, Quantity::kForget, flat, 0.5);
  none.add(0, 0, v);
  EXPECT_TRUE(std::isnan(none.results()[0].auc));
  EXPECT_THROW(none.add(0, 3, v), Error);  // beyond the target
}

// A neuron's own track as the target: it must come first with r = 1 (the pass and the target
// are aligned position by position); its negation gives r = -1 and AUC near 0.
TEST(NeuronSearch, FindsTheNeuronWhoseTrackIsTheTarget) {
  const TextAndModel m(CellType::kLstm, 1500, 5, 12, 2, 19);
  Probe probe(*m.model, m.text, {64, 128});
  std::vector<float> track = probe.track(1, 7, Quantity::kCell);
  const auto scores = find_neurons(probe, Quantity::kCell, track, auc_threshold(track, false));
  ASSERT_EQ(scores.size(), 24u);
  EXPECT_EQ(scores[0].layer, 1);
  EXPECT_EQ(scores[0].neuron, 7);
  EXPECT_NEAR(scores[0].correlation, 1.0, 1e-9);
  // The worst case for the histogram: the exact AUC is 1 and every value near the median split
  // shares a bin with values of the other class.
  std::cout << "[ measured ] own median split: AUC(histogram) = " << scores[0].auc
            << " (exact 1)\n";
  EXPECT_NEAR(scores[0].auc, 1.0, 1e-3);
  for (auto& v : track) v = -v;
  const auto negated = find_neurons(probe, Quantity::kCell, track, auc_threshold(track, false));
  EXPECT_EQ(negated[0].neuron, 7);
  EXPECT_NEAR(negated[0].correlation, -1.0, 1e-9);
  EXPECT_LT(negated[0].auc, 1e-3);
  EXPECT_THROW(find_neurons(probe, Quantity::kUpdate, track, 0.0), Error);
  track.pop_back();
  EXPECT_THROW(find_neurons(probe, Quantity::kCell, track, 0.0), Error);
}

}  // namespace
}  // namespace cellscope
