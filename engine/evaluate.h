// Evaluation: the mean cross-entropy of a model on a text, state carried from the start.
// With `streams` = 1 this is the exact loss of reading the whole text in order; with more
// streams the text is cut in that many contiguous parts run side by side (faster; each part
// starts from a zero state, as char-rnn's validation does).
#pragma once

#include <cstdint>
#include <functional>

#include "corpus.h"
#include "model.h"

namespace cellscope {

struct EvalResult {
  double loss_nats = 0.0;  // mean over `chars` predictions
  int64_t chars = 0;       // characters predicted (text length - streams, at most)
  double bits_per_char() const;
};

// `progress` (optional) receives the fraction done after every chunk; returning false stops
// early (the result then covers what was read). Throws Error when the text has < 2 characters.
EvalResult evaluate(Model<float>& model, const EncodedText& text, int streams, int chunk,
                    const std::function<bool(double)>& progress = {});

}  // namespace cellscope
