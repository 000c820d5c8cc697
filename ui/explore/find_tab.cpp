// FindTab: the table is refilled whole from each result with sorting off, then sorting back on,
// so the user's sort column survives a new Find; selection signals are blocked meanwhile.
#include "find_tab.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "detectors.h"
#include "finder_widgets.h"
#include "text_defaults.h"

using finder::NumberItem;

FindTab::FindTab(FinderSession* session, QWidget* parent)
    : FinderTab(session, QStringLiteral("finderProgress"), QStringLiteral("finderStatus"),
                parent) {
  detectorCombo_ = new QComboBox;
  detectorCombo_->setObjectName(QStringLiteral("finderDetectorCombo"));
  for (const cellscope::DetectorInfo& d : cellscope::detector_list()) {
    detectorCombo_->addItem(QString::fromStdString(d.name), QString::fromStdString(d.name));
    detectorCombo_->setItemData(detectorCombo_->count() - 1, QString::fromStdString(d.description),
                                Qt::ToolTipRole);
  }
  detectorCombo_->addItem(tr("Selection"), QString::fromLatin1(kSelectionTarget));
  detectorCombo_->setItemData(detectorCombo_->count() - 1,
                              tr("1 inside the span selected in the text, 0 elsewhere"),
                              Qt::ToolTipRole);
  detectorCombo_->addItem(tr("Regex…"), QString::fromLatin1(kRegexTarget));
  detectorCombo_->setItemData(
      detectorCombo_->count() - 1,
      tr("Every character of a match of a regular expression (RE2 syntax: Perl's, without "
         "back-references or look-around; '.' stops at a newline, [\\s\\S] does not)"),
      Qt::ToolTipRole);
  regexEdit_ = new QLineEdit;
  regexEdit_->setObjectName(QStringLiteral("finderRegexEdit"));
  regexEdit_->setPlaceholderText(tr("regular expression, e.g. https?://[^ ]+"));
  quantityCombo_ = new QComboBox;
  quantityCombo_->setObjectName(QStringLiteral("finderQuantityCombo"));
  button_ = new QPushButton(tr("Find neurons"));
  button_->setObjectName(QStringLiteral("finderRunButton"));
  table_ = finder::makeTable(QStringLiteral("finderResults"),
                             {tr("#"), tr("Neuron"), tr("r"), tr("AUC")});
  table_->horizontalHeaderItem(2)->setToolTip(tr("Pearson correlation (sorts by |r|)"));
  table_->horizontalHeaderItem(3)->setToolTip(tr("ROC-AUC: P(positive > negative)"));
  table_->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
  table_->setSortingEnabled(true);

  auto* form = new QFormLayout;
  form->addRow(tr("Target"), detectorCombo_);
  form->addRow(QString(), regexEdit_);
  form->addRow(tr("Quantity"), quantityCombo_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(button_);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(table_, 1);

  connect(detectorCombo_, &QComboBox::currentIndexChanged, this, &FindTab::updateRegexVisibility);
  connect(button_, &QPushButton::clicked, this, &FindTab::run);
  connect(regexEdit_, &QLineEdit::returnPressed, this, &FindTab::run);
  new finder::ItemChoice(table_, [this](int row) { emitRow(row); });
  updateRegexVisibility();
}

void FindTab::setModel() {
  finder::fillQuantities(quantityCombo_, session_->model != nullptr, session_->config);
  if (preset_) applyPreset();  // its quantity, now that the model's are listed
}

void FindTab::setText() {
  if (preset_ && (presetPending_ || session_->text == presetText_)) {
    presetPending_ = false;
    presetText_ = session_->text;
    applyPreset();
    return;
  }
  preset_.reset();
  presetText_.clear();
  const int index = detectorCombo_->findData(
      QString::fromStdString(text_defaults::defaultDetector(session_->text)));
  if (index >= 0) detectorCombo_->setCurrentIndex(index);
}

void FindTab::setPresetTarget(const QString& detector, cellscope::Quantity quantity) {
  preset_ = Preset{detector, quantity};
  presetPending_ = true;
  applyPreset();
}

void FindTab::applyPreset() {
  const QString regexPrefix = QStringLiteral("regex:");
  int index = -1;
  if (preset_->detector.startsWith(regexPrefix)) {
    index = detectorCombo_->findData(QString::fromLatin1(kRegexTarget));
    regexEdit_->setText(preset_->detector.mid(regexPrefix.size()));
  } else {
    index = detectorCombo_->findData(preset_->detector);
  }
  if (index >= 0) detectorCombo_->setCurrentIndex(index);
  const int quantity = quantityCombo_->findData(static_cast<int>(preset_->quantity));
  if (quantity >= 0) quantityCombo_->setCurrentIndex(quantity);
}

void FindTab::showNeuron(const NeuronSelection& neuron) {
  if (neuron.quantity != quantity_) {
    finder::showNeuronRow(table_, 1, -1, -1);
  } else {
    finder::showNeuronRow(table_, 1, neuron.layer, neuron.neuron);
  }
}

void FindTab::updateRegexVisibility() {
  const bool regex = detectorCombo_->currentData().toString() == QLatin1String(kRegexTarget);
  regexEdit_->setVisible(regex);
  if (regex) regexEdit_->setFocus();
}

void FindTab::clearResults() {
  scores_.clear();
  const QSignalBlocker block(table_->selectionModel());
  table_->setRowCount(0);
}

void FindTab::run() {
  if (!checkReady()) return;
  FindRequest request;
  const QString target = detectorCombo_->currentData().toString();
  if (target == QLatin1String(kSelectionTarget)) {
    if (!session_->hasSelection()) {
      status_->setText(
          tr("The selection is empty: select a span of the text first (the target is 1 inside "
             "it, 0 elsewhere)."));
      return;
    }
    request.spans.emplace_back(session_->selectionBegin, session_->selectionEnd);
  } else if (target == QLatin1String(kRegexTarget)) {
    if (regexEdit_->text().isEmpty()) {
      status_->setText(tr("Type a regular expression first."));
      return;
    }
    request.detector = "regex:" + regexEdit_->text().toStdString();
  } else {
    request.detector = target.toStdString();
  }
  request.quantity = static_cast<cellscope::Quantity>(quantityCombo_->currentData().toInt());
  request.top = kTopNeurons;
  startJob(request, &AnalysisWorker::find, AnalysisWorker::Kind::kFind);
}

void FindTab::onFound(const FindResult& result) {
  if (!finishJob(result)) return;
  scores_ = result.scores;
  quantity_ = result.quantity;
  status_->setText(tr("%1 against %2: %3 of %4 positions positive. Best %5 neurons by |r|.")
                       .arg(finder::quantityName(result.quantity), result.target)
                       .arg(result.positives)
                       .arg(result.positions)
                       .arg(result.scores.size()));
  const QSignalBlocker block(table_->selectionModel());
  table_->setSortingEnabled(false);
  table_->setRowCount(static_cast<int>(scores_.size()));
  for (int row = 0; row < static_cast<int>(scores_.size()); ++row) {
    const cellscope::NeuronScore& s = scores_[static_cast<std::size_t>(row)];
    table_->setItem(row, 0, new NumberItem(QString::number(row + 1), row + 1));
    auto* name = new NumberItem(finder::neuronName(s.layer, s.neuron), s.layer * 1e7 + s.neuron);
    name->setData(finder::kLayerRole, s.layer);
    name->setData(finder::kNeuronRole, s.neuron);
    table_->setItem(row, 1, name);
    table_->setItem(row, 2,
                    new NumberItem(finder::number(s.correlation, 3), std::fabs(s.correlation)));
    table_->setItem(row, 3, new NumberItem(finder::number(s.auc, 3), s.auc));
  }
  table_->setSortingEnabled(true);
  table_->resizeColumnsToContents();
  // The text is coloured by the best neuron, and its row (wherever the sort put it) highlighted:
  // never a stale row of the previous ranking.
  if (!scores_.empty()) {
    const cellscope::NeuronScore& best = scores_.front();
    finder::showNeuronRow(table_, 1, best.layer, best.neuron);
    emit neuronChosen(NeuronSelection{best.layer, best.neuron, quantity_});
  } else {
    finder::showNeuronRow(table_, 1, -1, -1);
  }
}

void FindTab::emitRow(int row) {
  const QTableWidgetItem* item = table_->item(row, 1);
  if (item == nullptr) return;
  emit neuronChosen(NeuronSelection{item->data(finder::kLayerRole).toInt(),
                                    item->data(finder::kNeuronRole).toInt(), quantity_});
}
