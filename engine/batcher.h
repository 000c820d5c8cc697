// Batcher: char-rnn's layout. The text (N ids) is cut into B contiguous streams of
// S = (N-1)/B characters; iteration i of an epoch reads, from every stream, the window of k2
// inputs starting at i*k1 (targets shifted by one). With k1 = k2 = T this is plain truncated
// BPTT with the state carried chunk to chunk; with k1 < k2 the first k2-k1 steps of a window
// (after the first) repeat already-seen characters only to let gradients flow back k2 steps.
#pragma once

#include <cstdint>
#include <vector>

#include "corpus.h"
#include "model.h"

namespace cellscope {

class Batcher {
 public:
  // Throws Error when the text is too short for even one window of B streams.
  Batcher(const EncodedText& text, int batch_size, int k1, int k2);

  int64_t iterations_per_epoch() const { return iterations_; }
  int batch_size() const { return B_; }
  int k1() const { return k1_; }
  int k2() const { return k2_; }
  // New characters trained on per iteration (k1 × B).
  int64_t chars_per_iteration() const { return static_cast<int64_t>(k1_) * B_; }

  // Fills inputs and targets (k2 × B, t-major) for iteration `index` (0-based within the
  // epoch) and returns the chunk spec to run it with.
  ChunkSpec fill(int64_t index, std::vector<int32_t>& inputs, std::vector<int32_t>& targets) const;

 private:
  const EncodedText& text_;
  int B_, k1_, k2_;
  int64_t stream_length_ = 0;
  int64_t iterations_ = 0;
};

}  // namespace cellscope
