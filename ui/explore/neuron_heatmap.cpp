// NeuronHeatmap: cells go through a lookup table of the map sampled at kLutSize points over its
// value range (the map clamps outside it), so building even 1024 × 10,000 cells is one table
// read per cell. Display row d spans [d·h/rows, (d+1)·h/rows) of the cell area, column i spans
// [i·w/columns, (i+1)·w/columns); hit tests use the same arithmetic as cellRect().
#include "neuron_heatmap.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QWheelEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollArea>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace {

constexpr int kLutSize = 4096;
constexpr int kMargin = 2;      // above and below the cells, and right of them
constexpr int kArrowWidth = 7;  // the selected row's arrow, at the gutter's right edge
constexpr int kGutterPad = 4;   // between the numbers and the arrow
constexpr int kHintHeight = 160;

bool isPermutation(const std::vector<int>& order, int size) {
  if (static_cast<int>(order.size()) != size) return false;
  std::vector<bool> seen(static_cast<std::size_t>(size), false);
  for (int id : order) {
    if (id < 0 || id >= size || seen[static_cast<std::size_t>(id)]) return false;
    seen[static_cast<std::size_t>(id)] = true;
  }
  return true;
}

// The smallest of 1, 2, 5, 10, 20, 50, … rows whose labels are at least `minPixels` apart.
int labelStep(double rowHeight, int minPixels) {
  for (int decade = 1;; decade *= 10) {
    for (int step : {decade, 2 * decade, 5 * decade}) {
      if (step * rowHeight >= minPixels || step >= std::numeric_limits<int>::max() / 10)
        return step;
    }
  }
}

}  // namespace

NeuronHeatmap::NeuronHeatmap(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("neuronHeatmap"));
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setFocusPolicy(Qt::ClickFocus);  // + and - zoom after a click
  updateMinimumHeight();
}

void NeuronHeatmap::setRowHeight(int pixels) {
  rowHeight_ = std::clamp(pixels, kMinRowHeight, kMaxRowHeight);
  updateMinimumHeight();
  scrollToSelected();
  update();
}

void NeuronHeatmap::zoomIn() {
  setRowHeight(std::max(rowHeight_ + 1, static_cast<int>(std::lround(rowHeight_ * 1.5))));
}

void NeuronHeatmap::zoomOut() {
  setRowHeight(std::min(rowHeight_ - 1, static_cast<int>(std::lround(rowHeight_ / 1.5))));
}

// Rows never thinner than rowHeight_: the widget asks for all of them (its scroll area scrolls).
void NeuronHeatmap::updateMinimumHeight() {
  const int rows = std::max(rows_, 1);
  setMinimumHeight(std::max(3 * fontMetrics().height(), rows * rowHeight_ + 2 * kMargin));
  updateGeometry();
}

void NeuronHeatmap::wheelEvent(QWheelEvent* event) {
  if (!(event->modifiers() & Qt::ControlModifier)) return QWidget::wheelEvent(event);  // scrolls
  const int delta = event->angleDelta().y();
  if (delta > 0) zoomIn();
  if (delta < 0) zoomOut();
  event->accept();
}

void NeuronHeatmap::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
      zoomIn();
      break;
    case Qt::Key_Minus:
      zoomOut();
      break;
    default:
      QWidget::keyPressEvent(event);
  }
}

void NeuronHeatmap::setData(qint64 begin, int rows, int columns,
                            const std::vector<float>& valuesRowMajor,
                            const colormap::ColorMap& map) {
  const bool valid =
      rows > 0 && columns > 0 &&
      valuesRowMajor.size() == static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns);
  begin_ = begin;
  rows_ = valid ? rows : 0;
  columns_ = valid ? columns : 0;
  if (valid) {
    values_ = valuesRowMajor;
  } else {
    values_.clear();
  }
  map_ = map;
  rebuildImage();
}

void NeuronHeatmap::clear() {
  setData(0, 0, 0, {}, map_);
}

void NeuronHeatmap::setRowOrder(std::vector<int> order) {
  requestedOrder_ = std::move(order);
  rebuildImage();
}

void NeuronHeatmap::setSelectedRow(int neuron) {
  selected_ = neuron < 0 ? -1 : neuron;
  scrollToSelected();
  update();
}

void NeuronHeatmap::setHighlightedColumn(qint64 position) {
  highlightedColumn_ = position < 0 ? -1 : position;
  update();
}

float NeuronHeatmap::value(int neuron, qint64 position) const {
  const qint64 column = position - begin_;
  if (neuron < 0 || neuron >= rows_ || column < 0 || column >= columns_)
    return std::numeric_limits<float>::quiet_NaN();
  return values_[static_cast<std::size_t>(neuron) * static_cast<std::size_t>(columns_) +
                 static_cast<std::size_t>(column)];
}

