// ExplorerWorker: the explorer's engine side on its own QThread, with its own Model<float>. It
// works in slices of ≤ 40 ms (step(), re-queued; hovers are served in between): the visible
// characters of the selected neuron, then the probe pass, then the rest of the neuron's track.
// ActivationCache keeps every neuron of the selected layer (another neuron is a copy). Selection,
// visible range and heatmap wish are atomics set by the GUI (then wake()); stale ids are dropped.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/neuron_selection.h"
#include "probe.h"

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

// One neuron's value after each character of [begin, begin + values.size()). `reset`: the values
// cover the whole text (NaN where not computed yet) and replace what was shown; `complete`: every
// character of the text has its value now.
struct ExplorerTrack {
  quint64 textId = 0;
  NeuronSelection neuron;
  qint64 begin = 0;
  bool reset = false;
  bool complete = false;
  double filled = 0.0;  // the fraction of the text that has this neuron's values now
  std::vector<float> values;
  QString error;
};

// Every neuron of one layer and quantity over [begin, begin + columns): row-major, row = neuron.
struct ExplorerMatrix {
  quint64 textId = 0;
  int layer = 0;
  cellscope::Quantity quantity = cellscope::Quantity::kHidden;
  qint64 begin = 0;
  int rows = 0, columns = 0;
  std::vector<float> values;
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
Q_DECLARE_METATYPE(ExplorerMatrix)
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
  // Thread-safe; take effect at the next step (call wake() after them).
  void select(const NeuronSelection& neuron);
  void setVisible(qint64 begin, qint64 end);
  void setHeatmapWanted(bool wanted) { heatmap_.store(wanted, std::memory_order_relaxed); }
  // The activation cache's budget for caches made from now on (default kCacheBudget).
  void setCacheBudget(std::size_t bytes) { budget_.store(bytes, std::memory_order_relaxed); }
  // Thread-safe. While set, a text's first step picks the most variable neuron of the selected
  // layer over its start (text_defaults::mostVariableNeuron), makes it the selection unless the
  // GUI changed the selection meanwhile, and emits autoNeuron before any track.
  void setAutoNeuronWanted(bool wanted) { autoNeuron_.store(wanted, std::memory_order_relaxed); }

  static constexpr int kTopPredictions = 5;
  // The most of the visible range worked on first (characters), and the cache's budget.
  static constexpr qint64 kMaxVisible = 16384;
  static constexpr std::size_t kCacheBudget = std::size_t{192} << 20;
  // Chunks of 256 steps; a kept state (and a cache block) every 512 characters: a view that jumps
  // far replays at most ~512 characters before what it shows.
  static constexpr cellscope::ProbeOptions kProbeOptions{256, 512};

 public slots:
  // Builds this worker's own model (and forgets the text); an invalid file is reported later.
  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  // Reads `path`, emits textLoaded, then works through the text (see above) with the current
  // selection. A failure ends in textLoaded (unreadable) or probed with an error.
  void openText(quint64 textId, const QString& path);
  // The same for a text in memory (pasted, generated, a sample); `title` stands for the path.
  void openContent(quint64 textId, const QString& title, const std::u32string& text);
  // Resumes the work loop for `textId` after select()/setVisible()/setHeatmapWanted().
  void wake(quint64 textId);
  // A position's value and top predictions; positions the pass has not reached are refused.
  void hover(quint64 textId, int position, const NeuronSelection& neuron);

 signals:
  void textLoaded(const ExplorerText& text);
  void progress(quint64 textId, double fraction);
  void trackReady(const ExplorerTrack& track);
  void matrixReady(const ExplorerMatrix& matrix);
  void probed(const ExplorerProbeSummary& summary);
  void hoverReady(const ExplorerHover& hover);
  // The automatic neuron for `textId` (see setAutoNeuronWanted); variance over the prefix.
  void autoNeuron(quint64 textId, int layer, int neuron, int quantity, double variance);

 private slots:
  void step();

 private:
  struct Engine;
  struct Text;
  void start(ExplorerText loaded);
  void schedule();
  NeuronSelection selection() const;
  bool switchNeuron(const NeuronSelection& neuron);
  bool fillBlock(int64_t index, bool fromCacheOnly, const cellscope::ProgressFn& keepGoing = {});
  void emitTrack(bool force);
  void emitMatrix();
  void chooseAutoNeuron();
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Text> text_;
  QString modelError_;
  bool scheduled_ = false;  // a step() is queued (worker thread only)
  std::atomic<quint64> wanted_{0};
  std::atomic<quint64> selection_{0};  // packed NeuronSelection
  std::atomic<qint64> visibleBegin_{0}, visibleEnd_{0};
  std::atomic<bool> heatmap_{false};
  std::atomic<bool> autoNeuron_{false};
  std::atomic<std::size_t> budget_{kCacheBudget};
};
