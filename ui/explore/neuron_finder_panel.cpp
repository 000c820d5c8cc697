// NeuronFinderPanel: the worker lives on thread_ and is only reached through queued calls
// carrying copies; results come back as queued signals and are dropped unless their job id is
// the running one of their kind and their text id the current one. Lists emit a choice once
// per user action: a click (on release), a keyboard move of the current row, or Enter.
#include "neuron_finder_panel.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <functional>

#include "checkpoint.h"
#include "detectors.h"
#include "saturation_plot.h"
#include "common/worker_thread.h"

namespace {

constexpr int kProgressSteps = 1000;
constexpr int kLayerRole = Qt::UserRole + 1;
constexpr int kNeuronRole = Qt::UserRole + 2;
constexpr int kBeginRole = Qt::UserRole + 1;
constexpr int kEndRole = Qt::UserRole + 2;

// A table cell sorted by the number in Qt::UserRole (NaN first in ascending order).
class NumberItem : public QTableWidgetItem {
 public:
  NumberItem(const QString& text, double key) : QTableWidgetItem(text) {
    setData(Qt::UserRole, std::isnan(key) ? -1e300 : key);
    setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
  }
};

// Calls `choose(row)` once per user choice in an item view: on a mouse click (not on the press
// that moves the current row), on a keyboard move of the current row, and on Enter.
class ItemChoice : public QObject {
 public:
  ItemChoice(QAbstractItemView* view, std::function<void(int)> choose)
      : QObject(view), choose_(std::move(choose)) {
    view->viewport()->installEventFilter(this);
    connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
              if (!mouseDown_ && current.isValid()) choose_(current.row());
            });
    connect(view, &QAbstractItemView::clicked, this, [this](const QModelIndex& index) {
      clickedRow_ = index.row();
      choose_(index.row());
    });
    connect(view, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
      if (index.row() != clickedRow_) choose_(index.row());
    });
  }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::MouseButtonPress) {
      mouseDown_ = true;
      clickedRow_ = -1;
    } else if (event->type() == QEvent::MouseButtonRelease) {
      mouseDown_ = false;
    }
    return QObject::eventFilter(watched, event);
  }

 private:
  std::function<void(int)> choose_;
  bool mouseDown_ = false;
  int clickedRow_ = -1;
};

QTableWidget* makeTable(const QString& name, const QStringList& headers) {
  auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
  table->setObjectName(name);
  table->setHorizontalHeaderLabels(headers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setSelectionMode(QAbstractItemView::SingleSelection);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->setVisible(false);
  table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table->horizontalHeader()->setStretchLastSection(true);
  return table;
}

QProgressBar* makeProgress(const QString& name) {
  auto* bar = new QProgressBar;
  bar->setObjectName(name);
  bar->setRange(0, kProgressSteps);
  bar->setVisible(false);
  return bar;
}

QLabel* makeStatus(const QString& name) {
  auto* label = new QLabel;
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QString neuronName(int layer, int neuron) {
  return QStringLiteral("%1:%2").arg(layer).arg(neuron);
}

QString number(double v, int decimals) {
  return std::isnan(v) ? QStringLiteral("—") : QString::number(v, 'f', decimals);
}

QString quantityName(cellscope::Quantity q) {
  return QString::fromStdString(cellscope::to_string(q));
}

}  // namespace

NeuronFinderPanel::NeuronFinderPanel(QWidget* parent) : QWidget(parent) {
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("finderTabs"));
  tabs_->addTab(buildFindTab(), tr("Find"));
  tabs_->addTab(buildMatchTab(), tr("Match"));
  tabs_->addTab(buildSaturationTab(), tr("Saturation"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_);
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
    if (index == 2 && saturationStale_ && saturationJob_ == 0 && model_ && !text_.empty())
      runSaturation();
  });

  worker_ = new AnalysisWorker;
  thread_ = startWorkerThread(this, worker_, QStringLiteral("analysisThread"));
  connect(worker_, &AnalysisWorker::progress, this, &NeuronFinderPanel::onProgress);
  connect(worker_, &AnalysisWorker::found, this, &NeuronFinderPanel::onFound);
  connect(worker_, &AnalysisWorker::matched, this, &NeuronFinderPanel::onMatched);
  connect(worker_, &AnalysisWorker::saturationReady, this, &NeuronFinderPanel::onSaturation);
  updateSelectionLabel();
}

