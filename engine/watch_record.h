// WatchRecord: one measurement of "which neuron tracks this detector best" during training, as
// the trainer reports it (WatchEvent in trainer.h) and the .csm file keeps it (ModelFile::watch).
// Plain values only (no engine types), so the model file's header can hold it.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace cellscope {

struct WatchRecord {
  int64_t iteration = 0;  // training iterations done when measured (0: before the first update)
  std::string detector;   // as given to --watch: "double-quote", "url", "regex:..."
  // The best neuron: the largest |r| over every layer, neuron and watched quantity. -1 / -1 with
  // NaN r and AUC when no neuron has a finite r (the detector is constant on the probe text).
  int32_t layer = -1, neuron = -1;
  std::string quantity;  // its quantity's name (to_string(Quantity)): "cell", "hidden", ...
  double correlation = std::numeric_limits<double>::quiet_NaN();  // signed Pearson r
  double auc = std::numeric_limits<double>::quiet_NaN();          // ROC-AUC, as `find` gives
};

}  // namespace cellscope
