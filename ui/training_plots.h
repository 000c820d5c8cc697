// TrainingPlots: the live QCustomPlot charts of a training run — loss (raw, an exponential
// moving average, and validation), the gradient norm before clipping, and the gradient flow:
// ||dL/dh|| against steps back through the BPTT window at the last iteration, one graph per
// layer. Data arrive as value types; replots are coalesced by a single-shot timer (≤ 25/s).
#pragma once

#include <QWidget>

#include "training_worker.h"

class QCustomPlot;
class QCPGraph;
class QLabel;
class QTimer;

class TrainingPlots : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingPlots(QWidget* parent = nullptr);

  static constexpr double kSmoothing = 0.95;  // EMA weight of the previous smoothed loss
  static constexpr int kReplotMilliseconds = 40;

  void clear();
  void addIterations(const TrainingIterations& events);
  void addValidation(const TrainingValidation& event);

  QCustomPlot* lossPlot() const { return lossPlot_; }
  QCustomPlot* gradPlot() const { return gradPlot_; }
  QCustomPlot* flowPlot() const { return flowPlot_; }
  QCPGraph* rawLossGraph() const;
  QCPGraph* smoothLossGraph() const;
  QCPGraph* valLossGraph() const;
  int replotCount() const { return replots_; }

 private:
  void scheduleReplot();
  void replot();

  QCustomPlot* lossPlot_ = nullptr;
  QCustomPlot* gradPlot_ = nullptr;
  QCustomPlot* flowPlot_ = nullptr;
  QLabel* clipLabel_ = nullptr;
  QTimer* replotTimer_ = nullptr;
  double ema_ = 0.0;
  bool hasEma_ = false;
  int replots_ = 0;
};
