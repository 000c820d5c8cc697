// WatchHistoryPlot: records are grouped by detector in order of first appearance; colours cycle through
// a fixed qualitative palette so a detector keeps its colour for a given file. Records with no
// neuron or a non-finite r are left out of the lines (a gap, not a zero).
#include "watch_history_plot.h"

#include <QToolTip>
#include <cmath>
#include <map>

#include "common/plot_palette.h"
#include "watch_record.h"

namespace {

const QColor kColours[] = {QColor(31, 119, 180), QColor(230, 110, 0), QColor(44, 160, 44),
                           QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75)};

}  // namespace

WatchHistoryPlot::WatchHistoryPlot(QWidget* parent) : QCustomPlot(parent) {
  setObjectName(QStringLiteral("watchHistoryPlot"));
  setMinimumHeight(160);
  setMouseTracking(true);
  xAxis->setLabel(tr("Iteration"));
  yAxis->setLabel(tr("Best |r|"));
  yAxis->setRange(0.0, 1.0);
  legend->setVisible(true);
  // Top left: training starts from random weights, so the early |r| is usually the lowest.
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  keepFollowingPalette(this);
}

void WatchHistoryPlot::setRecords(const std::vector<cellscope::WatchRecord>& records) {
  clearGraphs();
  points_.clear();
  descriptions_.clear();
  changes_.clear();
  std::map<std::string, QCPGraph*> graphs;
  std::map<std::string, std::pair<int, int>> lastNeuron;
  double maxIteration = 1.0;
  for (int k = 0; k < static_cast<int>(records.size()); ++k) {
    const cellscope::WatchRecord& r = records[static_cast<std::size_t>(k)];
    descriptions_.push_back(
        tr("%1 · %2 %3 · r %4 · AUC %5 · iteration %6")
            .arg(QString::fromStdString(r.detector))
            .arg(r.layer >= 0 ? QStringLiteral("%1:%2").arg(r.layer).arg(r.neuron)
                              : QStringLiteral("—"))
            .arg(QString::fromStdString(r.quantity))
            .arg(r.correlation, 0, 'f', 3)
            .arg(r.auc, 0, 'f', 3)
            .arg(r.iteration));
    if (r.layer < 0 || !std::isfinite(r.correlation)) continue;
    QCPGraph*& graph = graphs[r.detector];
    if (graph == nullptr) {
      graph = addGraph();
      graph->setName(QString::fromStdString(r.detector));
      const QColor colour = kColours[(graphs.size() - 1) % std::size(kColours)];
      graph->setPen(QPen(colour, 1.6));
      graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, 4));
    }
    const double x = static_cast<double>(r.iteration);
    const double y = std::abs(r.correlation);
    graph->addData(x, y);
    maxIteration = std::max(maxIteration, x);
    points_.push_back({x, y, k});
    const std::pair<int, int> neuron(r.layer, r.neuron);
    const auto previous = lastNeuron.find(r.detector);
    if (previous != lastNeuron.end() && previous->second != neuron) {
      changes_.push_back(k);
      auto* marker = new QCPItemTracer(this);
      marker->setGraph(graph);
      marker->setGraphKey(x);
      marker->setStyle(QCPItemTracer::tsSquare);
      marker->setSize(9);
      marker->setPen(graph->pen());
      marker->setBrush(Qt::NoBrush);
    }
    lastNeuron[r.detector] = neuron;
  }
  xAxis->setRange(0.0, maxIteration * 1.03);
  legend->setVisible(!graphs.empty());
  replot();
}

int WatchHistoryPlot::recordAt(const QPointF& pixel) const {
  int best = -1;
  double bestDistance = 8.0;  // pixels
  for (const Point& p : points_) {
    const double dx = xAxis->coordToPixel(p.iteration) - pixel.x();
    const double dy = yAxis->coordToPixel(p.strength) - pixel.y();
    const double distance = std::hypot(dx, dy);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = p.record;
    }
  }
  return best;
}

QString WatchHistoryPlot::describe(int index) const {
  if (index < 0 || index >= static_cast<int>(descriptions_.size())) return QString();
  return descriptions_[static_cast<std::size_t>(index)];
}

void WatchHistoryPlot::mouseMoveEvent(QMouseEvent* event) {
  QCustomPlot::mouseMoveEvent(event);
  const int index = recordAt(event->position());
  if (index >= 0)
    QToolTip::showText(event->globalPosition().toPoint(), describe(index), this);
  else
    QToolTip::hideText();
}

void WatchHistoryPlot::mouseReleaseEvent(QMouseEvent* event) {
  QCustomPlot::mouseReleaseEvent(event);
  const int index = recordAt(event->position());
  if (index >= 0) emit pointChosen(index);
}
