// ActivationCache: every neuron gathered from the cache equals the probe's track bit for bit,
// whether its blocks came from the pass (record) or from replays (ensure); the byte budget
// holds (record stops, ensure evicts the least recently used); gather_all equals a window.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "activation_cache.h"
#include "error.h"
#include "inspect_test_helpers.h"

namespace cellscope {
namespace {

using testing_util::TextAndModel;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::size_t block_bytes(int hidden, int64_t length) {
  return static_cast<std::size_t>(hidden) * static_cast<std::size_t>(length) * sizeof(float);
}

TEST(ActivationCache, RecordedPassGivesEveryNeuronExactly) {
  const TextAndModel m(CellType::kLstm, 301, 3, 8, 2, 5);
  Probe probe(*m.model, m.text, ProbeOptions{16, 48});
  ActivationCache cache(probe, 1, Quantity::kTanhCell, std::size_t{1} << 20);
  ASSERT_TRUE(probe.run([&](const ChunkView& chunk) { cache.record(chunk); }));
  EXPECT_EQ(cache.block_count(), 7);  // ⌈301 / 48⌉
  EXPECT_TRUE(cache.has(0, 301));
  EXPECT_EQ(cache.bytes(), block_bytes(8, 301));
  for (int neuron = 0; neuron < 8; ++neuron) {
    const std::vector<float> track = probe.track(1, neuron, Quantity::kTanhCell);
    std::vector<float> got(301, kNaN);
    EXPECT_EQ(cache.gather(neuron, 0, 301, got.data()), 301);
    EXPECT_EQ(got, track) << "neuron " << neuron;
  }
}

TEST(ActivationCache, RecordStopsAtTheBudgetAndEnsureReplaysTheRest) {
  const TextAndModel m(CellType::kGru, 301, 4, 8, 2, 6);
  Probe probe(*m.model, m.text, ProbeOptions{16, 48});
  // Room for 3 blocks of 48 positions.
  ActivationCache cache(probe, 0, Quantity::kHidden, block_bytes(8, 3 * 48));
  ASSERT_TRUE(probe.run([&](const ChunkView& chunk) { cache.record(chunk); }));
  EXPECT_TRUE(cache.has(0, 144));
  EXPECT_FALSE(cache.has_block(3));
  EXPECT_LE(cache.bytes(), cache.budget());

  // Partial gather: only the kept blocks are written.
  std::vector<float> got(301, kNaN);
  EXPECT_EQ(cache.gather(2, 0, 301, got.data()), 144);
  EXPECT_TRUE(std::isnan(got[144]));

  // The end of the text: replayed, the least recently used blocks go.
  cache.gather(2, 96, 144, got.data() + 96);  // block 2 is now the most recent
  ASSERT_TRUE(cache.ensure(200, 301));
  EXPECT_TRUE(cache.has(200, 301));  // blocks 4, 5, 6
  EXPECT_LE(cache.bytes(), cache.budget());
  EXPECT_FALSE(cache.has_block(2));  // three blocks fit: 4, 5, 6 replace 0, 1, 2

  const std::vector<float> track = probe.track(0, 2, Quantity::kHidden);
  std::fill(got.begin(), got.end(), kNaN);
  cache.gather(2, 200, 301, got.data());
  for (int64_t p = 200; p < 301; ++p) EXPECT_EQ(got[p - 200], track[p]) << p;
}

TEST(ActivationCache, EnsureWithoutAPassAndGatherAllEqualsAWindow) {
  const TextAndModel m(CellType::kLstm, 250, 5, 6, 2, 7);
  Probe probe(*m.model, m.text, ProbeOptions{16, 32});
  ActivationCache cache(probe, 0, Quantity::kCell, std::size_t{1} << 20);
  ASSERT_TRUE(cache.ensure(70, 130));
  EXPECT_TRUE(cache.has(64, 160));
  EXPECT_FALSE(cache.has_block(0));
  Mat<float> all;
  cache.gather_all(70, 130, &all);
  const Window w = probe.window(70, 130, 1);
  EXPECT_TRUE(all == w.of(0, Quantity::kCell));
  EXPECT_THROW(cache.gather_all(0, 10, &all), Error);  // block 0 was never computed
}

// A range larger than the budget: its blocks all stay (the view needs them), over the budget.
TEST(ActivationCache, ARangeLargerThanTheBudgetKeepsAllItsBlocks) {
  const TextAndModel m(CellType::kLstm, 300, 9, 6, 1, 4);
  Probe probe(*m.model, m.text, ProbeOptions{16, 32});
  ActivationCache cache(probe, 0, Quantity::kHidden, block_bytes(6, 32));  // one block
  ASSERT_TRUE(cache.ensure(0, 40));
  ASSERT_TRUE(cache.ensure(100, 200));  // blocks 3..6: evicts 0 and 1, keeps its own
  EXPECT_TRUE(cache.has(100, 200));
  EXPECT_FALSE(cache.has_block(0));
  EXPECT_EQ(cache.bytes(), block_bytes(6, 4 * 32));
  Mat<float> all;
  cache.gather_all(100, 200, &all);
  EXPECT_TRUE(all == probe.window(100, 200, 1).of(0, Quantity::kHidden));
}

// A replay cut short between chunks leaves its block partial; the next replay restarts it.
TEST(ActivationCache, ABlockLeftPartialIsRestartedByTheNextReplay) {
  const TextAndModel m(CellType::kGru, 200, 10, 5, 2, 3);
  Probe probe(*m.model, m.text, ProbeOptions{16, 64});
  ActivationCache cache(probe, 1, Quantity::kHidden, std::size_t{1} << 20);
  int chunks = 0;
  EXPECT_FALSE(probe.replay(
      64, 128, [&](const ChunkView& chunk) { cache.record(chunk); },
      [&](double) { return ++chunks < 2; }));  // stops after two of the block's four chunks
  EXPECT_FALSE(cache.has_block(1));
  probe.replay(64, 128, [&](const ChunkView& chunk) { cache.record(chunk); });
  ASSERT_TRUE(cache.has_block(1));
  std::vector<float> got(64, kNaN);
  cache.gather(4, 64, 128, got.data());
  const std::vector<float> track = probe.track(1, 4, Quantity::kHidden);
  EXPECT_EQ(got, std::vector<float>(track.begin() + 64, track.begin() + 128));
}

TEST(ActivationCache, CancelledEnsureReportsIt) {
  const TextAndModel m(CellType::kRnn, 200, 6, 4, 1, 8);
  Probe probe(*m.model, m.text, ProbeOptions{16, 32});
  ActivationCache cache(probe, 0, Quantity::kHidden, std::size_t{1} << 20);
  EXPECT_FALSE(cache.ensure(0, 200, [](double) { return false; }));
  EXPECT_THROW(ActivationCache(probe, 0, Quantity::kCell, 1 << 20), Error);  // RNN has no c
  EXPECT_THROW(ActivationCache(probe, 1, Quantity::kHidden, 1 << 20), Error);
}

}  // namespace
}  // namespace cellscope
