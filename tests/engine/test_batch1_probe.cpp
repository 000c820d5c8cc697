// The probe (the explorer's and find's pass) on the batch-1 two-thread paths against the general
// path on one thread, bit for bit: a pass cancelled midway and run again, texts shorter than a
// pipeline block or a chunk (down to one character), and the chunk's last position, which the
// pipeline computes in its last block.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "corpus.h"
#include "model.h"
#include "probe.h"
#include "threads.h"

namespace cellscope {
namespace {

ModelConfig lstm(int vocab, int hidden, int layers) {
  ModelConfig cfg;
  cfg.cell = CellType::kLstm;
  cfg.vocab_size = vocab;
  cfg.hidden_size = hidden;
  cfg.num_layers = layers;
  return cfg;
}

EncodedText random_text(int vocab, std::size_t length, uint64_t seed) {
  EncodedText text(vocab, length);
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < length; ++i) {
    text.set(i, static_cast<int32_t>(rng() % static_cast<uint64_t>(vocab)));
  }
  return text;
}

// Every position's value of every neuron of the last layer's hidden state and the logits, by a
// probe pass with `threads`.
std::vector<float> pass_values(Model<float>& model, const EncodedText& text, int threads,
                               ProbeOptions options) {
  set_thread_count(threads);
  Probe probe(model, text, options);
  std::vector<float> values;
  probe.run([&](const ChunkView& chunk) {
    const auto h = chunk.values(model.num_layers() - 1, Quantity::kHidden);
    const auto logits = chunk.logits();
    values.insert(values.end(), h.data(), h.data() + h.size());
    values.insert(values.end(), logits.data(), logits.data() + logits.size());
  });
  set_thread_count(1);
  return values;
}

struct Pair {
  Model<float> fast, ref;
  explicit Pair(const ModelConfig& cfg) : fast(cfg), ref(cfg) {
    fast.init_params(31);
    ref.params().values() = fast.params().values();
    Batch1Settings on;
    on.force_wavefront = true;  // two threads whatever the size
    on.block_steps = 16;
    fast.set_batch1_settings(on);
    Batch1Settings off;
    off.enabled = false;
    ref.set_batch1_settings(off);
  }
};

TEST(Batch1Probe, APassCancelledOnTwoThreadsThenRunAgainEqualsOneThread) {
  Pair models(lstm(17, 48, 3));
  const EncodedText text = random_text(17, 1500, 1);
  ProbeOptions options;
  options.chunk = 64;
  options.checkpoint_every = 128;
  set_thread_count(2);
  {
    Probe probe(models.fast, text, options);
    int chunks = 0;
    const bool finished = probe.run([&](const ChunkView&) { ++chunks; },
                                    [](double done) { return done < 0.3; });
    EXPECT_FALSE(finished);
    EXPECT_GT(chunks, 0);
    EXPECT_LT(chunks, 24);  // 1500 / 64 chunks in all
  }
  set_thread_count(1);
  const std::vector<float> two = pass_values(models.fast, text, 2, options);
  const std::vector<float> one = pass_values(models.ref, text, 1, options);
  ASSERT_EQ(two.size(), one.size());
  EXPECT_TRUE(two == one);
}

TEST(Batch1Probe, TextsShorterThanABlockOrAChunkEqualOneThread) {
  Pair models(lstm(11, 32, 2));
  ProbeOptions options;
  options.chunk = 64;
  options.checkpoint_every = 64;
  for (const std::size_t length : {1u, 2u, 7u, 16u, 17u, 33u, 65u, 129u}) {
    const EncodedText text = random_text(11, length, 2 + length);
    const std::vector<float> two = pass_values(models.fast, text, 2, options);
    const std::vector<float> one = pass_values(models.ref, text, 1, options);
    ASSERT_EQ(two.size(), one.size()) << "length " << length;
    EXPECT_TRUE(two == one) << "length " << length;
  }
}

}  // namespace
}  // namespace cellscope
