// `cellscope-cli train`: flags follow char-rnn's names. Invariants: --out is written atomically
// (Ctrl-C stops cleanly and still writes it); --resume keeps what the file fixes (architecture,
// data layout, optimizer) and refuses only a flag that really differs, naming both values;
// --watch measures the best neuron per detector on a fixed probe text (engine/watch.h).
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "arg_values.h"
#include "commands.h"
#include "corpus.h"
#include "detectors.h"
#include "error.h"
#include "memory_limit.h"
#include "progress.h"
#include "threads.h"
#include "trainer.h"
#include "utf8.h"
#include "watch.h"

namespace cellscope::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) {
  g_interrupted.store(true);
}

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct TrainArgs {
  std::vector<std::string> corpus;
  std::string glob = "*";
  bool replace_invalid = false;
  std::string out;
  std::string resume;
  std::string model = "lstm";
  int rnn_size = 128;
  int num_layers = 2;
  double dropout = 0.0;
  bool gru_reset_after = false;
  bool rnn_relu = false;
  TrainConfig train;
  std::string optimizer = "adam";
  std::string clip_mode = "value";
  int threads = 0;
  std::vector<std::string> watch;
  std::string watch_text;
  int64_t watch_every = kDefaultWatchEvery;
  bool keep_checkpoints = false;
  std::string max_memory;  // empty: the memory the machine has available
};

// "1:37 tanh-cell r=+0.823 auc=0.951", or "none" when no neuron has a finite r.
std::string describe(const WatchRecord& r) {
  if (r.layer < 0) return r.detector + " none";
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %d:%d %s r=%+.3f auc=%.3f", r.detector.c_str(), r.layer,
                r.neuron, r.quantity.c_str(), r.correlation, r.auc);
  return buf;
}

class CliObserver : public TrainingObserver {
 public:
  explicit CliObserver(ProgressLine& line) : line_(line) {}
  void on_iteration(const IterationEvent& e) override {
    std::ostringstream s;
    s << "iter " << format_count(static_cast<double>(e.iteration)) << " | epoch "
      << fixed(e.epoch, 2) << " | loss " << fixed(e.loss, 3) << " | val " << fixed(val_, 3) << " | "
      << format_count(e.chars_per_sec) << " chars/s | " << format_duration(e.seconds) << " elapsed";
    if (e.eta_seconds >= 0) s << " | ETA " << format_duration(e.eta_seconds);
    line_.update(s.str());
  }
  void on_validation(const ValidationEvent& e) override {
    val_ = e.val_loss;
    line_.message("iter " + std::to_string(e.iteration) + ": validation loss " +
                  fixed(e.val_loss, 4) + " nats/char (epoch " + fixed(e.epoch, 2) + ", " +
                  format_duration(e.seconds) + ")");
  }
  void on_sample(const SampleRecord& s) override {
    line_.message("---- sample at iteration " + std::to_string(s.iteration) + " ----\n" + s.text +
                  "\n----");
  }
  void on_checkpoint(const CheckpointEvent& e) override {
    std::string text = "iter " + std::to_string(e.iteration) + ": saved " + e.path;
    for (const std::string& removed : e.removed) text += ", removed " + removed;
    if (e.kept > 0) text += " (" + std::to_string(e.kept) + " kept)";
    line_.message(text);
  }
  void on_message(const std::string& m) override { line_.message(m); }
  void on_watch(const WatchEvent& e) override {
    std::string text = "iter " + std::to_string(e.iteration) + ": watch";
    for (const WatchRecord& r : e.records) text += " | " + describe(r);
    line_.message(text + " (" + fixed(e.watch_seconds, 2) + " s)");
  }

 private:
  ProgressLine& line_;
  double val_ = std::nan("");
};

// --resume: a fixed flag given with the file's own value is accepted; another value is an error
// naming both.
void refuse_change(const std::string& flag, const std::string& file_value,
                   const std::string& given_value, const std::string& path) {
  if (file_value == given_value) return;
  throw Error(flag + " cannot change when resuming: " + path + " has " + file_value +
              ", the command gives " + given_value + "; start a new model instead");
}

