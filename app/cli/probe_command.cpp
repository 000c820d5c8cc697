// cellscope-cli probe: one neuron's (or one layer's) activations over a text to CSV or .npy, or
// every layer's cell and hidden states as an LSTMVis data folder (engine/lstmvis_export.h).
// Streaming: one pass, memory bounded by a chunk; outputs appear complete or not at all.
// --quantity surprisal|entropy: the model's per-character loss or prediction entropy instead.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "error.h"
#include "explain_commands.h"
#include "inspect_commands.h"
#include "inspect_support.h"
#include "lstmvis_export.h"
#include "surprisal_models.h"
#include "threads.h"

namespace cellscope::cli {
namespace {

struct ProbeArgs {
  std::string model, text, out, quantity, format, name, description;
  int layer = 0;
  int neuron = -1;
  int threads = 1;
  bool bits = false;
};

// The .npy v1.0 header for a little-endian float32 C-order array of `shape`.
std::string npy_header(const std::vector<int64_t>& shape) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
  }
  dict += "), }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n': a multiple of 64.
  const std::size_t total = (10 + dict.size() + 1 + 63) / 64 * 64;
  dict += std::string(total - 10 - dict.size() - 1, ' ') + "\n";
  std::string header("\x93NUMPY\x01\x00", 8);
  header += static_cast<char>(dict.size() & 0xFF);
  header += static_cast<char>((dict.size() >> 8) & 0xFF);
  return header + dict;
}

void run_lstmvis(const ProbeArgs& a) {
  if (a.neuron >= 0 || a.layer != 0 || !a.quantity.empty()) {
    throw Error("--format lstmvis writes every layer's cell and hidden states; drop --layer, "
                "--neuron and --quantity");
  }
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  const ModelConfig& config = in.model->config();
  const std::string model_name = std::filesystem::path(a.model).stem().string();
  const std::string text_name = std::filesystem::path(a.text).filename().string();
  LstmVisInfo info;
  info.name = a.name.empty() ? model_name + " on " + text_name : a.name;
  info.description =
      !a.description.empty()
          ? a.description
          : "CellScope export of " + model_name + " (" + to_string(config.cell) + ", " +
                std::to_string(config.num_layers) + " x " + std::to_string(config.hidden_size) +
                ") on " + text_name + ", " + std::to_string(in.ids.size()) + " characters";
  Probe probe(*in.model, in.ids);
  PassProgress progress("probe", probe.size());
  SigintGuard guard;
  const bool done = export_lstmvis(probe, in.ids, in.vocab, a.out, info, progress.fn());
  progress.finish();
  if (!done) interrupted(a.out + " was not written");
  std::fprintf(stderr, "wrote %s: LSTMVis project, %s positions, %d layer(s) of %d, %s\n",
               a.out.c_str(), format_count(static_cast<double>(in.ids.size())).c_str(),
               config.num_layers, config.hidden_size,
               config.cell == CellType::kLstm ? "cell and hidden" : "hidden");
}

// Surprisal or entropy per character (model-level, no layer or neuron): value p belongs to
// character p, predicted from [0, p); position 0 has none (empty CSV field, NaN in .npy).
void run_scores(const ProbeArgs& a, const std::string& format, TextQuantity q) {
  if (a.neuron >= 0 || a.layer != 0) {
    throw Error("--quantity " + to_string(q) +
                " is a property of the model's prediction, not of a neuron; drop --layer and "
                "--neuron");
  }
  if (format == "lstmvis") throw Error("--format lstmvis takes no --quantity");
  set_thread_count(a.threads);
  auto model = ScoringModel::load(a.model);  // a .csm network or an n-gram file
  const std::u32string text = read_text_file(a.text);
  const int64_t n = static_cast<int64_t>(text.size());
  if (n == 0) throw Error(a.text + ": the text is empty");
  PassProgress progress("probe", n);
  SigintGuard guard;
  int64_t unknown = 0;
  CharScores scores = model->score(text, q == TextQuantity::kEntropy, progress.fn(), &unknown);
  progress.finish();
  if (unknown > 0) {
    std::fprintf(stderr, "warning: %s: %lld character(s) are not in the model's vocabulary\n",
                 a.text.c_str(), static_cast<long long>(unknown));
  }
  if (scores.size() != n) interrupted(a.out + " was not written");
  std::vector<float>& values = q == TextQuantity::kSurprisal ? scores.surprisal : scores.entropy;
  if (a.bits) {
    for (float& v : values) v = static_cast<float>(static_cast<double>(v) / kNatsPerBit);
  }
  AtomicOutput out(a.out);
  if (format == "npy") {
    out.write(npy_header({n}));
    out.write(values.data(), values.size() * sizeof(float));
  } else {
    out.write("position,char,value\n");
    std::string buffer;
    for (int64_t p = 0; p < n; ++p) {
      buffer += std::to_string(p) + "," + csv_char(text[static_cast<std::size_t>(p)]) + ",";
      append_float(buffer, static_cast<double>(values[static_cast<std::size_t>(p)]));
      buffer += '\n';
      if (buffer.size() > (1u << 16)) {
        out.write(buffer);
        buffer.clear();
      }
    }
    out.write(buffer);
  }
  out.commit();
  std::fprintf(stderr, "wrote %s: %s positions of %s (%s); mean surprisal %.6f nats over %lld\n",
               a.out.c_str(), format_count(static_cast<double>(n)).c_str(), to_string(q).c_str(),
               a.bits ? "bits" : "nats", scores.mean_surprisal(),
               static_cast<long long>(scores.scored()));
}

