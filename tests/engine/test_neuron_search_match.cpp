// The match query (LSTMVis): the separation ranking and the place scores on hand-made
// activations, match_ranges against brute force over a window of a random model, and the user's
// case on the bundled Linux model: selecting a whole C comment finds the comment neuron.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "checkpoint.h"
#include "detectors.h"
#include "error.h"
#include "inspect_test_helpers.h"
#include "neuron_search.h"
#include "trainer.h"
#include "utf8.h"

namespace cellscope {
namespace {

using testing_util::TextAndModel;

// Rows of '0'/'1' characters (one per position) as values 0.1 / 0.9.
Mat<float> activations(const std::vector<std::string>& rows) {
  Mat<float> v(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t t = 0; t < rows[r].size(); ++t) {
      v(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(t)) =
          rows[r][t] == '1' ? 0.9f : 0.1f;
    }
  }
  return v;
}

TEST(SeparationCounter, RanksByInsideMinusOutsideOnFractionsAfterTheLeadIn) {
  // Span [4, 10), lead-in 2: inside [6, 10); off 2: outside 2, 3, 10, 11.
  MatchQuery q;
  q.begin = 4;
  q.end = 10;
  q.lead_in = 2;
  q.off = 2;
  //                                   0123456789012345
  const Mat<float> v = activations({"0000001111000000",    // switches on late: 1 - 0
                                    "0001111111110000",    // on around too: 1 - 3/4
                                    "0000111101000000",    // a dip inside: 3/4 - 0
                                    "1111111111111111"});  // always on: 1 - 1
  const std::vector<NeuronRef> neurons = {{0, 0}, {0, 1}, {0, 2}, {1, 0}};
  SeparationCounter counter(neurons, q, 16);
  counter.add(0, v.leftCols(5));  // chunks cut anywhere
  counter.add(5, v.rightCols(11));
  const std::vector<NeuronMatch> r = counter.ranking();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].ref, (NeuronRef{0, 0}));
  EXPECT_DOUBLE_EQ(r[0].separation, 1.0);
  EXPECT_NEAR(r[0].margin, 0.8, 1e-6);
  EXPECT_EQ(r[1].ref, (NeuronRef{0, 2}));
  EXPECT_DOUBLE_EQ(r[1].inside_on, 0.75);
  EXPECT_DOUBLE_EQ(r[1].outside_on, 0.0);
  EXPECT_EQ(r[2].ref, (NeuronRef{0, 1}));
  EXPECT_DOUBLE_EQ(r[2].separation, 0.25);
  EXPECT_EQ(r[3].ref, (NeuronRef{1, 0}));
  EXPECT_DOUBLE_EQ(r[3].separation, 0.0);
  q.min_separation = 0.7;
  EXPECT_EQ(choose_neurons(r, q), (std::vector<NeuronRef>{{0, 0}, {0, 2}}));
  q.max_neurons = 1;
  EXPECT_EQ(choose_neurons(r, q), (std::vector<NeuronRef>{{0, 0}}));

  // Without a lead-in the late starter is on for only 4 of 6 inside positions.
  q.lead_in = 0;
  SeparationCounter strict(neurons, q, 16);
  strict.add(0, v);
  EXPECT_NEAR(strict.ranking()[1].separation, 4.0 / 6.0, 1e-12);
  // A lead-in longer than the span still leaves its last position inside.
  q.lead_in = 50;
  EXPECT_EQ(inside_begin(q), 9);
}

TEST(RangeMatcher, ScoresPlacesByHowManyChosenNeuronsAreOnAndForHowLong) {
  // Span [2, 6) with lead-in 1: inside length 3. Chosen: rows 0 and 1 (min on = 1).
  MatchQuery q;
  q.begin = 2;
  q.end = 6;
  q.lead_in = 1;
  q.top = 3;
  //                                   0         1         2
  //                                   0123456789012345678901234
  const Mat<float> v = activations({"0011110001111100110000111",
                                    "0001110001111000010000001",
                                    "0000000001111100000000111"});
  const std::vector<NeuronRef> neurons = {{0, 0}, {0, 1}, {0, 2}};
  RangeMatcher m(neurons, {{0, 0}, {0, 1}}, q);
  m.add(0, v.leftCols(11));
  m.add(11, v.rightCols(14));
  const std::vector<RangeMatch> got = m.finish();
  // Places (the span's run [2, 6) skipped): [9, 14): row 0 on 5, row 1 on 4 → (1 + 1) / 2,
  // shared 2, extra 1 (row 2 on throughout); [16, 18): 2 and 1 → (2/3 + 1/3) / 2 = 0.5,
  // shared 2, extra 0; [22, 25): 3 and 1 → (1 + 1/3) / 2, shared 1 (row 1 on 1 of 3), extra 1.
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].begin, 9);
  EXPECT_EQ(got[0].end, 14);
  EXPECT_DOUBLE_EQ(got[0].score, 1.0);
  EXPECT_EQ(got[0].shared, 2);
  EXPECT_EQ(got[0].extra, 1);
  EXPECT_EQ(got[1].begin, 22);
  EXPECT_NEAR(got[1].score, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(got[1].shared, 1);
  EXPECT_EQ(got[1].extra, 1);
  EXPECT_EQ(got[2].begin, 16);
  EXPECT_NEAR(got[2].score, 0.5, 1e-12);
  EXPECT_EQ(got[2].shared, 2);
  EXPECT_EQ(got[2].extra, 0);
}

