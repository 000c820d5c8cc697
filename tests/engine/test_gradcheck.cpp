// The engine's keystone test: finite-difference gradient checks in double precision for every
// parameter and the initial state, for each cell type, with two layers; relative error <= 1e-6.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "gradcheck_helpers.h"
#include "model.h"
#include "threads.h"

namespace cellscope {
namespace {

struct CheckCase {
  CellType cell;
  int loss_from;    // > 0 exercises BPTT(k1, k2): only the last steps count
  int carry_at;     // 0: T
  double dropout;   // > 0: the same mask every evaluation (fixed seed)
  int threads = 1;  // 2: streams, rows and columns split over two threads
  int hidden = 3;   // 16: products large enough for the blocked GEMM path (gemm.h)
};

std::string name_of(const CheckCase& c) {
  return to_string(c.cell) + (c.loss_from ? "_k1k2" : "") + (c.dropout > 0 ? "_dropout" : "") +
         (c.threads > 1 ? "_threads" + std::to_string(c.threads) : "") +
         (c.hidden != 3 ? "_h" + std::to_string(c.hidden) : "");
}

class GradCheck : public ::testing::TestWithParam<CheckCase> {};

TEST_P(GradCheck, EveryParameterAndInitialState) {
  const CheckCase cc = GetParam();
  set_thread_count(cc.threads);
  ModelConfig config;
  config.cell = cc.cell;
  config.vocab_size = cc.hidden == 3 ? 5 : 20;
  config.hidden_size = cc.hidden;
  config.num_layers = 2;
  config.dropout = cc.dropout;
  Model<double> model(config);
  model.init_params(7);
  // Larger weights than the default init so the nonlinearities are exercised away from zero.
  for (auto& v : model.params().values()) v *= cc.hidden == 3 ? 3.0 : 1.5;

  const int T = 4, B = cc.hidden == 3 ? 3 : 8;
  std::mt19937_64 data_rng(11);
  std::vector<int32_t> inputs(T * B), targets(T * B);
  const uint64_t V = static_cast<uint64_t>(config.vocab_size);
  for (auto& x : inputs) x = static_cast<int32_t>(data_rng() % V);
  for (auto& x : targets) x = static_cast<int32_t>(data_rng() % V);
  ModelState<double> init = model.zero_state(B);
  std::normal_distribution<double> normal(0.0, 0.5);
  for (auto& h : init.h) h = h.unaryExpr([&](double) { return normal(data_rng); });
  for (auto& c : init.c) c = c.unaryExpr([&](double) { return normal(data_rng); });
  const ChunkSpec spec{T, B, cc.loss_from, cc.carry_at};

  double worst = 0.0;
  const std::vector<double> analytic = testing_util::expect_gradients_match_finite_differences(
      model, inputs, targets, spec, init, &worst);
  RecordProperty("worst_relative_error", std::to_string(worst));
  // Gradients must not be trivially zero: the check would then prove nothing.
  double norm = 0.0;
  for (double g : analytic) norm += g * g;
  EXPECT_GT(norm, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(
    AllCells, GradCheck,
    ::testing::Values(
        CheckCase{CellType::kRnn, 0, 0, 0.0}, CheckCase{CellType::kGru, 0, 0, 0.0},
        CheckCase{CellType::kLstm, 0, 0, 0.0}, CheckCase{CellType::kRnn, 2, 2, 0.0},
        CheckCase{CellType::kGru, 2, 2, 0.0}, CheckCase{CellType::kLstm, 2, 2, 0.0},
        CheckCase{CellType::kRnn, 0, 0, 0.3}, CheckCase{CellType::kGru, 0, 0, 0.3},
        CheckCase{CellType::kLstm, 0, 0, 0.3}, CheckCase{CellType::kRnn, 2, 2, 0.3, 2},
        CheckCase{CellType::kGru, 2, 2, 0.3, 2}, CheckCase{CellType::kLstm, 2, 2, 0.3, 2},
        CheckCase{CellType::kRnn, 0, 0, 0.0, 2, 16}, CheckCase{CellType::kGru, 0, 0, 0.2, 2, 16},
        CheckCase{CellType::kLstm, 1, 3, 0.2, 2, 16}),
    [](const ::testing::TestParamInfo<CheckCase>& info) { return name_of(info.param); });

}  // namespace
}  // namespace cellscope
