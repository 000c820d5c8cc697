// Saliency against finite differences in double: for every cell (and the PyTorch variants), both
// targets (log p, a neuron's h / c / tanh c in either layer), every distance and every one-hot
// component, ∂target/∂x_{P-d} matches a central difference to 1e-6 relative. The perturbation
// of x_t alone is made exact by a copy of the model whose vocabulary has one extra input id per
// step (its W_x column = the original's column for that step's character) and whose extra
// outputs can never be predicted (bias -1e4: probability exactly 0 in double).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "error.h"
#include "inspect_test_helpers.h"
#include "saliency.h"
#include "threads.h"

namespace cellscope {
namespace {

struct Case {
  CellType cell;
  bool variant;  // GRU reset-after / relu RNN
  SaliencyTarget target;
  int layer;
  Quantity quantity;
};

std::string name_of(const Case& c) {
  std::string n = to_string(c.cell) + (c.variant ? "_variant" : "");
  if (c.target == SaliencyTarget::kLogProbability) return n + "_logp";
  return n + "_l" + std::to_string(c.layer) + "_" +
         (c.quantity == Quantity::kTanhCell ? "tanhcell" : to_string(c.quantity));
}

class SaliencyGradCheck : public ::testing::TestWithParam<Case> {};

TEST_P(SaliencyGradCheck, MatchesFiniteDifferences) {
  const Case cc = GetParam();
  set_thread_count(1);
  ModelConfig config;
  config.cell = cc.cell;
  config.vocab_size = 5;
  config.hidden_size = 4;
  config.num_layers = 2;
  config.gru_reset_after = cc.variant && cc.cell == CellType::kGru;
  config.rnn_relu = cc.variant && cc.cell == CellType::kRnn;
  Model<double> model(config);
  model.init_params(17);
  for (auto& v : model.params().values()) v *= 3.0;

  std::mt19937_64 rng(5);
  const int n = 14;
  std::vector<int32_t> ids(n);
  for (auto& x : ids) x = static_cast<int32_t>(rng() % 5);
  const int64_t P = 11;
  SaliencyOptions options;
  options.window = 6;  // a window inside the text: begin = 5, the state entering it is carried
  options.target = cc.target;
  options.layer = cc.layer;
  {  // the neuron most active after reading P (a dead relu unit would have no gradient)
    const ModelState<double> at_p = state_after(model, ids.data(), P + 1, 4);
    at_p.h[static_cast<std::size_t>(cc.layer)].col(0).cwiseAbs().maxCoeff(&options.neuron);
  }
  options.quantity = cc.quantity;
  options.keep_gradients = true;
  const bool log_p = cc.target == SaliencyTarget::kLogProbability;
  const int64_t begin = saliency_window_begin(P, options);
  const ModelState<double> start = state_after(model, ids.data(), begin, 4);
  SaliencyComputer<double> computer(model);
  const Saliency s = computer.compute(ids.data(), n, P, start, options);

  // The expanded copy: inputs V + t for the window's steps.
  const int T = static_cast<int>((log_p ? P - 1 : P) - begin + 1);
  const int V = config.vocab_size;
  ModelConfig wide = config;
  wide.vocab_size = V + T;
  Model<double> copy(wide);
  for (const ParamBlock& b : model.layout().blocks()) {
    auto src = model.params().view(b);
    auto dst = copy.params().view(copy.layout().block(copy.layout().find(b.name)));
    if (b.name == "l0.Wx") {
      dst.leftCols(V) = src;
      for (int t = 0; t < T; ++t)
        dst.col(V + t) = src.col(ids[static_cast<std::size_t>(begin + t)]);
    } else if (b.name == "out.W" || b.name == "out.b") {
      dst.setZero();
      dst.topRows(V) = src;
      if (b.name == "out.b") dst.bottomRows(T).setConstant(-1e4);
    } else {
      dst = src;
    }
  }
  std::vector<int32_t> inputs(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t) inputs[static_cast<std::size_t>(t)] = V + t;
  std::vector<int32_t> targets(static_cast<std::size_t>(T), 0);
  targets.back() = ids[static_cast<std::size_t>(P)];
  auto target_value = [&]() {
    ModelState<double> state = start;
    if (log_p) {
      return -copy.forward(inputs.data(), targets.data(), ChunkSpec{T, 1, T - 1, T}, state, false,
                           nullptr);
    }
    copy.forward(inputs.data(), nullptr, ChunkSpec{T, 1, 0, T}, state, false, nullptr);
    const LayerCache<double>& cache = copy.layer_cache(cc.layer);
    const int k = options.neuron;
    if (cc.quantity == Quantity::kCell) return cache.c(k, T);
    if (cc.quantity == Quantity::kTanhCell) return std::tanh(cache.c(k, T));
    return cache.h(k, T);
  };
  EXPECT_NEAR(target_value(), s.value, 1e-12);

  auto Wx = copy.params().view(copy.layout().block(copy.layout().find("l0.Wx")));
  const Mat<double> original = Wx.leftCols(V);
  const double eps = 1e-5;
  double worst = 0.0, largest = 0.0;
  for (int t = 0; t < T; ++t) {
    const int64_t d = P - (begin + t);
    for (int v = 0; v < V; ++v) {
      Wx.col(V + t) += eps * original.col(v);
      const double plus = target_value();
      Wx.col(V + t) -= 2 * eps * original.col(v);
      const double minus = target_value();
      Wx.col(V + t) += eps * original.col(v);
      const double numeric = (plus - minus) / (2 * eps);
      const double analytic = s.gradients(v, d);
      worst = std::max(worst, std::abs(analytic - numeric) /
                                  std::max({std::abs(analytic), std::abs(numeric), 1e-4}));
      largest = std::max(largest, std::abs(analytic));
    }
    EXPECT_NEAR(s.by_distance[static_cast<std::size_t>(d)], s.gradients.col(d).norm(), 1e-15);
  }
  EXPECT_LE(worst, 1e-6) << name_of(cc);
  EXPECT_GT(largest, 1e-3) << "the check must see real gradients";
  // Distances without an input are NaN: d = 0 for log p; beyond the window never.
  EXPECT_EQ(std::isnan(s.by_distance[0]), log_p);
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  const std::pair<CellType, bool> cells[] = {{CellType::kRnn, false},
                                             {CellType::kRnn, true},
                                             {CellType::kGru, false},
                                             {CellType::kGru, true},
                                             {CellType::kLstm, false}};
  for (const auto& [cell, variant] : cells) {
    cases.push_back({cell, variant, SaliencyTarget::kLogProbability, 0, Quantity::kHidden});
    cases.push_back({cell, variant, SaliencyTarget::kNeuron, 0, Quantity::kHidden});
    cases.push_back({cell, variant, SaliencyTarget::kNeuron, 1, Quantity::kHidden});
    if (cell == CellType::kLstm) {
      cases.push_back({cell, variant, SaliencyTarget::kNeuron, 1, Quantity::kCell});
      cases.push_back({cell, variant, SaliencyTarget::kNeuron, 0, Quantity::kTanhCell});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Cells, SaliencyGradCheck, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return name_of(info.param); });

TEST(Saliency, FloatMatchesDoubleAndHorizonAveragesPositions) {
  testing_util::TextAndModel tm(CellType::kLstm, 400, 2, 8, 2, 4);
  SaliencyOptions options;
  options.window = 30;
  const Saliency one = saliency_at(*tm.model, tm.text, 200, options);
  ASSERT_EQ(one.by_distance.size(), 31u);
  EXPECT_TRUE(std::isnan(one.by_distance[0]));
  for (int d = 1; d <= 30; ++d) EXPECT_GE(one.by_distance[static_cast<std::size_t>(d)], 0.0);
  // Near the start the window is cut: distances before position 0 are NaN.
  const Saliency early = saliency_at(*tm.model, tm.text, 5, options);
  EXPECT_FALSE(std::isnan(early.by_distance[5]));
  EXPECT_TRUE(std::isnan(early.by_distance[6]));

  const MemoryHorizon h = memory_horizon(*tm.model, tm.text, options, 50);
  ASSERT_EQ(h.mean.size(), 31u);
  EXPECT_EQ(h.positions, 8);  // 1, 51, ..., 351
  double sum_at_7 = 0.0;
  int64_t count_at_7 = 0;
  for (int64_t p = 1; p < 400; p += 50) {
    const Saliency s = saliency_at(*tm.model, tm.text, p, options);
    if (!std::isnan(s.by_distance[7])) {
      sum_at_7 += s.by_distance[7];
      ++count_at_7;
    }
  }
  EXPECT_EQ(h.samples[7], count_at_7);
  EXPECT_NEAR(h.mean[7], sum_at_7 / static_cast<double>(count_at_7), 1e-6 * h.mean[7]);
}

TEST(Saliency, StateFromAProbeEqualsTheForwardFromTheStart) {
  testing_util::TextAndModel tm(CellType::kLstm, 700, 5, 6, 2, 3);
  std::vector<int32_t> ids(tm.text.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = tm.text[i];
  Probe probe(*tm.model, tm.text, ProbeOptions{64, 128});
  ASSERT_TRUE(probe.run());
  for (int64_t end : {0, 1, 127, 128, 129, 500, 700}) {
    const ModelState<float> kept = state_after(probe, end);
    const ModelState<float> direct = state_after(*tm.model, ids.data(), end, 64);
    for (int l = 0; l < 2; ++l) {
      ASSERT_LT((kept.h[l] - direct.h[l]).cwiseAbs().maxCoeff(), 1e-5f) << end;
      ASSERT_LT((kept.c[l] - direct.c[l]).cwiseAbs().maxCoeff(), 1e-5f) << end;
    }
  }
}

TEST(Saliency, BadRequestsAreErrors) {
  testing_util::TextAndModel tm(CellType::kGru, 100, 2, 6, 1, 4);
  SaliencyOptions options;
  EXPECT_THROW(saliency_at(*tm.model, tm.text, 0, options), Error);    // no prediction at 0
  EXPECT_THROW(saliency_at(*tm.model, tm.text, 100, options), Error);  // past the end
  options.window = 1001;
  EXPECT_THROW(saliency_at(*tm.model, tm.text, 50, options), Error);
  options.window = 10;
  options.target = SaliencyTarget::kNeuron;
  options.quantity = Quantity::kUpdate;
  EXPECT_THROW(saliency_at(*tm.model, tm.text, 50, options), Error);
  options.quantity = Quantity::kCell;  // a GRU has no cell state
  EXPECT_THROW(saliency_at(*tm.model, tm.text, 50, options), Error);
}

}  // namespace
}  // namespace cellscope
