// SaturationPlot: Karpathy et al.'s gate-saturation scatter for one layer, on QCustomPlot. One
// point per neuron and gate: x = fraction of positions left-saturated (< 0.1), y = fraction
// right-saturated (> 0.9), so every point lies in the triangle x + y ≤ 1 (outlined). One colour
// per gate, with a legend. Hovering a point shows its neuron and values; clicking one emits
// pointClicked for that neuron and gate. Follows the palette.
#pragma once

#include <QPoint>
#include <QString>
#include <QWidget>
#include <vector>

#include "common/neuron_selection.h"
#include "saturation.h"

class QCPCurve;
class QCPGraph;
class QCustomPlot;

class SaturationPlot : public QWidget {
  Q_OBJECT

 public:
  struct Point {
    int layer = 0, neuron = 0;
    cellscope::Quantity gate = cellscope::Quantity::kInput;
    double left = 0.0, right = 0.0;
  };

  explicit SaturationPlot(QWidget* parent = nullptr);

  // Shows the stats of `layer` for the given gates (other layers and quantities are skipped;
  // NaN fractions too). Gates are coloured in the order given.
  void setData(int layer, const std::vector<cellscope::Quantity>& gates,
               const std::vector<cellscope::NeuronStats>& stats);
  void clear();

  int layer() const { return layer_; }
  const std::vector<Point>& points() const { return points_; }
  int pointCount() const { return static_cast<int>(points_.size()); }
  int pointCount(cellscope::Quantity gate) const;
  QCustomPlot* plot() const { return plot_; }
  // The point under `pos` (plot widget coordinates, within a few pixels), -1 if none.
  int pointAt(const QPoint& pos) const;
  // Where point `index` is drawn, in plot widget coordinates.
  QPoint pixelOf(int index) const;
  // "layer:neuron gate — left 12.3%, right 45.6%"
  QString describe(int index) const;

 signals:
  void pointClicked(const NeuronSelection& selection);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void applyPalette();

  QCustomPlot* plot_ = nullptr;
  QCPCurve* triangle_ = nullptr;
  std::vector<QCPGraph*> graphs_;  // one per gate of the current data
  std::vector<Point> points_;
  int layer_ = -1;
};
