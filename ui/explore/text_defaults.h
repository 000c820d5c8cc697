// What the explorer picks by itself from the text when the user has named nothing: the neuron to
// start on (the most lastingly variable of a layer over the text's first characters, never one
// stuck at an end of its range) and the finder's detector (C-like → c-comment, LaTeX → latex, prose →
// double-quote). Pure functions: no Qt widgets, no threads; the worker calls the first.
#pragma once

#include <string>

#include "probe.h"

namespace text_defaults {

// Characters of the text's start the automatic neuron is chosen over.
constexpr long kNeuronPrefix = 4096;

struct NeuronChoice {
  int neuron = -1;  // -1: every neuron is saturated or constant
  double variance = 0.0;
};

// values: (H × n), every neuron of one layer and quantity over n positions (NaN: the neuron is
// skipped). The most variable neuron whose variance lasts: the largest lag-1 autocovariance
// (> 0), so a neuron flipping at every character loses to one that holds a state. A neuron counts
// as saturated when ≥ 90% of its values sit within 5% of the range's width of one end (kUnit,
// kSigned); such neurons are never chosen. Ties go to the lower index.
NeuronChoice mostVariableNeuron(const cellscope::Mat<float>& values,
                                cellscope::QuantityRange range);

// The detector name (as in detector_list()) suited to `text`: "latex" when it has LaTeX commands
// (\begin{, \section, \documentclass, $…$ with backslash commands), "c-comment" when it looks like
// C-like source (comment markers, braces with semicolons, #include), else "double-quote".
std::string defaultDetector(const std::u32string& text);

}  // namespace text_defaults
