// Subcommands train / sample / eval / info / export. Flag names follow char-rnn's (GNU style).
// Invariant: a command either finishes its output file completely (atomic write) or leaves
// the previous one untouched; Ctrl-C during training stops cleanly and still writes --out.
#include "commands.h"

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>

#include "checkpoint.h"
#include "corpus.h"
#include "error.h"
#include "evaluate.h"
#include "progress.h"
#include "sampler.h"
#include "threads.h"
#include "trainer.h"

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

// ---- train ---------------------------------------------------------------------------------

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
  TrainConfig train;
  std::string optimizer = "adam";
  std::string clip_mode = "value";
  int threads = 0;
};

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
    line_.message("iter " + std::to_string(e.iteration) + ": saved " + e.path);
  }
  void on_message(const std::string& m) override { line_.message(m); }

 private:
  ProgressLine& line_;
  double val_ = std::nan("");
};

void run_train(const TrainArgs& a, const CLI::App& sub) {
  set_thread_count(a.threads);
  TrainConfig train = a.train;
  train.optimizer = parse_optimizer_type(a.optimizer);
  train.clip_mode = parse_clip_mode(a.clip_mode);
  if (train.k1() > train.k2()) {
    throw Error("--bptt-every (" + std::to_string(train.k1()) +
                ") must not exceed --bptt-length (" + std::to_string(train.k2()) + ")");
  }
  auto given = [&](const char* name) { return sub.count(name) > 0; };

  std::unique_ptr<Trainer> trainer;
  ModelFile resumed;
  if (!a.resume.empty()) {
    resumed = load_model_file(a.resume);
    // Architecture and data layout are fixed by the file; run limits and rates may change.
    for (const char* fixed_flag :
         {"--model", "--rnn-size", "--num-layers", "--seq-length", "--batch-size", "--bptt-every",
          "--bptt-length", "--optimizer", "--reset-state"}) {
      if (given(fixed_flag)) {
        throw Error(std::string(fixed_flag) + " cannot change when resuming (" + a.resume +
                    " fixes it); start a new model instead");
      }
    }
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
  }

  CorpusOptions copts;
  copts.paths = a.corpus;
  copts.glob = a.glob;
  copts.replace_invalid = a.replace_invalid;
  copts.val_frac = train.val_frac;
  std::fprintf(stderr, "loading corpus...\n");
  const Vocabulary resume_vocab(resumed.vocabulary);
  Corpus corpus = load_corpus(copts, a.resume.empty() ? nullptr : &resume_vocab);
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
    trainer = std::make_unique<Trainer>(mc, train, corpus.vocab);
  } else {
    model_from_file(resumed, a.resume);  // validates the parameter count, naming the file
    trainer = std::make_unique<Trainer>(resumed, train);
  }
  trainer->set_corpus(absolute_paths(copts.paths), copts.glob);
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

// ---- sample --------------------------------------------------------------------------------

struct SampleArgs {
  std::string model;
  int64_t length = 2000;
  double temperature = 1.0;
  std::string prime;
  bool argmax = false;
  int top_k = 0;
  int64_t seed = -1;
  int threads = 1;
};

void run_sample(const SampleArgs& a) {
  set_thread_count(a.threads);
  const ModelFile file = load_model_file(a.model);
  auto model = model_from_file(file, a.model);
  const Vocabulary vocab(file.vocabulary);
  Sampler sampler(*model, vocab);
  SampleOptions options;
  options.temperature = a.temperature;
  options.argmax = a.argmax;
  options.top_k = a.top_k;
  options.seed = a.seed >= 0 ? static_cast<uint64_t>(a.seed) : std::random_device{}();
  int64_t unknown = 0;
  vocab.encode(a.prime, &unknown);
  if (unknown > 0) {
    std::fprintf(stderr,
                 "warning: %lld prime character(s) are not in the model's vocabulary "
                 "and were read as the fallback character\n",
                 static_cast<long long>(unknown));
  }
  std::fputs(a.prime.c_str(), stdout);
  sampler.generate(a.prime, a.length, options, [](std::string_view ch) {
    std::fwrite(ch.data(), 1, ch.size(), stdout);
    if (ch == "\n") std::fflush(stdout);
    return !g_interrupted.load() && !std::ferror(stdout);
  });
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// ---- eval ----------------------------------------------------------------------------------

struct EvalArgs {
  std::string model;
  std::vector<std::string> corpus;
  std::string glob = "*";
  int streams = 1;
  int threads = 0;
};

void run_eval(const EvalArgs& a) {
  set_thread_count(a.threads);
  const ModelFile file = load_model_file(a.model);
  auto model = model_from_file(file, a.model);
  const Vocabulary vocab(file.vocabulary);
  CorpusOptions copts;
  copts.paths = a.corpus;
  copts.glob = a.glob;
  copts.val_frac = 0.0;
  copts.replace_invalid = true;
  const Corpus corpus = load_corpus(copts, &vocab, /*allow_unknown=*/true);
  if (corpus.unknown > 0) {
    std::fprintf(stderr,
                 "warning: %lld character(s) are not in the model's vocabulary and were "
                 "read as the fallback character\n",
                 static_cast<long long>(corpus.unknown));
  }
  ProgressLine line;
  const auto start = std::chrono::steady_clock::now();
  const EvalResult r = evaluate(*model, corpus.train, a.streams, 100, [&](double f) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    line.update("eval " + fixed(100.0 * f, 1) + "% | " +
                format_count(f * static_cast<double>(corpus.train.size()) / std::max(s, 1e-9)) +
                " chars/s | ETA " + format_duration(f > 0 ? s * (1 - f) / f : -1));
    return !g_interrupted.load();
  });
  line.finish();
  std::printf("loss_nats=%.6f bits_per_char=%.6f chars=%lld\n", r.loss_nats, r.bits_per_char(),
              static_cast<long long>(r.chars));
}

