// TrainingPlots: an x-axis combo box over four stacked QCustomPlots with drag-to-pan and wheel
// zoom. New points append (to the graphs and to points_); an x-axis change rebuilds the graphs
// from points_. The axes rescale at each coalesced replot (rpQueuedReplot). The gradient-flow
// graphs are rebuilt from the newest dh_norms, reversed so x = steps back from the window's end.
#include "training_plots.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "common/plot_palette.h"
#include "watch_plot.h"

class LogStepTicker : public QCPAxisTickerLog {
 protected:
  QVector<double> createTickVector(double, const QCPRange& range) override {
    QVector<double> ticks;
    const double lo = std::max(range.lower, 1e-300), hi = range.upper;
    if (!(hi > lo)) return ticks;
    const bool decadesOnly = std::log10(hi / lo) > 2.0;
    for (int e = static_cast<int>(std::floor(std::log10(lo))) - 1;
         e <= static_cast<int>(std::ceil(std::log10(hi))) + 1; ++e) {
      for (double m : {1.0, 2.0, 5.0}) {
        if (decadesOnly && m != 1.0) continue;
        ticks.push_back(m * std::pow(10.0, e));
      }
    }
    return ticks;
  }
  QString getTickLabel(double tick, const QLocale&, QChar, int) override {
    return QString::number(tick, 'g', 3);
  }
  int getSubTickCount(double) override { return 0; }
};

