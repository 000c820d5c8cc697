// Surprisal and entropy per character: the sum over a text equals evaluate()'s total loss (same
// convention: position 0 is not predicted), each value agrees with the probe's window, entropy
// is within [0, ln V], and a chunked replay in any order fills the same values as the pass.
#include <gtest/gtest.h>

#include <cmath>

#include "evaluate.h"
#include "inspect_test_helpers.h"
#include "surprisal.h"

namespace cellscope {
namespace {

using testing_util::TextAndModel;

class SurprisalByCell : public ::testing::TestWithParam<CellType> {};

TEST_P(SurprisalByCell, SumEqualsEvalTotalLoss) {
  TextAndModel tm(GetParam(), 1500, 3, 12, 2, 5);
  Probe probe(*tm.model, tm.text, ProbeOptions{64, 256});
  const CharScores scores = score_text(probe, tm.text);
  ASSERT_EQ(scores.size(), static_cast<int64_t>(tm.text.size()));
  EXPECT_TRUE(std::isnan(scores.surprisal[0]));
  EXPECT_TRUE(std::isnan(scores.entropy[0]));
  const EvalResult eval = evaluate(*tm.model, tm.text, 1, 100);
  EXPECT_EQ(scores.scored(), eval.chars);
  const double eval_total = eval.loss_nats * static_cast<double>(eval.chars);
  EXPECT_NEAR(scores.total_surprisal(), eval_total, 1e-5 * eval_total);
  EXPECT_NEAR(scores.mean_surprisal(), eval.loss_nats, 1e-5 * eval.loss_nats);
  // The random model is far from uniform: a wrong alignment would not match by chance.
  EXPECT_GT(eval.loss_nats, 0.1);
}

TEST_P(SurprisalByCell, MatchesWindowProbabilitiesAndEntropyBounds) {
  TextAndModel tm(GetParam(), 700, 8, 10, 1, 2);
  Probe probe(*tm.model, tm.text, ProbeOptions{32, 128});
  const CharScores scores = score_text(probe, tm.text);
  const Window w = probe.window(0, probe.size(), 1);
  const double log_v = std::log(static_cast<double>(tm.vocab.size()));
  for (int64_t p = 1; p < probe.size(); ++p) {
    const double expected = -std::log(static_cast<double>(w.next_probability[p - 1]));
    ASSERT_NEAR(scores.surprisal[p], expected, 1e-4) << "position " << p;
    ASSERT_GE(scores.entropy[p], -1e-6);
    ASSERT_LE(scores.entropy[p], log_v + 1e-5);
  }
}

TEST_P(SurprisalByCell, ReplayInReverseOrderFillsTheSameValues) {
  TextAndModel tm(GetParam(), 600, 4, 8, 2, 9);
  Probe probe(*tm.model, tm.text, ProbeOptions{50, 100});
  const CharScores pass = score_text(probe, tm.text);
  CharScores replayed = empty_scores(probe.size());
  for (int64_t b = (probe.size() - 1) / 100 * 100; b >= 0; b -= 100) {
    probe.replay(b, std::min<int64_t>(b + 100, probe.size()), score_recorder(tm.text, &replayed));
  }
  for (int64_t p = 0; p < probe.size(); ++p) {
    if (std::isnan(pass.surprisal[p])) {
      EXPECT_TRUE(std::isnan(replayed.surprisal[p]));
      continue;
    }
    ASSERT_EQ(pass.surprisal[p], replayed.surprisal[p]) << p;
    ASSERT_EQ(pass.entropy[p], replayed.entropy[p]) << p;
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, SurprisalByCell,
                         ::testing::Values(CellType::kRnn, CellType::kGru, CellType::kLstm),
                         [](const auto& info) { return to_string(info.param); });

TEST(Surprisal, UniformLogitsGiveLogV) {
  const std::vector<float> logits(7, 0.25f);
  double s, h;
  score_logits(logits.data(), 7, 3, &s, &h);
  EXPECT_NEAR(s, std::log(7.0), 1e-12);
  EXPECT_NEAR(h, std::log(7.0), 1e-12);
  score_logits(logits.data(), 7, -1, &s, &h);
  EXPECT_TRUE(std::isnan(s));
}

TEST(Surprisal, QuantityNames) {
  TextQuantity q;
  ASSERT_TRUE(parse_text_quantity("entropy", &q));
  EXPECT_EQ(q, TextQuantity::kEntropy);
  ASSERT_TRUE(parse_text_quantity("surprisal", &q));
  EXPECT_EQ(to_string(q), "surprisal");
  EXPECT_FALSE(parse_text_quantity("hidden", &q));
}

}  // namespace
}  // namespace cellscope
