// ExplorerWorker: the activation explorer's engine side, on its own QThread. It owns a
// Model<float> built from a ModelFile; openText() reads and decodes a UTF-8 file, encodes it with
// the model's vocabulary (unknown characters through its fallback), and runs the engine's Probe
// over the whole text (progress, cancellable), recording the requested neuron on the way. Then
// it answers track requests (one neuron's value per character) and hover requests (a position's
// value and the top-5 next-character predictions, from Probe::window). Every text has an id; a
// request for a text that is no longer wanted is dropped (std::atomic, set from any thread).
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "generation_worker.h"  // NeuronSelection

namespace cellscope {
struct ModelFile;
}

// The decoded text, sent once it is read (before the probe pass).
struct ExplorerText {
  quint64 textId = 0;
  QString path;
  std::u32string text;  // one code point per character, as in the file
  qint64 unknown = 0;   // characters outside the model's vocabulary (mapped by its fallback)
  QString error;        // non-empty when the file could not be read
};

// One neuron's value after each character of the text.
struct ExplorerTrack {
  quint64 textId = 0;
  NeuronSelection neuron;
  std::vector<float> values;
  QString error;
};

// A character's value and what the model predicts next after reading it.
struct ExplorerHover {
  struct Prediction {
    char32_t character = 0;
    float probability = 0.0f;
  };
  quint64 textId = 0;
  int position = -1;
  NeuronSelection neuron;
  float value = 0.0f;
  std::vector<Prediction> top;  // most likely first
  QString error;
};

// The end of a probe pass.
struct ExplorerProbeSummary {
  quint64 textId = 0;
  bool cancelled = false;
  double seconds = 0.0;
  QString error;
};

Q_DECLARE_METATYPE(ExplorerText)
Q_DECLARE_METATYPE(ExplorerTrack)
Q_DECLARE_METATYPE(ExplorerHover)
Q_DECLARE_METATYPE(ExplorerProbeSummary)

class ExplorerWorker : public QObject {
  Q_OBJECT

 public:
  explicit ExplorerWorker(QObject* parent = nullptr);
  ~ExplorerWorker() override;

  // Thread-safe. Work for texts other than `textId` stops at its next chunk (0 stops all).
  void want(quint64 textId) { wanted_.store(textId, std::memory_order_relaxed); }
  quint64 wanted() const { return wanted_.load(std::memory_order_relaxed); }

  static constexpr int kTopPredictions = 5;

 public slots:
  // Builds this worker's own model (and forgets the text); an invalid file is reported later.
  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  // Reads `path`, emits textLoaded, probes the whole text (progress), emits trackReady for
  // `neuron`, then probed. A failure ends in textLoaded (unreadable) or probed with an error.
  void openText(quint64 textId, const QString& path, const NeuronSelection& neuron);
  // Answer for the current, fully probed text only (a stale id is ignored).
  void track(quint64 textId, const NeuronSelection& neuron);
  void hover(quint64 textId, int position, const NeuronSelection& neuron);

 signals:
  void textLoaded(const ExplorerText& text);
  void progress(quint64 textId, double fraction);
  void trackReady(const ExplorerTrack& track);
  void probed(const ExplorerProbeSummary& summary);
  void hoverReady(const ExplorerHover& hover);

 private:
  struct Engine;
  struct Text;
  bool current(quint64 textId) const;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Text> text_;
  QString modelError_;
  std::atomic<quint64> wanted_{0};
};