namespace {

QCustomPlot* makePlot(const QString& xLabel, const QString& yLabel) {
  auto* plot = new QCustomPlot;
  plot->setMinimumHeight(140);
  plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot->xAxis->setLabel(xLabel);
  plot->yAxis->setLabel(yLabel);
  plot->legend->setVisible(false);  // shown once a graph has a name and data (legendFollows)
  QFont font = plot->legend->font();
  font.setPointSizeF(font.pointSizeF() * 0.85);
  plot->legend->setFont(font);
  keepFollowingPalette(plot);  // e.g. View → Theme → Dark
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

  ratePlot_ = makePlot(tr("iteration"), tr("learning rate"));
  ratePlot_->setObjectName(QStringLiteral("ratePlot"));
  addGraph(ratePlot_, tr("learning rate"), QColor(150, 60, 170), 2.0);
  QCPGraph* throughput = ratePlot_->addGraph(ratePlot_->xAxis, ratePlot_->yAxis2);
  throughput->setName(tr("chars/s"));
  throughput->setPen(QPen(QColor(200, 130, 20), 1.0));
  ratePlot_->yAxis2->setVisible(true);
  ratePlot_->yAxis2->setLabel(tr("chars/s"));

  xAxisCombo_ = new QComboBox;
  xAxisCombo_->setObjectName(QStringLiteral("xAxisCombo"));
  xAxisCombo_->addItems({tr("iterations"), tr("epochs"), tr("wall time (s)")});  // XAxis order
  connect(xAxisCombo_, &QComboBox::currentIndexChanged, this,
          [this](int index) { setXAxis(static_cast<XAxis>(index)); });
  auto* axisRow = new QHBoxLayout;
  axisRow->addWidget(new QLabel(tr("x axis")));
  axisRow->addWidget(xAxisCombo_);
  axisRow->addStretch(1);

  flowPlot_ = makePlot(tr("steps back in the BPTT window"), tr("||dL/dh_t||"));
  flowPlot_->setObjectName(QStringLiteral("flowPlot"));
  flowPlot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  flowPlot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new LogStepTicker));
  flowPlot_->setToolTip(tr("Gradient flow at the last iteration: how much of the loss's "
                           "gradient reaches each step back through the BPTT window, per layer. "
                           "A steep fall is the vanishing gradient."));

  watchPlot_ = new WatchPlot;
  watchPlot_->setObjectName(QStringLiteral("watchPlotWidget"));

  clipLabel_ = new QLabel;
  clipLabel_->setObjectName(QStringLiteral("clipLabel"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(axisRow);
  auto* lossRow = new QHBoxLayout;
  lossRow->addWidget(lossPlot_, 3);
  lossRow->addWidget(watchPlot_, 2);
  layout->addLayout(lossRow, 3);
  layout->addWidget(gradPlot_, 2);
  layout->addWidget(ratePlot_, 2);
  layout->addWidget(clipLabel_);
  layout->addWidget(flowPlot_, 2);

  // Zooming or panning a plot stops its autoscaling; a double click resumes it.
  for (QCustomPlot* plot : {lossPlot_, gradPlot_, ratePlot_, flowPlot_}) {
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
QCPGraph* TrainingPlots::gradNormGraph() const {
  return gradPlot_->graph(0);
}
QCPGraph* TrainingPlots::learningRateGraph() const {
  return ratePlot_->graph(0);
}
QCPGraph* TrainingPlots::throughputGraph() const {
  return ratePlot_->graph(1);
}

double TrainingPlots::key(const Point& p) const {
  switch (axis_) {
    case kEpochs:
      return p.epoch;
    case kWallTime:
      return p.seconds;
    case kIterations:
      break;
  }
  return p.iteration;
}

std::vector<TrainingPlots::Series> TrainingPlots::iterationSeries() const {
  return {{rawLossGraph(), &Point::loss},
          {smoothLossGraph(), &Point::smoothed},
          {gradNormGraph(), &Point::gradNorm},
          {learningRateGraph(), &Point::learningRate},
          {throughputGraph(), &Point::throughput}};
}

void TrainingPlots::setXAxis(XAxis axis) {
  axis_ = axis;
  if (xAxisCombo_->currentIndex() != axis) xAxisCombo_->setCurrentIndex(axis);
  const QString label = xAxisCombo_->itemText(axis);
  for (QCustomPlot* plot : {lossPlot_, gradPlot_, ratePlot_}) plot->xAxis->setLabel(label);
  const auto rebuild = [this](QCPGraph* graph, double Point::*value,
                              const std::vector<Point>& points) {
    QVector<double> keys, values;
    keys.reserve(static_cast<int>(points.size()));
    values.reserve(static_cast<int>(points.size()));
    for (const Point& p : points) {
      keys.push_back(key(p));
      values.push_back(p.*value);
    }
    graph->setData(keys, values);
  };
  for (const Series& series : iterationSeries()) rebuild(series.graph, series.value, points_);
  rebuild(valLossGraph(), &Point::loss, valPoints_);
  scheduleReplot();
}

void TrainingPlots::clear() {
  for (QCustomPlot* plot : {lossPlot_, gradPlot_, ratePlot_}) {
    for (int i = 0; i < plot->graphCount(); ++i) plot->graph(i)->data()->clear();
  }
  points_.clear();
  valPoints_.clear();
  flowPlot_->clearGraphs();
  watchPlot_->clear();
  hasEma_ = false;
  clipLabel_->setText(tr("Clipped: 0 iterations"));
  scheduleReplot();
}

void TrainingPlots::addIterations(const TrainingIterations& events) {
  const std::vector<Series> series = iterationSeries();
  for (std::size_t i = 0; i < events.iterations.size(); ++i) {
    Point p;
    p.iteration = static_cast<double>(events.iterations[i]);
    p.epoch = events.epochs[i];
    p.seconds = events.times[i];
    p.loss = events.losses[i];
    ema_ = hasEma_ ? kSmoothing * ema_ + (1.0 - kSmoothing) * p.loss : p.loss;
    hasEma_ = true;
    p.smoothed = ema_;
    p.gradNorm = events.gradNorms[i];
    p.learningRate = events.learningRates[i];
    p.throughput = events.throughputs[i];
    points_.push_back(p);
    for (const Series& s : series) s.graph->addData(key(p), p.*s.value);
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
      addGraph(flowPlot_, tr("layer %1").arg(l), colors[l % 4], 2.0);  // from 0, as neuron ids
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
  Point p;
  p.iteration = static_cast<double>(event.iteration);
  p.epoch = event.epoch;
  p.seconds = event.seconds;
  p.loss = event.valLoss;
  valPoints_.push_back(p);
  valLossGraph()->addData(key(p), p.loss);
  scheduleReplot();
}

void TrainingPlots::addWatch(const TrainingWatch& event) {
  watchPlot_->addWatch(event);
}

void TrainingPlots::scheduleReplot() {
  if (!replotTimer_->isActive()) replotTimer_->start();
}

void TrainingPlots::replot() {
  for (QCustomPlot* plot : {lossPlot_, gradPlot_, ratePlot_, flowPlot_}) {
    if (!plot->property("manualRange").toBool()) plot->rescaleAxes();
    bool hasData = false;
    for (int i = 0; i < plot->graphCount(); ++i) hasData |= !plot->graph(i)->data()->isEmpty();
    plot->legend->setVisible(hasData);  // no empty legend box before training
    if (plot == flowPlot_ && hasData && !plot->property("manualRange").toBool()) {
      // At least a factor of 6.25 around the data: 1-2-5 ticks then always show two labels.
      const QCPRange r = plot->yAxis->range();
      if (r.lower > 0 && r.upper / r.lower < 6.25) {
        const double mid = std::sqrt(r.lower * r.upper);
        plot->yAxis->setRange(mid / 2.5, mid * 2.5);
      }
    }
    if (plot == ratePlot_ && !plot->property("manualRange").toBool()) {
      // Rates are positive and often constant (a learning rate before decay): from 0 to a bit
      // above the largest value, rather than QCustomPlot's ±1 around a constant.
      const std::pair<QCPGraph*, QCPAxis*> rates[] = {{learningRateGraph(), plot->yAxis},
                                                      {throughputGraph(), plot->yAxis2}};
      for (const auto& [graph, axis] : rates) {
        bool found = false;
        const QCPRange range = graph->getValueRange(found);
        if (found && range.upper > 0) axis->setRange(0, range.upper * 1.15);
      }
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
  }
  ++replots_;
}
