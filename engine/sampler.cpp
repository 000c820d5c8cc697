// Sampling. Invariant: logits_ always holds the model's output for the last character fed,
// so distribution() and next() never rerun the network.
#include "sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "error.h"

namespace cellscope {

Sampler::Sampler(Model<float>& model, const Vocabulary& vocab)
    : model_(model), vocab_(vocab), state_(model.zero_state(1)) {
  if (vocab.size() != model.vocab_size()) throw Error("vocabulary does not match the model");
}

void Sampler::feed(int id) {
  const int32_t input = id;
  ChunkSpec spec{1, 1, 0, 1};
  model_.forward(&input, nullptr, spec, state_, false, nullptr);
  logits_ = model_.logits().col(0);
}

int64_t Sampler::prime(std::string_view prime_text, const std::function<void()>& after_each) {
  state_ = model_.zero_state(1);
  int64_t unknown = 0;
  const std::vector<int32_t> ids = vocab_.encode(prime_text, &unknown);
  const int newline = vocab_.id_of(U'\n');
  if (newline >= 0 || ids.empty()) feed(newline >= 0 ? newline : 0);
  for (int32_t id : ids) {
    feed(id);
    if (after_each) after_each();
  }
  return unknown;
}

const Vec<float>& Sampler::distribution(double temperature, int top_k) {
  if (!(temperature > 0.0)) throw Error("temperature must be > 0");
  if (logits_.size() == 0) prime("");
  const int V = static_cast<int>(logits_.size());
  const float inv_t = static_cast<float>(1.0 / temperature);
  probs_ = logits_ * inv_t;
  if (top_k > 0 && top_k < V) {
    std::vector<float> sorted(probs_.data(), probs_.data() + V);
    std::nth_element(sorted.begin(), sorted.begin() + (top_k - 1), sorted.end(),
                     std::greater<float>());
    const float kth = sorted[static_cast<std::size_t>(top_k - 1)];
    int kept = 0;  // ties at the k-th value: keep the first ones only, exactly k in all
    for (int i = 0; i < V; ++i) {
      if (probs_(i) > kth) ++kept;
    }
    for (int i = 0; i < V; ++i) {
      if (probs_(i) > kth) continue;
      if (probs_(i) == kth && kept < top_k) {
        ++kept;
        continue;
      }
      probs_(i) = -std::numeric_limits<float>::infinity();
    }
  }
  const float m = probs_.maxCoeff();
  probs_ = (probs_.array() - m).exp().matrix();
  probs_ /= probs_.sum();
  return probs_;
}

int Sampler::next(const SampleOptions& options, std::mt19937_64& rng) {
  int id = 0;
  if (options.argmax) {
    if (logits_.size() == 0) prime("");
    logits_.maxCoeff(&id);
  } else {
    const Vec<float>& p = distribution(options.temperature, options.top_k);
    const double u = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
    double acc = 0.0;
    id = static_cast<int>(p.size()) - 1;
    for (int i = 0; i < p.size(); ++i) {
      acc += p(i);
      if (u < acc) {
        id = i;
        break;
      }
    }
    while (p(id) == 0.0f && id > 0) --id;  // rounding at the tail: never pick a zero entry
  }
  feed(id);
  return id;
}

std::string Sampler::generate(std::string_view prime_text, int64_t length,
                              const SampleOptions& options,
                              const std::function<bool(std::string_view)>& on_char) {
  prime(prime_text);
  std::mt19937_64 rng(options.seed);
  std::string out;
  for (int64_t i = 0; i < length; ++i) {
    const std::string ch = vocab_.decode(next(options, rng));
    out += ch;
    if (on_char && !on_char(ch)) break;
  }
  return out;
}

double entropy(const Vec<float>& probs) {
  double h = 0.0;
  for (int i = 0; i < probs.size(); ++i) {
    if (probs(i) > 0.0f)
      h -= static_cast<double>(probs(i)) * std::log(static_cast<double>(probs(i)));
  }
  return h;
}

}  // namespace cellscope