NeuronFinderPanel::~NeuronFinderPanel() {
  worker_->wantText(0);
  joinWorkerThread(thread_, worker_);
}

QWidget* NeuronFinderPanel::buildFindTab() {
  auto* page = new QWidget;
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
      tr("Every character of a match of an ECMAScript regular expression, line by line"),
      Qt::ToolTipRole);
  regexEdit_ = new QLineEdit;
  regexEdit_->setObjectName(QStringLiteral("finderRegexEdit"));
  regexEdit_->setPlaceholderText(tr("regular expression, e.g. https?://[^ ]+"));
  findQuantityCombo_ = new QComboBox;
  findQuantityCombo_->setObjectName(QStringLiteral("finderQuantityCombo"));
  findButton_ = new QPushButton(tr("Find neurons"));
  findButton_->setObjectName(QStringLiteral("finderRunButton"));
  findProgress_ = makeProgress(QStringLiteral("finderProgress"));
  findStatus_ = makeStatus(QStringLiteral("finderStatus"));
  findTable_ =
      makeTable(QStringLiteral("finderResults"), {tr("#"), tr("Neuron"), tr("r"), tr("AUC")});
  findTable_->horizontalHeaderItem(2)->setToolTip(tr("Pearson correlation (sorts by |r|)"));
  findTable_->horizontalHeaderItem(3)->setToolTip(tr("ROC-AUC: P(positive > negative)"));
  findTable_->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
  findTable_->setSortingEnabled(true);

  auto* form = new QFormLayout;
  form->addRow(tr("Target"), detectorCombo_);
  form->addRow(QString(), regexEdit_);
  form->addRow(tr("Quantity"), findQuantityCombo_);
  auto* layout = new QVBoxLayout(page);
  layout->addLayout(form);
  layout->addWidget(findButton_);
  layout->addWidget(findProgress_);
  layout->addWidget(findStatus_);
  layout->addWidget(findTable_, 1);

  connect(detectorCombo_, &QComboBox::currentIndexChanged, this,
          &NeuronFinderPanel::updateRegexVisibility);
  connect(findButton_, &QPushButton::clicked, this, &NeuronFinderPanel::runFind);
  connect(regexEdit_, &QLineEdit::returnPressed, this, &NeuronFinderPanel::runFind);
  new ItemChoice(findTable_, [this](int row) { emitFindRow(row); });
  updateRegexVisibility();
  return page;
}

QWidget* NeuronFinderPanel::buildMatchTab() {
  auto* page = new QWidget;
  selectionLabel_ = makeStatus(QStringLiteral("matchSelectionLabel"));
  thresholdSpin_ = new QDoubleSpinBox;
  thresholdSpin_->setObjectName(QStringLiteral("matchThresholdSpin"));
  thresholdSpin_->setRange(-1000.0, 1000.0);
  thresholdSpin_->setDecimals(3);
  thresholdSpin_->setSingleStep(0.05);
  thresholdSpin_->setValue(0.5);
  thresholdSpin_->setToolTip(tr("A neuron is on where its value is ≥ this"));
  matchQuantityCombo_ = new QComboBox;
  matchQuantityCombo_->setObjectName(QStringLiteral("matchQuantityCombo"));
  matchLayerCombo_ = new QComboBox;
  matchLayerCombo_->setObjectName(QStringLiteral("matchLayerCombo"));
  matchButton_ = new QPushButton(tr("Match"));
  matchButton_->setObjectName(QStringLiteral("matchRunButton"));
  matchProgress_ = makeProgress(QStringLiteral("matchProgress"));
  matchStatus_ = makeStatus(QStringLiteral("matchStatus"));
  matchNeurons_ = new QListWidget;
  matchNeurons_->setObjectName(QStringLiteral("matchNeurons"));
  matchNeurons_->setFlow(QListView::LeftToRight);
  matchNeurons_->setWrapping(true);
  matchNeurons_->setMaximumHeight(90);
  matchRanges_ =
      makeTable(QStringLiteral("matchRanges"), {tr("Score"), tr("Position"), tr("Text")});

  auto* form = new QFormLayout;
  form->addRow(tr("Threshold"), thresholdSpin_);
  form->addRow(tr("Quantity"), matchQuantityCombo_);
  form->addRow(tr("Layer"), matchLayerCombo_);
  auto* layout = new QVBoxLayout(page);
  layout->addWidget(selectionLabel_);
  layout->addLayout(form);
  layout->addWidget(matchButton_);
  layout->addWidget(matchProgress_);
  layout->addWidget(matchStatus_);
  layout->addWidget(new QLabel(tr("Neurons on through the selection")));
  layout->addWidget(matchNeurons_);
  layout->addWidget(new QLabel(tr("Where they switch on together")));
  layout->addWidget(matchRanges_, 1);

  connect(matchButton_, &QPushButton::clicked, this, &NeuronFinderPanel::runMatch);
  new ItemChoice(matchNeurons_, [this](int row) {
    const QListWidgetItem* item = matchNeurons_->item(row);
    if (item == nullptr) return;
    emit neuronChosen(NeuronSelection{item->data(kLayerRole).toInt(),
                                      item->data(kNeuronRole).toInt(), match_.query.quantity});
  });
  new ItemChoice(matchRanges_, [this](int row) {
    const QTableWidgetItem* item = matchRanges_->item(row, 1);
    if (item == nullptr) return;
    emit rangeChosen(item->data(kBeginRole).toLongLong(), item->data(kEndRole).toLongLong());
  });
  return page;
}

