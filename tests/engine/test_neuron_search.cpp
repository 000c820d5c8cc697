// Neuron search: streaming Pearson r against a two-pass computation in double, histogram AUC
// against the exact (sorting) AUC with the approximation error measured, ranking, and the match
// query against brute force over a window of the whole text.
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

// Hand-made activations of 3 neurons over 20 positions, S = {0, 1} (min_on = 1).
TEST(RangeMatcher, FindsRunsAndScoresThemByJaccard) {
  const std::vector<NeuronRef> neurons = {{0, 0}, {0, 1}, {0, 2}};
  MatchQuery query;
  query.begin = 2;
  query.end = 4;
  query.threshold = 0.5f;
  query.top = 3;
  //            position: 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19
  const char* rows[] = {"0 0 1 1 0 1 1 1 0 0 1 0 0 1 1 0 0 0 1 1",
                        "0 0 1 1 0 1 1 0 0 0 1 0 0 1 1 0 0 1 1 1",
                        "0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 1 1"};
  Mat<float> v(3, 20);
  for (int r = 0; r < 3; ++r) {
    for (int t = 0; t < 20; ++t) v(r, t) = rows[r][2 * t] == '1' ? 0.9f : 0.1f;
  }
  RangeMatcher m(neurons, {{0, 0}, {0, 1}}, query);
  m.add(0, v.leftCols(7));  // positions arrive in chunks
  m.add(7, v.rightCols(13));
  const std::vector<RangeMatch> got = m.finish();
  // Runs (query [2,4) skipped): [5,8) C={0} → 1/2; [10,11) C={0,1,2} → 2/3;
  // [13,15) C={0,1} → 1; [17,20) C={1} → 1/2. Top 3: [13,15), [10,11), then [17,20) vs [5,8):
  // equal score and shared; lengths 3 and 3 vs the query's 2: the earlier one, [5,8).
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].begin, 13);
  EXPECT_EQ(got[0].end, 15);
  EXPECT_DOUBLE_EQ(got[0].score, 1.0);
  EXPECT_EQ(got[1].begin, 10);
  EXPECT_NEAR(got[1].score, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(got[1].extra, 1);
  EXPECT_EQ(got[2].begin, 5);
  EXPECT_EQ(got[2].end, 8);
  EXPECT_EQ(got[2].shared, 1);
}

// match_ranges on a real model, checked against brute force over a window of the whole text.
TEST(Match, SelectionAndRangesFollowTheDefinition) {
  const TextAndModel m(CellType::kGru, 800, 12, 10, 2, 29);
  Probe probe(*m.model, m.text, {32, 64});
  const Window w = probe.window(0, 800);
  const float thr = 0.3f;
  // The query: a maximal run (length >= 3) of some neuron being on, away from the m.text's ends.
  MatchQuery query;
  query.threshold = thr;
  query.top = 50;
  const int layer = 1;
  for (int u = 0; u < 10 && query.end == 0; ++u) {
    for (int64_t t = 100; t < 700 && query.end == 0; ++t) {
      if (w.value(t, layer, u, Quantity::kHidden) >= thr &&
          w.value(t - 1, layer, u, Quantity::kHidden) < thr) {
        int64_t e = t;
        while (e < 800 && w.value(e, layer, u, Quantity::kHidden) >= thr) ++e;
        if (e - t >= 3 && e < 800) {
          query.begin = t;
          query.end = e;
        }
      }
    }
  }
  ASSERT_GT(query.end, 0) << "no run to query";
  const MatchResult r = match_ranges(probe, query);
  const std::vector<NeuronRef> all = query_neurons(m.model->config(), query);
  ASSERT_EQ(all.size(), 20u);
  auto on = [&](int64_t t, const NeuronRef& n) {
    return w.value(t, n.layer, n.neuron, Quantity::kHidden) >= thr;
  };
  std::vector<NeuronRef> expected;
  for (const NeuronRef& n : all) {
    bool ok = !on(query.begin - 1, n) && !on(query.end, n);
    for (int64_t t = query.begin; t < query.end; ++t) ok = ok && on(t, n);
    if (ok) expected.push_back(n);
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(r.selected, expected);
  const int min_on = std::max(1, static_cast<int>(expected.size() + 1) / 2);
  auto count_on = [&](int64_t t) {
    int c = 0;
    for (const NeuronRef& n : expected) c += on(t, n);
    return c;
  };
  ASSERT_FALSE(r.matches.empty());
  for (std::size_t i = 0; i < r.matches.size(); ++i) {
    const RangeMatch& m = r.matches[i];
    EXPECT_TRUE(m.end <= query.begin || m.begin >= query.end);
    EXPECT_TRUE(m.begin == 0 || count_on(m.begin - 1) < min_on);
    EXPECT_TRUE(m.end == 800 || count_on(m.end) < min_on);
    int shared = 0, extra = 0;
    for (const NeuronRef& n : all) {
      bool through = true;
      for (int64_t t = m.begin; t < m.end; ++t) {
        EXPECT_GE(count_on(t), min_on);
        through = through && on(t, n);
      }
      const bool selected = std::find(expected.begin(), expected.end(), n) != expected.end();
      shared += through && selected;
      extra += through && !selected;
    }
    EXPECT_EQ(m.shared, shared);
    EXPECT_EQ(m.extra, extra);
    EXPECT_NEAR(m.score, static_cast<double>(shared) / (expected.size() + extra), 1e-12);
    if (i > 0) {
      EXPECT_GE(r.matches[i - 1].score, m.score);
    }
  }
  MatchQuery bad = query;
  bad.end = 801;
  EXPECT_THROW(match_ranges(probe, bad), Error);
  bad = query;
  bad.layer = 2;
  EXPECT_THROW(match_ranges(probe, bad), Error);
  bad = query;
  bad.quantity = Quantity::kCell;
  EXPECT_THROW(match_ranges(probe, bad), Error);

  // Cancelled in the first replay (a fresh probe has no kept states: it replays from 0).
  Probe fresh(*m.model, m.text, {32, 64});
  int calls = 0;
  const MatchResult cancelled = match_ranges(fresh, query, [&](double fraction) {
    EXPECT_EQ(fraction, 0.0);
    ++calls;
    return false;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(cancelled.selected.empty());
  EXPECT_TRUE(cancelled.matches.empty());
}

}  // namespace
}  // namespace cellscope
