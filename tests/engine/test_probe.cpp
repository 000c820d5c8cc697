// Probe: quantity names, the mapping of quantities to the cells' gate rows (checked through the
// cell equations), windows bit-identical to the full pass from any checkpoint, predictions,
// tracks, cancellation, and the measured error when the chunking differs.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <sstream>

#include "error.h"
#include "inspect_test_helpers.h"
#include "probe.h"

namespace cellscope {
namespace {

using testing_util::random_model;
using testing_util::TextAndModel;

// Every quantity of every layer, and the logits, at every position of one pass.
struct FullPass {
  std::vector<Mat<float>> values;  // [layer * Q + qi]: (H × n)
  Mat<float> logits;               // (V × n)
};

FullPass record_pass(Probe& probe, const ProbeOptions& options) {
  const ModelConfig& c = probe.model().config();
  const auto& qs = cell_quantities(c.cell);
  FullPass p;
  p.values.assign(static_cast<std::size_t>(c.num_layers) * qs.size(),
                  Mat<float>(c.hidden_size, probe.size()));
  p.logits.resize(c.vocab_size, probe.size());
  int64_t expected_begin = 0;
  EXPECT_TRUE(probe.run([&](const ChunkView& chunk) {
    EXPECT_EQ(chunk.begin(), expected_begin);
    EXPECT_EQ(chunk.steps(), std::min<int64_t>(options.chunk, probe.size() - chunk.begin()));
    expected_begin += chunk.steps();
    for (int l = 0; l < c.num_layers; ++l) {
      for (std::size_t qi = 0; qi < qs.size(); ++qi) {
        p.values[static_cast<std::size_t>(l) * qs.size() + qi].middleCols(
            chunk.begin(), chunk.steps()) = chunk.values(l, qs[qi]);
      }
    }
    p.logits.middleCols(chunk.begin(), chunk.steps()) = chunk.logits();
  }));
  EXPECT_EQ(expected_begin, probe.size());
  return p;
}

TEST(Quantity, NamesRoundTripAndUnknownNamesAreErrors) {
  std::stringstream names(quantity_names());
  std::string name;
  int count = 0;
  while (std::getline(names, name, '|')) {
    EXPECT_EQ(to_string(parse_quantity(name)), name);
    ++count;
  }
  EXPECT_EQ(count, 9);
  try {
    parse_quantity("celll");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tanh-cell"), std::string::npos) << e.what();
  }
}

TEST(Quantity, EachCellTypeHasItsOwn) {
  EXPECT_EQ(cell_quantities(CellType::kLstm).size(), 7u);
  EXPECT_EQ(cell_quantities(CellType::kGru).size(), 4u);
  EXPECT_EQ(cell_quantities(CellType::kRnn).size(), 1u);
  EXPECT_TRUE(has_quantity(CellType::kLstm, Quantity::kForget));
  EXPECT_FALSE(has_quantity(CellType::kLstm, Quantity::kUpdate));
  EXPECT_FALSE(has_quantity(CellType::kGru, Quantity::kCell));
  EXPECT_TRUE(has_quantity(CellType::kGru, Quantity::kReset));
  EXPECT_FALSE(has_quantity(CellType::kRnn, Quantity::kCandidate));
  try {
    require_quantity(CellType::kGru, Quantity::kCell);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gru model has no 'cell'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(quantity_range(Quantity::kForget), QuantityRange::kUnit);
  EXPECT_EQ(quantity_range(Quantity::kHidden), QuantityRange::kSigned);
  EXPECT_EQ(quantity_range(Quantity::kCell), QuantityRange::kUnbounded);
}

class ProbeByCell : public ::testing::TestWithParam<CellType> {};

// Windows anywhere (inside a chunk, across chunks and checkpoints, the ragged last chunk, the
// whole text), before and after the pass kept its checkpoints: bit-identical to the pass.
TEST_P(ProbeByCell, WindowsEqualTheFullPassExactly) {
  const TextAndModel m(GetParam(), 301, 7, 8, 2, 11);
  const ProbeOptions options{16, 48};
  Probe reference(*m.model, m.text, options);
  const FullPass full = record_pass(reference, options);
  const auto& qs = cell_quantities(GetParam());

  Probe fresh(*m.model, m.text, options);  // no pass yet: replays from position 0
  const std::pair<int64_t, int64_t> ranges[] = {{0, 1},     {5, 40},    {47, 49},   {48, 96},
                                                {100, 290}, {290, 301}, {300, 301}, {0, 301}};
  for (Probe* probe : {&fresh, &reference}) {
    for (const auto& [a, b] : ranges) {
      const Window w = probe->window(a, b, 3);
      ASSERT_EQ(w.size(), b - a);
      for (int l = 0; l < 2; ++l) {
        for (std::size_t qi = 0; qi < qs.size(); ++qi) {
          const Mat<float> expected =
              full.values[static_cast<std::size_t>(l) * qs.size() + qi].middleCols(a, b - a);
          // Exact: same chunk boundaries, same GEMM shapes, same float operations.
          EXPECT_TRUE(w.of(l, qs[qi]) == expected)
              << to_string(qs[qi]) << " layer " << l << " [" << a << ", " << b << ")";
        }
      }
    }
  }
  EXPECT_TRUE(reference.complete());
  EXPECT_EQ(reference.checkpoint_bytes(),
            7u * 2 * 8 * (GetParam() == CellType::kLstm ? 2 : 1) * sizeof(float));  // ⌈301/48⌉
}

TEST_P(ProbeByCell, PredictionsAreTheSoftmaxOfTheLogits) {
  const TextAndModel m(GetParam(), 90, 3, 6, 1, 5);
  const ProbeOptions options{16, 32};
  Probe probe(*m.model, m.text, options);
  const FullPass full = record_pass(probe, options);
  const int V = m.vocab.size();
  const Window w = probe.window(10, 90, V);
  for (int64_t pos = 10; pos < 90; ++pos) {
    const Eigen::ArrayXd l = full.logits.col(pos).cast<double>().array();
    const Eigen::ArrayXd p = (l - l.maxCoeff()).exp() / (l - l.maxCoeff()).exp().sum();
    const Prediction* top = w.predictions(pos);
    double sum = 0.0;
    for (int r = 0; r < V; ++r) {
      EXPECT_NEAR(top[r].probability, p(top[r].id), 1e-6);
      if (r > 0) {
        EXPECT_GE(top[r - 1].probability, top[r].probability);
      }
      sum += top[r].probability;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
    if (pos + 1 < 90) {
      EXPECT_NEAR(w.next_probability[static_cast<std::size_t>(pos - 10)], p(m.text[pos + 1]), 1e-6);
    } else {
      EXPECT_TRUE(std::isnan(w.next_probability.back()));
    }
  }
  EXPECT_EQ(probe.window(0, 5, 1000).top_k, V);  // top_k is capped at V
}

// The quantities are the right gate rows: the cell equations hold between them.
TEST_P(ProbeByCell, QuantitiesSatisfyTheCellEquations) {
  const TextAndModel m(GetParam(), 120, 9, 7, 2, 13);
  Probe probe(*m.model, m.text, {32, 64});
  const Window w = probe.window(0, 120);
  for (int l = 0; l < 2; ++l) {
    const Mat<float>& h = w.of(l, Quantity::kHidden);
    for (int64_t t = 0; t < 120; ++t) {
      for (int u = 0; u < 7; ++u) {
        const double h_prev = t > 0 ? h(u, t - 1) : 0.0;
        if (GetParam() == CellType::kLstm) {
          const double c_prev = t > 0 ? w.value(t - 1, l, u, Quantity::kCell) : 0.0;
          const double i = w.value(t, l, u, Quantity::kInput);
          const double f = w.value(t, l, u, Quantity::kForget);
          const double o = w.value(t, l, u, Quantity::kOutput);
          const double g = w.value(t, l, u, Quantity::kCandidate);
          const double c = w.value(t, l, u, Quantity::kCell);
          ASSERT_NEAR(c, f * c_prev + i * g, 1e-5);
          ASSERT_NEAR(w.value(t, l, u, Quantity::kTanhCell), std::tanh(c), 1e-5);
          ASSERT_NEAR(h(u, t), o * std::tanh(c), 1e-5);
          ASSERT_TRUE(i > 0 && i < 1 && f > 0 && f < 1 && o > 0 && o < 1 && g > -1 && g < 1);
        } else if (GetParam() == CellType::kGru) {
          const double z = w.value(t, l, u, Quantity::kUpdate);
          const double r = w.value(t, l, u, Quantity::kReset);
          const double hc = w.value(t, l, u, Quantity::kCandidate);
          ASSERT_NEAR(h(u, t), (1 - z) * h_prev + z * hc, 1e-5);
          ASSERT_TRUE(r > 0 && r < 1 && hc > -1 && hc < 1);
        } else {
          ASSERT_TRUE(h(u, t) > -1 && h(u, t) < 1);
        }
      }
    }
  }
}

TEST_P(ProbeByCell, TrackIsOneRowOfTheWindow) {
  const TextAndModel m(GetParam(), 200, 4, 5, 2, 17);
  Probe probe(*m.model, m.text, {16, 32});
  const Quantity q = cell_quantities(GetParam()).back();
  const std::vector<float> track = probe.track(1, 3, q);
  const Window w = probe.window(0, 200);
  ASSERT_EQ(track.size(), 200u);
  for (int64_t t = 0; t < 200; ++t)
    EXPECT_EQ(track[static_cast<std::size_t>(t)], w.value(t, 1, 3, q));
  EXPECT_THROW(probe.track(2, 0, q), Error);
  EXPECT_THROW(probe.track(0, 5, q), Error);
}

INSTANTIATE_TEST_SUITE_P(Cells, ProbeByCell,
                         ::testing::Values(CellType::kLstm, CellType::kGru, CellType::kRnn),
                         [](const auto& info) { return to_string(info.param); });

// Different chunking changes the GEMM shapes of the input projections and the output layer, so
// the same text read in chunks of 256 and of 1 (or 100) agrees only up to float rounding.
// Measured here on a 2x64 LSTM over 2,000 characters; the bound asserted has a wide margin.
TEST(Probe, DifferentChunkingAgreesToRounding) {
  const TextAndModel m(CellType::kLstm, 2000, 21, 64, 2, 23);
  for (auto& v : m.model->params().values()) v /= 3.0f;  // the default init's scale
  Probe by256(*m.model, m.text, {256, 256});
  const Window a = by256.window(0, 2000);
  for (int chunk : {1, 100}) {
    Probe other(*m.model, m.text, {chunk, chunk * 10});
    const Window b = other.window(0, 2000);
    double max_error = 0.0;
    for (std::size_t k = 0; k < a.values.size(); ++k) {
      max_error = std::max(max_error,
                           static_cast<double>((a.values[k] - b.values[k]).cwiseAbs().maxCoeff()));
    }
    std::cout << "[ measured ] chunk 256 vs " << chunk << ": max |difference| = " << max_error
              << "\n";
    EXPECT_LE(max_error, 1e-5) << chunk;
  }
}

TEST(Probe, CancelStopsThePassAndARunLaterCompletesIt) {
  const TextAndModel m(CellType::kGru, 500, 2, 4, 1, 3);
  Probe probe(*m.model, m.text, {16, 64});
  int calls = 0;
  std::vector<double> fractions;
  EXPECT_FALSE(probe.run({}, [&](double f) {
    fractions.push_back(f);
    return ++calls < 3;
  }));
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(probe.complete());
  fractions.clear();
  EXPECT_TRUE(probe.run({}, [&](double f) {
    fractions.push_back(f);
    return true;
  }));
  EXPECT_TRUE(probe.complete());
  ASSERT_FALSE(fractions.empty());
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  for (std::size_t i = 1; i < fractions.size(); ++i) EXPECT_GT(fractions[i], fractions[i - 1]);
}

TEST(Probe, BadInputsAreErrors) {
  const TextAndModel m(CellType::kLstm, 100, 1, 4, 1, 3);
  EXPECT_THROW(Probe(*m.model, EncodedText(), {}), Error);
  EXPECT_THROW(Probe(*m.model, m.text, {16, 40}), Error);  // not a multiple
  EXPECT_THROW(Probe(*m.model, m.text, {0, 16}), Error);
  Probe probe(*m.model, m.text, {16, 32});
  EXPECT_THROW(probe.window(-1, 5), Error);
  EXPECT_THROW(probe.window(5, 5), Error);
  EXPECT_THROW(probe.window(90, 101), Error);
  EXPECT_THROW(probe.window(0, 5).of(0, Quantity::kUpdate), Error);
  // A window over millions of characters would hold L·H·Q floats each: refused, not allocated.
  auto wide = random_model(CellType::kLstm, m.vocab.size(), 32, 2, 3);
  const EncodedText long_text(m.vocab.size(), 5'000'000);
  Probe long_probe(*wide, long_text, {16, 32});
  try {
    long_probe.window(0, 5'000'000);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("smaller range"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cellscope
