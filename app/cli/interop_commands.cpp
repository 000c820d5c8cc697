// import / export-safetensors. The mapping itself lives in the engine (pytorch_import.h,
// pytorch_export.h); here: reading the files named on the command line, the summary printed
// for the user, and the atomic writes (save_model_file, write_safetensors).
#include "interop_commands.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "checkpoint.h"
#include "error.h"
#include "pytorch_export.h"
#include "pytorch_import.h"
#include "safetensors.h"

namespace cellscope::cli {
namespace {

struct ImportArgs {
  std::string model;
  std::string out;
  std::string vocab;
  std::string nonlinearity;
};

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read the vocabulary file");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string describe(const ModelConfig& m) {
  std::string cell = to_string(m.cell);
  if (m.cell == CellType::kGru && m.gru_reset_after) cell += " (reset-after, PyTorch's form)";
  if (m.cell == CellType::kRnn) cell += m.rnn_relu ? " (relu)" : " (tanh)";
  return cell + ", " + std::to_string(m.num_layers) + " layer(s) x " +
         std::to_string(m.hidden_size) + ", vocabulary " + std::to_string(m.vocab_size);
}

void run_import(const ImportArgs& a) {
  ImportOptions options;
  if (!a.vocab.empty()) {
    options.vocab_json = read_text_file(a.vocab);
    options.vocab_source = a.vocab;
  }
  options.nonlinearity = a.nonlinearity;
  const SafetensorsFile st = SafetensorsFile::read(a.model);
  const ImportedModel imported = import_pytorch(st, options);
  save_model_file(a.out, imported.file);  // atomic: NAME.tmp, fsync, rename
  std::printf("imported %s: %s -> %s\n", a.model.c_str(), describe(imported.file.model).c_str(),
              a.out.c_str());
  for (const auto& note : imported.notes) std::printf("  %s\n", note.c_str());
}

}  // namespace

void add_import_command(CLI::App& app) {
  auto a = std::make_shared<ImportArgs>();
  CLI::App* sub = app.add_subcommand(
      "import", "Convert a PyTorch character model (state_dict in safetensors) to a .csm file");
  sub->add_option("model", a->model, "PyTorch model (.safetensors)")->required();
  sub->add_option("--out", a->out, "Model file to write (.csm), written atomically")->required();
  sub->add_option("--vocab", a->vocab,
                  "JSON array of the characters in index order (default: the file's "
                  "__metadata__ 'vocab')");
  sub->add_option("--nonlinearity", a->nonlinearity,
                  "nn.RNN's nonlinearity (default: the metadata's 'nonlinearity', else tanh)")
      ->check(CLI::IsMember({"tanh", "relu"}));
  sub->footer(
      "Maps nn.LSTM / nn.GRU / nn.RNN keys (<prefix>weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, "
      "bias_hh_l<k>), an optional nn.Embedding in front (folded into layer 0) and an nn.Linear "
      "head. Bidirectional layers, proj_size, layer norm and float64 are refused. See "
      "docs/pytorch.md.");
  sub->callback([a] { run_import(*a); });
}

void run_export_safetensors(const std::string& model_path, const std::string& out_path) {
  const ModelFile file = load_model_file(model_path);
  export_pytorch(file, model_path, out_path);
  std::printf("exported %s: %s -> %s (rnn.*, out.*; vocabulary in the metadata)\n",
              model_path.c_str(), describe(file.model).c_str(), out_path.c_str());
}

}  // namespace cellscope::cli
