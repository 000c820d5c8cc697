// Sampling: reproducible with a seed, temperature sharpens the distribution, argmax is
// deterministic, top-k keeps exactly k characters, and the streaming callback sees every char.
#include <gtest/gtest.h>

#include "sampler.h"
#include "test_helpers.h"

namespace cellscope {
namespace {

struct Fixture {
  Vocabulary vocab = testing_util::vocab_of("abcdefgh \n\"()é");
  Model<float> model{[&] {
    ModelConfig c;
    c.vocab_size = vocab.size();
    c.hidden_size = 16;
    c.num_layers = 2;
    return c;
  }()};
  Fixture() {
    model.init_params(4);
    for (auto& v : model.params().values()) v *= 6.0f;  // a peaky, non-uniform distribution
  }
};

TEST(Sampler, SameSeedSameText) {
  Fixture f;
  Sampler s(f.model, f.vocab);
  SampleOptions o;
  o.seed = 77;
  const std::string a = s.generate("ab", 300, o);
  const std::string b = s.generate("ab", 300, o);
  EXPECT_EQ(a, b);
  o.seed = 78;
  EXPECT_NE(a, s.generate("ab", 300, o));
}

TEST(Sampler, LowerTemperatureLowersEntropy) {
  Fixture f;
  Sampler s(f.model, f.vocab);
  s.prime("abc");
  double previous = 1e9;
  for (double t : {2.0, 1.0, 0.5, 0.2, 0.05}) {
    const Vec<float>& p = s.distribution(t);
    EXPECT_NEAR(p.sum(), 1.0f, 1e-5f);
    const double h = entropy(p);
    EXPECT_LT(h, previous) << "temperature " << t;
    previous = h;
  }
  EXPECT_THROW(s.distribution(0.0), Error);
}

TEST(Sampler, ArgmaxIsDeterministicAndFollowsTheMode) {
  Fixture f;
  Sampler s(f.model, f.vocab);
  SampleOptions o;
  o.argmax = true;
  o.seed = 1;
  const std::string a = s.generate("", 100, o);
  o.seed = 2;
  EXPECT_EQ(a, s.generate("", 100, o));
  // Very low temperature sampling converges to argmax.
  SampleOptions cold;
  cold.temperature = 1e-4;
  cold.seed = 3;
  EXPECT_EQ(a, s.generate("", 100, cold));
}

TEST(Sampler, TopKKeepsExactlyK) {
  Fixture f;
  Sampler s(f.model, f.vocab);
  s.prime("a");
  const Vec<float>& p = s.distribution(1.0, 3);
  int nonzero = 0;
  for (int i = 0; i < p.size(); ++i) nonzero += p(i) > 0.0f;
  EXPECT_EQ(nonzero, 3);
  EXPECT_NEAR(p.sum(), 1.0f, 1e-5f);
}

TEST(Sampler, StreamsEveryCharacterAndStopsOnRequest) {
  Fixture f;
  Sampler s(f.model, f.vocab);
  SampleOptions o;
  o.seed = 5;
  std::string streamed;
  const std::string out = s.generate("a", 50, o, [&](std::string_view ch) {
    streamed += ch;
    return true;
  });
  EXPECT_EQ(out, streamed);
  int calls = 0;
  s.generate("a", 50, o, [&](std::string_view) { return ++calls < 10; });
  EXPECT_EQ(calls, 10);
}

TEST(Sampler, UnknownPrimeCharactersAreCounted) {
  Fixture f;
  Sampler s(f.model, f.vocab);
  EXPECT_EQ(s.prime("ab€z"), 2);
}

}  // namespace
}  // namespace cellscope