// The order in effect, its inverse, and the image in display order, from values_ and map_.
void NeuronHeatmap::rebuildImage() {
  order_ = requestedOrder_;
  if (!isPermutation(order_, rows_)) {
    order_.resize(static_cast<std::size_t>(rows_));
    std::iota(order_.begin(), order_.end(), 0);
  }
  displayRow_.assign(order_.size(), 0);
  for (std::size_t d = 0; d < order_.size(); ++d)
    displayRow_[static_cast<std::size_t>(order_[d])] = static_cast<int>(d);

  if (rows_ == 0) {
    image_ = QImage();
  } else {
    image_ = QImage(columns_, rows_, QImage::Format_ARGB32_Premultiplied);
    const double lo = map_.lower();
    const double hi = map_.upper();
    const bool tabulated = hi > lo;
    std::vector<QRgb> lut(kLutSize);
    for (int i = 0; tabulated && i < kLutSize; ++i)
      lut[static_cast<std::size_t>(i)] = map_.color(lo + (hi - lo) * i / (kLutSize - 1)).rgb();
    const double scale = tabulated ? (kLutSize - 1) / (hi - lo) : 0.0;
    for (int d = 0; d < rows_; ++d) {
      const float* src =
          values_.data() + static_cast<std::size_t>(order_[static_cast<std::size_t>(d)]) *
                               static_cast<std::size_t>(columns_);
      auto* dst = reinterpret_cast<QRgb*>(image_.scanLine(d));
      for (int c = 0; c < columns_; ++c) {
        const double v = src[c];
        if (std::isnan(v)) {
          dst[c] = 0;  // transparent: "no value"
        } else if (tabulated) {
          const double index = std::clamp((v - lo) * scale, 0.0, kLutSize - 1.0);
          dst[c] = lut[static_cast<std::size_t>(std::lround(index))];
        } else {
          dst[c] = map_.color(v).rgb();
        }
      }
    }
  }
  updateMinimumHeight();
  scrollToSelected();
  update();
}

int NeuronHeatmap::displayRowOf(int neuron) const {
  return neuron >= 0 && neuron < rows_ ? displayRow_[static_cast<std::size_t>(neuron)] : -1;
}

int NeuronHeatmap::gutterWidth() const {
  const QString widest = QString::number(std::max(rows_ - 1, 99));
  return fontMetrics().horizontalAdvance(widest) + kGutterPad + kArrowWidth;
}

QRectF NeuronHeatmap::cellArea() const {
  const int left = gutterWidth();
  return QRectF(left, kMargin, std::max(0, width() - left - kMargin),
                std::max(0, height() - 2 * kMargin));
}

int NeuronHeatmap::neuronAt(const QPointF& pos) const {
  const QRectF area = cellArea();
  if (rows_ == 0 || pos.y() < area.top() || pos.y() >= area.bottom() || pos.x() < area.left() ||
      pos.x() >= area.right())
    return -1;
  const int row = static_cast<int>((pos.y() - area.top()) * rows_ / area.height());
  return order_[static_cast<std::size_t>(std::clamp(row, 0, rows_ - 1))];
}

qint64 NeuronHeatmap::positionAt(const QPointF& pos) const {
  if (neuronAt(pos) < 0) return -1;
  const QRectF area = cellArea();
  const auto column = static_cast<qint64>((pos.x() - area.left()) * columns_ / area.width());
  return begin_ + std::clamp<qint64>(column, 0, columns_ - 1);
}

QRectF NeuronHeatmap::cellRect(int neuron, qint64 position) const {
  const int row = displayRowOf(neuron);
  const qint64 column = position - begin_;
  if (row < 0 || column < 0 || column >= columns_) return QRectF();
  const QRectF area = cellArea();
  const double w = area.width() / columns_;
  const double h = area.height() / rows_;
  return QRectF(area.left() + static_cast<double>(column) * w, area.top() + row * h, w, h);
}

QString NeuronHeatmap::toolTipAt(const QPointF& pos) const {
  const int neuron = neuronAt(pos);
  if (neuron < 0) return QString();
  const qint64 position = positionAt(pos);
  const float v = value(neuron, position);
  return tr("neuron %1 · position %2 · value %3")
      .arg(neuron)
      .arg(position)
      .arg(std::isnan(v) ? QStringLiteral("—") : QString::number(v, 'f', 2));
}

QSize NeuronHeatmap::sizeHint() const {
  return QSize(400, std::max(kHintHeight, minimumHeight()));
}

QSize NeuronHeatmap::minimumSizeHint() const {
  return QSize(gutterWidth() + 40, minimumHeight());
}

