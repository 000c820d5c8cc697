// The PyTorch cell variants (reset-after GRU, relu RNN): finite-difference gradient checks in
// double for every parameter and the initial state (relative error <= 1e-6), a hand-computed
// forward step, and training through the Trainer on a tiny text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "gradcheck_helpers.h"
#include "model.h"
#include "test_helpers.h"
#include "threads.h"
#include "trainer.h"

namespace cellscope {
namespace {

struct VariantCase {
  CellType cell;
  int loss_from;
  int carry_at;
  double dropout;
  int threads;
  int hidden;
};

ModelConfig variant_config(CellType cell, int V, int H) {
  ModelConfig c;
  c.cell = cell;
  c.vocab_size = V;
  c.hidden_size = H;
  c.num_layers = 2;
  c.gru_reset_after = cell == CellType::kGru;
  c.rnn_relu = cell == CellType::kRnn;
  return c;
}

std::string name_of(const VariantCase& c) {
  return std::string(c.cell == CellType::kGru ? "gru_reset_after" : "rnn_relu") +
         (c.loss_from ? "_k1k2" : "") + (c.dropout > 0 ? "_dropout" : "") +
         (c.threads > 1 ? "_threads" : "") + "_h" + std::to_string(c.hidden);
}

class VariantGradCheck : public ::testing::TestWithParam<VariantCase> {};

TEST_P(VariantGradCheck, EveryParameterAndInitialState) {
  const VariantCase vc = GetParam();
  set_thread_count(vc.threads);
  ModelConfig config = variant_config(vc.cell, vc.hidden == 3 ? 5 : 20, vc.hidden);
  config.dropout = vc.dropout;
  Model<double> model(config);
  model.init_params(7);
  std::mt19937_64 data_rng(11);
  std::normal_distribution<double> normal(0.0, 0.5);
  // Random values everywhere (also the reset-after GRU's recurrent bias column, which
  // init_params zeroes) so every path is exercised away from zero.
  for (auto& v : model.params().values()) v = normal(data_rng) * (vc.hidden == 3 ? 2.0 : 0.8);
  const int T = 4, B = vc.hidden == 3 ? 3 : 8;
  std::vector<int32_t> inputs(T * B), targets(T * B);
  const uint64_t V = static_cast<uint64_t>(config.vocab_size);
  for (auto& x : inputs) x = static_cast<int32_t>(data_rng() % V);
  for (auto& x : targets) x = static_cast<int32_t>(data_rng() % V);
  ModelState<double> init = model.zero_state(B);
  for (auto& h : init.h) h = h.unaryExpr([&](double) { return normal(data_rng); });
  const ChunkSpec spec{T, B, vc.loss_from, vc.carry_at};
  const std::vector<double> analytic =
      testing_util::expect_gradients_match_finite_differences(model, inputs, targets, spec, init);
  // The recurrent bias column of the reset-after GRU must receive a gradient.
  if (vc.cell == CellType::kGru) {
    const ParamBlock& wh = model.layout().block(model.layout().find("l0.Wh"));
    ASSERT_EQ(wh.cols, vc.hidden + 1);
    double bias_norm = 0.0;
    for (int r = 0; r < wh.rows; ++r) {
      const double g = analytic[wh.offset + static_cast<std::size_t>(vc.hidden * wh.rows + r)];
      bias_norm += g * g;
    }
    EXPECT_GT(bias_norm, 1e-8);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Variants, VariantGradCheck,
    ::testing::Values(VariantCase{CellType::kGru, 0, 0, 0.0, 1, 3},
                      VariantCase{CellType::kGru, 2, 2, 0.3, 1, 3},
                      VariantCase{CellType::kGru, 1, 3, 0.2, 2, 16},
                      VariantCase{CellType::kRnn, 0, 0, 0.0, 1, 3},
                      VariantCase{CellType::kRnn, 2, 2, 0.3, 1, 3},
                      VariantCase{CellType::kRnn, 1, 3, 0.2, 2, 16}),
    [](const ::testing::TestParamInfo<VariantCase>& info) { return name_of(info.param); });

// One step by hand, in PyTorch's equations with our z (see gru_cell.h), one layer.
TEST(GruResetAfter, ForwardMatchesTheEquations) {
  set_thread_count(1);
  ModelConfig config = variant_config(CellType::kGru, 4, 3);
  config.num_layers = 1;
  Model<double> model(config);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0.0, 0.7);
  for (auto& v : model.params().values()) v = normal(rng);
  auto P = [&](const char* name) {
    return model.params().view(model.layout().block(model.layout().find(name)));
  };
  const auto Wx = P("l0.Wx"), Wh = P("l0.Wh"), b = P("l0.b");
  const int H = 3, x = 2;
  ModelState<double> s = model.zero_state(1);
  s.h[0] << 0.3, -0.5, 0.9;
  const Vec<double> h0 = s.h[0].col(0);
  const int32_t in = x;
  model.forward(&in, nullptr, ChunkSpec{1, 1, 0, 0}, s, false, nullptr);
  auto sig = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (int k = 0; k < H; ++k) {
    auto rec = [&](int row) {
      double a = Wh(row, H);
      for (int j = 0; j < H; ++j) a += Wh(row, j) * h0(j);
      return a;
    };
    const double z = sig(Wx(k, x) + b(k, 0) + rec(k));
    const double r = sig(Wx(H + k, x) + b(H + k, 0) + rec(H + k));
    const double n = std::tanh(Wx(2 * H + k, x) + b(2 * H + k, 0) + r * rec(2 * H + k));
    EXPECT_NEAR(s.h[0](k, 0), (1 - z) * h0(k) + z * n, 1e-12);
  }
}

TEST(RnnRelu, ForwardIsRectifiedAndTrainable) {
  set_thread_count(1);
  std::string text;
  for (int i = 0; i < 40; ++i) text += "abcab ";
  for (CellType cell : {CellType::kRnn, CellType::kGru}) {
    const Vocabulary v = testing_util::vocab_of(text);
    const EncodedText enc = testing_util::encode_text(v, text);
    ModelConfig mc = variant_config(cell, 0, 24);
    TrainConfig tc;
    tc.batch_size = 2;
    tc.seq_length = 12;
    tc.learning_rate = 1e-2;
    tc.max_iters = 150;
    tc.max_epochs = 0;
    tc.eval_every = 0;
    tc.checkpoint_every = 0;
    tc.lr_decay_after = 1000;
    tc.clip_mode = ClipMode::kNorm;
    Trainer trainer(mc, tc, v);
    EXPECT_EQ(trainer.model().config().rnn_relu, cell == CellType::kRnn);
    EXPECT_EQ(trainer.model().config().gru_reset_after, cell == CellType::kGru);
    const TrainResult r = trainer.run(enc, EncodedText(), nullptr, nullptr, "");
    EXPECT_EQ(r.reason, StopReason::kMaxIters);
    ModelState<float> s = trainer.model().zero_state(1);
    std::vector<int32_t> in, tg;
    for (std::size_t i = 0; i + 1 < enc.size(); ++i) {
      in.push_back(enc[i]);
      tg.push_back(enc[i + 1]);
    }
    const int T = static_cast<int>(in.size());
    const float loss =
        trainer.model().forward(in.data(), tg.data(), ChunkSpec{T, 1, 0, T}, s, false, nullptr);
    EXPECT_LT(loss, 0.3) << to_string(cell);  // uniform would be log(4) = 1.39
    if (cell == CellType::kRnn) {
      EXPECT_GE(trainer.model().layer_cache(0).h.minCoeff(), 0.0f);  // relu: never negative
    }
  }
}

}  // namespace
}  // namespace cellscope