void run_probe(const ProbeArgs& a) {
  static_assert(sizeof(float) == 4, "npy output assumes IEEE float32");
  std::string format = a.format;
  if (format.empty()) {
    format = std::filesystem::path(a.out).extension() == ".npy" ? "npy" : "csv";
  }
  TextQuantity text_quantity;
  if (parse_text_quantity(a.quantity, &text_quantity)) return run_scores(a, format, text_quantity);
  if (a.bits) throw Error("--bits applies to --quantity surprisal or entropy only");
  if (format == "lstmvis") return run_lstmvis(a);
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  const ModelConfig& config = in.model->config();
  const Quantity q = quantity_or_default(a.quantity, config.cell);
  check_neuron(config, a.layer, a.neuron < 0 ? 0 : a.neuron, q);
  const int64_t n = static_cast<int64_t>(in.ids.size());
  const int H = config.hidden_size;
  const int first = a.neuron < 0 ? 0 : a.neuron, width = a.neuron < 0 ? H : 1;

  AtomicOutput out(a.out);
  if (format == "npy") {
    out.write(npy_header(width == 1 ? std::vector<int64_t>{n} : std::vector<int64_t>{n, width}));
  } else {
    std::string header = "position,char";
    if (width == 1) header += ",value";
    for (int h = 0; h < width && width > 1; ++h) header += ",n" + std::to_string(h);
    out.write(header + "\n");
  }
  Probe probe(*in.model, in.ids);
  PassProgress progress("probe", n);
  SigintGuard guard;
  Mat<float> rows;  // (width × T): column t is one output row
  std::string buffer;
  const bool done = probe.run(
      [&](const ChunkView& chunk) {
        rows = chunk.values(a.layer, q).middleRows(first, width);
        if (format == "npy") {
          out.write(rows.data(), static_cast<std::size_t>(rows.size()) * sizeof(float));
          return;
        }
        buffer.clear();
        for (int t = 0; t < chunk.steps(); ++t) {
          const int64_t pos = chunk.begin() + t;
          buffer += std::to_string(pos) + "," + csv_char(in.text[static_cast<std::size_t>(pos)]);
          for (int h = 0; h < width; ++h) {
            buffer += ',';
            append_float(buffer, static_cast<double>(rows(h, t)));
          }
          buffer += '\n';
        }
        out.write(buffer);
      },
      progress.fn());
  progress.finish();
  if (!done) interrupted(a.out + " was not written");
  out.commit();
  std::fprintf(stderr, "wrote %s: %s positions x %d value(s) of layer %d %s\n", a.out.c_str(),
               format_count(static_cast<double>(n)).c_str(), width, a.layer, to_string(q).c_str());
}

}  // namespace

void add_probe_command(CLI::App& app) {
  auto a = std::make_shared<ProbeArgs>();
  CLI::App* sub = app.add_subcommand(
      "probe",
      "Write one neuron's (or one layer's) activations over a text to CSV or .npy, or every "
      "layer's states as an LSTMVis project folder");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--layer", a->layer, "Layer, from 0")->check(CLI::NonNegativeNumber);
  sub->add_option("--neuron", a->neuron,
                  "Neuron, from 0 (default: every neuron of the layer, one column each)")
      ->check(CLI::NonNegativeNumber);
  add_quantity_option(sub, a->quantity);
  sub->add_flag("--bits", a->bits,
                "surprisal / entropy in bits instead of nats (--quantity surprisal|entropy)");
  sub->add_option("--format", a->format,
                  "csv (position,char,value...), npy (float32, shape (n,) or (n, H)) or lstmvis "
                  "(--out is a folder); default: npy for a .npy --out, else csv")
      ->check(CLI::IsMember({"csv", "npy", "lstmvis"}));
  sub->add_option("--out", a->out, "Output file (folder for lstmvis), written atomically")
      ->required();
  sub->add_option("--name", a->name, "lstmvis: the project name (default: MODEL on TEXT)");
  sub->add_option("--description", a->description,
                  "lstmvis: the project description (default: model shape and text size)");
  sub->footer(
      "Quantities: LSTM cell, tanh-cell, hidden, input, forget, output, candidate; GRU hidden, "
      "update, reset, candidate; RNN hidden. Any model: surprisal (-ln p of character p given "
      "the characters before it; position 0 is empty) and entropy (of that prediction), in nats "
      "or --bits, without --layer and --neuron; their sum over the text is eval's loss.\n"
      "Position p is the state after reading character p (0-based code points). CSV chars are "
      "quoted, with \\n, \\t and U+XXXX for invisibles.\n"
      "lstmvis: OUT (new, or an empty folder) gets lstm.yml, states_layerK.h5 per layer K "
      "(from 1) with datasets cell (LSTM) and hidden, float32 (n x H); words.h5 with dataset "
      "words (int32 character ids) and chars.dict (token id per line; whitespace as <space>, "
      "<newline>, <tab>, <return>, <U+XXXX>). Open it with LSTMVis: python lstm_server.py "
      "-dir PARENT_OF_OUT.");
  sub->callback([a] { run_probe(*a); });
}

}  // namespace cellscope::cli