void NeuronHeatmap::paintEvent(QPaintEvent* /*event*/) {
  QPainter painter(this);
  const QPalette pal = palette();
  painter.fillRect(rect(), pal.window());
  const QRectF area = cellArea();
  painter.fillRect(area, pal.base());
  if (rows_ == 0 || area.isEmpty()) return;
  painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
  painter.drawImage(area, image_);

  const double rowHeight = area.height() / rows_;
  const QFontMetrics metrics = fontMetrics();
  const int labelRight = gutterWidth() - kArrowWidth - kGutterPad / 2;
  const auto labelRect = [&](int row) {
    const double centre = area.top() + (row + 0.5) * rowHeight;
    const int top = std::clamp(static_cast<int>(std::lround(centre - metrics.height() / 2.0)), 0,
                               std::max(0, height() - metrics.height()));
    return QRect(0, top, labelRight, metrics.height());
  };

  const int selectedRow = displayRowOf(selected_);
  const QRect selectedLabel = selectedRow >= 0 ? labelRect(selectedRow) : QRect();
  painter.setPen(pal.color(QPalette::WindowText));
  for (int row = 0; row < rows_; row += labelStep(rowHeight, metrics.height())) {
    const QRect r = labelRect(row);
    if (selectedRow >= 0 && r.intersects(selectedLabel)) continue;
    painter.drawText(r, Qt::AlignRight | Qt::AlignVCenter,
                     QString::number(order_[static_cast<std::size_t>(row)]));
  }

  const QColor highlight = pal.color(QPalette::Highlight);
  if (highlightedColumn_ >= 0) {
    const QRectF cell = cellRect(order_.front(), highlightedColumn_);
    if (!cell.isNull()) {
      painter.setPen(QPen(pal.color(QPalette::Text), 0));
      painter.setBrush(Qt::NoBrush);
      if (cell.width() < 3.0) {
        const double x = cell.center().x();
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
      } else {
        painter.drawRect(QRectF(cell.left(), area.top(), cell.width(), area.height()));
      }
    }
  }

  if (selectedRow >= 0) {
    const double top = area.top() + selectedRow * rowHeight;
    painter.setPen(QPen(highlight, 0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(area.left() - 1, top - 1, area.width() + 1, rowHeight + 1));
    const double centre = top + rowHeight / 2;
    const double tip = area.left() - 1;
    QPainterPath arrow;
    arrow.moveTo(tip, centre);
    arrow.lineTo(tip - kArrowWidth, centre - kArrowWidth / 2.0);
    arrow.lineTo(tip - kArrowWidth, centre + kArrowWidth / 2.0);
    arrow.closeSubpath();
    painter.fillPath(arrow, highlight);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(highlight);
    painter.drawText(selectedLabel, Qt::AlignRight | Qt::AlignVCenter, QString::number(selected_));
  }
}

void NeuronHeatmap::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
  const int neuron = neuronAt(event->position());
  if (neuron < 0) return;
  emit neuronClicked(neuron);
  emit columnClicked(positionAt(event->position()));
}

bool NeuronHeatmap::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    const QString text = toolTipAt(help->pos());
    if (text.isEmpty()) {
      QToolTip::hideText();
      event->ignore();
    } else {
      const QPointF pos = help->pos();
      QToolTip::showText(help->globalPos(), text, this,
                         cellRect(neuronAt(pos), positionAt(pos)).toAlignedRect());
    }
    return true;
  }
  return QWidget::event(event);
}

// Inside a QScrollArea whose content holds this widget, bring the selected row into view.
void NeuronHeatmap::scrollToSelected() {
  const int row = displayRowOf(selected_);
  if (row < 0) return;
  for (QWidget* w = parentWidget(); w != nullptr; w = w->parentWidget()) {
    auto* scrollArea = qobject_cast<QScrollArea*>(w);
    if (scrollArea == nullptr) continue;
    QWidget* content = scrollArea->widget();
    if (content == nullptr || (content != this && !content->isAncestorOf(this))) return;
    const QRectF area = cellArea();
    const double rowHeight = area.height() / rows_;
    const QPoint centre =
        mapTo(content, QPoint(0, static_cast<int>(area.top() + (row + 0.5) * rowHeight)));
    scrollArea->ensureVisible(centre.x(), centre.y(), 0,
                              std::max(20, static_cast<int>(std::ceil(rowHeight))));
    return;
  }
}

std::vector<int> rankedRowOrder(const std::vector<cellscope::NeuronScore>& ranking, int layer,
                                int hidden) {
  if (ranking.empty()) return {};
  std::vector<int> order;
  std::vector<char> placed(static_cast<std::size_t>(std::max(hidden, 0)), 0);
  for (const cellscope::NeuronScore& score : ranking) {
    if (score.layer != layer || score.neuron < 0 || score.neuron >= hidden) continue;
    if (placed[static_cast<std::size_t>(score.neuron)]) continue;
    placed[static_cast<std::size_t>(score.neuron)] = 1;
    order.push_back(score.neuron);
  }
  for (int n = 0; n < hidden; ++n) {
    if (!placed[static_cast<std::size_t>(n)]) order.push_back(n);
  }
  return order;
}
