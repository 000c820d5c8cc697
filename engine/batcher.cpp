// Batcher windows. Invariant: every window read lies inside its stream's S+1 characters
// (inputs [i*k1, i*k1+k2), targets one further), so no read passes the text's end.
#include "batcher.h"

#include <string>

#include "error.h"

namespace cellscope {

Batcher::Batcher(const EncodedText& text, int batch_size, int k1, int k2)
    : text_(text), B_(batch_size), k1_(k1), k2_(k2) {
  if (B_ < 1 || k1_ < 1 || k2_ < 1) throw Error("batch size and sequence lengths must be >= 1");
  if (k1_ > k2_) {
    throw Error("--bptt-every (" + std::to_string(k1_) + ") must not exceed --bptt-length (" +
                std::to_string(k2_) + ")");
  }
  const int64_t n = static_cast<int64_t>(text_.size());
  stream_length_ = n > 0 ? (n - 1) / B_ : 0;
  iterations_ = stream_length_ >= k2_ ? (stream_length_ - k2_) / k1_ + 1 : 0;
  if (iterations_ == 0) {
    throw Error("the training text (" + std::to_string(n) + " characters) is too short for " +
                std::to_string(B_) + " streams of " + std::to_string(k2_) +
                " characters: lower --batch-size or --seq-length");
  }
}

ChunkSpec Batcher::fill(int64_t index, std::vector<int32_t>& inputs,
                        std::vector<int32_t>& targets) const {
  const std::size_t tb = static_cast<std::size_t>(k2_) * static_cast<std::size_t>(B_);
  inputs.resize(tb);
  targets.resize(tb);
  const int64_t start = index * k1_;
  for (int b = 0; b < B_; ++b) {
    const int64_t base = b * stream_length_ + start;
    for (int t = 0; t < k2_; ++t) {
      const std::size_t j =
          static_cast<std::size_t>(t) * static_cast<std::size_t>(B_) + static_cast<std::size_t>(b);
      inputs[j] = text_[static_cast<std::size_t>(base + t)];
      targets[j] = text_[static_cast<std::size_t>(base + t + 1)];
    }
  }
  ChunkSpec spec;
  spec.T = k2_;
  spec.B = B_;
  spec.loss_from = index == 0 ? 0 : k2_ - k1_;
  spec.carry_at = k1_;
  return spec;
}

}  // namespace cellscope
