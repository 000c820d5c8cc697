// ModelFile -> PyTorch names, the inverse of pytorch_import.cpp through the same gate map
// (our block k goes back to PyTorch's block `source`, times the same ±1 sign).
#include "pytorch_export.h"

#include "error.h"
#include "model.h"
#include "pytorch_import.h"

namespace cellscope {

std::vector<SafeTensorOut> pytorch_tensors(const ModelFile& file, const std::string& source,
                                           std::map<std::string, std::string>* metadata) {
  const ModelConfig& c = file.model;
  if (c.cell == CellType::kGru && !c.gru_reset_after) {
    throw Error(source + ": a CellScope GRU (reset gate before the recurrent product) has no "
                         "nn.GRU equivalent; only reset-after GRUs (imported, or trained with the "
                         "reset-after variant) can be exported");
  }
  Model<float> model(c);
  if (file.parameters.size() != model.params().size()) {
    throw Error(source + ": " + std::to_string(file.parameters.size()) + " parameters, the " +
                "configuration needs " + std::to_string(model.params().size()));
  }
  model.params().assign(file.parameters);
  auto view = [&](const std::string& name) {
    return model.params().view(model.layout().block(model.layout().find(name)));
  };
  const int64_t H = c.hidden_size, V = c.vocab_size, G = model.cell().gate_count();
  const std::vector<GateSource> gates = pytorch_gate_map(c.cell);
  std::vector<SafeTensorOut> out;
  for (int l = 0; l < c.num_layers; ++l) {
    const std::string k = std::to_string(l);
    const auto Wx = view("l" + k + ".Wx");
    const auto Wh = view("l" + k + ".Wh");
    const auto b = view("l" + k + ".b");
    const int64_t D = Wx.cols();
    SafeTensorOut w_ih{"rnn.weight_ih_l" + k, {G * H, D}, std::vector<float>(G * H * D)};
    SafeTensorOut w_hh{"rnn.weight_hh_l" + k, {G * H, H}, std::vector<float>(G * H * H)};
    SafeTensorOut b_ih{"rnn.bias_ih_l" + k, {G * H}, std::vector<float>(G * H)};
    SafeTensorOut b_hh{"rnn.bias_hh_l" + k, {G * H}, std::vector<float>(G * H, 0.0f)};
    for (int64_t g = 0; g < G; ++g) {
      const GateSource gs = gates[static_cast<std::size_t>(g)];
      for (int64_t i = 0; i < H; ++i) {
        const int64_t ours = g * H + i, theirs = gs.source * H + i;  // row-major rows
        for (int64_t j = 0; j < D; ++j) w_ih.values[theirs * D + j] = gs.sign * Wx(ours, j);
        for (int64_t j = 0; j < H; ++j) w_hh.values[theirs * H + j] = gs.sign * Wh(ours, j);
        b_ih.values[theirs] = gs.sign * b(ours, 0);
        if (c.gru_reset_after && c.cell == CellType::kGru) {
          b_hh.values[theirs] = gs.sign * Wh(ours, H);
        }
      }
    }
    for (auto* t : {&w_ih, &w_hh, &b_ih, &b_hh}) out.push_back(std::move(*t));
  }
  const auto Wy = view("out.W");
  const auto by = view("out.b");
  SafeTensorOut out_w{"out.weight", {V, H}, std::vector<float>(V * H)};
  SafeTensorOut out_b{"out.bias", {V}, std::vector<float>(V)};
  for (int64_t j = 0; j < V; ++j) {
    for (int64_t i = 0; i < H; ++i) out_w.values[j * H + i] = Wy(j, i);
    out_b.values[j] = by(j, 0);
  }
  out.push_back(std::move(out_w));
  out.push_back(std::move(out_b));
  if (metadata) {
    metadata->clear();
    (*metadata)["vocab"] = vocab_to_json(file.vocabulary);
    (*metadata)["cell"] = to_string(c.cell);
    (*metadata)["nonlinearity"] = c.cell == CellType::kRnn && c.rnn_relu ? "relu" : "tanh";
    (*metadata)["hidden_size"] = std::to_string(H);
    (*metadata)["num_layers"] = std::to_string(c.num_layers);
    (*metadata)["source"] = "CellScope export (one-hot input: rnn input_size = len(vocab))";
  }
  return out;
}

void export_pytorch(const ModelFile& file, const std::string& source, const std::string& path) {
  std::map<std::string, std::string> metadata;
  const std::vector<SafeTensorOut> tensors = pytorch_tensors(file, source, &metadata);
  write_safetensors(path, tensors, metadata);
}

}  // namespace cellscope
