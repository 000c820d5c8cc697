// SaliencyWorker: the memory panel's engine side, on its own QThread: a click's saliency for the
// explorer's model (engine/saliency.h, exact BPTT at batch 1, from a state kept every kStateEvery
// characters) and the memory horizon over a list of models, one line each. Requests carry ids; one
// no longer wanted (atomics, set from any thread) is skipped or stops at its next position.
// Results are value types; errors come back as messages in them, never as exceptions.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "probe.h"

namespace cellscope {
struct ModelFile;
}

// One click: the gradient of log p(char P) — or of a neuron's value after reading P — with
// respect to each of the previous `window` inputs.
struct SaliencyRequest {
  quint64 jobId = 0;
  qint64 position = 0;
  int window = 200;
  bool neuronTarget = false;  // false: log p(char P)
  int layer = 0, neuron = 0;
  cellscope::Quantity quantity = cellscope::Quantity::kHidden;
};

struct SaliencyResult {
  quint64 jobId = 0;
  qint64 position = 0;
  int window = 0;
  bool neuronTarget = false;
  double value = 0.0;               // log p (nats) or the neuron's value
  std::vector<double> byDistance;   // [d], d = 0..window; NaN where there is no input
  QString error;
};

// A model for the horizon: a name for the legend and its file (shared, immutable).
struct HorizonModel {
  QString name;  // e.g. the file name
  std::shared_ptr<const cellscope::ModelFile> file;
};

struct HorizonRequest {
  quint64 jobId = 0;
  int window = 200;
  qint64 limit = 0;  // the first `limit` characters of the text (0: all of it)
  qint64 stride = 1;
  std::vector<HorizonModel> models;
};

struct HorizonLine {
  QString name;
  QString cellType;             // "lstm", "gru", "rnn"
  QString label;                // "name (cell HxL)" for a legend
  std::vector<double> mean;     // [d], d = 0..window (NaN where no position had it)
  qint64 positions = 0;
  QString error;                // this model failed (e.g. a bad file); the others still run
};

struct HorizonResult {
  quint64 jobId = 0;
  int window = 0;
  qint64 characters = 0;  // the characters read
  std::vector<HorizonLine> lines;
  bool cancelled = false;
  QString error;
};

Q_DECLARE_METATYPE(SaliencyRequest)
Q_DECLARE_METATYPE(SaliencyResult)
Q_DECLARE_METATYPE(HorizonRequest)
Q_DECLARE_METATYPE(HorizonResult)

class SaliencyWorker : public QObject {
  Q_OBJECT

 public:
  explicit SaliencyWorker(QObject* parent = nullptr);
  ~SaliencyWorker() override;

  // Thread-safe: a saliency request other than `jobId` is skipped when its turn comes.
  void wantSaliency(quint64 jobId) { wantedSaliency_.store(jobId, std::memory_order_relaxed); }
  // Thread-safe: a horizon other than `jobId` stops at its next position (0 stops any).
  void wantHorizon(quint64 jobId) { wantedHorizon_.store(jobId, std::memory_order_relaxed); }

  static constexpr qint64 kStateEvery = 512;  // characters between kept states (as the explorer)
  static constexpr int kProgressMilliseconds = 50;

  // The line label a legend shows for `file` named `name`: "name — lstm 1×128".
  static QString describe(const QString& name, const cellscope::ModelFile& file);

 public slots:
  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  void setText(const std::u32string& text);
  void saliency(const SaliencyRequest& request);
  void horizon(const HorizonRequest& request);

 signals:
  void saliencyReady(const SaliencyResult& result);
  void horizonProgress(quint64 jobId, double fraction);
  void horizonReady(const HorizonResult& result);

 private:
  struct Engine;
  void encodeText();

  std::unique_ptr<Engine> engine_;
  QString modelError_;
  std::u32string text_;
  std::atomic<quint64> wantedSaliency_{0};
  std::atomic<quint64> wantedHorizon_{0};
};
