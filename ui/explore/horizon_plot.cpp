// HorizonPlot: a QCustomPlot with a logarithmic y axis (QCPAxisTickerLog) following the palette;
// each curve is a QCPGraph over the distances that have a positive value.
#include "horizon_plot.h"

#include <qcustomplot.h>

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "common/plot_palette.h"

HorizonPlot::HorizonPlot(QWidget* parent) : QWidget(parent) {
  plot_ = new QCustomPlot;
  plot_->setObjectName(QStringLiteral("horizonCustomPlot"));
  plot_->setMinimumHeight(160);
  plot_->xAxis->setLabel(tr("distance back d (characters)"));
  plot_->yAxis->setLabel(tr("gradient norm"));
  plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  plot_->yAxis->setNumberFormat(QStringLiteral("eb"));
  plot_->yAxis->setNumberPrecision(0);
  plot_->legend->setVisible(false);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  keepFollowingPalette(plot_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
}

QColor HorizonPlot::curveColor(int index) {
  static const QColor kColors[] = {QColor(31, 119, 180), QColor(230, 85, 13), QColor(44, 160, 44),
                                   QColor(148, 103, 189), QColor(214, 39, 40), QColor(140, 86, 75)};
  return kColors[index % static_cast<int>(sizeof kColors / sizeof kColors[0])];
}

void HorizonPlot::setCurves(const std::vector<Curve>& curves) {
  plot_->clearGraphs();
  double low = std::numeric_limits<double>::infinity(), high = 0.0;
  std::size_t longest = 0;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    QVector<double> keys, values;
    const auto& v = curves[c].values;
    for (std::size_t d = 0; d < v.size(); ++d) {
      if (!(v[d] > 0.0) || !std::isfinite(v[d])) continue;
      keys.append(static_cast<double>(d));
      values.append(v[d]);
      low = std::min(low, v[d]);
      high = std::max(high, v[d]);
    }
    longest = std::max(longest, v.size());
    QCPGraph* graph = plot_->addGraph();
    graph->setName(curves[c].label);
    graph->setPen(QPen(curveColor(static_cast<int>(c)), 1.6));
    graph->setData(keys, values, true);
  }
  plot_->legend->setVisible(!curves.empty());
  plot_->xAxis->setRange(0, std::max<double>(1.0, static_cast<double>(longest) - 1.0));
  if (high > 0.0) {
    plot_->yAxis->setRange(low / 1.5, high * 1.5);
  } else {
    plot_->yAxis->setRange(1e-3, 1.0);
  }
  plot_->replot();
}

int HorizonPlot::curveCount() const {
  return plot_->graphCount();
}

std::vector<std::pair<double, double>> HorizonPlot::points(int index) const {
  std::vector<std::pair<double, double>> out;
  if (index < 0 || index >= plot_->graphCount()) return out;
  const auto data = plot_->graph(index)->data();
  for (auto it = data->constBegin(); it != data->constEnd(); ++it) out.emplace_back(it->key, it->value);
  return out;
}
