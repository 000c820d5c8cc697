// Model against model on one text: the per-character difference in surprisal (A − B, nats) and
// each model's mean loss overall and on the characters each detector marks, so "the LSTM wins
// inside long quotes" is a number. Scores follow surprisal.h (position p: the loss of character
// p; position 0 unscored); a detector marks position p when its value there is > 0.5 (span
// detectors: character p is inside; depths: depth ≥ 1; line-position: not the first character
// of a line), the same alignment the neuron finder uses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "surprisal.h"

namespace cellscope {

struct DetectorLoss {
  std::string detector;  // registry name or "regex:..."
  int64_t chars = 0;     // scored characters it marks
  double loss_a = 0.0;   // mean nats over them (NaN when chars == 0)
  double loss_b = 0.0;
};

struct Comparison {
  int64_t chars = 0;    // characters both models scored
  double loss_a = 0.0;  // mean nats over them: eval's loss_nats for each
  double loss_b = 0.0;
  std::vector<float> difference;        // per position: surprisal A − B (NaN where unscored)
  std::vector<DetectorLoss> detectors;  // in the order asked
};

// Every detector of the registry (detectors.h), in its order.
std::vector<std::string> all_detector_names();

// `a` and `b` must both have text.size() positions. Throws Error for a bad detector name.
Comparison compare_scores(const CharScores& a, const CharScores& b, const std::u32string& text,
                          const std::vector<std::string>& detectors);

}  // namespace cellscope
