// ModelOverviewPane: the first thing the app shows about a loaded .csm model — a summary
// (cell type, layers × size, vocabulary, parameter count, training progress) above a plot of
// the training and validation loss against the iteration. Without a model it shows a hint
// on how to open one.
#pragma once

#include <QString>
#include <QWidget>

class QCPGraph;
class QCustomPlot;
class QLabel;
class QStackedWidget;

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

 private:
  QWidget* createSummaryBox();
  void createPlot();

  bool hasModel_ = false;
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
};