QWidget* NeuronFinderPanel::buildSaturationTab() {
  auto* page = new QWidget;
  saturationLayerCombo_ = new QComboBox;
  saturationLayerCombo_->setObjectName(QStringLiteral("saturationLayerCombo"));
  saturationButton_ = new QPushButton(tr("Compute"));
  saturationButton_->setObjectName(QStringLiteral("saturationRunButton"));
  saturationProgress_ = makeProgress(QStringLiteral("saturationProgress"));
  saturationStatus_ = makeStatus(QStringLiteral("saturationStatus"));
  saturationPlot_ = new SaturationPlot;
  saturationPlot_->setObjectName(QStringLiteral("saturationPlot"));

  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Layer")));
  row->addWidget(saturationLayerCombo_, 1);
  row->addWidget(saturationButton_);
  auto* layout = new QVBoxLayout(page);
  layout->addLayout(row);
  layout->addWidget(saturationProgress_);
  layout->addWidget(saturationStatus_);
  layout->addWidget(saturationPlot_, 1);

  connect(saturationButton_, &QPushButton::clicked, this, &NeuronFinderPanel::runSaturation);
  connect(saturationLayerCombo_, &QComboBox::currentIndexChanged, this,
          &NeuronFinderPanel::showSaturationLayer);
  connect(saturationPlot_, &SaturationPlot::pointClicked, this, &NeuronFinderPanel::neuronChosen);
  return page;
}

// ---- inputs ------------------------------------------------------------------------------------

void NeuronFinderPanel::setModel(std::shared_ptr<const cellscope::ModelFile> model) {
  model_ = std::move(model);
  config_ = model_ ? model_->model : cellscope::ModelConfig{};
  fillQuantities(findQuantityCombo_);
  fillQuantities(matchQuantityCombo_);
  {
    const QSignalBlocker blockMatch(matchLayerCombo_), blockSaturation(saturationLayerCombo_);
    matchLayerCombo_->clear();
    saturationLayerCombo_->clear();
    matchLayerCombo_->addItem(tr("All layers"), -1);
    for (int l = 0; model_ && l < config_.num_layers; ++l) {
      matchLayerCombo_->addItem(tr("Layer %1").arg(l), l);
      saturationLayerCombo_->addItem(tr("Layer %1").arg(l), l);
    }
    saturationLayerCombo_->setCurrentIndex(saturationLayerCombo_->count() - 1);
  }
  ++textId_;
  worker_->wantText(textId_);
  AnalysisWorker* worker = worker_;
  std::shared_ptr<const cellscope::ModelFile> file = model_;
  const quint64 id = textId_;
  const std::u32string text = text_;
  QMetaObject::invokeMethod(
      worker_,
      [worker, file, id, text] {
        worker->setModel(file);
        worker->setText(id, text);
      },
      Qt::QueuedConnection);
  resetResults();
}

