// MatchTab: the neuron and place tables are refilled whole from each result with their selection
// signals blocked, so only a user's choice emits neuronChosen / rangeChosen — except the one
// deliberate neuronChosen(best) after a match, which recolours the text by the best neuron.
#include "match_tab.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFont>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "finder_widgets.h"
#include "neuron_match.h"

using finder::NumberItem;

MatchTab::MatchTab(FinderSession* session, QWidget* parent)
    : FinderTab(session, QStringLiteral("matchProgress"), QStringLiteral("matchStatus"), parent) {
  const cellscope::MatchQuery defaults;
  selectionLabel_ = finder::makeStatus(QStringLiteral("matchSelectionLabel"));
  thresholdSpin_ = new QDoubleSpinBox;
  thresholdSpin_->setObjectName(QStringLiteral("matchThresholdSpin"));
  thresholdSpin_->setRange(-1000.0, 1000.0);
  thresholdSpin_->setDecimals(3);
  thresholdSpin_->setSingleStep(0.05);
  thresholdSpin_->setValue(defaults.threshold);
  thresholdSpin_->setToolTip(tr("A neuron is on where its value is ≥ this"));
  leadInSpin_ = new QSpinBox;
  leadInSpin_->setObjectName(QStringLiteral("matchLeadInSpin"));
  leadInSpin_->setRange(0, 64);
  leadInSpin_->setValue(defaults.lead_in);
  leadInSpin_->setToolTip(
      tr("A neuron takes a step or two to switch on: the first characters of the selection "
         "count neither as inside nor outside"));
  offSpin_ = new QSpinBox;
  offSpin_->setObjectName(QStringLiteral("matchOffSpin"));
  offSpin_->setRange(0, 256);
  offSpin_->setValue(defaults.off);
  offSpin_->setToolTip(
      tr("Characters just before and after the selection where a neuron should be off (0: rank "
         "by the inside alone)"));
  quantityCombo_ = new QComboBox;
  quantityCombo_->setObjectName(QStringLiteral("matchQuantityCombo"));
  layerCombo_ = new QComboBox;
  layerCombo_->setObjectName(QStringLiteral("matchLayerCombo"));
  button_ = new QPushButton(tr("Match"));
  button_->setObjectName(QStringLiteral("matchRunButton"));
  neurons_ = finder::makeTable(QStringLiteral("matchNeurons"),
                               {tr("Neuron"), tr("Separation"), tr("Inside on"), tr("Outside on")});
  neurons_->horizontalHeaderItem(1)->setToolTip(
      tr("Fraction on inside − fraction on outside: 1 is a clean switch"));
  neurons_->setToolTip(
      tr("Bold: the neurons whose places are listed below. Click one to colour "
         "the text by it"));
  ranges_ = finder::makeTable(QStringLiteral("matchRanges"),
                              {tr("Score"), tr("Shared"), tr("Position"), tr("Text")});
  ranges_->horizontalHeaderItem(0)->setToolTip(
      tr("1: every chosen neuron is on there at least as long as in the selection"));
  ranges_->horizontalHeaderItem(1)->setToolTip(tr("Chosen neurons on for half the place or more"));

  auto* steps = new QHBoxLayout;
  steps->addWidget(leadInSpin_);
  steps->addWidget(new QLabel(tr("Off around")));
  steps->addWidget(offSpin_);
  auto* form = new QFormLayout;
  form->addRow(tr("Threshold"), thresholdSpin_);
  form->addRow(tr("Lead-in"), steps);
  form->addRow(tr("Quantity"), quantityCombo_);
  form->addRow(tr("Layer"), layerCombo_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(selectionLabel_);
  layout->addLayout(form);
  layout->addWidget(button_);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(new QLabel(tr("Neurons, cleanest switch first")));
  layout->addWidget(neurons_, 1);
  layout->addWidget(new QLabel(tr("Other places where they switch on together")));
  layout->addWidget(ranges_, 1);

  connect(button_, &QPushButton::clicked, this, &MatchTab::run);
  new finder::ItemChoice(neurons_, [this](int row) {
    const QTableWidgetItem* item = neurons_->item(row, 0);
    if (item == nullptr) return;
    emit neuronChosen(NeuronSelection{item->data(finder::kLayerRole).toInt(),
                                      item->data(finder::kNeuronRole).toInt(),
                                      match_.query.quantity});
  });
  new finder::ItemChoice(ranges_, [this](int row) {
    const QTableWidgetItem* item = ranges_->item(row, 2);
    if (item == nullptr) return;
    emit rangeChosen(item->data(finder::kBeginRole).toLongLong(),
                     item->data(finder::kEndRole).toLongLong());
  });
}

void MatchTab::setModel() {
  finder::fillQuantities(quantityCombo_, session_->model != nullptr, session_->config);
  const QSignalBlocker block(layerCombo_);
  layerCombo_->clear();
  layerCombo_->addItem(tr("All layers"), -1);
  for (int l = 0; session_->model && l < session_->config.num_layers; ++l)
    layerCombo_->addItem(tr("Layer %1").arg(l), l);
}

void MatchTab::setQuantity(cellscope::Quantity quantity) {
  const int index = quantityCombo_->findData(static_cast<int>(quantity));
  if (index >= 0) quantityCombo_->setCurrentIndex(index);
}

void MatchTab::updateSelectionLabel() {
  const FinderSession& s = *session_;
  if (!s.hasSelection()) {
    selectionLabel_->setText(tr("No selection: select a span of the text to match."));
  } else {
    selectionLabel_->setText(tr("Selection [%1, %2): “%3”")
                                 .arg(s.selectionBegin)
                                 .arg(s.selectionEnd)
                                 .arg(s.excerpt(s.selectionBegin, s.selectionEnd, 40)));
  }
}

void MatchTab::clearResults() {
  match_ = MatchJobResult{};
  const QSignalBlocker blockNeurons(neurons_->selectionModel());
  const QSignalBlocker blockRanges(ranges_->selectionModel());
  neurons_->setRowCount(0);
  ranges_->setRowCount(0);
}

void MatchTab::run() {
  if (!checkReady()) return;
  if (!session_->hasSelection()) {
    status_->setText(tr("The selection is empty: select a span of the text first."));
    return;
  }
  MatchRequest request;
  request.query.begin = session_->selectionBegin;
  request.query.end = session_->selectionEnd;
  request.query.threshold = static_cast<float>(thresholdSpin_->value());
  request.query.lead_in = leadInSpin_->value();
  request.query.off = offSpin_->value();
  const QVariant quantity = quantityCombo_->currentData();
  request.query.quantity = quantity.isValid() ? static_cast<cellscope::Quantity>(quantity.toInt())
                                              : cellscope::default_quantity(session_->config.cell);
  request.query.layer = layerCombo_->currentData().toInt();
  startJob(request, &AnalysisWorker::match, AnalysisWorker::Kind::kMatch);
}

void MatchTab::fillNeurons(const cellscope::MatchResult& result) {
  const QSignalBlocker block(neurons_->selectionModel());
  neurons_->setRowCount(static_cast<int>(result.neurons.size()));
  bool bestListed = false;
  for (int row = 0; row < neurons_->rowCount(); ++row) {
    const cellscope::NeuronMatch& n = result.neurons[static_cast<std::size_t>(row)];
    const bool chosen =
        std::find(result.selected.begin(), result.selected.end(), n.ref) != result.selected.end();
    auto* name = new QTableWidgetItem(finder::neuronName(n.ref.layer, n.ref.neuron));
    name->setData(finder::kLayerRole, n.ref.layer);
    name->setData(finder::kNeuronRole, n.ref.neuron);
    neurons_->setItem(row, 0, name);
    neurons_->setItem(row, 1, new NumberItem(finder::number(n.separation, 3), n.separation));
    neurons_->setItem(row, 2, new NumberItem(finder::number(n.inside_on, 2), n.inside_on));
    neurons_->setItem(row, 3, new NumberItem(finder::number(n.outside_on, 2), n.outside_on));
    for (int column = 0; column < 4; ++column) {
      QTableWidgetItem* item = neurons_->item(row, column);
      QFont font = item->font();
      font.setBold(chosen);
      item->setFont(font);
      item->setToolTip(tr("mean inside %1, margin %2")
                           .arg(finder::number(n.mean_inside, 3), finder::number(n.margin, 3)));
    }
    bestListed = bestListed || (result.best && *result.best == n.ref);
  }
  neurons_->resizeColumnsToContents();
  if (bestListed) {
    finder::showNeuronRow(neurons_, 0, result.best->layer, result.best->neuron);
  } else {
    finder::showNeuronRow(neurons_, 0, -1, -1);
  }
}

void MatchTab::showNeuron(const NeuronSelection& neuron) {
  if (neuron.quantity != match_.query.quantity) {
    finder::showNeuronRow(neurons_, 0, -1, -1);
  } else {
    finder::showNeuronRow(neurons_, 0, neuron.layer, neuron.neuron);
  }
}

void MatchTab::fillPlaces(const cellscope::MatchResult& result,
                          QVector<QPair<qint64, qint64>>* ranges) {
  const QSignalBlocker block(ranges_->selectionModel());
  ranges_->setRowCount(static_cast<int>(result.matches.size()));
  for (int row = 0; row < ranges_->rowCount(); ++row) {
    const cellscope::RangeMatch& m = result.matches[static_cast<std::size_t>(row)];
    ranges->append({m.begin, m.end});
    ranges_->setItem(row, 0, new NumberItem(QString::number(m.score, 'f', 3), m.score));
    auto* shared = new NumberItem(QString::number(m.shared), m.shared);
    shared->setToolTip(tr("%1 other neuron(s) on throughout").arg(m.extra));
    ranges_->setItem(row, 1, shared);
    auto* position = new QTableWidgetItem(QStringLiteral("%1–%2").arg(m.begin).arg(m.end));
    position->setData(finder::kBeginRole, static_cast<qint64>(m.begin));
    position->setData(finder::kEndRole, static_cast<qint64>(m.end));
    ranges_->setItem(row, 2, position);
    ranges_->setItem(row, 3, new QTableWidgetItem(session_->excerpt(m.begin, m.end, 40)));
  }
  ranges_->resizeColumnsToContents();
}

QString MatchTab::summary(const MatchJobResult& result, int places) const {
  const cellscope::MatchQuery& q = result.query;
  const cellscope::MatchResult& r = result.result;
  const QString quantity = finder::quantityName(q.quantity);
  const QString hint =
      tr("Try: select the whole span where the pattern holds, lower the threshold, a longer "
         "lead-in, fewer off characters, another quantity or all layers.");
  if (r.neurons.empty() || !r.best)
    return tr("No neuron is more often on (%1 ≥ %2) inside the selection than around it. %3")
        .arg(quantity)
        .arg(q.threshold)
        .arg(hint);
  const cellscope::NeuronMatch& top = r.neurons.front();
  const QString best = finder::neuronName(r.best->layer, r.best->neuron);
  if (r.selected.empty())
    return tr("No neuron switches cleanly (separation ≥ %1); the best, %2, separates %3: the "
              "text is coloured by it. %4")
        .arg(q.min_separation)
        .arg(best)
        .arg(top.separation, 0, 'f', 2)
        .arg(hint);
  if (places == 0)
    return tr("%1 neuron(s) switch on through the selection (best %2, separation %3), but "
              "nowhere else together. Try a lower threshold or fewer off characters.")
        .arg(r.selected.size())
        .arg(best)
        .arg(top.separation, 0, 'f', 2);
  return tr("%1 neuron(s) switch on through the selection (best %2, separation %3, colouring "
            "the text); %4 other place(s), best first.")
      .arg(r.selected.size())
      .arg(best)
      .arg(top.separation, 0, 'f', 2)
      .arg(places);
}

void MatchTab::onMatched(const MatchJobResult& result) {
  if (!finishJob(result)) return;
  match_ = result;
  fillNeurons(result.result);
  QVector<QPair<qint64, qint64>> ranges;
  fillPlaces(result.result, &ranges);
  status_->setText(summary(result, ranges.size()));
  emit matchesFound(ranges);
  if (result.result.best) {
    const cellscope::NeuronRef& best = *result.result.best;
    emit neuronChosen(NeuronSelection{best.layer, best.neuron, result.query.quantity});
  }
}
