// ModelOverviewPane: the first thing the app shows about a loaded .csm model — a summary
// (cell type, layers × size, vocabulary, parameter count, training progress) above a plot of
// the training and validation loss against the iteration, the samples it stored while training
// (a timeline to explore: sampleActivated) and its neuron watch (a chosen record names the kept
// checkpoint nearest to it: watchCheckpointChosen), and every training setting the file
// records at the side. Without a model it shows a hint on how to
// open one.
#pragma once

#include <QString>
#include <QWidget>

#include "common/neuron_selection.h"

class QCPGraph;
class QCustomPlot;
class QLabel;
class QStackedWidget;
class QTabWidget;
class SampleTimeline;
class TrainingRecordBox;
class WatchTable;

namespace cellscope {
struct ModelFile;
}

class ModelOverviewPane : public QWidget {
  Q_OBJECT

 public:
  explicit ModelOverviewPane(QWidget* parent = nullptr);

  // Shows `model`'s summary and loss curves; `path` is only displayed. Nothing is kept that
  // refers to `model`, so the caller may drop it afterwards.
  void setModel(const cellscope::ModelFile& model, const QString& path = QString());
  // Back to the "Open a model" placeholder.
  void clear();

  bool hasModel() const { return hasModel_; }
  // The summary as plain text, one "Label: value" line per row (for tests and copying).
  QString summaryText() const;
  QCustomPlot* lossPlot() const { return plot_; }
  QCPGraph* trainGraph() const { return trainGraph_; }
  QCPGraph* valGraph() const { return valGraph_; }
  TrainingRecordBox* trainingRecord() const { return record_; }
  SampleTimeline* sampleTimeline() const { return samples_; }
  WatchTable* watchTable() const { return watch_; }
  QTabWidget* lowerTabs() const { return lowerTabs_; }

 signals:
  // A stored sample was activated (double-click, Enter or Explore): explore it.
  void sampleActivated(qint64 iteration, const QString& text);
  // A neuron-watch record was activated on a model opened from a file: open `checkpointPath`
  // (the run's kept checkpoint nearest to the record's iteration, kept_checkpoints.h, or the
  // model's own file when none is nearer; `checkpointIteration` is its iteration) and colour
  // the explored text by `neuron`, with `detector` as the Find target.
  void watchCheckpointChosen(const QString& checkpointPath, qint64 checkpointIteration,
                             qint64 recordIteration, const NeuronSelection& neuron,
                             const QString& detector);
  // A neuron-watch record was activated on a model with no file (nothing else to open):
  // colour the explored text by that neuron of this model.
  void watchNeuronChosen(const NeuronSelection& neuron);

 private:
  QWidget* createSummaryBox();
  void createPlot();
  void chooseWatchRecord(int row, const NeuronSelection& neuron);

  bool hasModel_ = false;
  QString modelPath_;     // absolute, empty for a model with no file
  qint64 modelIteration_ = 0;
  QStackedWidget* stack_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QLabel* fileLabel_ = nullptr;
  QLabel* cellLabel_ = nullptr;
  QLabel* layersLabel_ = nullptr;
  QLabel* vocabLabel_ = nullptr;
  QLabel* paramsLabel_ = nullptr;
  QLabel* progressLabel_ = nullptr;
  QLabel* lossLabel_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QCPGraph* trainGraph_ = nullptr;
  QCPGraph* valGraph_ = nullptr;
  TrainingRecordBox* record_ = nullptr;
  SampleTimeline* samples_ = nullptr;
  WatchTable* watch_ = nullptr;
  QTabWidget* lowerTabs_ = nullptr;
};
