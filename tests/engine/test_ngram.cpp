// The Kneser-Ney n-gram: every prediction sums to 1 (every context of a small corpus, unseen and
// unknown ones too) for orders 1..8; probabilities equal a direct map-based implementation of
// the formula; unknown characters get the uniform share; the file round-trips and rejects
// corruption, truncation and a bad magic with an error naming it, leaving no temporary file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

#include "error.h"
#include "ngram.h"
#include "test_helpers.h"
#include "utf8.h"

namespace cellscope {
namespace {

using testing_util::encode_text;
using testing_util::temp_path;
using testing_util::vocab_of;

const std::string kCorpus =
    "the cat sat on the mat. the dog sat on the log!\nabracadabra, a cat, a bat; the rat ran.\n"
    "she sells sea shells by the sea shore. the cat ate the rat?\n";

NgramModel build(const std::string& text, int order) {
  const Vocabulary vocab = vocab_of(text);
  return NgramModel::build(vocab, encode_text(vocab, text), order);
}

// Interpolated Kneser-Ney straight from its definition, with maps of id sequences.
class ReferenceKn {
 public:
  ReferenceKn(const std::vector<int32_t>& ids, int order, int symbols)
      : order_(order), symbols_(symbols) {
    std::map<std::vector<int32_t>, int> distinct;  // every gram of length 1..order
    for (std::size_t i = 0; i < ids.size(); ++i) {
      for (int k = 1; k <= order && k <= static_cast<int>(i) + 1; ++k) {
        std::vector<int32_t> g(ids.begin() + static_cast<long>(i) + 1 - k,
                               ids.begin() + static_cast<long>(i) + 1);
        if (k == order) ++count_[g];
        if (distinct[g]++ == 0 && k >= 2) ++count_[std::vector<int32_t>(g.begin() + 1, g.end())];
      }
    }
    for (const auto& [g, c] : count_) {
      if (c == 0) continue;
      const std::vector<int32_t> h(g.begin(), g.end() - 1);
      total_[h] += c;
      ++types_[h];
      const std::size_t n = g.size();
      if (discount_counts_.size() <= n) discount_counts_.resize(n + 1);
      if (c == 1) ++discount_counts_[n].first;
      if (c == 2) ++discount_counts_[n].second;
    }
  }
  double discount(int n) const {
    const auto [n1, n2] = discount_counts_[static_cast<std::size_t>(n)];
    return n1 > 0 && n2 > 0 ? double(n1) / (n1 + 2.0 * n2) : 0.5;
  }
  double p(const std::vector<int32_t>& history, int32_t w) const {
    double p = 1.0 / symbols_;
    for (int n = 1; n <= order_ && n - 1 <= static_cast<int>(history.size()); ++n) {
      const std::vector<int32_t> h(history.end() - (n - 1), history.end());
      const auto t = total_.find(h);
      if (t == total_.end()) break;
      std::vector<int32_t> g = h;
      g.push_back(w);
      const auto c = count_.find(g);
      const double cnt = c == count_.end() ? 0.0 : c->second;
      const double D = discount(n);
      p = D * types_.at(h) / t->second * p + std::max(cnt - D, 0.0) / t->second;
    }
    return p;
  }