// match_ranges on a random model against the definitions, by brute force over a window.
TEST(Match, NeuronsAndPlacesFollowTheDefinition) {
  const TextAndModel m(CellType::kGru, 800, 12, 10, 2, 29);
  Probe probe(*m.model, m.text, {32, 64});
  const Window w = probe.window(0, 800);
  MatchQuery q;
  q.threshold = 0.3f;
  q.begin = 300;
  q.end = 312;
  q.min_separation = 0.5;
  const MatchResult r = match_ranges(probe, q);
  const std::vector<NeuronRef> all = query_neurons(m.model->config(), q);
  ASSERT_EQ(all.size(), 20u);
  auto on = [&](int64_t t, const NeuronRef& n) {
    return w.value(t, n.layer, n.neuron, Quantity::kHidden) >= q.threshold;
  };
  // Separation: inside [302, 312), outside [297, 300) and [312, 315).
  std::vector<std::pair<double, NeuronRef>> expected;
  for (const NeuronRef& n : all) {
    int in = 0, out = 0;
    for (int64_t t = 302; t < 312; ++t) in += on(t, n);
    for (int64_t t : {297, 298, 299, 312, 313, 314}) out += on(t, n);
    expected.push_back({in / 10.0 - out / 6.0, n});
  }
  ASSERT_EQ(r.neurons.size(), 20u);
  std::vector<NeuronRef> chosen;
  for (std::size_t i = 0; i < r.neurons.size(); ++i) {
    const NeuronMatch& got = r.neurons[i];
    const auto it = std::find_if(expected.begin(), expected.end(),
                                 [&](const auto& e) { return e.second == got.ref; });
    ASSERT_NE(it, expected.end());
    EXPECT_NEAR(got.separation, it->first, 1e-12);
    if (i > 0) {
      EXPECT_GE(r.neurons[i - 1].separation, got.separation);
    }
    if (got.separation >= q.min_separation) chosen.push_back(got.ref);
  }
  ASSERT_FALSE(chosen.empty()) << "no neuron separates the span: pick another";
  EXPECT_EQ(r.selected, chosen);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_EQ(*r.best, chosen.front());
  EXPECT_EQ(r.inside_begin, 302);

  // Places: maximal runs with at least half of the chosen neurons on, away from the span.
  const int min_on = std::max(1, static_cast<int>(chosen.size() + 1) / 2);
  auto count_on = [&](int64_t t) {
    int c = 0;
    for (const NeuronRef& n : chosen) c += on(t, n);
    return c;
  };
  ASSERT_FALSE(r.matches.empty());
  for (std::size_t i = 0; i < r.matches.size(); ++i) {
    const RangeMatch& p = r.matches[i];
    EXPECT_TRUE(p.end <= q.begin || p.begin >= q.end);
    EXPECT_TRUE(p.begin == 0 || count_on(p.begin - 1) < min_on);
    EXPECT_TRUE(p.end == 800 || count_on(p.end) < min_on);
    double score = 0;
    for (const NeuronRef& n : chosen) {
      int steps = 0;
      for (int64_t t = p.begin; t < p.end; ++t) steps += on(t, n);
      score += std::min(steps, 10) / 10.0;
    }
    for (int64_t t = p.begin; t < p.end; ++t) EXPECT_GE(count_on(t), min_on);
    EXPECT_NEAR(p.score, score / static_cast<double>(chosen.size()), 1e-12);
    if (i > 0) {
      EXPECT_GE(r.matches[i - 1].score, p.score);
    }
  }

  MatchQuery bad = q;
  bad.end = 801;
  EXPECT_THROW(match_ranges(probe, bad), Error);
  bad = q;
  bad.layer = 2;
  EXPECT_THROW(match_ranges(probe, bad), Error);
  bad = q;
  bad.quantity = Quantity::kCell;
  EXPECT_THROW(match_ranges(probe, bad), Error);
  bad = q;
  bad.off = -1;
  EXPECT_THROW(match_ranges(probe, bad), Error);

  // Cancelled in the first replay (a fresh probe has no kept states: it replays from 0).
  Probe fresh(*m.model, m.text, {32, 64});
  int calls = 0;
  const MatchResult cancelled = match_ranges(fresh, q, [&](double fraction) {
    EXPECT_EQ(fraction, 0.0);
    ++calls;
    return false;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(cancelled.neurons.empty());
  EXPECT_TRUE(cancelled.selected.empty());
  EXPECT_FALSE(cancelled.best.has_value());
  EXPECT_TRUE(cancelled.matches.empty());
  // Cancelled in the pass over the text: the neurons, no places.
  const MatchResult partial = match_ranges(fresh, q, [&](double fraction) {
    return fraction == 0.0;
  });
  EXPECT_EQ(partial.selected, r.selected);
  EXPECT_TRUE(partial.matches.empty());
}

// ---- the bundled model -------------------------------------------------------------------------

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Bundled {
  Bundled()
      : file(load_model_file(std::string(CELLSCOPE_SOURCE_DIR) + "/resources/models/linux.csm")),
        model(model_from_file(file, "linux.csm")),
        vocab(file.vocabulary),
        chars(slurp(std::string(CELLSCOPE_SOURCE_DIR) + "/resources/demo/ring_buffer.c")),
        text(utf8_decode(chars)) {
    const std::vector<int32_t> id = vocab.encode(chars);
    ids = EncodedText(vocab.size(), id.size());
    for (std::size_t i = 0; i < id.size(); ++i) ids.set(i, id[i]);
  }
  // The span of the first occurrence of `s`.
  MatchQuery select(const std::u32string& s) const {
    MatchQuery q;
    q.quantity = Quantity::kTanhCell;
    q.begin = static_cast<int64_t>(text.find(s));
    q.end = q.begin + static_cast<int64_t>(s.size());
    return q;
  }
  ModelFile file;
  std::unique_ptr<Model<float>> model;
  Vocabulary vocab;
  std::string chars;
  std::u32string text;
  EncodedText ids;
};

TEST(BundledMatch, AWholeCommentFindsTheCommentNeuronAndRanksOtherComments) {
  Bundled b;
  Probe probe(*b.model, b.ids);
  MatchQuery q = b.select(U"/* payload bytes after this header */");
  ASSERT_GT(q.begin, 0);
  const MatchResult r = match_ranges(probe, q);
  std::cout << "[ measured ] chosen:";
  for (const NeuronMatch& n : r.neurons) {
    if (n.separation < q.min_separation) break;
    std::cout << " " << n.ref.layer << ":" << n.ref.neuron << " (" << n.separation << ")";
  }
  std::cout << "\n";
  // The comment neuron (the finder's c-comment neuron, README) is among the top three.
  const NeuronRef comment{0, 239};
  ASSERT_FALSE(r.selected.empty());
  const auto at = std::find(r.selected.begin(), r.selected.end(), comment);
  ASSERT_NE(at, r.selected.end());
  EXPECT_LT(at - r.selected.begin(), 3);
  ASSERT_TRUE(r.best.has_value());

  // Places: ranked, scores that say something (not all equal), the best ones in comments.
  ASSERT_GE(r.matches.size(), 10u);
  std::set<double> scores;
  for (const RangeMatch& m : r.matches) scores.insert(m.score);
  EXPECT_GE(scores.size(), 5u);
  EXPECT_GT(r.matches.front().score, r.matches.back().score);
  const Signal comments = detect("c-comment", b.text);
  int in_comments = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    const RangeMatch& m = r.matches[i];
    int inside = 0;
    for (int64_t t = m.begin; t < m.end; ++t) inside += comments.values[static_cast<size_t>(t)] > 0.5f;
    in_comments += 2 * inside >= m.end - m.begin;
  }
  EXPECT_GE(in_comments, 8);
  std::cout << "[ measured ] top places:";
  for (std::size_t i = 0; i < 5; ++i) {
    std::cout << " " << r.matches[i].begin << ":" << r.matches[i].end << " (" << r.matches[i].score
              << ")";
  }
  std::cout << "\n";

  // LSTMVis's strict rule (on at every position, off right outside) finds nothing here: the
  // neuron is still off at the opening '/' and already off at the closing one.
  q.lead_in = 0;
  q.off = 1;
  q.min_separation = 1.0;
  EXPECT_TRUE(match_ranges(probe, q).selected.empty());
}

}  // namespace
}  // namespace cellscope
