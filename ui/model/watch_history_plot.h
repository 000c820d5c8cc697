// WatchHistoryPlot: the neuron watch as a picture — for each watched detector, the best neuron's |r|
// against the training iteration (one line per detector), a diamond where the best neuron
// changed (a new neuron took over), the neuron's id on hover. Clicking a point emits
// pointChosen(record index) so the Model tab can colour the explored text by that neuron.
#pragma once

#include <QString>
#include <vector>

#include <qcustomplot.h>

namespace cellscope {
struct WatchRecord;
}

class WatchHistoryPlot : public QCustomPlot {
  Q_OBJECT

 public:
  explicit WatchHistoryPlot(QWidget* parent = nullptr);

  void setRecords(const std::vector<cellscope::WatchRecord>& records);
  // The record index nearest to `pixel` within a few pixels, or -1.
  int recordAt(const QPointF& pixel) const;
  // Index of the records where a detector's best neuron differs from its previous record.
  const std::vector<int>& changes() const { return changes_; }
  // What hovering over record `index` shows: "url · 1:37 tanh-cell · r +0.71 · iteration 500".
  QString describe(int index) const;

 signals:
  void pointChosen(int recordIndex);

 protected:
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  struct Point {
    double iteration = 0.0;
    double strength = 0.0;  // |r|
    int record = -1;
  };
  std::vector<Point> points_;
  std::vector<QString> descriptions_;
  std::vector<int> changes_;
};
