// The inspection commands' shared plumbing. Invariants: an output file is complete or absent
// (written to NAME.tmp, fsync'd, renamed; removed on error or Ctrl-C); positions are code points
// of the text file, 0-based, the same in every command.
#include "inspect_support.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "error.h"
#include "neuron_match.h"
#include "threads.h"
#include "trainer.h"
#include "utf8.h"

namespace cellscope::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_inspect_sigint(int) {
  g_stop.store(true);
}

}  // namespace

SigintGuard::SigintGuard() : previous_(std::signal(SIGINT, on_inspect_sigint)) {
  g_stop.store(false);
}
SigintGuard::~SigintGuard() {
  std::signal(SIGINT, previous_);
}
bool SigintGuard::stopped() {
  return g_stop.load();
}

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

Quantity quantity_or_default(const std::string& name, CellType cell) {
  return name.empty() ? default_quantity(cell) : parse_quantity(name);
}

void add_quantity_option(CLI::App* sub, std::string& quantity) {
  sub->add_option("--quantity", quantity,
                  quantity_names() +
                      " (default: tanh-cell for an LSTM, as the explorer colours by; hidden for "
                      "a GRU or RNN)");
}

PassProgress::PassProgress(std::string label, int64_t chars)
    : label_(std::move(label)), chars_(chars), start_(std::chrono::steady_clock::now()) {}

ProgressFn PassProgress::fn() {
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

void interrupted(const std::string& what) {
  throw Error("interrupted; " + what);
}

AtomicOutput::AtomicOutput(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (file_ == nullptr) throw Error(path_ + ": cannot write (" + std::strerror(errno) + ")");
}

AtomicOutput::~AtomicOutput() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) std::remove(tmp_.c_str());
}

void AtomicOutput::write(const void* data, std::size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, file_) != size) fail();
}

void AtomicOutput::commit() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) fail();
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (closed != 0) fail();
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail();
  committed_ = true;
}

void AtomicOutput::fail() {
  throw Error(path_ + ": write failed (" + std::strerror(errno) + ")");
}

std::string csv_char(char32_t cp) {
  std::string out = "\"";
  for (char c : Vocabulary::display(cp)) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void append_float(std::string& out, double v) {
  if (std::isnan(v)) return;
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

}  // namespace cellscope::cli
