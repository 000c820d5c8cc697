// Saliency: what one prediction depends on. At batch 1, the exact gradient (BPTT through the
// whole window, no truncation inside it) of a target at text position P with respect to each of
// the previous K one-hot inputs, reduced to one number per distance d:
//   value(d) = || ∂ target / ∂ x_{P-d} ||_2, the Euclidean norm over all V components of the
//   gradient with respect to the one-hot input vector x_{P-d} (= ||W_ih^T · ∂target/∂pre_{P-d}||).
// Targets: log p(character P | characters < P) (surprisal.h's convention: inputs P-1 ... P-K,
// d = 1..K), or a neuron's value after reading character P (inputs P ... P-K, d = 0..K; quantity
// hidden, cell or tanh-cell). The state entering the window is the text's state carried from
// position 0 and is held constant (the gradient stops at the window's start).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "cell.h"
#include "corpus.h"
#include "model.h"
#include "probe.h"

namespace cellscope {

enum class SaliencyTarget { kLogProbability, kNeuron };

struct SaliencyOptions {
  int window = 200;  // K, 1..kMaxSaliencyWindow
  SaliencyTarget target = SaliencyTarget::kLogProbability;
  int layer = 0, neuron = 0;              // kNeuron only
  Quantity quantity = Quantity::kHidden;  // kNeuron only: hidden, cell or tanh-cell
  bool keep_gradients = false;            // also return the full V-vectors (tests, tooltips)
};
constexpr int kMaxSaliencyWindow = 1000;

struct Saliency {
  int64_t position = 0;  // P
  double value = 0.0;    // the target: log p (nats, ≤ 0) or the neuron's value
  // [d] for d = 0..K: the norm above; NaN where there is no input (d = 0 for log p, or before
  // the text's start).
  std::vector<double> by_distance;
  Mat<double> gradients;  // keep_gradients: (V × (K+1)), column d = ∂target/∂x_{P-d}
};

// The first input the window reads: max(0, P - K) (the state entering it is the one after
// reading characters [0, begin)).
int64_t saliency_window_begin(int64_t position, const SaliencyOptions& options);
// Throws Error for a bad window, position, layer, neuron or quantity.
void check_saliency(const ModelConfig& config, int64_t text_length, int64_t position,
                    const SaliencyOptions& options);

// Holds the backward scratch for one model (reuse it across clicks: it allocates nothing once
// warmed up for a window size). Uses the model's forward (its caches), so nothing else may use
// the model meanwhile.
template <typename S>
class SaliencyComputer {
 public:
  explicit SaliencyComputer(Model<S>& model);
  // ids: the whole text (length n); `start`: the state after reading ids[0, begin) with begin
  // = saliency_window_begin(position, options) (model.zero_state(1) when begin is 0).
  Saliency compute(const int32_t* ids, int64_t n, int64_t position, const ModelState<S>& start,
                   const SaliencyOptions& options);

 private:
  Model<S>& model_;
  ModelState<S> state_;
  std::vector<Mat<S>> dh_above_;  // per layer (H × T)
  Mat<S> dpre_, dx_, dh_carry_, dc_carry_;
  CellScratch<S> scratch_;
  Vec<S> probs_;
};

// The state after reading ids[0, end) from a zero state (forwards in chunks of `chunk`).
template <typename S>
ModelState<S> state_after(Model<S>& model, const int32_t* ids, int64_t end, int chunk = 256);

// The same state from a probe's kept states (the explorer's): a replay of at most
// checkpoint_every characters instead of a forward from 0. Runs probe.model()'s forward.
ModelState<float> state_after(Probe& probe, int64_t end);

// Saliency at one position of a text, from a zero state at position 0.
Saliency saliency_at(Model<float>& model, const EncodedText& text, int64_t position,
                     const SaliencyOptions& options);

// The memory horizon: by_distance averaged over positions P = first, first + stride, ... < n
// (each distance over the positions that have it). Empty `mean` when cancelled.
struct MemoryHorizon {
  std::vector<double> mean;      // [d], d = 0..K (NaN where no position had it)
  std::vector<int64_t> samples;  // positions averaged at each d
  int64_t positions = 0;
};
MemoryHorizon memory_horizon(Model<float>& model, const EncodedText& text,
                             const SaliencyOptions& options, int64_t stride,
                             const ProgressFn& progress = {});

}  // namespace cellscope