void check_fixed_flags(const TrainArgs& a, const TrainConfig& given_train, const ModelFile& file,
                       const CLI::App& sub) {
  auto given = [&](const char* name) { return sub.count(name) > 0; };
  auto yes_no = [](bool on) { return std::string(on ? "on" : "off"); };
  const ModelConfig& m = file.model;
  const TrainConfig& t = file.train;
  const std::string& path = a.resume;
  if (given("--model")) refuse_change("--model", to_string(m.cell), a.model, path);
  if (given("--rnn-size"))
    refuse_change("--rnn-size", std::to_string(m.hidden_size), std::to_string(a.rnn_size), path);
  if (given("--num-layers")) {
    refuse_change("--num-layers", std::to_string(m.num_layers), std::to_string(a.num_layers), path);
  }
  if (given("--seq-length")) {
    refuse_change("--seq-length", std::to_string(t.seq_length),
                  std::to_string(given_train.seq_length), path);
  }
  if (given("--batch-size")) {
    refuse_change("--batch-size", std::to_string(t.batch_size),
                  std::to_string(given_train.batch_size), path);
  }
  // k1 and k2 as the file uses them (its 0 means "the sequence length").
  if (given("--bptt-every")) {
    refuse_change("--bptt-every", std::to_string(t.k1()), std::to_string(given_train.bptt_every),
                  path);
  }
  if (given("--bptt-length")) {
    refuse_change("--bptt-length", std::to_string(t.k2()), std::to_string(given_train.bptt_length),
                  path);
  }
  if (given("--optimizer")) refuse_change("--optimizer", to_string(t.optimizer), a.optimizer, path);
  // Flags can only say "on": given and off in the file is a change.
  if (given("--reset-state")) refuse_change("--reset-state", yes_no(t.reset_state), "on", path);
  if (given("--gru-reset-after")) {
    refuse_change("--gru-reset-after", yes_no(m.gru_reset_after), "on", path);
  }
  if (given("--rnn-relu")) refuse_change("--rnn-relu", yes_no(m.rnn_relu), "on", path);
}

// The cell variants go with their cell only.
void check_cell_variants(const TrainArgs& a, CellType cell) {
  if (a.gru_reset_after && cell != CellType::kGru) {
    throw Error("--gru-reset-after is for --model gru (the model is " + to_string(cell) + ")");
  }
  if (a.rnn_relu && cell != CellType::kRnn) {
    throw Error("--rnn-relu is for --model rnn (the model is " + to_string(cell) + ")");
  }
}

// --watch-text's file, whole (empty without the flag).
std::u32string read_watch_text(const TrainArgs& a) {
  if (a.watch_text.empty()) return {};
  std::ifstream in(a.watch_text, std::ios::binary);
  if (!in) throw Error(a.watch_text + ": cannot open the watch text");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return utf8_decode(bytes, a.replace_invalid);
  } catch (const Error& e) {
    throw Error(a.watch_text + ": " + e.what());
  }
}

// The probe text of --watch: `text` (the file) when --watch-text is given, else the start of the
// validation split (of the training text when there is none).
std::shared_ptr<const NeuronWatch> make_watch(const TrainArgs& a, std::u32string text,
                                              const Corpus& corpus, const Vocabulary& vocab) {
  std::string from = a.watch_text;
  if (a.watch_text.empty()) {
    const bool has_val = corpus.val.size() >= 2;
    text = decode_prefix(has_val ? corpus.val : corpus.train, vocab, kDefaultWatchChars);
    from = has_val ? "the validation split" : "the training text (no validation split)";
  }
  auto watch = std::make_shared<const NeuronWatch>(a.watch, text, vocab);
  std::string names;
  for (const std::string& d : a.watch) names += (names.empty() ? "" : ", ") + d;
  std::fprintf(stderr, "watch: %s on %s characters of %s, every %lld iterations\n", names.c_str(),
               format_count(static_cast<double>(watch->text_size())).c_str(), from.c_str(),
               static_cast<long long>(a.watch_every));
  for (const std::string& d : watch->constant_detectors()) {
    std::fprintf(stderr, "warning: detector %s is constant on the watch text; its r will be nan\n",
                 d.c_str());
  }
  if (watch->unknown_characters() > 0) {
    std::fprintf(stderr,
                 "warning: %lld watch text character(s) are not in the vocabulary and were "
                 "read as the fallback character\n",
                 static_cast<long long>(watch->unknown_characters()));
  }
  return watch;
}