void NeuronFinderPanel::setText(const std::u32string& text) {
  text_ = text;
  selectionBegin_ = selectionEnd_ = 0;
  ++textId_;
  worker_->wantText(textId_);
  AnalysisWorker* worker = worker_;
  const quint64 id = textId_;
  QMetaObject::invokeMethod(
      worker_, [worker, id, text] { worker->setText(id, text); }, Qt::QueuedConnection);
  resetResults();
  updateSelectionLabel();
  if (tabs_->currentIndex() == 2 && model_ && !text_.empty()) runSaturation();
}

void NeuronFinderPanel::setSelection(qint64 begin, qint64 end) {
  const auto n = static_cast<qint64>(text_.size());
  selectionBegin_ = std::clamp<qint64>(begin, 0, n);
  selectionEnd_ = std::clamp<qint64>(end, selectionBegin_, n);
  updateSelectionLabel();
}

void NeuronFinderPanel::fillQuantities(QComboBox* combo) {
  const QSignalBlocker block(combo);
  combo->clear();
  if (!model_) return;
  for (cellscope::Quantity q : cellscope::cell_quantities(config_.cell))
    combo->addItem(quantityName(q), static_cast<int>(q));
  const auto preferred = config_.cell == cellscope::CellType::kLstm ? cellscope::Quantity::kTanhCell
                                                                    : cellscope::Quantity::kHidden;
  combo->setCurrentIndex(combo->findData(static_cast<int>(preferred)));
}

void NeuronFinderPanel::updateSelectionLabel() {
  if (selectionEnd_ <= selectionBegin_) {
    selectionLabel_->setText(tr("No selection: select a span of the text to match."));
  } else {
    selectionLabel_->setText(tr("Selection [%1, %2): “%3”")
                                 .arg(selectionBegin_)
                                 .arg(selectionEnd_)
                                 .arg(excerpt(selectionBegin_, selectionEnd_, 40)));
  }
}

void NeuronFinderPanel::updateRegexVisibility() {
  const bool regex = detectorCombo_->currentData().toString() == QLatin1String(kRegexTarget);
  regexEdit_->setVisible(regex);
  if (regex) regexEdit_->setFocus();
}

QString NeuronFinderPanel::excerpt(qint64 begin, qint64 end, int maxChars) const {
  QString out;
  for (qint64 i = begin; i < end && i < static_cast<qint64>(text_.size()); ++i) {
    if (i - begin == maxChars) return out + QStringLiteral("…");
    const char32_t c = text_[static_cast<std::size_t>(i)];
    if (c == U'\n') {
      out += QStringLiteral("↵");
    } else if (c == U'\t') {
      out += QStringLiteral("→");
    } else {
      out += QString::fromUcs4(&c, 1);
    }
  }
  return out;
}

QString NeuronFinderPanel::findStatus() const {
  return findStatus_->text();
}
QString NeuronFinderPanel::matchStatus() const {
  return matchStatus_->text();
}
QString NeuronFinderPanel::saturationStatus() const {
  return saturationStatus_->text();
}

// ---- jobs --------------------------------------------------------------------------------------

void NeuronFinderPanel::resetResults() {
  findJob_ = matchJob_ = saturationJob_ = 0;  // their results will be stale: dropped
  for (QProgressBar* bar : {findProgress_, matchProgress_, saturationProgress_}) bar->hide();
  for (QLabel* label : {findStatus_, matchStatus_, saturationStatus_}) label->clear();
  findScores_.clear();
  {
    const QSignalBlocker block(findTable_->selectionModel());
    findTable_->setRowCount(0);
  }
  match_ = MatchJobResult{};
  {
    const QSignalBlocker blockNeurons(matchNeurons_->selectionModel());
    const QSignalBlocker blockRanges(matchRanges_->selectionModel());
    matchNeurons_->clear();
    matchRanges_->setRowCount(0);
  }
  saturation_ = SaturationResult{};
  saturationStale_ = true;
  saturationPlot_->clear();
}

bool NeuronFinderPanel::checkReady(QLabel* status) const {
  if (!model_) {
    status->setText(tr("Load a model first."));
  } else if (text_.empty()) {
    status->setText(tr("Open a text first."));
  } else {
    return true;
  }
  return false;
}

