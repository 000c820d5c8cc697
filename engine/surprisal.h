// Surprisal and entropy per character: how surprised a model was by each character (−log p, in
// nats) and how unsure its prediction was (the entropy of that prediction, nats). Convention,
// the same as evaluate(): value[p] belongs to character p, predicted from characters [0, p);
// position 0 has no prediction and is NaN. So the surprisal summed over a text equals eval's
// loss_nats × chars. Model-level, not a neuron: kept apart from probe.h's Quantity on purpose.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "corpus.h"
#include "probe.h"

namespace cellscope {

// What the explorer and `probe --quantity` can colour by besides a neuron.
enum class TextQuantity { kSurprisal, kEntropy };

std::string to_string(TextQuantity q);  // "surprisal", "entropy"
// True and sets *out when `name` is "surprisal" or "entropy"; false otherwise (then it may be a
// neuron Quantity: see parse_quantity).
bool parse_text_quantity(const std::string& name, TextQuantity* out);
constexpr double kNatsPerBit = 0.69314718055994530942;  // ln 2: bits = nats / ln 2

// Per character of a text, in nats; NaN where there is no prediction (position 0, or not
// scored yet).
struct CharScores {
  std::vector<float> surprisal;  // −ln p(char p | chars < p)
  std::vector<float> entropy;    // −Σ_v p(v | chars < p) ln p(v | chars < p)

  int64_t size() const { return static_cast<int64_t>(surprisal.size()); }
  const std::vector<float>& of(TextQuantity q) const {
    return q == TextQuantity::kSurprisal ? surprisal : entropy;
  }
  // Sum of the surprisal over the scored (non-NaN) positions, in double.
  double total_surprisal() const;
  int64_t scored() const;  // positions with a surprisal
  // total_surprisal() / scored(): eval's loss_nats (0 when nothing is scored).
  double mean_surprisal() const;
};

// A CharScores of `length` NaNs.
CharScores empty_scores(int64_t length);

// The surprisal of `next` and the entropy of the softmax of `logits` (V values), both in nats,
// computed in double. next < 0: surprisal NaN.
void score_logits(const float* logits, int V, int32_t next, double* surprisal, double* entropy);

// A ChunkFn (for Probe::run or Probe::replay) that fills (*out)[p + 1] from the chunk's logits
// at position p, for every position of the chunk; `out` must be sized to the text (empty_scores)
// and `text` must be the probed text. Chunks may come in any order.
ChunkFn score_recorder(const EncodedText& text, CharScores* out);

// The whole text's scores by one pass of `probe` (which must be over `text`); empty when
// `progress` cancelled.
CharScores score_text(Probe& probe, const EncodedText& text, const ProgressFn& progress = {});

}  // namespace cellscope
