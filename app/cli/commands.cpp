// Subcommands sample / eval / info / export (train: train_command.cpp). Flag names follow
// char-rnn's (GNU style). Invariant: a command either finishes its output file completely
// (atomic write) or leaves the previous one untouched.
#include "commands.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>

#include "checkpoint.h"
#include "explain_commands.h"
#include "interop_commands.h"
#include "corpus.h"
#include "error.h"
#include "evaluate.h"
#include "progress.h"
#include "sampler.h"
#include "threads.h"
#include "trainer.h"

namespace cellscope::cli {
namespace {

std::atomic<bool> g_interrupted{false};  // never set yet: no SIGINT handler outside train

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
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
  SampleOptions options;
  options.temperature = a.temperature;
  options.argmax = a.argmax;
  options.top_k = a.top_k;
  options.seed = a.seed >= 0 ? static_cast<uint64_t>(a.seed) : std::random_device{}();
  if (sample_if_ngram(a.model, a.prime, a.length, options)) return;
  set_thread_count(a.threads);
  const ModelFile file = load_model_file(a.model);
  auto model = model_from_file(file, a.model);
  const Vocabulary vocab(file.vocabulary);
  Sampler sampler(*model, vocab);
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
  if (eval_if_ngram(a.model, a.corpus, a.glob)) return;
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

// One line per watch record, for scripts: iter=… detector=… layer=… neuron=… quantity=… r=… auc=…
void print_watch(const std::string& path, const ModelFile& f) {
  if (f.watch.empty()) {
    std::fprintf(stderr, "%s has no watch records (train with --watch to record them)\n",
                 path.c_str());
  }
  auto number = [](double v, const char* format) {
    if (std::isnan(v)) return std::string("nan");
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v);
    return std::string(buf);
  };
  for (const WatchRecord& r : f.watch) {  // a record without a neuron: -1 -1 - nan nan
    std::printf("iter=%lld detector=%s layer=%d neuron=%d quantity=%s r=%s auc=%s\n",
                static_cast<long long>(r.iteration), r.detector.c_str(), r.layer, r.neuron,
                r.quantity.empty() ? "-" : r.quantity.c_str(),
                number(r.correlation, "%+.4f").c_str(), number(r.auc, "%.4f").c_str());
  }
}

void run_info(const std::string& path, bool watch) {
  const ModelFile f = load_model_file(path);
  if (watch) {
    print_watch(path, f);
    return;
  }
  const ModelConfig& m = f.model;
  const TrainConfig& t = f.train;
  std::printf("file:        %s\n", path.c_str());
  const char* variant = m.gru_reset_after ? " (reset after)" : m.rnn_relu ? " (relu)" : "";
  std::printf("model:       %s%s, %d layer(s) x %d, dropout %g\n", to_string(m.cell).c_str(),
              variant, m.num_layers, m.hidden_size, m.dropout);
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
  if (!f.watch.empty()) {
    std::string detectors;
    for (const WatchRecord& r : f.watch) {
      if (r.iteration != f.watch.front().iteration) break;
      detectors += (detectors.empty() ? "" : ", ") + r.detector;
    }
    std::printf("watch:       %zu records (%s), iterations %lld to %lld; info --watch lists them\n",
                f.watch.size(), detectors.c_str(),
                static_cast<long long>(f.watch.front().iteration),
                static_cast<long long>(f.watch.back().iteration));
  }
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
  auto format = std::make_shared<std::string>("csm");
  CLI::App* sub = app.add_subcommand(
      "export",
      "Write a model without its optimizer state (for sharing; resuming restarts Adam), or as "
      "a PyTorch state_dict in safetensors (--format safetensors; docs/pytorch.md)");
  sub->add_option("model", *path, "Model file (.csm)")->required();
  sub->add_option("--out", *out, "File to write (.csm or .safetensors), atomically")->required();
  sub->add_option("--format", *format,
                  "csm: weights-only model file; safetensors: rnn.* (nn.LSTM/GRU/RNN) and out.* "
                  "(nn.Linear), vocabulary in the metadata, for examples/pytorch/load.py")
      ->check(CLI::IsMember({"csm", "safetensors"}))
      ->capture_default_str();
  sub->callback([path, out, format] {
    if (*format == "safetensors") {
      run_export_safetensors(*path, *out);
    } else {
      run_export(*path, *out);
    }
  });
}

void add_sample_command(CLI::App& app) {
  auto a = std::make_shared<SampleArgs>();
  CLI::App* sub = app.add_subcommand("sample", "Generate text from a model, streamed to stdout");
  sub->option_defaults()->always_capture_default();
  sub->add_option("model", a->model, "Model file (.csm) or n-gram model (cellscope-cli ngram)")->required();
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
  sub->add_option("model", a->model, "Model file (.csm) or n-gram model (cellscope-cli ngram)")->required();
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
  auto watch = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("info", "Configuration, size and history of a model file");
  sub->add_option("model", *path, "Model file (.csm)")->required();
  sub->add_flag("--watch", *watch,
                "Only the watch records (train --watch), one line each: iter=... detector=... "
                "layer=... neuron=... quantity=... r=... auc=...");
  sub->callback([path, watch] { run_info(*path, *watch); });
}

}  // namespace cellscope::cli