template <typename Request>
void NeuronFinderPanel::startJob(Request request, void (AnalysisWorker::*slot)(const Request&),
                                 AnalysisWorker::Kind kind, quint64* running, QProgressBar* bar,
                                 QLabel* status) {
  request.textId = textId_;
  request.jobId = *running = ++nextJob_;
  worker_->wantJob(kind, request.jobId);
  bar->setValue(0);
  bar->show();
  status->setText(tr("Reading the text…"));
  AnalysisWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, slot, request] { (worker->*slot)(request); }, Qt::QueuedConnection);
}

void NeuronFinderPanel::runFind() {
  if (!checkReady(findStatus_)) return;
  FindRequest request;
  const QString target = detectorCombo_->currentData().toString();
  if (target == QLatin1String(kSelectionTarget)) {
    if (selectionEnd_ <= selectionBegin_) {
      findStatus_->setText(
          tr("The selection is empty: select a span of the text first (the target is 1 inside "
             "it, 0 elsewhere)."));
      return;
    }
    request.spans.emplace_back(selectionBegin_, selectionEnd_);
  } else if (target == QLatin1String(kRegexTarget)) {
    if (regexEdit_->text().isEmpty()) {
      findStatus_->setText(tr("Type a regular expression first."));
      return;
    }
    request.detector = "regex:" + regexEdit_->text().toStdString();
  } else {
    request.detector = target.toStdString();
  }
  request.quantity = static_cast<cellscope::Quantity>(findQuantityCombo_->currentData().toInt());
  request.top = kTopNeurons;
  startJob(request, &AnalysisWorker::find, AnalysisWorker::Kind::kFind, &findJob_, findProgress_,
           findStatus_);
}

void NeuronFinderPanel::runMatch() {
  if (!checkReady(matchStatus_)) return;
  if (selectionEnd_ <= selectionBegin_) {
    matchStatus_->setText(tr("The selection is empty: select a span of the text first."));
    return;
  }
  MatchRequest request;
  request.query.begin = selectionBegin_;
  request.query.end = selectionEnd_;
  request.query.threshold = static_cast<float>(thresholdSpin_->value());
  request.query.quantity =
      static_cast<cellscope::Quantity>(matchQuantityCombo_->currentData().toInt());
  request.query.layer = matchLayerCombo_->currentData().toInt();
  startJob(request, &AnalysisWorker::match, AnalysisWorker::Kind::kMatch, &matchJob_,
           matchProgress_, matchStatus_);
}

void NeuronFinderPanel::runSaturation() {
  if (!checkReady(saturationStatus_)) return;
  SaturationRequest request;
  startJob(request, &AnalysisWorker::saturation, AnalysisWorker::Kind::kSaturation, &saturationJob_,
           saturationProgress_, saturationStatus_);
}

void NeuronFinderPanel::onProgress(quint64 jobId, double fraction) {
  const int value = static_cast<int>(std::lround(fraction * kProgressSteps));
  if (jobId == 0) return;
  if (jobId == findJob_) findProgress_->setValue(value);
  if (jobId == matchJob_) matchProgress_->setValue(value);
  if (jobId == saturationJob_) saturationProgress_->setValue(value);
}

// ---- results -----------------------------------------------------------------------------------

template <typename Result>
bool NeuronFinderPanel::finishJob(const Result& result, quint64* running, QProgressBar* bar,
                                  QLabel* status) {
  if (result.jobId != *running || result.textId != textId_) return false;  // stale
  *running = 0;
  bar->hide();
  if (!result.error.isEmpty()) {
    status->setText(tr("Error: %1").arg(result.error));
  } else if (result.cancelled) {
    status->setText(tr("Cancelled."));
  }
  return result.error.isEmpty() && !result.cancelled;
}

