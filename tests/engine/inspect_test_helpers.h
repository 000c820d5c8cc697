// Helpers for the inspection tests (probe, neuron search, saturation): a randomly initialised
// model over a text's vocabulary, a mixed text with quotes, brackets and newlines, and both.
#pragma once

#include <memory>
#include <random>
#include <string>

#include "model.h"
#include "test_helpers.h"

namespace cellscope::testing_util {

inline std::unique_ptr<Model<float>> random_model(CellType cell, int vocab, int hidden, int layers,
                                                  uint64_t seed) {
  ModelConfig config;
  config.cell = cell;
  config.vocab_size = vocab;
  config.hidden_size = hidden;
  config.num_layers = layers;
  auto model = std::make_unique<Model<float>>(config);
  model->init_params(seed);
  // Larger weights than the default init, so activations spread over their whole range.
  for (auto& v : model->params().values()) v *= 3.0f;
  return model;
}

inline std::string mixed_text(std::size_t length, uint64_t seed) {
  static const char* const kPieces[] = {"say ", "\"hi\" ", "(a [b] c) ", "{x}\n", "if (y) ",
                                        "z; ",  "'q' ",    "// note\n",  "ab ",   "\n"};
  std::mt19937_64 rng(seed);
  std::string text;
  while (text.size() < length) text += kPieces[rng() % (sizeof kPieces / sizeof kPieces[0])];
  text.resize(length);
  return text;
}

// A mixed text and a randomly initialised model over its vocabulary.
struct TextAndModel {
  TextAndModel(CellType cell, std::size_t length, uint64_t text_seed, int hidden, int layers,
               uint64_t model_seed)
      : chars(mixed_text(length, text_seed)),
        vocab(vocab_of(chars)),
        text(encode_text(vocab, chars)),
        model(random_model(cell, vocab.size(), hidden, layers, model_seed)) {}
  std::string chars;
  Vocabulary vocab;
  EncodedText text;
  std::unique_ptr<Model<float>> model;
};

}  // namespace cellscope::testing_util
