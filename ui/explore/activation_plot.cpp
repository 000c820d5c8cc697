// ActivationPlot: a QCustomPlot with one graph (keys = positions, sorted), a straight-line item
// as the hover marker, rectangle items for the marked spans (on the grid layer, behind the
// trace) and a title element in the layout's top row. No interactions: the x range is the data
// window. Every change ends in rpQueuedReplot, so a burst of setters costs one repaint.
#include "activation_plot.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QFontDatabase>
#include <QMouseEvent>
#include <QVBoxLayout>
#include <cmath>

#include "common/activation_text_view.h"
#include "common/plot_palette.h"

namespace {

constexpr double kHalf = 0.5;  // a character's key ± half a step is its column

}  // namespace

ActivationPlot::ActivationPlot(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("activationPlot"));
  plot_ = new QCustomPlot;
  plot_->setObjectName(QStringLiteral("activationPlotCustomPlot"));
  plot_->setMinimumHeight(kMinimumHeight);
  plot_->setInteraction(QCP::iSelectPlottables, false);
  plot_->installEventFilter(this);

  title_ = new QCPTextElement(plot_, QString());
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, title_);

  graph_ = plot_->addGraph();
  graph_->setLineStyle(QCPGraph::lsLine);

  marker_ = new QCPItemStraightLine(plot_);
  marker_->setVisible(false);
  marker_->setSelectable(false);

  plot_->xAxis->setNumberFormat(QStringLiteral("f"));
  plot_->xAxis->setNumberPrecision(0);
  plot_->xAxis->setTickLabelFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  plot_->xAxis->grid()->setVisible(false);
  plot_->yAxis->setRange(-1.0, 1.0);
  plot_->yAxis->ticker()->setTickCount(3);  // labels well apart even at the least height
  plot_->xAxis->setLabel(tr("character position"));

  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    const qint64 position = positionAt(event->position().x());
    if (event->button() == Qt::LeftButton && position >= 0) emit positionClicked(position);
  });
  connect(plot_, &QCustomPlot::mouseMove, this,
          [this](QMouseEvent* event) { setHovered(positionAt(event->position().x())); });

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  applyPalette();
  clear();
}

