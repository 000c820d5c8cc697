// probe / find / match / saturation. Invariants: an output file is complete or absent (written
// to NAME.tmp, fsync'd, renamed; removed on error or Ctrl-C); positions are code points of the
// text file, 0-based, the same in every command; memory stays bounded by the model size plus a
// few bytes per character (see engine/probe.h).
#include "inspect_commands.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "checkpoint.h"
#include "corpus.h"
#include "detectors.h"
#include "error.h"
#include "neuron_search.h"
#include "probe.h"
#include "progress.h"
#include "saturation.h"
#include "threads.h"
#include "trainer.h"
#include "utf8.h"

namespace cellscope::cli {
namespace {

// ---- shared plumbing ---------------------------------------------------------------------------

std::atomic<bool> g_stop{false};
extern "C" void on_inspect_sigint(int) {
  g_stop.store(true);
}

// Ctrl-C cancels the running pass (the command then fails cleanly) while this is alive.
class SigintGuard {
 public:
  SigintGuard() : previous_(std::signal(SIGINT, on_inspect_sigint)) { g_stop.store(false); }
  ~SigintGuard() { std::signal(SIGINT, previous_); }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  void (*previous_)(int);
};

// The model, and the text both as model ids and as code points (aligned one to one).
struct Inputs {
  ModelFile file;
  std::unique_ptr<Model<float>> model;
  Vocabulary vocab;
  EncodedText ids;
  std::u32string text;
};

Inputs load_inputs(const std::string& model_path, const std::string& text_path, int threads) {
  set_thread_count(threads);
  Inputs in;
  in.file = load_model_file(model_path);
  in.model = model_from_file(in.file, model_path);
  in.vocab = Vocabulary(in.file.vocabulary);
  if (std::filesystem::is_directory(text_path)) {
    throw Error(text_path + " is a folder; --text takes one text file");
  }
  CorpusOptions options;
  options.paths = {text_path};
  options.val_frac = 0.0;
  options.replace_invalid = true;
  Corpus corpus = load_corpus(options, &in.vocab, /*allow_unknown=*/true);
  if (corpus.replaced > 0) {
    std::fprintf(stderr, "warning: %s: %lld invalid UTF-8 sequence(s) read as U+FFFD\n",
                 text_path.c_str(), static_cast<long long>(corpus.replaced));
  }
  if (corpus.unknown > 0) {
    std::fprintf(stderr,
                 "warning: %s: %lld character(s) are not in the model's vocabulary and were "
                 "read as the fallback character\n",
                 text_path.c_str(), static_cast<long long>(corpus.unknown));
  }
  in.ids = std::move(corpus.train);
  std::ifstream file(text_path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  in.text = utf8_decode(bytes, /*replace_invalid=*/true, text_path);
  if (in.text.size() != in.ids.size()) {
    throw Error(text_path + ": the file changed while it was being read");
  }
  return in;
}

// A progress callback drawing "<label> 42.0% | 12,345 chars/s | ETA 1m05s"; false on Ctrl-C.
class PassProgress {
 public:
  PassProgress(std::string label, int64_t chars)
      : label_(std::move(label)), chars_(chars), start_(std::chrono::steady_clock::now()) {}
  ProgressFn fn() {
    return [this](double f) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      char pct[32];
      std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * f);
      line_.update(label_ + " " + pct + " | " +
                   format_count(f * static_cast<double>(chars_) / std::max(s, 1e-9)) +
                   " chars/s | ETA " + format_duration(f > 0 ? s * (1 - f) / f : -1));
      return !g_stop.load();
    };
  }
  void finish() { line_.finish(); }

