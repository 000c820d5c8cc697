// TrainingWorker: trains a model on its own QThread. It loads the corpus, builds a Trainer (or
// resumes one from a .csm file) and runs it; a TrainingObserver turns the engine's events into
// small value types. Iteration events are coalesced (≤ 25 per second, every loss kept); the
// others always arrive. Pause and Stop are thread-safe: a pause blocks on a condition variable.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "config.h"
#include "watch_record.h"

struct TrainingRequest {
  std::vector<std::string> corpusPaths;  // files or folders
  std::string glob = "*";
  cellscope::ModelConfig model;  // ignored when resuming (the file fixes it)
  cellscope::TrainConfig train;
  std::string outputPath;  // checkpoints and the final model
  std::string resumePath;  // non-empty: continue from this model file
  // Watch neurons emerge: these detectors, every watchEvery iterations (also at the start and
  // the end), on the first kDefaultWatchChars of the validation split (the training text when
  // there is none). Empty: no watch.
  std::vector<std::string> watchDetectors;
  int64_t watchEvery = 250;
};

struct TrainingCorpusInfo {
  int files = 0;
  quint64 bytes = 0;
  qint64 trainChars = 0;
  qint64 valChars = 0;
  int vocabSize = 0;
  qint64 startIteration = 0;  // > 0 when resuming
  cellscope::ModelConfig model;
  cellscope::TrainConfig train;  // as used (merged with the file's when resuming)
};

// Every iteration since the previous event (the parallel vectors: one entry per iteration), and
// the state at the last one.
struct TrainingIterations {
  std::vector<qint64> iterations;
  std::vector<double> epochs;  // fractional
  std::vector<double> times;   // training seconds so far
  std::vector<double> losses;
  std::vector<double> gradNorms;
  std::vector<double> learningRates;
  std::vector<double> throughputs;  // chars/s
  double epoch = 0.0;
  double learningRate = 0.0;
  double charsPerSecond = 0.0;
  double seconds = 0.0;
  double etaSeconds = -1.0;
  double progress = -1.0;
  qint64 clippedTotal = 0;                   // this run
  std::vector<std::vector<double>> dhNorms;  // last iteration, per layer, t = 0..T-1
  qint64 lastIteration() const { return iterations.empty() ? 0 : iterations.back(); }
};

struct TrainingValidation {
  qint64 iteration = 0;
  double epoch = 0.0;
  double seconds = 0.0;
  double valLoss = 0.0;
};

struct TrainingSample {
  qint64 iteration = 0;
  double valLoss = 0.0;  // NaN when none yet
  double temperature = 1.0;
  QString text;
};

struct TrainingCheckpoint {
  QString path;
  qint64 iteration = 0;
  double valLoss = 0.0;  // NaN when none yet
  QStringList removed;   // files the retention policy deleted when this one was written
  int kept = 0;          // files of this run now kept (the output included at the end)
  bool final = false;    // the end of the run: `path` is the output itself
};

// One watch measurement: the best neuron per watched detector at `iteration` (layer and neuron
// -1, r NaN when the detector is constant on the probe text).
struct TrainingWatch {
  qint64 iteration = 0;
  double seconds = 0.0;
  double watchSeconds = 0.0;
  std::vector<cellscope::WatchRecord> records;
};

struct TrainingFinished {
  bool ok = false;  // false: error set (bad corpus, bad file, divergence)
  bool cancelled = false;
  QString message;  // why it stopped, or the error
  qint64 iterations = 0;
  double valLoss = 0.0;
};

// Trains `steps` iterations of a fresh model with these configurations on synthetic ids (a
// vocabulary of model.vocab_size, at least 2) and returns the training throughput in chars/s
// over all but the first (warm-up) step; <= 0 when cancelled or on failure. Blocking: call it
// off the GUI thread. Stops at the next iteration once `cancel` is set.
double measureTrainingThroughput(const cellscope::ModelConfig& model,
                                 const cellscope::TrainConfig& train,
                                 const std::atomic<bool>* cancel, int steps = 3);

Q_DECLARE_METATYPE(TrainingRequest)
Q_DECLARE_METATYPE(TrainingCorpusInfo)
Q_DECLARE_METATYPE(TrainingIterations)
Q_DECLARE_METATYPE(TrainingValidation)
Q_DECLARE_METATYPE(TrainingSample)
Q_DECLARE_METATYPE(TrainingCheckpoint)
Q_DECLARE_METATYPE(TrainingFinished)
Q_DECLARE_METATYPE(TrainingWatch)

class TrainingWorker : public QObject {
  Q_OBJECT

 public:
  explicit TrainingWorker(QObject* parent = nullptr);
  ~TrainingWorker() override;

  // Minimum time between two iteration events (25 per second).
  static constexpr int kIterationMilliseconds = 40;

  // Thread-safe. prepare() clears stop and pause before a new run is queued.
  void prepare();
  void setPaused(bool paused);
  void stop();
  bool isPaused() const { return paused_.load(); }

 public slots:
  // Runs to a stop condition or stop(); always ends with finished().
  void train(const TrainingRequest& request);

 signals:
  void status(const QString& message);
  void corpusLoaded(const TrainingCorpusInfo& info);
  void iterations(const TrainingIterations& events);
  void validation(const TrainingValidation& event);
  void sample(const TrainingSample& event);
  void checkpoint(const TrainingCheckpoint& event);
  void watch(const TrainingWatch& event);
  void paused(qint64 iteration);  // the run is now waiting (after the last event delivered)
  void finished(const TrainingFinished& result);

 private:
  class Observer;
  friend class Observer;
  // Called from the observer after each iteration: blocks while paused (no spinning), and
  // answers every pause with paused(), also one that follows a resume while it slept.
  void waitWhilePaused(Observer& observer);

  std::atomic<bool> cancel_{false};
  std::atomic<bool> paused_{false};
  std::uint64_t resumes_ = 0;  // guarded by mutex_
  std::mutex mutex_;
  std::condition_variable wake_;
};
