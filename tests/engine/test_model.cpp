// Model forward checked against a naive reference: per-gate, per-unit scalar loops written
// straight from each cell's equations, in double, over several steps, layers and streams.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "model.h"
#include "threads.h"

namespace cellscope {
namespace {

double sig(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// Reference forward for one stream: returns the summed cross-entropy; updates h, c per layer.
double naive_forward(Model<double>& m, const std::vector<int>& in, const std::vector<int>& tg,
                     std::vector<std::vector<double>>& h, std::vector<std::vector<double>>& c) {
  const ModelConfig& cfg = m.config();
  const int H = cfg.hidden_size, V = cfg.vocab_size;
  auto P = [&](const std::string& name) {
    return m.params().view(m.layout().block(m.layout().find(name)));
  };
  double loss = 0.0;
  for (std::size_t t = 0; t < in.size(); ++t) {
    std::vector<double> x(static_cast<std::size_t>(V), 0.0);
    x[static_cast<std::size_t>(in[t])] = 1.0;
    for (int l = 0; l < cfg.num_layers; ++l) {
      const std::string p = "l" + std::to_string(l) + ".";
      auto Wx = P(p + "Wx");
      auto Wh = P(p + "Wh");
      auto b = P(p + "b");
      const int D = static_cast<int>(x.size());
      auto& hl = h[static_cast<std::size_t>(l)];
      auto& cl = c[static_cast<std::size_t>(l)];
      // pre(row) = Wx[row]·x + b[row] (+ Wh[row]·hprev, except the GRU candidate)
      auto wx = [&](int row) {
        double s = b(row, 0);
        for (int d = 0; d < D; ++d) s += Wx(row, d) * x[static_cast<std::size_t>(d)];
        return s;
      };
      auto wh = [&](int row, const std::vector<double>& v) {
        double s = 0.0;
        for (int k = 0; k < H; ++k) s += Wh(row, k) * v[static_cast<std::size_t>(k)];
        return s;
      };
      std::vector<double> hn(static_cast<std::size_t>(H)), cn(static_cast<std::size_t>(H));
      if (cfg.cell == CellType::kRnn) {
        for (int u = 0; u < H; ++u) hn[static_cast<std::size_t>(u)] = std::tanh(wx(u) + wh(u, hl));
      } else if (cfg.cell == CellType::kLstm) {
        for (int u = 0; u < H; ++u) {
          const double i = sig(wx(u) + wh(u, hl));
          const double f = sig(wx(H + u) + wh(H + u, hl));
          const double o = sig(wx(2 * H + u) + wh(2 * H + u, hl));
          const double g = std::tanh(wx(3 * H + u) + wh(3 * H + u, hl));
          cn[static_cast<std::size_t>(u)] = f * cl[static_cast<std::size_t>(u)] + i * g;
          hn[static_cast<std::size_t>(u)] = o * std::tanh(cn[static_cast<std::size_t>(u)]);
        }
        cl = cn;
      } else {
        std::vector<double> z(static_cast<std::size_t>(H)), rh(static_cast<std::size_t>(H));
        for (int u = 0; u < H; ++u) {
          z[static_cast<std::size_t>(u)] = sig(wx(u) + wh(u, hl));
          rh[static_cast<std::size_t>(u)] =
              sig(wx(H + u) + wh(H + u, hl)) * hl[static_cast<std::size_t>(u)];
        }
        for (int u = 0; u < H; ++u) {
          const double hh = std::tanh(wx(2 * H + u) + wh(2 * H + u, rh));
          const double zu = z[static_cast<std::size_t>(u)];
          hn[static_cast<std::size_t>(u)] = (1 - zu) * hl[static_cast<std::size_t>(u)] + zu * hh;
        }
      }
      hl = hn;
      x = hn;
    }
    auto W = P("out.W");
    auto b = P("out.b");
    std::vector<double> logits(static_cast<std::size_t>(V));
    double mx = -1e300;
    for (int v = 0; v < V; ++v) {
      double s = b(v, 0);
      for (int k = 0; k < H; ++k) s += W(v, k) * x[static_cast<std::size_t>(k)];
      logits[static_cast<std::size_t>(v)] = s;
      mx = std::max(mx, s);
    }
    double z = 0.0;
    for (double l : logits) z += std::exp(l - mx);
    loss -= logits[static_cast<std::size_t>(tg[t])] - mx - std::log(z);
  }
  return loss;
}

class ForwardVsNaive : public ::testing::TestWithParam<std::tuple<CellType, int>> {};

TEST_P(ForwardVsNaive, LossAndStateMatch) {
  set_thread_count(std::get<1>(GetParam()));
  ModelConfig cfg;
  cfg.cell = std::get<0>(GetParam());
  cfg.vocab_size = 7;
  cfg.hidden_size = 5;
  cfg.num_layers = 3;
  Model<double> model(cfg);
  model.init_params(3);
  for (auto& v : model.params().values()) v *= 4.0;
  const int T = 6, B = 3;
  std::mt19937_64 rng(5);
  std::vector<int32_t> in(T * B), tg(T * B);
  for (auto& v : in) v = static_cast<int32_t>(rng() % 7);
  for (auto& v : tg) v = static_cast<int32_t>(rng() % 7);
  ModelState<double> state = model.zero_state(B);
  const double loss =
      model.forward(in.data(), tg.data(), ChunkSpec{T, B, 0, T}, state, false, nullptr);

  double total = 0.0;
  for (int b = 0; b < B; ++b) {
    std::vector<int> sin, stg;
    for (int t = 0; t < T; ++t) {
      sin.push_back(in[static_cast<std::size_t>(t * B + b)]);
      stg.push_back(tg[static_cast<std::size_t>(t * B + b)]);
    }
    std::vector<std::vector<double>> h(3, std::vector<double>(5, 0.0)), c = h;
    total += naive_forward(model, sin, stg, h, c);
    for (int l = 0; l < 3; ++l) {
      for (int u = 0; u < 5; ++u) {
        EXPECT_NEAR(state.h[static_cast<std::size_t>(l)](u, b),
                    h[static_cast<std::size_t>(l)][static_cast<std::size_t>(u)], 1e-12);
        if (cfg.cell == CellType::kLstm) {
          EXPECT_NEAR(state.c[static_cast<std::size_t>(l)](u, b),
                      c[static_cast<std::size_t>(l)][static_cast<std::size_t>(u)], 1e-12);
        }
      }
    }
  }
  EXPECT_NEAR(loss, total / (T * B), 1e-12);
}

INSTANTIATE_TEST_SUITE_P(AllCells, ForwardVsNaive,
                         ::testing::Combine(::testing::Values(CellType::kRnn, CellType::kGru,
                                                              CellType::kLstm),
                                            ::testing::Values(1, 2)),
                         [](const auto& info) {
                           return to_string(std::get<0>(info.param)) + "_threads" +
                                  std::to_string(std::get<1>(info.param));
                         });

TEST(Model, LstmForgetBiasStartsAtOne) {
  ModelConfig cfg;
  cfg.vocab_size = 4;
  cfg.hidden_size = 3;
  cfg.num_layers = 2;
  Model<float> m(cfg);
  m.init_params(1);
  for (int l = 0; l < 2; ++l) {
    auto b = m.params().view(m.layout().block(m.layout().find("l" + std::to_string(l) + ".b")));
    for (int u = 0; u < 12; ++u) EXPECT_EQ(b(u, 0), (u >= 3 && u < 6) ? 1.0f : 0.0f) << u;
  }
}

TEST(Model, ParameterCountMatchesLayout) {
  ModelConfig cfg;
  cfg.cell = CellType::kGru;
  cfg.vocab_size = 65;
  cfg.hidden_size = 128;
  cfg.num_layers = 2;
  // Layer 0: 3H×V + 3H×H + 3H; layer 1: 3H×H + 3H×H + 3H; output: V×H + V.
  const std::size_t H = 128, V = 65;
  EXPECT_EQ(parameter_count(cfg),
            3 * H * V + 3 * H * H + 3 * H + 2 * 3 * H * H + 3 * H + V * H + V);
  EXPECT_EQ(Model<float>(cfg).params().size(), parameter_count(cfg));
}

TEST(Model, CarryAtHandsBackTheIntermediateState) {
  ModelConfig cfg;
  cfg.vocab_size = 5;
  cfg.hidden_size = 4;
  cfg.num_layers = 2;
  Model<double> m(cfg);
  m.init_params(9);
  std::vector<int32_t> in = {1, 2, 3, 4, 0, 1}, tg = {2, 3, 4, 0, 1, 2};
  ModelState<double> full = m.zero_state(1), part = m.zero_state(1);
  m.forward(in.data(), tg.data(), ChunkSpec{3, 1, 0, 3}, full, false, nullptr);
  m.forward(in.data(), tg.data(), ChunkSpec{6, 1, 0, 3}, part, false, nullptr);
  for (int l = 0; l < 2; ++l) {
    EXPECT_TRUE(full.h[static_cast<std::size_t>(l)].isApprox(part.h[static_cast<std::size_t>(l)]));
    EXPECT_TRUE(full.c[static_cast<std::size_t>(l)].isApprox(part.c[static_cast<std::size_t>(l)]));
  }
}

}  // namespace
}  // namespace cellscope

namespace cellscope {
namespace {

// Batch 1 with two threads runs the layer wavefront (model.cpp; only for layers of G·H² ≥
// 131072 multiply-adds per step, hence H = 370): it must equal the naive
// reference and the single-thread result, for every cell type.
TEST(Model, BatchOneWavefrontMatchesReference) {
  for (CellType cell : {CellType::kRnn, CellType::kGru, CellType::kLstm}) {
    ModelConfig cfg;
    cfg.cell = cell;
    cfg.vocab_size = 6;
    cfg.hidden_size = 370;  // above the wavefront's size threshold for every cell type
    cfg.num_layers = 3;
    Model<double> model(cfg);
    model.init_params(12);
    for (auto& v : model.params().values()) v *= 3.0;
    const int T = 70;
    std::mt19937_64 rng(8);
    std::vector<int32_t> in(T), tg(T);
    for (auto& v : in) v = static_cast<int32_t>(rng() % 6);
    for (auto& v : tg) v = static_cast<int32_t>(rng() % 6);
    double losses[2];
    for (int threads : {1, 2}) {
      set_thread_count(threads);
      ModelState<double> state = model.zero_state(1);
      losses[threads - 1] =
          model.forward(in.data(), tg.data(), ChunkSpec{T, 1, 0, T}, state, false, nullptr);
      std::vector<std::vector<double>> h(3, std::vector<double>(370, 0.0)), c = h;
      const double naive = naive_forward(model, std::vector<int>(in.begin(), in.end()),
                                         std::vector<int>(tg.begin(), tg.end()), h, c) /
                           T;
      EXPECT_NEAR(losses[threads - 1], naive, 1e-10) << to_string(cell) << " threads " << threads;
      for (int u = 0; u < 8; ++u) {
        EXPECT_NEAR(state.h[2](u, 0), h[2][static_cast<std::size_t>(u)], 1e-9);  // 740-term sums
      }
    }
    EXPECT_NEAR(losses[0], losses[1], 1e-10) << to_string(cell);
  }
  set_thread_count(1);
}

}  // namespace
}  // namespace cellscope
