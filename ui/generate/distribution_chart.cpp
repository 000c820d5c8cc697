// DistributionChart: two QCPBars on one text-ticked key axis — every shown character, and
// the drawn one on top in another colour. Entries are sorted by probability (ties: lower id).
#include "distribution_chart.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/activation_text_view.h"
#include "common/plot_palette.h"

DistributionChart::DistributionChart(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("distributionChart"));
  titleLabel_ = new QLabel;
  titleLabel_->setObjectName(QStringLiteral("distributionTitle"));
  titleLabel_->setWordWrap(true);
  entropyLabel_ = new QLabel;
  entropyLabel_->setObjectName(QStringLiteral("entropyLabel"));

  plot_ = new QCustomPlot;
  plot_->setObjectName(QStringLiteral("distributionPlot"));
  plot_->setMinimumSize(400, 200);  // 30 labelled bars stay apart
  bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  bars_->setWidth(0.75);
  chosen_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  chosen_->setWidth(0.75);
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
  plot_->xAxis->setTickLabelFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  plot_->xAxis->grid()->setVisible(false);
  plot_->xAxis->setSubTicks(false);
  plot_->xAxis->setTickLength(0, 3);
  plot_->yAxis->setLabel(tr("Probability"));
  plot_->yAxis->setRange(0.0, 1.0);
  plot_->xAxis->setRange(0.3, kBars + 0.7);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(titleLabel_);
  layout->addWidget(entropyLabel_);
  layout->addWidget(plot_, 1);
  applyPalette();
  clear();
}

void DistributionChart::clear() {
  distribution_ = CharDistribution();
  bars_->data()->clear();
  chosen_->data()->clear();
  qSharedPointerCast<QCPAxisTickerText>(plot_->xAxis->ticker())->clear();
  titleLabel_->setText(tr("Next-character distribution"));
  entropyLabel_->setText(tr("Entropy: —"));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void DistributionChart::setDistribution(const CharDistribution& distribution,
                                        const std::vector<char32_t>& vocabulary, int chosenId,
                                        const QString& title) {
  distribution_ = distribution;
  std::vector<int> order(static_cast<std::size_t>(distribution.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return distribution.prob(a) > distribution.prob(b); });
  if (order.size() > static_cast<std::size_t>(kBars)) order.resize(kBars);

  QVector<double> keys, values, chosenKeys, chosenValues;
  QVector<QString> labels;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const int id = distribution.id(order[k]);
    const double key = static_cast<double>(k + 1);
    const double p = distribution.prob(order[k]);
    keys << key;
    values << p;
    const bool known = id >= 0 && id < static_cast<int>(vocabulary.size());
    labels << (known ? ActivationTextView::label(vocabulary[static_cast<std::size_t>(id)]) : QStringLiteral("?"));
    if (id == chosenId) {
      chosenKeys << key;
      chosenValues << p;
    }
  }
  bars_->setData(keys, values, /*alreadySorted=*/true);
  chosen_->setData(chosenKeys, chosenValues, /*alreadySorted=*/true);
  qSharedPointerCast<QCPAxisTickerText>(plot_->xAxis->ticker())->setTicks(keys, labels);

  const double nats = distribution.entropyNats();
  titleLabel_->setText(title);
  entropyLabel_->setText(
      tr("Entropy: %1 nats · %2 bits%3")
          .arg(nats, 0, 'f', 3)
          .arg(nats / std::log(2.0), 0, 'f', 3)
          .arg(distribution.isFull() ? QString() : tr(" (top %1 only)").arg(distribution.size())));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void DistributionChart::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) applyPalette();
}

// QCustomPlot paints white with black axes whatever the palette: follow it instead.
void DistributionChart::applyPalette() {
  followPalette(plot_, palette());
  const QColor barColor(70, 130, 200);
  bars_->setPen(QPen(barColor.darker(130)));
  bars_->setBrush(barColor);
  const QColor chosenColor(230, 110, 0);
  chosen_->setPen(QPen(chosenColor.darker(130)));
  chosen_->setBrush(chosenColor);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