// ---- info ----------------------------------------------------------------------------------

void run_info(const std::string& path) {
  const ModelFile f = load_model_file(path);
  const ModelConfig& m = f.model;
  const TrainConfig& t = f.train;
  std::printf("file:        %s\n", path.c_str());
  std::printf("model:       %s, %d layer(s) x %d, dropout %g\n", to_string(m.cell).c_str(),
              m.num_layers, m.hidden_size, m.dropout);
  std::printf("parameters:  %s\n", format_count(static_cast<double>(f.parameters.size())).c_str());
  std::printf("vocabulary:  %d characters\n", m.vocab_size);
  std::printf("training:    %s, learning rate %g (now %g), decay %g after epoch %d, clip %s %g\n",
              to_string(t.optimizer).c_str(), t.learning_rate, f.progress.learning_rate, t.lr_decay,
              t.lr_decay_after, to_string(t.clip_mode).c_str(), t.grad_clip);
  std::printf("batching:    batch %d, seq %d (k1 %d, k2 %d)%s\n", t.batch_size, t.seq_length,
              t.k1(), t.k2(), t.reset_state ? ", state reset every chunk" : "");
  std::printf("progress:    iteration %lld, epoch %lld, %s of training\n",
              static_cast<long long>(f.progress.iteration),
              static_cast<long long>(f.progress.epoch),
              format_duration(f.progress.seconds).c_str());
  if (!f.train_history.empty()) {
    std::printf("train loss:  %.4f (last)\n", f.train_history.back().loss);
  }
  if (!f.val_history.empty()) {
    const LossPoint* best = &f.val_history.front();
    for (const auto& p : f.val_history) {
      if (p.loss < best->loss) best = &p;
    }
    std::printf(
        "val loss:    %.4f (last, iteration %lld); best %.4f at iteration %lld; %zu "
        "evaluations\n",
        f.val_history.back().loss, static_cast<long long>(f.val_history.back().iteration),
        best->loss, static_cast<long long>(best->iteration), f.val_history.size());
  }
  std::printf("samples:     %zu kept\n", f.samples.size());
}

// ---- export --------------------------------------------------------------------------------

// A copy to share or bundle: the weights, vocabulary, configuration, histories and samples,
// without the optimizer's moments and the carried batch state (2/3 of an Adam model's size).
// It samples, evaluates and explores exactly as the original; resuming training starts the
// optimizer's moments and the streams' state afresh.
void run_export(const std::string& path, const std::string& out) {
  ModelFile f = load_model_file(path);
  const auto before = std::filesystem::file_size(path);
  f.optimizer_state.clear();
  f.optimizer_steps = 0;
  f.progress.carried_batch = 0;
  f.progress.carried_state.clear();
  save_model_file(out, f);
  std::printf("wrote %s: %s bytes (was %s): no optimizer moments, no carried state\n", out.c_str(),
              format_count(static_cast<double>(std::filesystem::file_size(out))).c_str(),
              format_count(static_cast<double>(before)).c_str());
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "export", "Write a model without its optimizer state (for sharing; resuming restarts Adam)");
  sub->add_option("model", *path, "Model file (.csm)")->required();
  sub->add_option("--out", *out, "Model file to write (.csm), atomically")->required();
  sub->callback([path, out] { run_export(*path, *out); });
}

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
  sub->callback([a, sub] { run_train(*a, *sub); });
}

void add_sample_command(CLI::App& app) {
  auto a = std::make_shared<SampleArgs>();
  CLI::App* sub = app.add_subcommand("sample", "Generate text from a model, streamed to stdout");
  sub->option_defaults()->always_capture_default();
  sub->add_option("model", a->model, "Model file (.csm)")->required();
  sub->add_option("--length", a->length, "Characters to generate")->check(CLI::NonNegativeNumber);
  sub->add_option("--temperature", a->temperature,
                  "Divide the logits by this before the softmax (> 0; lower: more conservative)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--prime", a->prime, "Text to start from (printed first)");
  sub->add_flag("--argmax", a->argmax, "Always take the most likely character (deterministic)");
  sub->add_option("--top-k", a->top_k, "Sample among the K most likely characters only (0: all)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--seed", a->seed, "Random seed (default: a fresh one each run)");
  sub->add_option("--threads", a->threads, "Threads (batch 1 is fastest on one)")
      ->check(CLI::NonNegativeNumber);
  sub->callback([a] { run_sample(*a); });
}

void add_eval_command(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  CLI::App* sub = app.add_subcommand(
      "eval", "Loss of a model on a text: loss_nats=<x> bits_per_char=<y> chars=<n>");
  sub->option_defaults()->always_capture_default();
  sub->add_option("model", a->model, "Model file (.csm)")->required();
  sub->add_option("--corpus", a->corpus, "Text files or folders")->required()->expected(1, -1);
  sub->add_option("--glob", a->glob, "File-name pattern inside folders");
  sub->add_option("--streams", a->streams,
                  "Read the text as N parallel parts (1: exact, state carried through all)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--threads", a->threads, "Threads (0: all cores)")->check(CLI::NonNegativeNumber);
  sub->callback([a] { run_eval(*a); });
}

void add_info_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("info", "Configuration, size and history of a model file");
  sub->add_option("model", *path, "Model file (.csm)")->required();
  sub->callback([path] { run_info(*path); });
}

}  // namespace cellscope::cli
