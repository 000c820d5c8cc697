// TrainingPlots: three stacked QCustomPlots with drag-to-pan and wheel zoom. New points only
// append; the axes rescale at each coalesced replot (rpQueuedReplot). The gradient-flow graphs
// are rebuilt from the newest dh_norms, reversed so x = steps back from the window's end.
#include "training_plots.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace {

QCustomPlot* makePlot(const QString& xLabel, const QString& yLabel) {
  auto* plot = new QCustomPlot;
  plot->setMinimumHeight(140);
  plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot->xAxis->setLabel(xLabel);
  plot->yAxis->setLabel(yLabel);
  plot->legend->setVisible(true);
  QFont font = plot->legend->font();
  font.setPointSizeF(font.pointSizeF() * 0.85);
  plot->legend->setFont(font);
  return plot;
}

QCPGraph* addGraph(QCustomPlot* plot, const QString& name, const QColor& color, double width) {
  QCPGraph* graph = plot->addGraph();
  graph->setName(name);
  graph->setPen(QPen(color, width));
  return graph;
}

}  // namespace

TrainingPlots::TrainingPlots(QWidget* parent) : QWidget(parent) {
  lossPlot_ = makePlot(tr("iteration"), tr("loss (nats/char)"));
  lossPlot_->setObjectName(QStringLiteral("lossPlot"));
  addGraph(lossPlot_, tr("training"), QColor(160, 190, 230), 1.0);
  addGraph(lossPlot_, tr("training (smoothed)"), QColor(30, 90, 180), 2.0);
  QCPGraph* val = addGraph(lossPlot_, tr("validation"), QColor(220, 80, 30), 2.0);
  val->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));

  gradPlot_ = makePlot(tr("iteration"), tr("gradient norm"));
  gradPlot_->setObjectName(QStringLiteral("gradPlot"));
  addGraph(gradPlot_, tr("||g|| before clipping"), QColor(60, 140, 60), 1.0);

  flowPlot_ = makePlot(tr("steps back in the BPTT window"), tr("||dL/dh_t||"));
  flowPlot_->setObjectName(QStringLiteral("flowPlot"));
  flowPlot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  flowPlot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  flowPlot_->yAxis->setNumberFormat(QStringLiteral("eb"));
  flowPlot_->yAxis->setNumberPrecision(0);

  clipLabel_ = new QLabel;
  clipLabel_->setObjectName(QStringLiteral("clipLabel"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(lossPlot_, 3);
  layout->addWidget(gradPlot_, 2);
  layout->addWidget(clipLabel_);
  layout->addWidget(flowPlot_, 2);

  // Zooming or panning a plot stops its autoscaling; a double click resumes it.
  for (QCustomPlot* plot : {lossPlot_, gradPlot_, flowPlot_}) {
    const auto manual = [plot] { plot->setProperty("manualRange", true); };
    connect(plot, &QCustomPlot::mouseWheel, plot, manual);
    connect(plot, &QCustomPlot::mousePress, plot, manual);
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this, plot] {
      plot->setProperty("manualRange", false);
      scheduleReplot();
    });
  }

  replotTimer_ = new QTimer(this);
  replotTimer_->setSingleShot(true);
  replotTimer_->setInterval(kReplotMilliseconds);
  connect(replotTimer_, &QTimer::timeout, this, &TrainingPlots::replot);
  clear();
}

QCPGraph* TrainingPlots::rawLossGraph() const {
  return lossPlot_->graph(0);
}
QCPGraph* TrainingPlots::smoothLossGraph() const {
  return lossPlot_->graph(1);
}
QCPGraph* TrainingPlots::valLossGraph() const {
  return lossPlot_->graph(2);
}

void TrainingPlots::clear() {
  for (QCustomPlot* plot : {lossPlot_, gradPlot_}) {
    for (int i = 0; i < plot->graphCount(); ++i) plot->graph(i)->data()->clear();
  }
  flowPlot_->clearGraphs();
  hasEma_ = false;
  clipLabel_->setText(tr("Clipped: 0 iterations"));
  scheduleReplot();
}

void TrainingPlots::addIterations(const TrainingIterations& events) {
  for (std::size_t i = 0; i < events.iterations.size(); ++i) {
    const double x = static_cast<double>(events.iterations[i]);
    const double loss = events.losses[i];
    ema_ = hasEma_ ? kSmoothing * ema_ + (1.0 - kSmoothing) * loss : loss;
    hasEma_ = true;
    rawLossGraph()->addData(x, loss);
    smoothLossGraph()->addData(x, ema_);
    gradPlot_->graph(0)->addData(x, events.gradNorms[i]);
  }
  clipLabel_->setText(
      tr("Clipped: %n iteration(s) this run", nullptr, static_cast<int>(events.clippedTotal)));

  if (!events.dhNorms.empty()) {
    static const QColor colors[] = {QColor(30, 90, 180), QColor(220, 80, 30), QColor(60, 140, 60),
                                    QColor(150, 60, 170)};
    const int layers = static_cast<int>(events.dhNorms.size());
    while (flowPlot_->graphCount() > layers) flowPlot_->removeGraph(flowPlot_->graphCount() - 1);
    while (flowPlot_->graphCount() < layers) {
      const int l = flowPlot_->graphCount();
      addGraph(flowPlot_, tr("layer %1").arg(l + 1), colors[l % 4], 2.0);
    }
    for (int l = 0; l < layers; ++l) {
      const std::vector<double>& norms = events.dhNorms[static_cast<std::size_t>(l)];
      QVector<double> xs, ys;
      const int T = static_cast<int>(norms.size());
      for (int t = T - 1; t >= 0; --t) {
        const double v = norms[static_cast<std::size_t>(t)];
        if (!(v > 0.0) || !std::isfinite(v)) continue;  // a log axis cannot show zeros
        xs.push_back(T - 1 - t);
        ys.push_back(v);
      }
      flowPlot_->graph(l)->setData(xs, ys, true);
    }
  }
  scheduleReplot();
}

void TrainingPlots::addValidation(const TrainingValidation& event) {
  valLossGraph()->addData(static_cast<double>(event.iteration), event.valLoss);
  scheduleReplot();
}

void TrainingPlots::scheduleReplot() {
  if (!replotTimer_->isActive()) replotTimer_->start();
}

void TrainingPlots::replot() {
  for (QCustomPlot* plot : {lossPlot_, gradPlot_, flowPlot_}) {
    if (!plot->property("manualRange").toBool()) plot->rescaleAxes();
    plot->replot(QCustomPlot::rpQueuedReplot);
  }
  ++replots_;
}
