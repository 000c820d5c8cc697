// Trainer: the training loop. It owns the model, optimizer, RNG, carried state and history,
// reports to an observer after every iteration, validation, sample, checkpoint and watch
// measurement (watch.h), and checks a cancel flag every iteration, so the app runs it on a
// worker thread and the CLI on the main one. Stop conditions: max epochs / iterations (totals,
// counting those before a resume), max seconds (this run), cancel, or divergence (a non-finite
// loss or gradient: training stops, nothing is written, the last checkpoint on disk stays the
// last good one).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "checkpoint_retention.h"
#include "config.h"
#include "corpus.h"
#include "model.h"
#include "optimizer.h"
#include "vocabulary.h"
#include "watch.h"

namespace cellscope {

struct IterationEvent {
  int64_t iteration = 0;
  double epoch = 0.0;  // fractional
  double loss = 0.0;
  double grad_norm = 0.0;  // before clipping
  bool clipped = false;
  double learning_rate = 0.0;
  double chars_per_sec = 0.0;
  double seconds = 0.0;                       // training time so far (all runs)
  double eta_seconds = -1.0;                  // until the first stop condition, -1 when none is set
  double progress = -1.0;                     // fraction of the run done, -1 when unknown
  std::vector<std::vector<double>> dh_norms;  // per layer, ||dL/dh_t||, when requested
};

struct ValidationEvent {
  int64_t iteration = 0;
  double epoch = 0.0;
  double seconds = 0.0;
  double val_loss = 0.0;
};

struct CheckpointEvent {
  std::string path;
  int64_t iteration = 0;
  double val_loss = 0.0;  // NaN when none yet
  // With set_keep_checkpoints(true): the per-iteration files the retention policy deleted just
  // now (checkpoint_retention.h), how many files of this run are kept (the output included once
  // the run ends), and whether this is the end of the run (path is then the output itself).
  std::vector<std::string> removed;
  int kept = 0;
  bool final = false;
};

// A watch measurement (see watch.h): one record per watched detector, in --watch order, all at
// `iteration` (where a resumed run starts on an iteration already measured: only the detectors
// without a record there). Also kept in the model file (ModelFile::watch).
struct WatchEvent {
  int64_t iteration = 0;
  double seconds = 0.0;        // training time so far (all runs), as IterationEvent::seconds
  double watch_seconds = 0.0;  // what this measurement took
  std::vector<WatchRecord> records;
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void on_iteration(const IterationEvent&) {}
  virtual void on_validation(const ValidationEvent&) {}
  virtual void on_sample(const SampleRecord&) {}
  virtual void on_checkpoint(const CheckpointEvent&) {}
  virtual void on_message(const std::string&) {}
  virtual void on_watch(const WatchEvent&) {}
};

enum class StopReason { kMaxEpochs, kMaxIters, kMaxSeconds, kCancelled, kDiverged };

struct TrainResult {
  StopReason reason = StopReason::kMaxEpochs;
  std::string message;
  int64_t iterations = 0;  // total after the run
  double val_loss = 0.0;   // last validation loss (NaN when none)
};

class Trainer {
 public:
  // A new model with freshly initialised parameters (seeded by train.seed).
  Trainer(const ModelConfig& model, const TrainConfig& train, const Vocabulary& vocab);
  // Resumes from a model file; `train` replaces the file's training configuration (the caller
  // keeps what must not change: batch size, sequence lengths, optimizer).
  Trainer(const ModelFile& file, const TrainConfig& train);

  // Trains on `train_text` (validation on `val_text`, may be empty) until a stop condition.
  // With a non-empty checkpoint_path the model is written there every checkpoint_every
  // iterations and at the end (unless diverged); with set_keep_checkpoints(true) each periodic
  // checkpoint is also written as checkpoint_file_path(checkpoint_path, iteration), and only
  // the set the retention policy keeps stays on disk (the final model is checkpoint_path).
  TrainResult run(const EncodedText& train_text, const EncodedText& val_text,
                  TrainingObserver* observer, const std::atomic<bool>* cancel,
                  const std::string& checkpoint_path);

  // Everything needed to resume exactly.
  ModelFile to_model_file() const;

  Model<float>& model() { return *model_; }
  const Vocabulary& vocabulary() const { return vocab_; }
  const TrainConfig& train_config() const { return train_; }
  const TrainingProgress& progress() const { return progress_; }
  void set_report_dh_norms(bool on) { report_dh_norms_ = on; }
  // Off by default (the CLI keeps one file). On: every periodic checkpoint is also written,
  // atomically, to its own per-iteration file, and CheckpointEvent::path names that file, so a
  // run can be resumed from any kept checkpoint; files `retention` drops are deleted as the run
  // goes (CheckpointEvent::removed). The end of the run is reported as checkpoint_path itself.
  void set_keep_checkpoints(bool on, CheckpointRetention retention = {}) {
    keep_checkpoints_ = on;
    retention_ = retention;
  }
  // Watch neurons emerge: measure with `watch` at the start of run(), every `every` iterations
  // (multiples of it; 0: only start and end) and at the end, never twice for one iteration and
  // detector; each measurement goes to the observer's on_watch and to watch_history(). Null: off.
  void set_watch(std::shared_ptr<const NeuronWatch> watch, int64_t every) {
    watch_ = std::move(watch);
    watch_every_ = every;
  }
  const std::vector<WatchRecord>& watch_history() const { return watch_history_; }
  // Recorded in the model file (ModelFile::corpus_paths): what this training reads.
  void set_corpus(std::vector<std::string> paths, std::string glob) {
    corpus_paths_ = std::move(paths);
    corpus_glob_ = std::move(glob);
  }

 private:
  double validate(const EncodedText& val_text);
  void take_sample(double val_loss, TrainingObserver* observer);
  void take_watch(TrainingObserver* observer);

  ModelConfig model_config_;
  TrainConfig train_;
  Vocabulary vocab_;
  std::unique_ptr<Model<float>> model_;
  std::unique_ptr<Optimizer<float>> optimizer_;
  std::mt19937_64 rng_;
  ModelState<float> state_;
  bool has_state_ = false;
  TrainingProgress progress_;
  std::vector<LossPoint> train_history_;
  std::vector<LossPoint> val_history_;
  std::vector<SampleRecord> samples_;
  std::vector<std::string> corpus_paths_;
  std::string corpus_glob_ = "*";
  bool report_dh_norms_ = false;
  bool keep_checkpoints_ = false;
  CheckpointRetention retention_;
  std::vector<WrittenCheckpoint> kept_;  // this run's per-iteration files still on disk
  std::shared_ptr<const NeuronWatch> watch_;
  int64_t watch_every_ = 0;
  std::vector<WatchRecord> watch_history_;
};

// "<out without .csm>.iter<N>.csm", next to `out`: where a kept checkpoint is written.
std::string checkpoint_file_path(const std::string& out, int64_t iteration);

// Builds a model from a file's configuration and parameters; throws Error naming `path` when
// the parameter count does not match the configuration.
std::unique_ptr<Model<float>> model_from_file(const ModelFile& file, const std::string& path);

}  // namespace cellscope
