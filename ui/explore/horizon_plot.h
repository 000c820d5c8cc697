// HorizonPlot: gradient norm against distance on a log y axis, one line per curve, with a legend
// — a click's saliency (one curve) or the memory horizon (one curve per model). Values that a log
// axis cannot show (NaN, ≤ 0) are left out of a line, never drawn as zero.
#pragma once

#include <QColor>
#include <QString>
#include <QWidget>
#include <vector>

class QCustomPlot;

class HorizonPlot : public QWidget {
  Q_OBJECT

 public:
  struct Curve {
    QString label;               // the legend entry
    std::vector<double> values;  // [d]: the value at distance d
  };

  explicit HorizonPlot(QWidget* parent = nullptr);

  // Replaces the curves; y spans the positive values shown, x distances 0..longest - 1.
  void setCurves(const std::vector<Curve>& curves);
  void clear() { setCurves({}); }
  int curveCount() const;
  // The points drawn for curve `index` (distance, value), for tests.
  std::vector<std::pair<double, double>> points(int index) const;
  QCustomPlot* customPlot() const { return plot_; }

  static QColor curveColor(int index);

 private:
  QCustomPlot* plot_ = nullptr;
};
