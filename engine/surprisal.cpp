// Surprisal and entropy from a model's logits. Invariant: the logits at position p (the state
// after reading character p) score character p + 1, so a chunk [b, b + T) fills [b + 1, b + T + 1)
// and every position but 0 is written exactly once by a full pass.
#include "surprisal.h"

#include <algorithm>
#include <limits>

namespace cellscope {

std::string to_string(TextQuantity q) {
  return q == TextQuantity::kSurprisal ? "surprisal" : "entropy";
}

bool parse_text_quantity(const std::string& name, TextQuantity* out) {
  if (name == "surprisal") {
    *out = TextQuantity::kSurprisal;
    return true;
  }
  if (name == "entropy") {
    *out = TextQuantity::kEntropy;
    return true;
  }
  return false;
}

double CharScores::total_surprisal() const {
  double sum = 0.0;
  for (float v : surprisal) {
    if (!std::isnan(v)) sum += static_cast<double>(v);
  }
  return sum;
}

int64_t CharScores::scored() const {
  return static_cast<int64_t>(
      std::count_if(surprisal.begin(), surprisal.end(), [](float v) { return !std::isnan(v); }));
}

double CharScores::mean_surprisal() const {
  const int64_t n = scored();
  return n > 0 ? total_surprisal() / static_cast<double>(n) : 0.0;
}

CharScores empty_scores(int64_t length) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CharScores s;
  s.surprisal.assign(static_cast<std::size_t>(std::max<int64_t>(length, 0)), nan);
  s.entropy.assign(s.surprisal.size(), nan);
  return s;
}

void score_logits(const float* logits, int V, int32_t next, double* surprisal, double* entropy) {
  double m = -std::numeric_limits<double>::infinity();
  for (int v = 0; v < V; ++v) m = std::max(m, static_cast<double>(logits[v]));
  double z = 0.0, weighted = 0.0;  // Σ e^(l-m), Σ e^(l-m)·(l-m)
  for (int v = 0; v < V; ++v) {
    const double d = static_cast<double>(logits[v]) - m;
    const double e = std::exp(d);
    z += e;
    weighted += e * d;
  }
  const double log_z = std::log(z);
  // H = −Σ p (d − log z) = log z − Σ p d.
  *entropy = log_z - weighted / z;
  *surprisal = next >= 0 && next < V ? log_z - (static_cast<double>(logits[next]) - m)
                                     : std::numeric_limits<double>::quiet_NaN();
}

ChunkFn score_recorder(const EncodedText& text, CharScores* out) {
  return [&text, out](const ChunkView& chunk) {
    const auto logits = chunk.logits();
    const int V = static_cast<int>(logits.rows());
    const int64_t n = out->size();
    std::vector<float> column(static_cast<std::size_t>(V));
    for (int t = 0; t < chunk.steps(); ++t) {
      const int64_t next = chunk.begin() + t + 1;
      if (next >= n) break;
      for (int v = 0; v < V; ++v) column[static_cast<std::size_t>(v)] = logits(v, t);
      double s, h;
      score_logits(column.data(), V, text[static_cast<std::size_t>(next)], &s, &h);
      out->surprisal[static_cast<std::size_t>(next)] = static_cast<float>(s);
      out->entropy[static_cast<std::size_t>(next)] = static_cast<float>(h);
    }
  };
}

CharScores score_text(Probe& probe, const EncodedText& text, const ProgressFn& progress) {
  CharScores scores = empty_scores(static_cast<int64_t>(text.size()));
  if (!probe.run(score_recorder(text, &scores), progress)) return {};
  return scores;
}

}  // namespace cellscope
