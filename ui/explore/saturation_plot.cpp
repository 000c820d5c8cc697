// SaturationPlot: one QCPGraph per gate (scatter only, no line) and a QCPCurve for the triangle.
// Points are kept in points_ as well, in setData's order, so hover and click find a point's
// neuron by pixel distance without relying on QCustomPlot's key-sorted data.
#include "saturation_plot.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>

#include "common/plot_palette.h"

namespace {

constexpr double kPickPixels = 6.0;

QColor gateColor(std::size_t index) {
  static const QColor kColors[] = {QColor(31, 119, 180), QColor(230, 85, 13), QColor(44, 160, 44),
                                   QColor(148, 103, 189)};
  return kColors[index % (sizeof kColors / sizeof kColors[0])];
}

}  // namespace

SaturationPlot::SaturationPlot(QWidget* parent) : QWidget(parent) {
  plot_ = new QCustomPlot;
  plot_->setObjectName(QStringLiteral("saturationCustomPlot"));
  plot_->setMouseTracking(true);
  plot_->installEventFilter(this);
  plot_->xAxis->setLabel(tr("fraction left-saturated (< 0.1)"));
  plot_->yAxis->setLabel(tr("fraction right-saturated (> 0.9)"));
  plot_->xAxis->setRange(-0.02, 1.02);
  plot_->yAxis->setRange(-0.02, 1.02);
  triangle_ = new QCPCurve(plot_->xAxis, plot_->yAxis);
  triangle_->setData(QVector<double>{0, 0, 1, 0}, QVector<double>{0, 1, 0, 0});
  triangle_->removeFromLegend();
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  setMinimumSize(240, 220);
  applyPalette();
}

void SaturationPlot::clear() {
  for (QCPGraph* graph : graphs_) plot_->removeGraph(graph);
  graphs_.clear();
  points_.clear();
  layer_ = -1;
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SaturationPlot::setData(int layer, const std::vector<cellscope::Quantity>& gates,
                             const std::vector<cellscope::NeuronStats>& stats) {
  clear();
  layer_ = layer;
  for (std::size_t g = 0; g < gates.size(); ++g) {
    QVector<double> xs, ys;
    for (const cellscope::NeuronStats& s : stats) {
      if (s.layer != layer || s.quantity != gates[g] || std::isnan(s.left) || std::isnan(s.right))
        continue;
      points_.push_back({s.layer, s.neuron, s.quantity, s.left, s.right});
      xs.push_back(s.left);
      ys.push_back(s.right);
    }
    QCPGraph* graph = plot_->addGraph();
    graph->setName(QString::fromStdString(cellscope::to_string(gates[g])));
    graph->setLineStyle(QCPGraph::lsNone);
    QColor fill = gateColor(g);
    fill.setAlphaF(0.6f);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, gateColor(g), fill, 6));
    graph->setData(xs, ys);
    graphs_.push_back(graph);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

int SaturationPlot::pointCount(cellscope::Quantity gate) const {
  int n = 0;
  for (const Point& p : points_) n += p.gate == gate;
  return n;
}

QPoint SaturationPlot::pixelOf(int index) const {
  const Point& p = points_[static_cast<std::size_t>(index)];
  return QPoint(qRound(plot_->xAxis->coordToPixel(p.left)),
                qRound(plot_->yAxis->coordToPixel(p.right)));
}

int SaturationPlot::pointAt(const QPoint& pos) const {
  int best = -1;
  double bestDistance = kPickPixels * kPickPixels;
  for (int i = 0; i < pointCount(); ++i) {
    const QPoint d = pixelOf(i) - pos;
    const double distance = static_cast<double>(d.x()) * d.x() + static_cast<double>(d.y()) * d.y();
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

QString SaturationPlot::describe(int index) const {
  const Point& p = points_[static_cast<std::size_t>(index)];
  return tr("neuron %1:%2 %3 — left %4%, right %5%")
      .arg(p.layer)
      .arg(p.neuron)
      .arg(QString::fromStdString(cellscope::to_string(p.gate)))
      .arg(100.0 * p.left, 0, 'f', 1)
      .arg(100.0 * p.right, 0, 'f', 1);
}

bool SaturationPlot::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ &&
      (event->type() == QEvent::MouseMove || event->type() == QEvent::MouseButtonPress)) {
    auto* mouse = static_cast<QMouseEvent*>(event);
    const QPoint pos = mouse->position().toPoint();
    const int index = pointAt(pos);
    if (event->type() == QEvent::MouseMove) {
      if (index >= 0) {
        QToolTip::showText(plot_->mapToGlobal(pos), describe(index), plot_);
      } else {
        QToolTip::hideText();
      }
    } else if (index >= 0 && mouse->button() == Qt::LeftButton) {
      const Point& p = points_[static_cast<std::size_t>(index)];
      emit pointClicked(NeuronSelection{p.layer, p.neuron, p.gate});
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

void SaturationPlot::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) applyPalette();
}

// QCustomPlot paints white with black axes whatever the palette: follow it instead.
void SaturationPlot::applyPalette() {
  const QPalette pal = palette();
  const QPen text(pal.color(QPalette::Text));
  followPalette(plot_, pal);
  plot_->legend->setBrush(pal.brush(QPalette::Base));
  plot_->legend->setTextColor(text.color());
  plot_->legend->setBorderPen(text);
  QColor edge = text.color();
  edge.setAlphaF(0.5f);
  triangle_->setPen(QPen(edge, 1, Qt::DashLine));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
