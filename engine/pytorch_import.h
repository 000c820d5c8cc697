// PyTorch state_dicts (safetensors) -> ModelFile. Maps nn.LSTM / nn.GRU / nn.RNN keys
// (`<prefix>weight_ih_l<k>`, `weight_hh_l<k>`, `bias_ih_l<k>`, `bias_hh_l<k>`, any prefix),
// an optional nn.Embedding in front (folded into layer 0: Wx = W_ih · Eᵀ, V columns) and an
// nn.Linear head (`<p>weight` V × H, `<p>bias` V). Anything it cannot map exactly is refused
// with an Error naming the file, the key and the reason; nothing is half-built.
// Vocabulary convention: the file's `__metadata__` key "vocab" holds a JSON array of strings,
// one character each, in index order (["\n", " ", "!", ...]); --vocab FILE gives the same array.
#pragma once

#include <string>
#include <vector>

#include "checkpoint.h"
#include "config.h"
#include "safetensors.h"

namespace cellscope {

// THE gate permutation, stated once (import and export both use it): our gate block k
// (see lstm_cell.h, gru_cell.h) holds sign × PyTorch's gate block `source`.
//   LSTM: ours i,f,o,g  <- PyTorch i,f,g,o
//   GRU:  ours z,r,n    <- PyTorch r,z,n, with z negated (PyTorch's z keeps h, ours takes n;
//         sigmoid(-a) = 1 - sigmoid(a), so negating z's rows, biases included, is exact)
//   RNN:  identity
struct GateSource {
  int source = 0;
  float sign = 1.0f;
};
std::vector<GateSource> pytorch_gate_map(CellType cell);

struct ImportOptions {
  std::string vocab_json;    // non-empty: the vocabulary (overrides the file's metadata)
  std::string vocab_source;  // its name in messages (a file path)
  std::string nonlinearity;  // "tanh" / "relu" for nn.RNN ("": the metadata's, else tanh)
};

struct ImportedModel {
  ModelFile file;
  std::vector<std::string> notes;  // one line each: what the mapping did (embedding folded, ...)
};

ImportedModel import_pytorch(const SafetensorsFile& st, const ImportOptions& options = {});

// A JSON array of one-character strings, in index order. Throws Error naming `source` when it
// is not one, a string is not exactly one character, or a character repeats.
std::vector<char32_t> parse_vocab_json(const std::string& json_text, const std::string& source);
std::string vocab_to_json(const std::vector<char32_t>& vocab);

}  // namespace cellscope
