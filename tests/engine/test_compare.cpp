// Compare: the totals equal two evaluations (a GRU and an LSTM, and an LSTM against an n-gram,
// through ScoringModel as the CLI and the explorer use it); each detector's losses are the means
// over exactly the characters it marks; the difference is A − B per character.
#include <gtest/gtest.h>

#include <cmath>

#include "compare.h"
#include "detectors.h"
#include "error.h"
#include "evaluate.h"
#include "inspect_test_helpers.h"
#include "surprisal_models.h"
#include "utf8.h"

namespace cellscope {
namespace {

using testing_util::TextAndModel;

TEST(Compare, TotalsEqualTwoEvals) {
  TextAndModel a(CellType::kGru, 1200, 6, 10, 2, 1);
  auto b_model = testing_util::random_model(CellType::kLstm, a.vocab.size(), 12, 1, 2);
  const std::u32string text = utf8_decode(a.chars);
  auto sa = ScoringModel::of_network(*a.model, a.vocab, "a");
  auto sb = ScoringModel::of_network(*b_model, a.vocab, "b");
  const Comparison c =
      compare_scores(sa->score(text, false), sb->score(text, false), text, all_detector_names());
  const EvalResult ea = evaluate(*a.model, a.text, 1, 100);
  const EvalResult eb = evaluate(*b_model, a.text, 1, 100);
  EXPECT_EQ(c.chars, ea.chars);
  EXPECT_NEAR(c.loss_a, ea.loss_nats, 1e-5 * ea.loss_nats);
  EXPECT_NEAR(c.loss_b, eb.loss_nats, 1e-5 * eb.loss_nats);
  EXPECT_GT(std::abs(c.loss_a - c.loss_b), 1e-3);  // two different models
  ASSERT_EQ(c.detectors.size(), detector_list().size());
  for (const DetectorLoss& d : c.detectors) EXPECT_LE(d.chars, c.chars) << d.detector;
}

TEST(Compare, NetworkAgainstNgramAndDetectorSubsets) {
  TextAndModel a(CellType::kLstm, 900, 3, 8, 1, 4);
  const std::u32string text = utf8_decode(a.chars);
  auto net = ScoringModel::of_network(*a.model, a.vocab, "lstm");
  auto ngram = ScoringModel::of_ngram(NgramModel::build(a.vocab, a.text, 4), "4-gram");
  EXPECT_EQ(ngram->description(), "4-gram (Kneser-Ney)");
  const CharScores sa = net->score(text, false), sb = ngram->score(text, true);
  const Comparison c = compare_scores(sa, sb, text, {"bracket-depth", "double-quote-toggle"});
  const EvalResult ea = evaluate(*a.model, a.text, 1, 64);
  EXPECT_NEAR(c.loss_a, ea.loss_nats, 1e-5 * ea.loss_nats);
  EXPECT_NEAR(c.loss_b, sb.mean_surprisal(), 1e-12);
  EXPECT_LT(c.loss_b, c.loss_a);  // the n-gram was counted on this very text

  const Signal depth = detect("bracket-depth", text);
  double sum_a = 0.0, sum_b = 0.0;
  int64_t marked = 0;
  for (std::size_t p = 1; p < text.size(); ++p) {
    ASSERT_FLOAT_EQ(c.difference[p], sa.surprisal[p] - sb.surprisal[p]);
    if (depth.values[p] < 1.0f) continue;
    sum_a += sa.surprisal[p];
    sum_b += sb.surprisal[p];
    ++marked;
  }
  ASSERT_GT(marked, 0);
  EXPECT_EQ(c.detectors[0].chars, marked);
  EXPECT_NEAR(c.detectors[0].loss_a, sum_a / marked, 1e-9);
  EXPECT_NEAR(c.detectors[0].loss_b, sum_b / marked, 1e-9);
  EXPECT_TRUE(std::isnan(c.difference[0]));
}

TEST(Compare, MismatchedScoresAndBadDetectorsAreErrors) {
  const std::u32string text = U"abc";
  EXPECT_THROW(compare_scores(empty_scores(3), empty_scores(2), text, {}), Error);
  EXPECT_THROW(compare_scores(empty_scores(3), empty_scores(3), text, {"nope"}), Error);
  const Comparison none = compare_scores(empty_scores(3), empty_scores(3), text, {"url"});
  EXPECT_EQ(none.chars, 0);
  EXPECT_TRUE(std::isnan(none.detectors[0].loss_a));
}

}  // namespace
}  // namespace cellscope