 private:
  int order_, symbols_;
  std::map<std::vector<int32_t>, int> count_, total_, types_;
  std::vector<std::pair<int, int>> discount_counts_;
};

class NgramByOrder : public ::testing::TestWithParam<int> {};

TEST_P(NgramByOrder, EveryContextSumsToOneAndMatchesTheDefinition) {
  const int order = GetParam();
  const NgramModel m = build(kCorpus, order);
  ASSERT_EQ(m.order(), order);
  const std::vector<int32_t> ids = m.encode(utf8_decode(kCorpus));
  const ReferenceKn ref(ids, order, m.symbols());
  for (int n = 1; n <= order; ++n) EXPECT_DOUBLE_EQ(m.discount(n), ref.discount(n)) << n;
  // Every context of the corpus, and the same contexts ending in an unknown character.
  std::vector<double> probs;
  for (std::size_t p = 0; p <= ids.size(); ++p) {
    for (int unknown_tail = 0; unknown_tail < 2; ++unknown_tail) {
      std::vector<int32_t> history(
          ids.begin() + static_cast<long>(p - std::min<std::size_t>(p, 25)),
          ids.begin() + static_cast<long>(p));
      if (unknown_tail) history.push_back(m.unknown_id());
      m.distribution(history.data(), static_cast<int64_t>(history.size()), &probs);
      ASSERT_EQ(probs.size(), static_cast<std::size_t>(m.symbols()));
      const double sum = std::accumulate(probs.begin(), probs.end(), 0.0);
      ASSERT_NEAR(sum, 1.0, 1e-12) << "order " << order << " position " << p;
      for (int32_t w = 0; w < m.symbols(); ++w) {
        ASSERT_GT(probs[static_cast<std::size_t>(w)], 0.0);
        ASSERT_NEAR(probs[static_cast<std::size_t>(w)],
                    m.probability(history.data(), static_cast<int64_t>(history.size()), w), 1e-14);
        ASSERT_NEAR(probs[static_cast<std::size_t>(w)], ref.p(history, w), 1e-13)
            << "order " << order << " position " << p << " symbol " << w;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Orders, NgramByOrder, ::testing::Values(1, 2, 3, 4, 5, 8, 20));

TEST(Ngram, UnknownCharacterGetsTheUniformShare) {
  const NgramModel m = build(kCorpus, 1);
  const std::vector<int32_t> ids = m.encode(U"t\u00e9");
  int64_t unknown = 0;
  m.encode(U"\u00e9\u00e9t", &unknown);
  EXPECT_EQ(unknown, 2);  // é twice; t is in the corpus
  EXPECT_EQ(ids[1], m.unknown_id());
  // Order 1: p(unknown) = D · types / N · 1 / (V + 1), N the corpus length.
  const double expected =
      m.discount(1) * m.vocab_size() / static_cast<double>(kCorpus.size()) / m.symbols();
  EXPECT_NEAR(m.probability(ids.data(), 1, m.unknown_id()), expected, 1e-15);
}

TEST(Ngram, LongerOrdersPredictTheirCorpusBetter) {
  const std::string text = kCorpus + kCorpus + kCorpus;
  const Vocabulary vocab = vocab_of(text);
  const EncodedText encoded = encode_text(vocab, text);
  const std::vector<int32_t> ids = NgramModel::build(vocab, encoded, 1).encode(utf8_decode(text));
  double previous = 1e9;
  for (int order : {1, 2, 4, 6}) {
    const NgramModel m = NgramModel::build(vocab, encoded, order);
    const CharScores s = m.score(ids, true);
    EXPECT_LT(s.mean_surprisal(), previous) << order;
    previous = s.mean_surprisal();
    const CharScores fast = m.score(ids, false);
    for (std::size_t p = 1; p < ids.size(); ++p)
      ASSERT_NEAR(fast.surprisal[p], s.surprisal[p], 1e-5);
  }
}

TEST(Ngram, BadOrdersAreErrors) {
  EXPECT_THROW(build(kCorpus, 0), Error);
  EXPECT_THROW(build(kCorpus, 21), Error);
}

TEST(Ngram, SamplingIsSeededAndNeverDrawsTheUnknownSymbol) {
  const NgramModel m = build(kCorpus, 4);
  SampleOptions o;
  o.seed = 3;
  const std::string a = m.generate("the ", 200, o), b = m.generate("the ", 200, o);
  EXPECT_EQ(a, b);
  for (char32_t c : utf8_decode(a)) EXPECT_GE(m.vocabulary().id_of(c), 0);
  o.argmax = true;
  EXPECT_EQ(m.generate("the c", 2, o), "at");
}

TEST(NgramFile, RoundTripsAndRejectsDamage) {
  const NgramModel m = build(kCorpus, 5);
  const std::string path = temp_path("model.ngram");
  save_ngram_file(path, m);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_TRUE(is_ngram_file(path));
  const NgramModel back = load_ngram_file(path);
  ASSERT_EQ(back.order(), 5);
  EXPECT_EQ(back.grams(), m.grams());
  const std::vector<int32_t> ids = m.encode(utf8_decode(kCorpus));
  std::vector<double> a, b;
  for (std::size_t p = 0; p < ids.size(); p += 7) {
    m.distribution(ids.data(), static_cast<int64_t>(p), &a);
    back.distribution(ids.data(), static_cast<int64_t>(p), &b);
    ASSERT_EQ(a, b);
  }
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto expect_error = [&](const std::string& image, const std::string& cause) {
    const std::string bad = temp_path("bad.ngram");
    std::ofstream(bad, std::ios::binary) << image;
    try {
      load_ngram_file(bad);
      ADD_FAILURE() << "no error for " << cause;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(bad + ": ", 0), 0u) << e.what();
      EXPECT_NE(std::string(e.what()).find(cause), std::string::npos) << e.what();
    }
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  expect_error(flipped, "checksum");
  expect_error(bytes.substr(0, bytes.size() / 3), "checksum");
  expect_error("CSM1" + bytes.substr(4), "bad magic");
  expect_error("", "bad magic");
  EXPECT_FALSE(is_ngram_file(temp_path("missing")));
  EXPECT_THROW(save_ngram_file(temp_path("nowhere/x.ngram"), m), Error);
}

}  // namespace
}  // namespace cellscope
