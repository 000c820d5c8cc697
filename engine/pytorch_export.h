// ModelFile -> a PyTorch state_dict in safetensors, under fixed names: `rnn.weight_ih_l<k>`,
// `rnn.weight_hh_l<k>`, `rnn.bias_ih_l<k>`, `rnn.bias_hh_l<k>` for an nn.LSTM / nn.GRU / nn.RNN
// (batch_first irrelevant), and `out.weight` (V × H), `out.bias` (V) for the nn.Linear head.
// Input is one-hot (layer 0's W_ih has V columns; an imported embedding stays folded).
// Metadata: "vocab" (JSON array of the characters in index order), "cell" (lstm|gru|rnn),
// "nonlinearity" (tanh|relu), "hidden_size", "num_layers". Our summed biases go to bias_ih
// with bias_hh zero (the reset-after GRU keeps both). Gates are permuted by pytorch_gate_map.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "safetensors.h"

namespace cellscope {

// Throws Error naming `source` when PyTorch cannot express the model exactly: CellScope's own
// GRU (reset gate before the recurrent product).
std::vector<SafeTensorOut> pytorch_tensors(const ModelFile& file, const std::string& source,
                                           std::map<std::string, std::string>* metadata);

// pytorch_tensors, written atomically to `path` (nothing is written on error).
void export_pytorch(const ModelFile& file, const std::string& source, const std::string& path);

}  // namespace cellscope
