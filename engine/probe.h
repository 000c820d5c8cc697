// Probe: a model's insides over a text, state carried from the start, at batch 1 in chunks of
// `chunk` steps. One streaming pass keeps every layer's state every `checkpoint_every` chars;
// window() replays [a, b) from the nearest kept state ≤ a with the same chunk boundaries, so a
// window is bit-identical to the pass (tested; other chunkings differ by ≤ 1.2e-7, measured).
// Memory: L·H·(2 for LSTM)·4 bytes per checkpoint_every chars, never L × H × length.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config.h"
#include "corpus.h"
#include "model.h"

namespace cellscope {

// What can be read of a neuron. LSTM: cell c, tanh(c), hidden h, gates i f o, candidate g.
// GRU: hidden h, gates z r, candidate h~. RNN: hidden h.
enum class Quantity {
  kCell,
  kTanhCell,
  kHidden,
  kInput,
  kForget,
  kOutput,
  kCandidate,
  kUpdate,
  kReset
};

// The value range of a quantity: sigmoid gates (0, 1); h, tanh(c), candidates (-1, 1); c unbounded.
enum class QuantityRange { kUnit, kSigned, kUnbounded };

std::string to_string(Quantity q);  // "cell", "tanh-cell", "hidden", "input", ...
// Throws Error naming the accepted values.
Quantity parse_quantity(const std::string& name);
// "cell|tanh-cell|hidden|input|forget|output|candidate|update|reset"
std::string quantity_names();
QuantityRange quantity_range(Quantity q);
// The quantities a cell type has, in the order above.
const std::vector<Quantity>& cell_quantities(CellType cell);
bool has_quantity(CellType cell, Quantity q);
// Throws Error ("a gru model has no 'cell' (it has: hidden, update, reset, candidate)").
void require_quantity(CellType cell, Quantity q);

using ProgressFn = std::function<bool(double)>;  // fraction done; return false to cancel

// One chunk of the pass: positions [begin, begin + steps) of the text (the state after reading
// each character). Views into the model's caches: valid only during the callback.
class ChunkView {
 public:
  ChunkView(const Model<float>& model, int64_t begin, int steps);
  int64_t begin() const { return begin_; }
  int steps() const { return steps_; }  // T
  // (H × T): quantity q of layer l, column t = position begin + t.
  Eigen::Block<const Mat<float>> values(int layer, Quantity q) const;
  // (V × T): the logits of the next character.
  Eigen::Block<const Mat<float>> logits() const;

 private:
  const Model<float>& model_;
  int64_t begin_;
  int steps_;
};

using ChunkFn = std::function<void(const ChunkView&)>;

struct ProbeOptions {
  int chunk = 256;              // steps per forward
  int checkpoint_every = 1024;  // chars between kept states; a positive multiple of chunk
};

struct Prediction {
  int32_t id = 0;
  float probability = 0.0f;
};

// Everything at positions [begin, end): every layer × neuron × quantity, the top-k predictions
// of the next character and the probability of the actual one.
struct Window {
  int64_t begin = 0, end = 0;
  int layers = 0, hidden = 0, top_k = 0;
  std::vector<Quantity> quantities;  // the cell's, in cell_quantities() order
  std::vector<Mat<float>> values;    // [layer * Q + index of quantity]: (H × n), n = end - begin
  std::vector<Prediction> top;       // (n × top_k), most likely first (ties: lower id first)
  std::vector<float> next_probability;  // n; NaN at the text's last position (no next char)

  int64_t size() const { return end - begin; }
  const Mat<float>& of(int layer, Quantity q) const;  // (H × n); Error when the cell lacks q
  float value(int64_t pos, int layer, int neuron, Quantity q) const {
    return of(layer, q)(neuron, pos - begin);
  }
  const Prediction* predictions(int64_t pos) const {
    return top.data() + static_cast<std::size_t>(pos - begin) * static_cast<std::size_t>(top_k);
  }
};

class Probe {
 public:
  // `model` and `text` must outlive the probe; the probe runs model.forward() (so nothing else
  // may use the model meanwhile). Throws Error for a text shorter than 1 character or bad options.
  Probe(Model<float>& model, const EncodedText& text, ProbeOptions options = {});

  int64_t size() const { return static_cast<int64_t>(text_.size()); }
  const ProbeOptions& options() const { return options_; }
  const Model<float>& model() const { return model_; }

  // The streaming pass over the whole text from a zero state: keeps the checkpoints and calls
  // `on_chunk` (optional) for every chunk, in order. Returns false when `progress` cancelled.
  bool run(const ChunkFn& on_chunk = {}, const ProgressFn& progress = {});
  // True once every checkpoint is kept (after a completed run()).
  bool complete() const { return kept_ == checkpoint_count(); }
  // Positions below this replay from a kept state at most checkpoint_every behind (cheap).
  int64_t frontier() const { return std::min(size(), kept_ * options_.checkpoint_every); }
  std::size_t checkpoint_bytes() const { return states_.size() * sizeof(float); }

  // Replays the chunks covering [begin, end) from the nearest kept state ≤ begin (position 0's
  // zero state always exists), calling on_chunk for each; the first and last chunk may extend
  // beyond the range. Keeps checkpoints it passes. Returns false when cancelled.
  bool replay(int64_t begin, int64_t end, const ChunkFn& on_chunk, const ProgressFn& progress = {});

  // Recomputes [begin, end). Throws Error for a bad range or when the result would exceed
  // kMaxWindowBytes (a window holds L·H·Q floats per position).
  Window window(int64_t begin, int64_t end, int top_k = 5);
  static constexpr std::size_t kMaxWindowBytes = std::size_t{1} << 30;

  // One neuron's whole-text track (a float per character), by a full pass; empty if cancelled.
  std::vector<float> track(int layer, int neuron, Quantity q, const ProgressFn& progress = {});

 private:
  int64_t checkpoint_count() const;
  bool stream(int64_t from, int64_t to, const ChunkFn& on_chunk, const ProgressFn& progress);
  void keep_state(const ModelState<float>& state);
  ModelState<float> kept_state(int64_t index) const;

  Model<float>& model_;
  const EncodedText& text_;
  ProbeOptions options_;
  std::vector<float> states_;  // kept_ checkpoints, each per layer: h (H) then c (H, LSTM)
  int64_t kept_ = 0;
  std::vector<int32_t> inputs_;
};

// A ChunkFn that copies one neuron's values into (*out)[position] (resized to the text length).
ChunkFn track_recorder(int layer, int neuron, Quantity q, int64_t length, std::vector<float>* out);

// Throws Error when the layer or neuron is out of range, or the cell lacks q.
void check_neuron(const ModelConfig& config, int layer, int neuron, Quantity q);

}  // namespace cellscope
