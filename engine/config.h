// Model and training configuration: plain values, saved in the .csm file and filled from the
// CLI flags or the app's training pane. Defaults are char-rnn's where it has one, except the
// learning rate: 4e-3 grew a URL neuron and the lowest held-out loss in 5 minutes on 2 cores
// (docs/training.md, "Defaults"); char-rnn's 2e-3 was slower.
#pragma once

#include <cstdint>
#include <string>

namespace cellscope {

enum class CellType : int32_t { kRnn = 0, kGru = 1, kLstm = 2 };
enum class OptimizerType : int32_t { kAdam = 0, kRmsProp = 1, kSgd = 2 };
enum class ClipMode : int32_t { kValue = 0, kNorm = 1 };

std::string to_string(CellType type);
std::string to_string(OptimizerType type);
std::string to_string(ClipMode mode);
// Parse "lstm" / "gru" / "rnn" etc.; throw Error naming the accepted values otherwise.
CellType parse_cell_type(const std::string& name);
OptimizerType parse_optimizer_type(const std::string& name);
ClipMode parse_clip_mode(const std::string& name);

struct ModelConfig {
  CellType cell = CellType::kLstm;
  int32_t vocab_size = 0;     // V
  int32_t hidden_size = 128;  // H, the same for every layer
  int32_t num_layers = 2;     // L
  double dropout = 0.0;       // between layers and before the output layer, training only
  // Cell variants that PyTorch models use; recorded in the .csm's optional CVAR section, so
  // files without it load as the defaults.
  bool gru_reset_after = false;  // GRU: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), PyTorch's
  bool rnn_relu = false;         // vanilla RNN: relu instead of tanh (nn.RNN nonlinearity='relu')
};

struct TrainConfig {
  int32_t seq_length = 50;   // T: chars per chunk (sets k1 = k2 unless they are given)
  int32_t bptt_every = 0;    // k1: chars the cursor advances per iteration (0: seq_length)
  int32_t bptt_length = 0;   // k2: steps gradients flow back (0: seq_length); k1 <= k2
  int32_t batch_size = 50;   // B: contiguous streams
  bool reset_state = false;  // true: every chunk starts from a zero state
  OptimizerType optimizer = OptimizerType::kAdam;
  double learning_rate = 4e-3;  // docs/training.md: measured against 2e-3 on FOLDOC
  double lr_decay = 0.97;  // multiply the rate by this after every epoch past lr_decay_after
  int32_t lr_decay_after = 10;
  double grad_clip = 5.0;
  ClipMode clip_mode = ClipMode::kValue;
  double val_frac = 0.05;
  int64_t max_epochs = 50;    // 0: no epoch limit
  int64_t max_iters = 0;      // 0: no iteration limit
  double max_seconds = 0.0;   // 0: no time limit
  int64_t eval_every = 1000;  // iterations between validation runs (0: only at the end)
  int64_t checkpoint_every = 1000;
  int64_t sample_every = 0;  // 0: no samples during training
  int32_t sample_length = 200;
  double sample_temperature = 1.0;
  uint64_t seed = 123;

  int32_t k1() const { return bptt_every > 0 ? bptt_every : seq_length; }
  int32_t k2() const { return bptt_length > 0 ? bptt_length : seq_length; }
};

}  // namespace cellscope
