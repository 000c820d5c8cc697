// WatchPlot: one QCPGraph per detector (|r| against iteration) plus one scatter-only graph of
// the points where its best (layer, neuron, quantity) differs from the previous point's. The
// y axis is fixed to 0..1 (|r|); the x axis follows the newest iteration. Hover and click
// search every line's points in pixel space, so the nearest point wins whatever the line.
#include "watch_plot.h"

#include <qcustomplot.h>

#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>

#include "common/plot_palette.h"

namespace {

const QColor kColors[] = {QColor(30, 90, 180), QColor(220, 80, 30), QColor(60, 140, 60),
                          QColor(150, 60, 170), QColor(200, 130, 20), QColor(20, 150, 160)};

bool sameNeuron(const cellscope::WatchRecord& a, const cellscope::WatchRecord& b) {
  return a.layer == b.layer && a.neuron == b.neuron && a.quantity == b.quantity;
}

}  // namespace

WatchPlot::WatchPlot(QWidget* parent) : QWidget(parent) {
  plot_ = new QCustomPlot;
  plot_->setObjectName(QStringLiteral("watchPlot"));
  plot_->setMinimumHeight(140);
  plot_->xAxis->setLabel(tr("iteration"));
  plot_->yAxis->setLabel(tr("best |r| of any neuron"));
  plot_->yAxis->setRange(0.0, 1.0);
  plot_->xAxis->setRange(0.0, 1.0);
  QFont font = plot_->legend->font();
  font.setPointSizeF(font.pointSizeF() * 0.85);
  plot_->legend->setFont(font);
  plot_->legend->setVisible(false);  // until a line exists
  // No widget tooltip: it would replace the per-point one (onMouseMove).
  keepFollowingPalette(plot_);
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, &WatchPlot::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &WatchPlot::onMousePress);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
}

// The legend goes in a row under the axes once it has an entry (never over the lines), and
// back into the axes' inset, hidden, when emptied: an empty legend's maximum width is zero,
// which would squeeze the axes' column to nothing.
void WatchPlot::placeLegend(bool below) {
  if (below && !legendRow_) {
    legendRow_ = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(1, 0, legendRow_);
    legendRow_->setMargins(QMargins(0, 0, 0, 2));
    legendRow_->addElement(0, 0, plot_->legend);  // takes it from the inset layout
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->plotLayout()->setRowStretchFactor(1, 0.001);
  } else if (!below && legendRow_) {
    plot_->axisRect()->insetLayout()->addElement(plot_->legend, Qt::AlignTop | Qt::AlignRight);
    plot_->plotLayout()->remove(legendRow_);
    plot_->plotLayout()->simplify();
    legendRow_ = nullptr;
  }
  plot_->legend->setVisible(below);
}

void WatchPlot::clear() {
  plot_->clearGraphs();
  placeLegend(false);
  lines_.clear();
  colorIndex_ = 0;
  plot_->xAxis->setRange(0.0, 1.0);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QCPGraph* WatchPlot::lineOf(const QString& detector) const {
  const auto it = lines_.find(detector);
  return it == lines_.end() ? nullptr : it->second.graph;
}

QCPGraph* WatchPlot::changesOf(const QString& detector) const {
  const auto it = lines_.find(detector);
  return it == lines_.end() ? nullptr : it->second.changes;
}

void WatchPlot::addWatch(const TrainingWatch& event) {
  for (const cellscope::WatchRecord& record : event.records) {
    if (record.layer < 0 || !std::isfinite(record.correlation)) continue;  // constant detector
    const QString name = QString::fromStdString(record.detector);
    Line& line = lines_[name];
    if (!line.graph) {
      const QColor color = kColors[colorIndex_++ % 6];
      line.graph = plot_->addGraph();
      line.graph->setName(name);
      line.graph->setPen(QPen(color, 2.0));
      line.graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
      line.changes = plot_->addGraph();
      line.changes->setPen(QPen(color, 1.5));
      line.changes->setLineStyle(QCPGraph::lsNone);
      line.changes->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 11));
      line.changes->removeFromLegend();
    }
    const double key = static_cast<double>(record.iteration);
    const double value = std::fabs(record.correlation);
    const bool changed = !line.records.empty() && !sameNeuron(line.records.back(), record);
    line.graph->addData(key, value);
    if (changed) line.changes->addData(key, value);
    line.records.push_back(record);
  }
  placeLegend(!lines_.empty());
  replot();
}

void WatchPlot::replot() {
  double last = 1.0;
  for (const auto& [name, line] : lines_) {
    if (!line.records.empty())
      last = std::max(last, static_cast<double>(line.records.back().iteration));
  }
  plot_->xAxis->setRange(0.0, last * 1.05);
  plot_->yAxis->setRange(0.0, 1.0);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QPointF WatchPlot::pixelOf(const cellscope::WatchRecord& record) const {
  return {plot_->xAxis->coordToPixel(static_cast<double>(record.iteration)),
          plot_->yAxis->coordToPixel(std::fabs(record.correlation))};
}

const cellscope::WatchRecord* WatchPlot::recordAt(const QPointF& pos, double radius) const {
  const cellscope::WatchRecord* best = nullptr;
  double bestDistance = radius;
  for (const auto& [name, line] : lines_) {
    for (const cellscope::WatchRecord& record : line.records) {
      const QPointF d = pixelOf(record) - pos;
      const double distance = std::hypot(d.x(), d.y());
      if (distance <= bestDistance) {
        bestDistance = distance;
        best = &record;
      }
    }
  }
  return best;
}

QString WatchPlot::describe(const cellscope::WatchRecord& r) {
  return tr("%1 at iteration %2: neuron %3:%4 (%5), r = %6, AUC = %7")
      .arg(QString::fromStdString(r.detector))
      .arg(r.iteration)
      .arg(r.layer)
      .arg(r.neuron)
      .arg(QString::fromStdString(r.quantity))
      .arg(r.correlation, 0, 'f', 3)
      .arg(r.auc, 0, 'f', 3);
}

void WatchPlot::onMouseMove(QMouseEvent* event) {
  const cellscope::WatchRecord* record = recordAt(event->position());
  if (!record) {
    QToolTip::hideText();
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(),
                     describe(*record) + QLatin1Char('\n') + tr("Click: explore this neuron"),
                     plot_);
}

void WatchPlot::onMousePress(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  if (const cellscope::WatchRecord* record = recordAt(event->position())) {
    const cellscope::WatchRecord copy = *record;  // a slot may clear() the plot
    emit pointClicked(copy);
  }
}
