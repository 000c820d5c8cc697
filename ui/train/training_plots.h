// TrainingPlots: the live QCustomPlot charts of a training run — loss (raw, an exponential
// moving average, and validation), the gradient norm before clipping, the learning rate and
// throughput (chars/s), and the gradient flow: ||dL/dh|| against steps back through the BPTT
// window at the last iteration, one graph per layer (a log axis whose ticks are 1-2-5 steps or
// decades, each label distinct); beside the loss, the WatchPlot (neurons emerging). The x axis is a choice (iterations, epochs,
// wall time; every point keeps all three); replots are coalesced by a timer (≤ 25/s).
#pragma once

#include <QWidget>
#include <vector>

#include "training_worker.h"

class QComboBox;
class QCustomPlot;
class QCPGraph;
class QLabel;
class QTimer;
class WatchPlot;

// The gradient-flow plot's log ticks: decades when the range spans more than two of them,
// else 1, 2, 5 × 10^k; labels short and distinct ("0.02", "0.05", "1e-05").
class LogStepTicker;

class TrainingPlots : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingPlots(QWidget* parent = nullptr);

  static constexpr double kSmoothing = 0.95;  // EMA weight of the previous smoothed loss
  static constexpr int kReplotMilliseconds = 40;

  enum XAxis { kIterations = 0, kEpochs = 1, kWallTime = 2 };  // the combo box's order

  void clear();
  void addIterations(const TrainingIterations& events);
  void addValidation(const TrainingValidation& event);
  void addWatch(const TrainingWatch& event);
  void setXAxis(XAxis axis);  // re-plots every point kept
  XAxis xAxis() const { return axis_; }

  QCustomPlot* lossPlot() const { return lossPlot_; }
  QCustomPlot* gradPlot() const { return gradPlot_; }
  QCustomPlot* ratePlot() const { return ratePlot_; }
  QCustomPlot* flowPlot() const { return flowPlot_; }
  WatchPlot* watchPlot() const { return watchPlot_; }
  QComboBox* xAxisCombo() const { return xAxisCombo_; }
  QCPGraph* rawLossGraph() const;
  QCPGraph* smoothLossGraph() const;
  QCPGraph* valLossGraph() const;
  QCPGraph* gradNormGraph() const;
  QCPGraph* learningRateGraph() const;
  QCPGraph* throughputGraph() const;
  int replotCount() const { return replots_; }

 private:
  // One iteration (or, in valPoints_, one validation: only `loss` is set) with its three keys.
  struct Point {
    double iteration = 0, epoch = 0, seconds = 0;
    double loss = 0, smoothed = 0, gradNorm = 0, learningRate = 0, throughput = 0;
  };
  struct Series {
    QCPGraph* graph;
    double Point::*value;
  };
  double key(const Point& p) const;
  std::vector<Series> iterationSeries() const;
  void scheduleReplot();
  void replot();

  QComboBox* xAxisCombo_ = nullptr;
  XAxis axis_ = kIterations;
  std::vector<Point> points_;
  std::vector<Point> valPoints_;
  QCustomPlot* lossPlot_ = nullptr;
  QCustomPlot* gradPlot_ = nullptr;
  QCustomPlot* ratePlot_ = nullptr;
  QCustomPlot* flowPlot_ = nullptr;
  WatchPlot* watchPlot_ = nullptr;
  QLabel* clipLabel_ = nullptr;
  QTimer* replotTimer_ = nullptr;
  double ema_ = 0.0;
  bool hasEma_ = false;
  int replots_ = 0;
};
