// Watching neurons emerge: every N training iterations, the trainer reads a fixed probe text
// through the model (state carried from its start, as `find` does) and, for each watched
// detector, ranks every neuron of every layer for each watched quantity with NeuronSearch,
// keeping the best (largest |r|). Cost: one batch-1 forward pass over the probe text plus
// (detectors × quantities) histogram updates per character and neuron; memory: the probe text,
// its signals and one NeuronSearch per pair (L·H·2·1024 counts each).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "corpus.h"
#include "model.h"
#include "probe.h"
#include "vocabulary.h"
#include "watch_record.h"

namespace cellscope {

// The probe text's default size: the first 20,000 characters of the validation split.
constexpr int64_t kDefaultWatchChars = 20000;
// Iterations between measurements by default. Measured on FOLDOC with the default 2x128 LSTM
// (batch 50, seq 50), 2 threads, three detectors, on a busy 2-core machine: one measurement
// 0.45-1.25 s, 250 iterations ~23-25 s, so 2-5% of training time; a 500-iteration run with its
// start and end measurements 4.4-5.9% (the target: <= 10%).
constexpr int64_t kDefaultWatchEvery = 250;

// The quantities watched when none are named: LSTM tanh-cell and hidden, GRU and RNN hidden.
// Not cell itself: tanh(c) ranks every neuron the same way (same AUC), usually with a larger
// |r| on span detectors, and its histogram is the slowest to fill (a third of a measurement).
// Gates switch per step and are left to `find`.
std::vector<Quantity> default_watch_quantities(CellType cell);

// The first `chars` characters of `text` (ids of `vocab`) as code points.
std::u32string decode_prefix(const EncodedText& text, const Vocabulary& vocab, int64_t chars);

class NeuronWatch {
 public:
  // Computes each detector's signal on `text` once and encodes the text with `vocab` (unknown
  // characters read as its fallback). Throws Error for an unknown detector or bad regex, an
  // empty detector list, or a text shorter than 2 characters. `quantities` empty: the default.
  NeuronWatch(std::vector<std::string> detectors, const std::u32string& text,
              const Vocabulary& vocab, std::vector<Quantity> quantities = {});

  // One record per detector, in the order given, for `model` as it is now. Uses model.forward()
  // (at batch 1): call it between training iterations, never during one. Throws Error when a
  // watched quantity does not exist for the model's cell.
  std::vector<WatchRecord> measure(Model<float>& model, int64_t iteration) const;

  const std::vector<std::string>& detectors() const { return detectors_; }
  int64_t text_size() const { return static_cast<int64_t>(ids_.size()); }
  // Detectors whose signal is constant on the probe text (never or always on): their r is NaN.
  std::vector<std::string> constant_detectors() const;
  int64_t unknown_characters() const { return unknown_; }

 private:
  std::vector<std::string> detectors_;
  std::vector<std::vector<float>> signals_;  // per detector, one value per character
  std::vector<double> thresholds_;           // AUC positives: value > threshold
  std::vector<Quantity> quantities_;
  EncodedText ids_;
  int64_t unknown_ = 0;
};

}  // namespace cellscope
