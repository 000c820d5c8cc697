// cellscope-cli ngram: counts a corpus into an interpolated Kneser-Ney character model
// (engine/ngram.h) and writes it atomically; and the n-gram side of eval and sample, which
// commands.cpp calls through eval_if_ngram / sample_if_ngram. The eval line has the same form
// and the same convention (the first character is not predicted) as for a network.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "corpus.h"
#include "error.h"
#include "explain_commands.h"
#include "inspect_support.h"
#include "ngram.h"
#include "progress.h"
#include "surprisal_models.h"
#include "utf8.h"

namespace cellscope::cli {
namespace {

struct NgramArgs {
  std::vector<std::string> corpus;
  std::string glob = "*";
  std::string out;
  int order = 8;
};

void run_ngram(const NgramArgs& a) {
  const auto start = std::chrono::steady_clock::now();
  CorpusOptions options;
  options.paths = a.corpus;
  options.glob = a.glob;
  options.val_frac = 0.0;
  const Corpus corpus = load_corpus(options);
  PassProgress progress("ngram", static_cast<int64_t>(corpus.train.size()));
  SigintGuard guard;
  const NgramModel model = NgramModel::build(corpus.vocab, corpus.train, a.order, progress.fn());
  progress.finish();
  if (model.order() == 0) interrupted(a.out + " was not written");
  save_ngram_file(a.out, model);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double chars = static_cast<double>(model.corpus_chars());
  std::printf(
      "wrote %s: order %d, %d characters, %s n-grams from %s corpus characters in %s; memory "
      "%.1f MB (%.1f MB per million corpus characters), file %s bytes\n",
      a.out.c_str(), model.order(), model.vocab_size(),
      format_count(static_cast<double>(model.grams())).c_str(), format_count(chars).c_str(),
      format_duration(seconds).c_str(), static_cast<double>(model.memory_bytes()) / 1e6,
      static_cast<double>(model.memory_bytes()) / chars,
      format_count(static_cast<double>(std::filesystem::file_size(a.out))).c_str());
}

}  // namespace

std::u32string read_text_file(const std::string& path) {
  if (std::filesystem::is_directory(path)) throw Error(path + " is a folder; give one text file");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(path + ": cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::u32string strict_or_replaced = utf8_decode(bytes, /*replace_invalid=*/true, path);
  return strict_or_replaced;
}

bool eval_if_ngram(const std::string& model_path, const std::vector<std::string>& corpus,
                   const std::string& glob) {
  if (!is_ngram_file(model_path)) return false;
  auto model = ScoringModel::load(model_path);
  CorpusOptions options;
  options.paths = corpus;
  options.glob = glob;
  std::u32string text;
  for (const std::string& file : expand_corpus_paths(options)) text += read_text_file(file);
  if (text.size() < 2) throw Error("text too short to evaluate (needs at least 2 characters)");
  PassProgress progress("eval", static_cast<int64_t>(text.size()));
  SigintGuard guard;
  int64_t unknown = 0;
  const CharScores s = model->score(text, /*with_entropy=*/false, progress.fn(), &unknown);
  progress.finish();
  if (s.size() == 0) interrupted("eval stopped");
  if (unknown > 0) {
    std::fprintf(stderr,
                 "warning: %lld character(s) are not in the n-gram's vocabulary and were read as "
                 "its unknown symbol\n",
                 static_cast<long long>(unknown));
  }
  std::printf("loss_nats=%.6f bits_per_char=%.6f chars=%lld\n", s.mean_surprisal(),
              s.mean_surprisal() / kNatsPerBit, static_cast<long long>(s.scored()));
  return true;
}

bool sample_if_ngram(const std::string& model_path, const std::string& prime, int64_t length,
                     const SampleOptions& options) {
  if (!is_ngram_file(model_path)) return false;
  const NgramModel model = load_ngram_file(model_path);
  int64_t unknown = 0;
  model.encode(utf8_decode(prime, true), &unknown);
  if (unknown > 0) {
    std::fprintf(stderr,
                 "warning: %lld prime character(s) are not in the n-gram's vocabulary and were "
                 "read as its unknown symbol\n",
                 static_cast<long long>(unknown));
  }
  std::fputs(prime.c_str(), stdout);
  SigintGuard guard;
  model.generate(prime, length, options, [](std::string_view ch) {
    std::fwrite(ch.data(), 1, ch.size(), stdout);
    if (ch == "\n") std::fflush(stdout);
    return !SigintGuard::stopped() && !std::ferror(stdout);
  });
  std::fputc('\n', stdout);
  std::fflush(stdout);
  return true;
}

void add_ngram_command(CLI::App& app) {
  auto a = std::make_shared<NgramArgs>();
  CLI::App* sub = app.add_subcommand(
      "ngram",
      "Build an interpolated Kneser-Ney character n-gram model, a baseline that eval, sample, "
      "probe --quantity surprisal|entropy and compare accept like a .csm");
  sub->option_defaults()->always_capture_default();
  sub->add_option("--corpus", a->corpus, "Text files or folders")->required()->expected(1, -1);
  sub->add_option("--glob", a->glob, "File-name pattern inside folders");
  sub->add_option("--order", a->order, "N: predict from the previous N-1 characters")
      ->check(CLI::Range(1, NgramModel::kMaxOrder));
  sub->add_option("--out", a->out, "Model file to write, atomically")->required();
  sub->footer(
      "Characters the corpus never had are one 'unknown' symbol with a share of the uniform "
      "distribution at the bottom of the interpolation, so every character has p > 0. Memory: "
      "about 20 bytes per distinct n-gram of every length 1..N (hash tables at most 70% full); "
      "the command prints the measured figure.");
  sub->callback([a] { run_ngram(*a); });
}

}  // namespace cellscope::cli
