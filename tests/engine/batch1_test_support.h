// Shared by the batch-1 tests (test_batch1*.cpp): every cell variant, a model pair (batch-1 path
// and general path with the same weights), and the largest difference between their runs over
// the same chunks. Exactness is the invariant: the tests expect a difference of exactly 0.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "model.h"
#include "threads.h"

namespace cellscope::batch1_test {

struct Variant {
  CellType cell;
  bool gru_reset_after;
  bool rnn_relu;
  const char* name;
};

inline const Variant kVariants[] = {
    {CellType::kLstm, false, false, "lstm"},
    {CellType::kGru, false, false, "gru"},
    {CellType::kGru, true, false, "gru-reset-after"},
    {CellType::kRnn, false, false, "rnn-tanh"},
    {CellType::kRnn, false, true, "rnn-relu"},
};

inline ModelConfig config_of(const Variant& v, int vocab, int hidden, int layers) {
  ModelConfig cfg;
  cfg.cell = v.cell;
  cfg.gru_reset_after = v.gru_reset_after;
  cfg.rnn_relu = v.rnn_relu;
  cfg.vocab_size = vocab;
  cfg.hidden_size = hidden;
  cfg.num_layers = layers;
  return cfg;
}

template <typename S>
double max_diff(const Mat<S>& a, const Mat<S>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return 1e30;
  if (a.size() == 0) return 0.0;
  return static_cast<double>((a - b).cwiseAbs().maxCoeff());
}

// Runs the same chunks through `fast` (batch-1 path, `threads`) and `ref` (general path, one
// thread) and returns the largest difference in any cache, logits, state or loss. Every second
// chunk of more than 2 steps hands back a middle state.
template <typename S>
double compare_chunks(Model<S>& fast, Model<S>& ref, const std::vector<int>& chunks, int threads,
                      bool with_targets, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int V = fast.vocab_size();
  ModelState<S> sf = fast.zero_state(1), sr = ref.zero_state(1);
  double worst = 0.0;
  for (std::size_t ci = 0; ci < chunks.size(); ++ci) {
    const int T = chunks[ci];
    const int carry = ci % 2 == 1 && T > 2 ? T - 2 : T;
    std::vector<int32_t> in(static_cast<std::size_t>(T)), tg(in.size());
    for (auto& v : in) v = static_cast<int32_t>(rng() % static_cast<uint64_t>(V));
    for (auto& v : tg) v = static_cast<int32_t>(rng() % static_cast<uint64_t>(V));
    const ChunkSpec spec{T, 1, 0, carry};
    const int32_t* targets = with_targets ? tg.data() : nullptr;
    set_thread_count(1);
    const S loss_ref = ref.forward(in.data(), targets, spec, sr, false, nullptr);
    set_thread_count(threads);
    const S loss_fast = fast.forward(in.data(), targets, spec, sf, false, nullptr);
    worst = std::max(worst, std::abs(static_cast<double>(loss_fast - loss_ref)));
    worst = std::max(worst, max_diff(fast.logits(), ref.logits()));
    for (int l = 0; l < fast.num_layers(); ++l) {
      const auto& a = fast.layer_cache(l);
      const auto& b = ref.layer_cache(l);
      worst = std::max({worst, max_diff(a.gates, b.gates), max_diff(a.h, b.h), max_diff(a.c, b.c),
                        max_diff(a.aux, b.aux)});
      const std::size_t ul = static_cast<std::size_t>(l);
      worst = std::max({worst, max_diff(sf.h[ul], sr.h[ul]), max_diff(sf.c[ul], sr.c[ul])});
    }
  }
  set_thread_count(1);
  return worst;
}

// `fast` on the batch-1 path (two threads forced when `force`, blocks of `block_steps`), `ref`
// on the general path, both with the same weights, scaled to saturate some gates but not all.
template <typename S>
void make_pair(uint64_t seed, bool force, int block_steps, Model<S>& fast, Model<S>& ref) {
  fast.init_params(seed);
  for (auto& v : fast.params().values()) v *= S(3);
  ref.params().values() = fast.params().values();
  Batch1Settings on;
  on.force_wavefront = force;
  on.block_steps = block_steps;
  fast.set_batch1_settings(on);
  Batch1Settings off;
  off.enabled = false;
  ref.set_batch1_settings(off);
}

}  // namespace cellscope::batch1_test