void ActivationPlot::setValues(qint64 begin, const std::vector<float>& values) {
  begin_ = begin;
  count_ = static_cast<qint64>(values.size());
  QVector<QCPGraphData> data(static_cast<int>(values.size()));
  for (int i = 0; i < data.size(); ++i) {
    data[i].key = static_cast<double>(begin + i);
    data[i].value = static_cast<double>(values[static_cast<std::size_t>(i)]);
  }
  graph_->data()->set(data, /*alreadySorted=*/true);
  // A lone value between gaps draws no line: with few points, every point gets a dot.
  graph_->setScatterStyle(count_ <= kMaxCharacterTicks ? QCPScatterStyle(QCPScatterStyle::ssDisc, 3)
                                                       : QCPScatterStyle(QCPScatterStyle::ssNone));
  updateXAxis();
  updateSpans();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ActivationPlot::setCharacters(qint64 begin, const std::u32string& characters) {
  charactersBegin_ = begin;
  characters_ = characters;
  updateXAxis();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ActivationPlot::clear() {
  characters_.clear();
  spans_.clear();
  setHighlighted(-1);
  setValues(0, {});
}

void ActivationPlot::setRange(double lo, double hi) {
  if (!(lo < hi)) return;
  plot_->yAxis->setRange(lo, hi);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ActivationPlot::setTitle(const QString& title) {
  title_->setText(title);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ActivationPlot::setYLabel(const QString& label) {
  plot_->yAxis->setLabel(label);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString ActivationPlot::yLabel() const {
  return plot_->yAxis->label();
}

QString ActivationPlot::xLabel() const {
  return plot_->xAxis->label();
}

QString ActivationPlot::title() const {
  return title_->text();
}

void ActivationPlot::setHighlighted(qint64 position) {
  highlighted_ = position < 0 ? -1 : position;
  marker_->setVisible(highlighted_ >= 0);
  const double x = static_cast<double>(highlighted_);
  marker_->point1->setCoords(x, 0.0);
  marker_->point2->setCoords(x, 1.0);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ActivationPlot::setMarkedSpans(const std::vector<std::pair<qint64, qint64>>& spans) {
  spans_ = spans;
  updateSpans();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

qint64 ActivationPlot::positionAt(double plotPixelX) const {
  if (count_ == 0) return -1;
  const double key = std::floor(plot_->xAxis->pixelToCoord(plotPixelX) + kHalf);
  if (!(key >= static_cast<double>(begin_) && key < static_cast<double>(begin_ + count_)))
    return -1;
  return static_cast<qint64>(key);
}

void ActivationPlot::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) applyPalette();
}

bool ActivationPlot::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave) setHovered(-1);
  return QWidget::eventFilter(watched, event);
}

void ActivationPlot::setHovered(qint64 position) {
  if (position == hovered_) return;
  hovered_ = position;
  emit positionHovered(position);
}

void ActivationPlot::applyPalette() {
  const QPalette pal = palette();
  followPalette(plot_, pal);
  title_->setTextColor(pal.color(QPalette::Text));
  graph_->setPen(QPen(pal.color(QPalette::Highlight), 1.5));
  graph_->setBrush(Qt::NoBrush);
  QColor marker = pal.color(QPalette::Text);
  marker.setAlphaF(0.6f);
  marker_->setPen(QPen(marker, 1.0, Qt::DashLine));
  updateSpans();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

// The x range is the data window; with few characters known for all of it, they label the ticks.
void ActivationPlot::updateXAxis() {
  const double first = static_cast<double>(begin_);
  plot_->xAxis->setRange(first - kHalf,
                         first + static_cast<double>(std::max<qint64>(count_, 1)) - kHalf);
  const qint64 offset = begin_ - charactersBegin_;
  const bool labelled = count_ > 0 && count_ <= kMaxCharacterTicks && offset >= 0 &&
                        offset + count_ <= static_cast<qint64>(characters_.size());
  if (labelled) {
    QVector<double> keys;
    QVector<QString> labels;
    for (qint64 i = 0; i < count_; ++i) {
      keys << static_cast<double>(begin_ + i);
      labels << ActivationTextView::label(characters_[static_cast<std::size_t>(offset + i)]);
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->setTicks(keys, labels);
    plot_->xAxis->setTicker(ticker);
  } else if (characterTicks_ || !plot_->xAxis->ticker()) {
    plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  }
  characterTicks_ = labelled;
  plot_->xAxis->setLabel(labelled ? tr("character") : tr("character position"));
}

// Span rectangles span the whole axis rect vertically; only those meeting the window are made.
void ActivationPlot::updateSpans() {
  for (int i = plot_->itemCount() - 1; i >= 0; --i) {
    if (qobject_cast<QCPItemRect*>(plot_->item(i)) != nullptr) plot_->removeItem(i);
  }
  QColor fill = palette().color(QPalette::Highlight);
  fill.setAlphaF(0.18f);
  for (const auto& [first, last] : spans_) {
    const qint64 lo = std::max(first, begin_);
    const qint64 hi = std::min(last, begin_ + count_);
    if (lo >= hi) continue;
    auto* rect = new QCPItemRect(plot_);
    rect->setLayer(QStringLiteral("grid"));
    rect->setSelectable(false);
    rect->setPen(Qt::NoPen);
    rect->setBrush(fill);
    for (QCPItemPosition* corner : {rect->topLeft, rect->bottomRight}) {
      corner->setTypeX(QCPItemPosition::ptPlotCoords);
      corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    rect->topLeft->setCoords(static_cast<double>(lo) - kHalf, 0.0);
    rect->bottomRight->setCoords(static_cast<double>(hi) - kHalf, 1.0);
  }
}
