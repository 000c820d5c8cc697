// Model: a stack of L recurrent layers over one-hot character input, a linear output layer and
// softmax cross-entropy. Parameters and gradients are flat buffers over one ParamLayout:
//   per layer l: "l<l>.Wx" (G*H × D), "l<l>.Wh" (G*H × H), "l<l>.b" (G*H × 1); then
//   "out.W" (V × H), "out.b" (V × 1). The reset-after GRU's Wh is (3H × (H+1)): its last
//   column is the recurrent bias (see gru_cell.h). The relu RNN has the tanh RNN's layout.
// Layer 0's input projection is a column gather of Wx (one-hot input, never a matmul).
// forward() keeps the caches backward() needs; both work on chunks of T steps × B streams with
// ids laid out t-major (index t*B + b). Dropout (inverted) applies to every layer's output on
// its way up, training only.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "cell.h"
#include "config.h"
#include "parameters.h"

namespace cellscope {

// The recurrent state of every layer: h (H × B) and, for LSTM, c (H × B).
template <typename S>
struct ModelState {
  std::vector<Mat<S>> h;
  std::vector<Mat<S>> c;  // empty matrices for RNN / GRU
  int batch() const { return h.empty() ? 0 : static_cast<int>(h[0].cols()); }
};

// How forward() runs a chunk at batch 1 (B = 1, no dropout): the batch-1 path (batch1_forward.cpp)
// or the general one. Tests and the bench switch; everything else keeps the defaults.
struct Batch1Settings {
  bool enabled = true;          // false: the general path (the reference in tests and bench)
  int block_steps = 64;         // steps per wavefront hand-off (measured, docs/performance.md)
  bool force_wavefront = false;  // use the 2-thread wavefront however small the chunk (tests)
};

struct Batch1Scratch;  // the wavefront's plan and counters (batch1_forward.cpp)

// How forward() treats a chunk.
struct ChunkSpec {
  int T = 0;          // steps
  int B = 0;          // streams
  int loss_from = 0;  // steps [loss_from, T) count in the loss (k2 - k1 for BPTT(k1, k2))
  int carry_at = 0;   // the state handed back is the one after this many steps (0: T)
};

template <typename S>
class Model {
 public:
  explicit Model(const ModelConfig& config);
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelConfig& config() const { return config_; }
  const ParamLayout& layout() const { return layout_; }
  FlatBuffer<S>& params() { return params_; }
  const FlatBuffer<S>& params() const { return params_; }
  FlatBuffer<S>& grads() { return grads_; }
  int hidden_size() const { return config_.hidden_size; }
  int num_layers() const { return config_.num_layers; }
  int vocab_size() const { return config_.vocab_size; }
  const Cell<S>& cell() const { return *cell_; }

  // Uniform(-1/sqrt(H), 1/sqrt(H)) weights, zero biases, LSTM forget bias 1.
  void init_params(uint64_t seed);

  ModelState<S> zero_state(int B) const;

  // Runs a chunk. inputs: T*B ids; targets: T*B ids, or nullptr for no loss. `state` is the
  // initial state on entry and the state after spec.carry_at steps on return. Returns the mean
  // cross-entropy (nats) over the counted steps (0 without targets). `rng` draws dropout masks
  // when `train` and dropout > 0.
  S forward(const int32_t* inputs, const int32_t* targets, const ChunkSpec& spec,
            ModelState<S>& state, bool train, std::mt19937_64* rng);

  void set_batch1_settings(const Batch1Settings& settings) { batch1_settings_ = settings; }
  const Batch1Settings& batch1_settings() const { return batch1_settings_; }

  // Gradients of the last forward()'s loss: overwrites grads() and the initial-state
  // gradients (dstate_init()). The chunk's final state gets no gradient from beyond (truncated
  // BPTT). dh_norms (optional): per layer, ||dL/dh_t|| for t = 0..T-1.
  void backward(std::vector<std::vector<double>>* dh_norms = nullptr);
  const ModelState<S>& dstate_init() const { return dstate_init_; }

  // (V × T*B) after a forward() without targets: the logits; with targets: the softmax
  // probabilities; after backward(): scratch.
  const Mat<S>& logits() const { return logits_; }
  const LayerCache<S>& layer_cache(int layer) const {
    return caches_[static_cast<std::size_t>(layer)];
  }

 private:
  void reserve(int T, int B);
  // Layer l over steps [t0, t1): input projection, recurrence, output (with dropout). split:
  // spread over the engine's threads; else run on the calling thread.
  void forward_layer(int l, int t0, int t1, int B, bool split);
  // Batch 1 (batch1_forward.cpp): every layer over the T steps of inputs_, caches_ and ups_
  // filled as forward_layer() fills them, and logits_ (V × T).
  void forward_batch1(int T);
  // Layer l's input projection into rows [r0, r0+nr) of cache.gates, columns [t0, t1) (B = 1).
  void project_batch1(int l, int t0, int t1, int r0, int nr);
  MatMap<S> param(int block) { return params_.view(layout_.block(block)); }
  MatMap<S> grad(int block) { return grads_.view(layout_.block(block)); }

  ModelConfig config_;
  ParamLayout layout_;
  FlatBuffer<S> params_;
  FlatBuffer<S> grads_;
  std::unique_ptr<Cell<S>> cell_;
  struct LayerBlocks {
    int Wx, Wh, b;
  };
  std::vector<LayerBlocks> blocks_;
  int out_W_ = -1, out_b_ = -1;

  // Caches of the last forward (sized for T, B).
  int T_ = 0, B_ = 0;
  ChunkSpec spec_;
  bool has_targets_ = false;
  bool dropout_active_ = false;
  std::vector<int32_t> inputs_, targets_;
  std::vector<LayerCache<S>> caches_;
  std::vector<Mat<S>> masks_;  // per layer (H × T*B) dropout scale (0 or 1/(1-p))
  std::vector<Mat<S>> ups_;    // per layer (H × T*B): layer output after dropout (next input)
  Mat<S> logits_;              // (V × T*B), softmax probabilities after a forward with targets
  // Backward scratch.
  Mat<S> dup_, dh_, dpre_;
  std::vector<CellScratch<S>> scratch_;      // per thread
  std::vector<double> loss_parts_;          // per thread
  std::vector<std::vector<double>> dh_sq_;  // per thread, T values
  ModelState<S> dstate_init_;
  int threads_ = 0;
  Batch1Settings batch1_settings_;
  std::shared_ptr<Batch1Scratch> batch1_;  // shared_ptr: the type is complete only in its .cpp
};

// Number of parameters a configuration has (the layout's size), without building the model.
std::size_t parameter_count(const ModelConfig& config);

// Floating-point operations per character of the matrix products (2 per multiply-add):
// forward = sum over layers of 2·G·H·(H + D) (D = 0 for layer 0: its input is a gather) plus
// the output layer's 2·V·H; training = 3 × forward (backward computes dW and dX for each).
double forward_flops_per_char(const ModelConfig& config);
double training_flops_per_char(const ModelConfig& config);

}  // namespace cellscope
