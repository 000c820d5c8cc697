// WatchPlot: neurons emerging while the model trains — for each watched detector, the best |r|
// of any neuron against iteration (one line each), a ring where the best neuron changes, the
// neuron on hover (tooltip), and a click on a point reports that measurement (pointClicked).
// Detectors with no finite r (constant on the probe text) get no line. Points are kept as
// given (records of one detector arrive in increasing iteration).
#pragma once

#include <QString>
#include <QWidget>
#include <map>
#include <vector>

#include "training_worker.h"

class QCustomPlot;
class QCPGraph;
class QCPLayoutGrid;
class QMouseEvent;

class WatchPlot : public QWidget {
  Q_OBJECT

 public:
  explicit WatchPlot(QWidget* parent = nullptr);

  void clear();
  void addWatch(const TrainingWatch& event);

  QCustomPlot* plot() const { return plot_; }
  // The line of `detector` (null when it has no point yet) and its "best neuron changed" rings.
  QCPGraph* lineOf(const QString& detector) const;
  QCPGraph* changesOf(const QString& detector) const;
  // The measurement nearest to a widget position of plot() (within `radius` pixels), or null;
  // the tooltip text for it.
  const cellscope::WatchRecord* recordAt(const QPointF& pos, double radius = 12.0) const;
  static QString describe(const cellscope::WatchRecord& record);
  // Where a record's point is drawn, in plot() pixels.
  QPointF pixelOf(const cellscope::WatchRecord& record) const;

 signals:
  void pointClicked(const cellscope::WatchRecord& record);

 private:
  struct Line {
    QCPGraph* graph = nullptr;
    QCPGraph* changes = nullptr;
    std::vector<cellscope::WatchRecord> records;  // finite r only
  };
  void onMouseMove(QMouseEvent* event);
  void onMousePress(QMouseEvent* event);
  void replot();
  void placeLegend(bool below);

  QCustomPlot* plot_ = nullptr;
  std::map<QString, Line> lines_;
  int colorIndex_ = 0;
  QCPLayoutGrid* legendRow_ = nullptr;  // the row under the axes while lines exist
};
