// MatchTab: the neuron list and the ranges table are refilled whole from each result with
// their selection signals blocked, so only a user's choice emits neuronChosen / rangeChosen.
#include "match_tab.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include "finder_widgets.h"

MatchTab::MatchTab(FinderSession* session, QWidget* parent)
    : FinderTab(session, QStringLiteral("matchProgress"), QStringLiteral("matchStatus"), parent) {
  selectionLabel_ = finder::makeStatus(QStringLiteral("matchSelectionLabel"));
  thresholdSpin_ = new QDoubleSpinBox;
  thresholdSpin_->setObjectName(QStringLiteral("matchThresholdSpin"));
  thresholdSpin_->setRange(-1000.0, 1000.0);
  thresholdSpin_->setDecimals(3);
  thresholdSpin_->setSingleStep(0.05);
  thresholdSpin_->setValue(0.5);
  thresholdSpin_->setToolTip(tr("A neuron is on where its value is ≥ this"));
  quantityCombo_ = new QComboBox;
  quantityCombo_->setObjectName(QStringLiteral("matchQuantityCombo"));
  layerCombo_ = new QComboBox;
  layerCombo_->setObjectName(QStringLiteral("matchLayerCombo"));
  button_ = new QPushButton(tr("Match"));
  button_->setObjectName(QStringLiteral("matchRunButton"));
  neurons_ = new QListWidget;
  neurons_->setObjectName(QStringLiteral("matchNeurons"));
  neurons_->setFlow(QListView::LeftToRight);
  neurons_->setWrapping(true);
  neurons_->setMaximumHeight(90);
  ranges_ =
      finder::makeTable(QStringLiteral("matchRanges"), {tr("Score"), tr("Position"), tr("Text")});

  auto* form = new QFormLayout;
  form->addRow(tr("Threshold"), thresholdSpin_);
  form->addRow(tr("Quantity"), quantityCombo_);
  form->addRow(tr("Layer"), layerCombo_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(selectionLabel_);
  layout->addLayout(form);
  layout->addWidget(button_);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(new QLabel(tr("Neurons on through the selection")));
  layout->addWidget(neurons_);
  layout->addWidget(new QLabel(tr("Where they switch on together")));
  layout->addWidget(ranges_, 1);

  connect(button_, &QPushButton::clicked, this, &MatchTab::run);
  new finder::ItemChoice(neurons_, [this](int row) {
    const QListWidgetItem* item = neurons_->item(row);
    if (item == nullptr) return;
    emit neuronChosen(NeuronSelection{item->data(finder::kLayerRole).toInt(),
                                      item->data(finder::kNeuronRole).toInt(),
                                      match_.query.quantity});
  });
  new finder::ItemChoice(ranges_, [this](int row) {
    const QTableWidgetItem* item = ranges_->item(row, 1);
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
  neurons_->clear();
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
  request.query.quantity = static_cast<cellscope::Quantity>(quantityCombo_->currentData().toInt());
  request.query.layer = layerCombo_->currentData().toInt();
  startJob(request, &AnalysisWorker::match, AnalysisWorker::Kind::kMatch);
}

void MatchTab::onMatched(const MatchJobResult& result) {
  if (!finishJob(result)) return;
  match_ = result;
  const cellscope::MatchQuery& q = result.query;
  const QSignalBlocker blockNeurons(neurons_->selectionModel());
  const QSignalBlocker blockRanges(ranges_->selectionModel());
  neurons_->clear();
  for (const cellscope::NeuronRef& n : result.result.selected) {
    auto* item = new QListWidgetItem(finder::neuronName(n.layer, n.neuron), neurons_);
    item->setData(finder::kLayerRole, n.layer);
    item->setData(finder::kNeuronRole, n.neuron);
  }
  QVector<QPair<qint64, qint64>> ranges;
  ranges_->setRowCount(static_cast<int>(result.result.matches.size()));
  for (int row = 0; row < ranges_->rowCount(); ++row) {
    const cellscope::RangeMatch& m = result.result.matches[static_cast<std::size_t>(row)];
    ranges.append({m.begin, m.end});
    auto* score = new finder::NumberItem(QString::number(m.score, 'f', 3), m.score);
    score->setToolTip(tr("%1 shared, %2 extra").arg(m.shared).arg(m.extra));
    ranges_->setItem(row, 0, score);
    auto* position = new QTableWidgetItem(QStringLiteral("%1–%2").arg(m.begin).arg(m.end));
    position->setData(finder::kBeginRole, static_cast<qint64>(m.begin));
    position->setData(finder::kEndRole, static_cast<qint64>(m.end));
    ranges_->setItem(row, 1, position);
    ranges_->setItem(row, 2, new QTableWidgetItem(session_->excerpt(m.begin, m.end, 40)));
  }
  ranges_->resizeColumnsToContents();
  if (result.result.selected.empty()) {
    status_->setText(tr("No neuron has %1 ≥ %2 through the whole selection and below it at "
                        "its edges. Try a lower threshold or another quantity.")
                         .arg(finder::quantityName(q.quantity))
                         .arg(q.threshold));
  } else {
    status_->setText(tr("%1 neuron(s) with %2 ≥ %3 through [%4, %5); %6 other range(s).")
                         .arg(result.result.selected.size())
                         .arg(finder::quantityName(q.quantity))
                         .arg(q.threshold)
                         .arg(q.begin)
                         .arg(q.end)
                         .arg(ranges.size()));
  }
  emit matchesFound(ranges);
}
