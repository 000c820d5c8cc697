// Sampler: generates text from a model one character at a time (batch 1, state carried).
// The distribution at temperature τ is softmax(logits / τ) (char-rnn's pred^(1/τ) normalised);
// top-k keeps the k most likely characters; argmax takes the most likely. Draws come from a
// seeded std::mt19937_64, so the same seed, prime and options give the same text.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>

#include "model.h"
#include "vocabulary.h"

namespace cellscope {

struct SampleOptions {
  double temperature = 1.0;  // > 0
  bool argmax = false;
  int top_k = 0;  // 0: all characters
  uint64_t seed = 0;
};

class Sampler {
 public:
  Sampler(Model<float>& model, const Vocabulary& vocab);

  // Resets the state to zero, feeds a newline (when the vocabulary has one: a zero state is
  // not a state the model saw during training, a line start is, and short primes read from a
  // zero state give a few characters of noise), then `prime` (UTF-8; unknown characters follow
  // the vocabulary's policy). Without a newline in the vocabulary an empty prime starts from
  // character 0. Returns how many prime characters were unknown. `after_each` (optional) runs
  // after each prime character is fed (not the warm-up newline): the model's caches then hold
  // that character's activations, e.g. for colouring the prime.
  int64_t prime(std::string_view prime_text, const std::function<void()>& after_each = {});

  // The distribution over the next character at `temperature` (sums to 1), with top-k applied.
  const Vec<float>& distribution(double temperature, int top_k = 0);

  // Draws the next character from the current distribution, feeds it, returns its id.
  int next(const SampleOptions& options, std::mt19937_64& rng);

  // prime(), then `length` characters, each passed to `on_char` (UTF-8) as it is produced;
  // stops early when on_char returns false. Returns the generated text (without the prime).
  std::string generate(std::string_view prime_text, int64_t length, const SampleOptions& options,
                       const std::function<bool(std::string_view)>& on_char = {});

 private:
  void feed(int id);

  Model<float>& model_;
  const Vocabulary& vocab_;
  ModelState<float> state_;
  Vec<float> logits_;
  Vec<float> probs_;
};

// Entropy in nats of a distribution.
double entropy(const Vec<float>& probs);

}  // namespace cellscope
