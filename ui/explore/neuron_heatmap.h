// NeuronHeatmap: an LSTMVis-style strip of one layer's neurons (rows) over the visible characters
// (columns), each cell coloured through a ColorMap (NaN: the palette's base shows). setData()
// builds a rows×columns QImage once; painting scales it without smoothing. Every row is at least
// rowHeight() pixels tall (≥ kMinRowHeight, a click hits the row under it): the widget's minimum
// height grows with the rows, so it sits in a QScrollArea (explorer_layout) and Ctrl+wheel or
// +/- zoom the rows. A left gutter numbers every k-th row; a row order maps display rows to
// neuron ids, and signals carry neuron ids.
#pragma once

#include <QImage>
#include <QString>
#include <QWidget>
#include <vector>

#include "common/color_map.h"
#include "neuron_search.h"

class NeuronHeatmap : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kMinRowHeight = 4;
  static constexpr int kMaxRowHeight = 32;

  explicit NeuronHeatmap(QWidget* parent = nullptr);

  // The least height of a row in pixels (clamped to [kMinRowHeight, kMaxRowHeight]); the rows
  // share any extra height the widget is given.
  void setRowHeight(int pixels);
  int rowHeight() const { return rowHeight_; }

  // valuesRowMajor[neuron * columns + i] is neuron's value at position begin + i; a size other
  // than rows * columns clears the widget.
  void setData(qint64 begin, int rows, int columns, const std::vector<float>& valuesRowMajor,
               const colormap::ColorMap& map);
  void clear();
  // order[displayRow] = neuron id. Anything but a permutation of 0..rows-1 shows neuron order.
  void setRowOrder(std::vector<int> order);
  // Framed and marked in the gutter, and scrolled into view inside a QScrollArea; -1: none.
  void setSelectedRow(int neuron);
  // A framed column at a character position; -1: none.
  void setHighlightedColumn(qint64 position);

  qint64 begin() const { return begin_; }
  int rows() const { return rows_; }
  int columns() const { return columns_; }
  int selectedRow() const { return selected_; }
  qint64 highlightedColumn() const { return highlightedColumn_; }
  const std::vector<int>& rowOrder() const { return order_; }  // the order in effect
  const colormap::ColorMap& colorMap() const { return map_; }
  const QImage& image() const { return image_; }  // rows × columns, display order
  // NaN outside the data.
  float value(int neuron, qint64 position) const;

  // Geometry in widget coordinates: the cells' rectangle (right of the gutter), the neuron and
  // position under a point (-1 outside), and the rectangle a cell is drawn in.
  QRectF cellArea() const;
  int neuronAt(const QPointF& pos) const;
  qint64 positionAt(const QPointF& pos) const;
  QRectF cellRect(int neuron, qint64 position) const;
  // "neuron 37 · position 1234 · value 0.83", or empty outside the cells.
  QString toolTipAt(const QPointF& pos) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 public slots:
  void zoomIn();   // rows ×1.5 taller (also Ctrl+wheel up, +)
  void zoomOut();  // rows ÷1.5 (also Ctrl+wheel down, -)

 signals:
  void neuronClicked(int neuron);
  void columnClicked(qint64 position);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void rebuildImage();
  int displayRowOf(int neuron) const;
  int gutterWidth() const;
  void scrollToSelected();
  void updateMinimumHeight();

  qint64 begin_ = 0;
  int rows_ = 0;
  int columns_ = 0;
  std::vector<float> values_;  // row-major, row = neuron
  std::vector<int> requestedOrder_;
  std::vector<int> order_;       // display row → neuron
  std::vector<int> displayRow_;  // neuron → display row
  colormap::ColorMap map_;
  QImage image_;
  int selected_ = -1;
  qint64 highlightedColumn_ = -1;
  int rowHeight_ = kMinRowHeight;
};

// The heatmap's row order for `layer`: the neurons of `ranking` on that layer first (best at the
// top, each once), then the others by id; empty (identity) when there is no ranking.
std::vector<int> rankedRowOrder(const std::vector<cellscope::NeuronScore>& ranking, int layer,
                                int hidden);