// --max-memory, or else the memory the machine has available now.
MemoryLimit memory_limit(const TrainArgs& a) {
  if (!a.max_memory.empty()) {
    try {
      const uint64_t bytes = parse_memory_size(a.max_memory);
      return {bytes, "--max-memory " + format_memory_size(bytes)};
    } catch (const Error& e) {
      throw Error(std::string("--max-memory: ") + e.what());
    }
  }
  const uint64_t available = available_memory_bytes();
  return {available, "the " + format_memory_size(available) +
                         " of memory available (MemAvailable; set --max-memory to change)"};
}

void run_train(const TrainArgs& a_in, const CLI::App& sub) {
  TrainArgs a = a_in;
  a.watch = split_detectors(a_in.watch);
  set_thread_count(a.threads);
  TrainConfig train = a.train;
  train.optimizer = parse_optimizer_type(a.optimizer);
  train.clip_mode = parse_clip_mode(a.clip_mode);
  if (train.k1() > train.k2()) {
    throw Error("--bptt-every (" + std::to_string(train.k1()) +
                ") must not exceed --bptt-length (" + std::to_string(train.k2()) + ")");
  }
  auto given = [&](const char* name) { return sub.count(name) > 0; };
  if (!a.watch_text.empty() && a.watch.empty()) throw Error("--watch-text needs --watch");
  if (given("--watch-every") && a.watch.empty()) throw Error("--watch-every needs --watch");
  for (const std::string& name : a.watch) detect(name, std::u32string());  // names, patterns
  const std::u32string watch_text = read_watch_text(a);

  std::unique_ptr<Trainer> trainer;
  ModelFile resumed;
  if (!a.resume.empty()) {
    resumed = load_model_file(a.resume);
    // Architecture and data layout are fixed by the file; run limits and rates may change.
    check_fixed_flags(a, train, resumed, sub);
    check_cell_variants(a, resumed.model.cell);
    TrainConfig merged = resumed.train;
    auto take = [&](const char* flag, auto& dst, const auto& src) {
      if (given(flag)) dst = src;
    };
    take("--learning-rate", merged.learning_rate, train.learning_rate);
    take("--lr-decay", merged.lr_decay, train.lr_decay);
    take("--lr-decay-after", merged.lr_decay_after, train.lr_decay_after);
    take("--grad-clip", merged.grad_clip, train.grad_clip);
    take("--clip-mode", merged.clip_mode, train.clip_mode);
    take("--val-frac", merged.val_frac, train.val_frac);
    take("--max-epochs", merged.max_epochs, train.max_epochs);
    take("--max-iters", merged.max_iters, train.max_iters);
    take("--max-seconds", merged.max_seconds, train.max_seconds);
    take("--eval-every", merged.eval_every, train.eval_every);
    take("--checkpoint-every", merged.checkpoint_every, train.checkpoint_every);
    take("--sample-every", merged.sample_every, train.sample_every);
    take("--sample-length", merged.sample_length, train.sample_length);
    take("--sample-temperature", merged.sample_temperature, train.sample_temperature);
    if (given("--learning-rate")) resumed.progress.learning_rate = train.learning_rate;
    if (given("--dropout")) resumed.model.dropout = a.dropout;
    train = merged;
  } else {
    check_cell_variants(a, parse_cell_type(a.model));
  }

  CorpusOptions copts;
  copts.paths = a.corpus;
  copts.glob = a.glob;
  copts.replace_invalid = a.replace_invalid;
  copts.val_frac = train.val_frac;
  ModelConfig planned = resumed.model;  // the model to train, its vocabulary still unknown
  if (a.resume.empty()) {
    planned.cell = parse_cell_type(a.model);
    planned.hidden_size = a.rnn_size;
    planned.num_layers = a.num_layers;
    planned.vocab_size = 1;
  }
  const MemoryLimit limit = memory_limit(a);
  check_model_fits(planned, train, limit);
  std::fprintf(stderr, "loading corpus...\n");
  const Vocabulary resume_vocab(resumed.vocabulary);
  const CorpusScan scan = scan_corpus(copts, a.resume.empty() ? nullptr : &resume_vocab);
  check_corpus_fits(scan, planned, train, limit);
  Corpus corpus = encode_corpus(scan);
  std::fprintf(stderr,
               "corpus: %zu file(s), %s bytes, %s train + %s validation characters, "
               "vocabulary %d\n",
               corpus.files.size(), format_count(static_cast<double>(corpus.bytes)).c_str(),
               format_count(static_cast<double>(corpus.train.size())).c_str(),
               format_count(static_cast<double>(corpus.val.size())).c_str(), corpus.vocab.size());
  if (corpus.replaced > 0) {
    std::fprintf(stderr, "warning: %lld invalid UTF-8 sequence(s) replaced by U+FFFD\n",
                 static_cast<long long>(corpus.replaced));
  }

  if (a.resume.empty()) {
    ModelConfig mc;
    mc.cell = parse_cell_type(a.model);
    mc.hidden_size = a.rnn_size;
    mc.num_layers = a.num_layers;
    mc.dropout = a.dropout;
    mc.gru_reset_after = a.gru_reset_after;
    mc.rnn_relu = a.rnn_relu;
    trainer = std::make_unique<Trainer>(mc, train, corpus.vocab);
  } else {
    model_from_file(resumed, a.resume);  // validates the parameter count, naming the file
    trainer = std::make_unique<Trainer>(resumed, train);
  }
  trainer->set_corpus(absolute_paths(copts.paths), copts.glob);
  trainer->set_keep_checkpoints(a.keep_checkpoints);  // the default CheckpointRetention
  if (!a.watch.empty()) {
    trainer->set_watch(make_watch(a, watch_text, corpus, trainer->vocabulary()), a.watch_every);
  }
  const ModelConfig& mc = trainer->model().config();
  std::fprintf(
      stderr, "model: %s, %d x %d, %s parameters, %d threads%s\n", to_string(mc.cell).c_str(),
      mc.num_layers, mc.hidden_size,
      format_count(static_cast<double>(trainer->model().params().size())).c_str(), thread_count(),
      a.resume.empty()
          ? ""
          : (", resuming at iteration " + std::to_string(trainer->progress().iteration)).c_str());

  ProgressLine line;
  CliObserver observer(line);
  g_interrupted.store(false);
  auto previous = std::signal(SIGINT, on_sigint);
  TrainResult result;
  try {
    result = trainer->run(corpus.train, corpus.val, &observer, &g_interrupted, a.out);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  line.finish();
  if (result.reason == StopReason::kDiverged) throw Error(result.message);
  std::fprintf(stderr, "done: %s after %lld iterations; validation loss %s; saved %s\n",
               result.message.c_str(), static_cast<long long>(result.iterations),
               fixed(result.val_loss, 4).c_str(), a.out.c_str());
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* sub = app.add_subcommand("train", "Train a model on text files (char-rnn style)");
  sub->option_defaults()->always_capture_default();
  sub->add_option("--corpus", a->corpus, "Text files or folders (UTF-8), concatenated in order")
      ->required()
      ->expected(1, -1);
  sub->add_option("--glob", a->glob, "File-name pattern inside folders, e.g. '*.c'");
  sub->add_flag("--replace-invalid", a->replace_invalid,
                "Replace invalid UTF-8 by U+FFFD instead of stopping");
  sub->add_option("--out", a->out, "Model file to write (.csm), atomically")->required();
  sub->add_option("--resume", a->resume, "Continue training from this model file")
      ->check(CLI::ExistingFile);
  sub->add_option("--model", a->model, "Cell type")->check(CLI::IsMember({"lstm", "gru", "rnn"}));
  sub->add_option("--rnn-size", a->rnn_size, "Hidden units per layer")->check(CLI::Range(1, 16384));
  sub->add_option("--num-layers", a->num_layers, "Stacked layers")->check(CLI::Range(1, 64));
  sub->add_option("--seq-length", a->train.seq_length, "Characters per chunk (BPTT length)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--bptt-every", a->train.bptt_every,
                  "k1: run BPTT every k1 characters (default: seq-length)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--bptt-length", a->train.bptt_length,
                  "k2: back-propagate over the last k2 steps (default: seq-length; k1 <= k2)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--batch-size", a->train.batch_size, "Contiguous streams per batch")
      ->check(CLI::Range(1, 100000));
  sub->add_flag("--reset-state", a->train.reset_state,
                "Start every chunk from a zero state (independent chunks)");
  sub->add_option("--optimizer", a->optimizer, "adam, rmsprop (alpha 0.95) or sgd (momentum 0.9)")
      ->check(CLI::IsMember({"adam", "rmsprop", "sgd"}));
  sub->add_option("--learning-rate", a->train.learning_rate, "Learning rate")
      ->check(CLI::PositiveNumber);
  sub->add_option("--lr-decay", a->train.lr_decay, "Multiply the rate by this every epoch ...")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--lr-decay-after", a->train.lr_decay_after, "... from this epoch on")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--gru-reset-after", a->gru_reset_after,
                "GRU only: apply the reset gate after the recurrent matrix (PyTorch's nn.GRU)");
  sub->add_flag("--rnn-relu", a->rnn_relu,
                "Vanilla RNN only: relu instead of tanh (nn.RNN nonlinearity='relu')");
  sub->add_option("--dropout", a->dropout, "Dropout between layers, in [0, 1)")
      ->check(CLI::Range(0.0, 0.99));
  sub->add_option("--grad-clip", a->train.grad_clip, "Clipping threshold (0: none)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--clip-mode", a->clip_mode,
                  "value: clamp each gradient element; norm: rescale by the global norm")
      ->check(CLI::IsMember({"value", "norm"}));
  sub->add_option("--val-frac", a->train.val_frac, "Validation fraction, from the end")
      ->check(CLI::Range(0.0, 0.5));
  sub->add_option("--max-epochs", a->train.max_epochs, "Stop after this many epochs (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-iters", a->train.max_iters,
                  "Stop at this total iteration count, resumed runs included (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-seconds", a->train.max_seconds,
                  "Stop after this many seconds of this run and write --out (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--eval-every", a->train.eval_every,
                  "Validate every N iterations (0: at the end)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--checkpoint-every", a->train.checkpoint_every,
                  "Write --out every N iterations (0: at the end)")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--keep-checkpoints", a->keep_checkpoints,
                "Also keep per-iteration checkpoints next to --out (OUT.iterN.csm), a bounded "
                "set: the last 3, the best validation loss, and those at checkpoint-every x 1, "
                "2, 4, 8, ... iterations; the others are deleted as training goes");
  sub->add_option("--sample-every", a->train.sample_every,
                  "Print a sample every N iterations (0: never)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--sample-length", a->train.sample_length, "Characters per training sample")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--sample-temperature", a->train.sample_temperature,
                  "Temperature of training samples")
      ->check(CLI::PositiveNumber);
  sub->add_option("--seed", a->train.seed, "Random seed (initialisation, dropout, samples)");
  sub->add_option("--threads", a->threads, "Threads (0: all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--watch", a->watch,
                  "Watch neurons emerge: detectors, comma-separated (e.g. "
                  "url,double-quote,if-condition; the names `find --help` lists, or "
                  "regex:PATTERN, last in its list: it takes the rest, commas included; "
                  "--watch may be repeated); the best neuron of each is measured on the watch "
                  "text and kept in --out (`info --watch` lists it)");
  sub->add_option("--watch-text", a->watch_text,
                  "The watch text, a UTF-8 file read whole (default: the first 20,000 "
                  "characters of the validation split)");
  sub->add_option("--watch-every", a->watch_every,
                  "Measure every N iterations (also at the start and the end; 0: only there)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-memory", a->max_memory,
                  "Refuse up front a corpus and model that need more memory than this, with the "
                  "number they need: e.g. 512M, 4G, 1.5G (K, M, G, T: 1024-based; default: the "
                  "memory the machine has available, MemAvailable)");
  sub->callback([a, sub] { run_train(*a, *sub); });
}

}  // namespace cellscope::cli
