// Evaluation over B contiguous streams in chunks of T. Invariant: every character but the
// first of each stream is predicted exactly once (streams of S = (N-1)/B characters; with one
// stream, all N-1).
#include "evaluate.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "error.h"

namespace cellscope {

double EvalResult::bits_per_char() const {
  return loss_nats / std::log(2.0);
}

EvalResult evaluate(Model<float>& model, const EncodedText& text, int streams, int chunk,
                    const std::function<bool(double)>& progress) {
  const int64_t n = static_cast<int64_t>(text.size());
  if (n < 2) throw Error("text too short to evaluate (needs at least 2 characters)");
  const int B = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(streams, n - 1)));
  const int64_t S = (n - 1) / B;
  chunk = std::max(1, chunk);
  ModelState<float> state = model.zero_state(B);
  std::vector<int32_t> inputs, targets;
  EvalResult result;
  double total = 0.0;
  for (int64_t pos = 0; pos < S; pos += chunk) {
    const int T = static_cast<int>(std::min<int64_t>(chunk, S - pos));
    inputs.resize(static_cast<std::size_t>(T) * B);
    targets.resize(inputs.size());
    for (int t = 0; t < T; ++t) {
      for (int b = 0; b < B; ++b) {
        const std::size_t src = static_cast<std::size_t>(b * S + pos + t);
        inputs[static_cast<std::size_t>(t * B + b)] = text[src];
        targets[static_cast<std::size_t>(t * B + b)] = text[src + 1];
      }
    }
    const float loss =
        model.forward(inputs.data(), targets.data(), ChunkSpec{T, B, 0, T}, state, false, nullptr);
    total += static_cast<double>(loss) * T * B;
    result.chars += static_cast<int64_t>(T) * B;
    if (progress && !progress(static_cast<double>(pos + T) / static_cast<double>(S))) break;
  }
  result.loss_nats = result.chars > 0 ? total / static_cast<double>(result.chars) : 0.0;
  return result;
}

}  // namespace cellscope