void NeuronFinderPanel::onFound(const FindResult& result) {
  if (!finishJob(result, &findJob_, findProgress_, findStatus_)) return;
  findScores_ = result.scores;
  findQuantity_ = result.quantity;
  findStatus_->setText(tr("%1 against %2: %3 of %4 positions positive. Best %5 neurons by |r|.")
                           .arg(quantityName(result.quantity), result.target)
                           .arg(result.positives)
                           .arg(result.positions)
                           .arg(result.scores.size()));
  const QSignalBlocker block(findTable_->selectionModel());
  findTable_->setSortingEnabled(false);
  findTable_->setRowCount(static_cast<int>(findScores_.size()));
  for (int row = 0; row < static_cast<int>(findScores_.size()); ++row) {
    const cellscope::NeuronScore& s = findScores_[static_cast<std::size_t>(row)];
    findTable_->setItem(row, 0, new NumberItem(QString::number(row + 1), row + 1));
    auto* name = new NumberItem(neuronName(s.layer, s.neuron), s.layer * 1e7 + s.neuron);
    name->setData(kLayerRole, s.layer);
    name->setData(kNeuronRole, s.neuron);
    findTable_->setItem(row, 1, name);
    findTable_->setItem(row, 2, new NumberItem(number(s.correlation, 3), std::fabs(s.correlation)));
    findTable_->setItem(row, 3, new NumberItem(number(s.auc, 3), s.auc));
  }
  findTable_->setSortingEnabled(true);
  findTable_->resizeColumnsToContents();
}

void NeuronFinderPanel::emitFindRow(int row) {
  const QTableWidgetItem* item = findTable_->item(row, 1);
  if (item == nullptr) return;
  emit neuronChosen(NeuronSelection{item->data(kLayerRole).toInt(), item->data(kNeuronRole).toInt(),
                                    findQuantity_});
}

void NeuronFinderPanel::onMatched(const MatchJobResult& result) {
  if (!finishJob(result, &matchJob_, matchProgress_, matchStatus_)) return;
  match_ = result;
  const cellscope::MatchQuery& q = result.query;
  const QSignalBlocker blockNeurons(matchNeurons_->selectionModel());
  const QSignalBlocker blockRanges(matchRanges_->selectionModel());
  matchNeurons_->clear();
  for (const cellscope::NeuronRef& n : result.result.selected) {
    auto* item = new QListWidgetItem(neuronName(n.layer, n.neuron), matchNeurons_);
    item->setData(kLayerRole, n.layer);
    item->setData(kNeuronRole, n.neuron);
  }
  QVector<QPair<qint64, qint64>> ranges;
  matchRanges_->setRowCount(static_cast<int>(result.result.matches.size()));
  for (int row = 0; row < matchRanges_->rowCount(); ++row) {
    const cellscope::RangeMatch& m = result.result.matches[static_cast<std::size_t>(row)];
    ranges.append({m.begin, m.end});
    auto* score = new NumberItem(QString::number(m.score, 'f', 3), m.score);
    score->setToolTip(tr("%1 shared, %2 extra").arg(m.shared).arg(m.extra));
    matchRanges_->setItem(row, 0, score);
    auto* position = new QTableWidgetItem(QStringLiteral("%1–%2").arg(m.begin).arg(m.end));
    position->setData(kBeginRole, static_cast<qint64>(m.begin));
    position->setData(kEndRole, static_cast<qint64>(m.end));
    matchRanges_->setItem(row, 1, position);
    matchRanges_->setItem(row, 2, new QTableWidgetItem(excerpt(m.begin, m.end, 40)));
  }
  matchRanges_->resizeColumnsToContents();
  if (result.result.selected.empty()) {
    matchStatus_->setText(tr("No neuron has %1 ≥ %2 through the whole selection and below it at "
                             "its edges. Try a lower threshold or another quantity.")
                              .arg(quantityName(q.quantity))
                              .arg(q.threshold));
  } else {
    matchStatus_->setText(tr("%1 neuron(s) with %2 ≥ %3 through [%4, %5); %6 other range(s).")
                              .arg(result.result.selected.size())
                              .arg(quantityName(q.quantity))
                              .arg(q.threshold)
                              .arg(q.begin)
                              .arg(q.end)
                              .arg(ranges.size()));
  }
  emit matchesFound(ranges);
}

void NeuronFinderPanel::onSaturation(const SaturationResult& result) {
  if (!finishJob(result, &saturationJob_, saturationProgress_, saturationStatus_)) return;
  saturation_ = result;
  saturationStale_ = false;
  saturationStatus_->setText(
      tr("Over %1 characters. Hover a point for its neuron; click it to show it.")
          .arg(text_.size()));
  showSaturationLayer();
}

void NeuronFinderPanel::showSaturationLayer() {
  if (saturation_.stats.empty()) return;
  saturationPlot_->setData(saturationLayerCombo_->currentData().toInt(), saturation_.gates,
                           saturation_.stats);
}