 private:
  std::string label_;
  int64_t chars_;
  std::chrono::steady_clock::time_point start_;
  ProgressLine line_;
};

[[noreturn]] void interrupted(const std::string& what) {
  throw Error("interrupted; " + what);
}

// Writes NAME.tmp; commit() fsyncs and renames it over NAME. Destroyed uncommitted, it removes
// the temporary file, so NAME is either complete or untouched.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {
    file_ = std::fopen(tmp_.c_str(), "wb");
    if (file_ == nullptr) throw Error(path_ + ": cannot write (" + std::strerror(errno) + ")");
  }
  ~AtomicOutput() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_) std::remove(tmp_.c_str());
  }
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  void write(const void* data, std::size_t size) {
    if (size > 0 && std::fwrite(data, 1, size, file_) != size) fail();
  }
  void write(const std::string& s) { write(s.data(), s.size()); }
  void commit() {
    if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) fail();
    const int closed = std::fclose(file_);
    file_ = nullptr;
    if (closed != 0) fail();
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail();
    committed_ = true;
  }

 private:
  [[noreturn]] void fail() { throw Error(path_ + ": write failed (" + std::strerror(errno) + ")"); }
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// A character as a CSV field: printable form (Vocabulary::display), quoted, quotes doubled.
std::string csv_char(char32_t cp) {
  std::string out = "\"";
  for (char c : Vocabulary::display(cp)) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void append_float(std::string& out, double v) {
  if (std::isnan(v)) return;  // an empty CSV field
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  out += buf;
}

std::string text_snippet(const std::u32string& text, int64_t begin, int64_t end, int max_chars) {
  std::string out;
  for (int64_t i = begin; i < end; ++i) {
    if (i - begin == max_chars) return out + "...";
    out += Vocabulary::display(text[static_cast<std::size_t>(i)]);
  }
  return out;
}

void add_common_options(CLI::App* sub, std::string& model, std::string& text, int& threads) {
  sub->add_option("model", model, "Model file (.csm)")->required();
  sub->add_option("--text", text, "Text file (UTF-8) to read through the model")->required();
  sub->add_option("--threads", threads, "Threads (0: all cores; batch 1 is fastest on one)")
      ->check(CLI::NonNegativeNumber);
}

// ---- probe -------------------------------------------------------------------------------------

struct ProbeArgs {
  std::string model, text, out, quantity = "hidden", format;
  int layer = 0;
  int neuron = -1;
  int threads = 1;
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

void run_probe(const ProbeArgs& a) {
  static_assert(sizeof(float) == 4, "npy output assumes IEEE float32");
  const Quantity q = parse_quantity(a.quantity);
  std::string format = a.format;
  if (format.empty()) {
    format = std::filesystem::path(a.out).extension() == ".npy" ? "npy" : "csv";
  }
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  const ModelConfig& config = in.model->config();
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

// ---- find --------------------------------------------------------------------------------------

struct FindArgs {
  std::string model, text, detector, quantity = "hidden";
  int top = 20;
  int threads = 1;
};

void run_find(const FindArgs& a) {
  const Quantity q = parse_quantity(a.quantity);
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  require_quantity(in.model->config().cell, q);
  const Signal signal = detect(a.detector, in.text);
  const double threshold = auc_threshold(signal.values, signal.binary);
  int64_t positives = 0;
  for (float v : signal.values) positives += static_cast<double>(v) > threshold;
  std::fprintf(stderr, "detector %s: %s of %s positions positive (AUC positives: value > %g)\n",
               a.detector.c_str(), format_count(static_cast<double>(positives)).c_str(),
               format_count(static_cast<double>(signal.values.size())).c_str(), threshold);
  Probe probe(*in.model, in.ids);
  PassProgress progress("find", probe.size());
  SigintGuard guard;
  const std::vector<NeuronScore> scores =
      find_neurons(probe, q, signal.values, threshold, progress.fn());
  progress.finish();
  if (scores.empty()) interrupted("no result");
  std::printf("rank layer neuron correlation    auc\n");
  const std::size_t shown =
      a.top > 0 ? std::min(scores.size(), static_cast<std::size_t>(a.top)) : scores.size();
  for (std::size_t i = 0; i < shown; ++i) {
    const NeuronScore& s = scores[i];
    std::printf("%4zu %5d %6d %+11.4f %6.4f\n", i + 1, s.layer, s.neuron, s.correlation, s.auc);
  }
}

std::string detector_help() {
  std::string out = "Detectors (--detector NAME):\n";
  for (const DetectorInfo& d : detector_list()) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-15s %s\n", d.name.c_str(), d.description.c_str());
    out += line;
  }
  out +=
      "  regex:PATTERN   every character of a match of the ECMAScript regular expression,\n"
      "                  searched line by line (no match spans a newline)\n"
      "Span detectors are 1 inside and 0 outside; an opening delimiter counts as inside and a\n"
      "closing one as outside (the state after reading it). AUC positives: value > 0.5, or,\n"
      "for the depth and position detectors, value > the text's median.";
  return out;
}

// ---- match -------------------------------------------------------------------------------------

struct MatchArgs {
  std::string model, text, range, quantity = "hidden";
  double threshold = 0.5;
  int layer = -1;
  int top = 50;
  int threads = 1;
};

void run_match(const MatchArgs& a) {
  MatchQuery query;
  query.quantity = parse_quantity(a.quantity);
  query.threshold = static_cast<float>(a.threshold);
  query.layer = a.layer;
  query.top = a.top;
  {
    std::istringstream in(a.range);
    char colon = 0;
    std::string rest;
    if (!(in >> query.begin >> colon >> query.end) || colon != ':' || (in >> rest)) {
      throw Error("--range must be A:B (character positions, 0-based, B exclusive), not '" +
                  a.range + "'");
    }
  }
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  Probe probe(*in.model, in.ids);
  PassProgress progress("match", probe.size());
  SigintGuard guard;
  const MatchResult r = match_ranges(probe, query, progress.fn());
  progress.finish();
  if (g_stop.load()) interrupted("no result");
  std::printf("selected %zu neuron(s) with %s >= %g through %lld:%lld and below it at the edges:",
              r.selected.size(), to_string(query.quantity).c_str(), a.threshold,
              static_cast<long long>(query.begin), static_cast<long long>(query.end));
  for (const NeuronRef& s : r.selected) std::printf(" %d:%d", s.layer, s.neuron);
  std::printf("\nquery text: %s\n", text_snippet(in.text, query.begin, query.end, 60).c_str());
  if (r.selected.empty()) return;
  std::printf("rank    begin      end  score shared extra text\n");
  for (std::size_t i = 0; i < r.matches.size(); ++i) {
    const RangeMatch& m = r.matches[i];
    std::printf("%4zu %8lld %8lld %6.3f %6d %5d %s\n", i + 1, static_cast<long long>(m.begin),
                static_cast<long long>(m.end), m.score, m.shared, m.extra,
                text_snippet(in.text, m.begin, m.end, 60).c_str());
  }
}

// ---- saturation --------------------------------------------------------------------------------

struct SaturationArgs {
  std::string model, text, out;
  int threads = 1;
};

void run_saturation(const SaturationArgs& a) {
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  AtomicOutput out(a.out);
  Probe probe(*in.model, in.ids);
  PassProgress progress("saturation", probe.size());
  SigintGuard guard;
  const std::vector<NeuronStats> stats = saturation(probe, progress.fn());
  progress.finish();
  if (stats.empty()) interrupted(a.out + " was not written");
  std::string csv = "layer,neuron,quantity,mean,variance,left_saturated,right_saturated\n";
  for (const NeuronStats& s : stats) {
    csv += std::to_string(s.layer) + "," + std::to_string(s.neuron) + "," + to_string(s.quantity) +
           ",";
    append_float(csv, s.mean);
    csv += ',';
    append_float(csv, s.variance);
    csv += ',';
    append_float(csv, s.left);
    csv += ',';
    append_float(csv, s.right);
    csv += '\n';
  }
  out.write(csv);
  out.commit();
  // Summary: per layer and gate, the mean over neurons of the saturated fractions.
  const ModelConfig& config = in.model->config();
  std::printf("layer gate       left(<%.1f) right(>%.1f)\n", SaturationStats::kLeftSaturated,
              SaturationStats::kRightSaturated);
  for (int l = 0; l < config.num_layers; ++l) {
    for (Quantity q : cell_quantities(config.cell)) {
      if (quantity_range(q) != QuantityRange::kUnit) continue;
      double left = 0, right = 0;
      for (const NeuronStats& s : stats) {
        if (s.layer == l && s.quantity == q) {
          left += s.left;
          right += s.right;
        }
      }
      std::printf("%5d %-10s %10.1f%% %10.1f%%\n", l, to_string(q).c_str(),
                  100.0 * left / config.hidden_size, 100.0 * right / config.hidden_size);
    }
  }
  std::fprintf(stderr, "wrote %s: %zu rows\n", a.out.c_str(), stats.size());
}

}  // namespace

void add_probe_command(CLI::App& app) {
  auto a = std::make_shared<ProbeArgs>();
  CLI::App* sub = app.add_subcommand(
      "probe", "Write one neuron's (or one layer's) activations over a text to CSV or .npy");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--layer", a->layer, "Layer, from 0")->check(CLI::NonNegativeNumber);
  sub->add_option("--neuron", a->neuron,
                  "Neuron, from 0 (default: every neuron of the layer, one column each)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--quantity", a->quantity, quantity_names());
  sub->add_option("--format", a->format,
                  "csv (position,char,value...) or npy (float32, shape (n,) or (n, H)); "
                  "default: from --out's extension")
      ->check(CLI::IsMember({"csv", "npy"}));
  sub->add_option("--out", a->out, "Output file, written atomically")->required();
  sub->footer(
      "Quantities: LSTM cell, tanh-cell, hidden, input, forget, output, candidate; GRU hidden, "
      "update, reset, candidate; RNN hidden. Position p is the state after reading character p "
      "(0-based code points). CSV chars are quoted, with \\n, \\t and U+XXXX for invisibles.");
  sub->callback([a] { run_probe(*a); });
}

void add_find_command(CLI::App& app) {
  auto a = std::make_shared<FindArgs>();
  CLI::App* sub = app.add_subcommand(
      "find", "Rank every neuron by how well it tracks a detector (Pearson r and ROC-AUC)");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--detector", a->detector, "NAME or regex:PATTERN (list below)")->required();
  sub->add_option("--quantity", a->quantity, quantity_names());
  sub->add_option("--top", a->top, "Lines to print (0: every neuron)")
      ->check(CLI::NonNegativeNumber);
  sub->footer("Prints: rank layer neuron correlation auc, by |correlation| descending.\n" +
              detector_help());
  sub->callback([a] { run_find(*a); });
}

void add_match_command(CLI::App& app) {
  auto a = std::make_shared<MatchArgs>();
  CLI::App* sub = app.add_subcommand(
      "match",
      "LSTMVis: the neurons on through a range, and the other ranges where they switch on");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--range", a->range, "A:B, character positions [A, B), 0-based")->required();
  sub->add_option("--threshold", a->threshold, "On means value >= this")->required();
  sub->add_option("--quantity", a->quantity, quantity_names());
  sub->add_option("--layer", a->layer, "Only this layer (default -1: every layer)")
      ->check(CLI::Range(-1, 1 << 20));
  sub->add_option("--top", a->top, "Ranges to print")->check(CLI::NonNegativeNumber);
  sub->footer(
      "Selected: neurons >= threshold at every position of [A, B) and below it at A-1 and B "
      "(where those exist). Candidates: maximal runs where at least half of them are on; score: "
      "Jaccard of the selection and the neurons on throughout the run.");
  sub->callback([a] { run_match(*a); });
}

void add_saturation_command(CLI::App& app) {
  auto a = std::make_shared<SaturationArgs>();
  CLI::App* sub = app.add_subcommand(
      "saturation", "Per neuron and quantity: mean, variance, and gate saturation fractions");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--out", a->out, "CSV file, written atomically")->required();
  sub->footer(
      "CSV columns: layer,neuron,quantity,mean,variance,left_saturated,right_saturated. "
      "Saturated: the fraction of positions < 0.1 (left) or > 0.9 (right), for the sigmoid "
      "gates only (LSTM input, forget, output; GRU update, reset); empty for other quantities.");
  sub->callback([a] { run_saturation(*a); });
}

}  // namespace cellscope::cli
