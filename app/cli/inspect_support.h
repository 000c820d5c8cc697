// What the inspection subcommands (probe, find, match, saturation) share: reading the model and
// the text (ids and code points aligned one to one), the default quantity, a progress line with
// ETA, Ctrl-C as cancellation, and an output file that is complete or absent.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "checkpoint.h"
#include "corpus.h"
#include "model.h"
#include "probe.h"
#include "progress.h"
#include "vocabulary.h"

namespace cellscope::cli {

// Ctrl-C cancels the running pass (the command then fails cleanly) while this is alive.
class SigintGuard {
 public:
  SigintGuard();
  ~SigintGuard();
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;
  static bool stopped();  // Ctrl-C was pressed since the last guard was made

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

Inputs load_inputs(const std::string& model_path, const std::string& text_path, int threads);

// --quantity: the named one, or (empty) default_quantity() of the model's cell.
Quantity quantity_or_default(const std::string& name, CellType cell);
// The --quantity option with its help text (names the default).
void add_quantity_option(CLI::App* sub, std::string& quantity);

// A progress callback drawing "<label> 42.0% | 12,345 chars/s | ETA 1m05s"; false on Ctrl-C.
class PassProgress {
 public:
  PassProgress(std::string label, int64_t chars);
  ProgressFn fn();
  void finish() { line_.finish(); }

 private:
  std::string label_;
  int64_t chars_;
  std::chrono::steady_clock::time_point start_;
  ProgressLine line_;
};

[[noreturn]] void interrupted(const std::string& what);

// Writes NAME.tmp; commit() fsyncs and renames it over NAME. Destroyed uncommitted, it removes
// the temporary file, so NAME is either complete or untouched.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  void write(const void* data, std::size_t size);
  void write(const std::string& s) { write(s.data(), s.size()); }
  void commit();

 private:
  [[noreturn]] void fail();
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// A character as a CSV field: printable form (Vocabulary::display), quoted, quotes doubled.
std::string csv_char(char32_t cp);
// %.9g, or nothing for NaN (an empty CSV field).
void append_float(std::string& out, double v);
// The printable form of [begin, end), cut after max_chars with "...".
std::string text_snippet(const std::u32string& text, int64_t begin, int64_t end, int max_chars);

// MODEL, --text FILE, --threads N.
void add_common_options(CLI::App* sub, std::string& model, std::string& text, int& threads);

}  // namespace cellscope::cli
