// A model made in the test, not trained: Model::init_params(seed) into a ModelFile, with the
// vocabulary sorted as a .csm requires and the weights scaled by `scale` (above 1, activations
// spread over their whole range, so colours and rankings differ from neuron to neuron).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "model.h"
#include "vocabulary.h"

namespace ui_test {

inline cellscope::ModelFile randomModel(const std::u32string& chars, int hidden, int layers,
                                        uint64_t seed, float scale = 1.0f,
                                        cellscope::CellType cell = cellscope::CellType::kLstm) {
  cellscope::ModelFile file;
  file.vocabulary =
      cellscope::Vocabulary(std::vector<char32_t>(chars.begin(), chars.end())).code_points();
  file.model.cell = cell;
  file.model.vocab_size = static_cast<int32_t>(file.vocabulary.size());
  file.model.hidden_size = hidden;
  file.model.num_layers = layers;
  cellscope::Model<float> model(file.model);
  model.init_params(seed);
  file.parameters = model.params().to_vector();
  for (float& p : file.parameters) p *= scale;
  return file;
}

}  // namespace ui_test
