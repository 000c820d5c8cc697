// ComparisonController: jobs are numbered per slot; a new text or model bumps the slot's job and
// tells the worker (atomics), so late results for an old text are dropped here. A's scores are
// made only when a colouring or a comparison needs them. The difference is A − B subtracted here
// from the kept arrays (compare_scores' detectors, which take longer, run on the worker).
#include "comparison_controller.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QThread>
#include <cmath>
#include <limits>

#include "activation_plot.h"
#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "common/neuron_selector.h"
#include "common/worker_thread.h"
#include "comparison_summary.h"
#include "neuron_finder_panel.h"
#include "neuron_heatmap.h"

Q_LOGGING_CATEGORY(lcCompare, "cellscope.compare", QtWarningMsg)

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
// The colour scales' tops in bits (the same colours in nats): a character model is rarely
// surprised by more than 8 bits, its entropy rarely above 6, and 4 bits is a 16-fold odds gap.
constexpr double kSurprisalTopBits = 8.0;
constexpr double kEntropyTopBits = 6.0;
constexpr double kDifferenceTopBits = 4.0;

QString swatch(QRgb rgb) {
  return QStringLiteral("<span style=\"background-color:%1\">&nbsp;&nbsp;&nbsp;</span>")
      .arg(QColor(rgb).name());
}

QString number(double value) {
  return std::isnan(value) ? QStringLiteral("–") : QString::number(value, 'f', 3);
}

}  // namespace

ComparisonController::ComparisonController(const ExplorerLayout& ui, QWidget* pane)
    : QObject(pane), ui_(ui), pane_(pane) {
  compareAction_ = new QAction(tr("Compare With &Model…"), this);
  compareAction_->setObjectName(QStringLiteral("actionCompareWithModel"));
  compareAction_->setStatusTip(
      tr("Open a second model (.csm, a kept checkpoint or an n-gram) on this text and colour by "
         "the difference in surprisal"));
  closeAction_ = new QAction(tr("Close &Comparison"), this);
  closeAction_->setObjectName(QStringLiteral("actionCloseComparison"));
  closeAction_->setToolTip(tr("Close the comparison (forget the second model)"));
  closeAction_->setText(tr("Close Comparison"));
  closeAction_->setEnabled(false);
  connect(compareAction_, &QAction::triggered, this, &ComparisonController::chooseSecondModel);
  connect(closeAction_, &QAction::triggered, this, &ComparisonController::closeComparison);
  connect(ui_.compareButton, &QPushButton::clicked, compareAction_, &QAction::trigger);
  ui_.summary->setCloseAction(closeAction_);

  connect(ui_.colourByCombo, qOverload<int>(&QComboBox::activated), this,
          [this](int index) { setColourBy(static_cast<ColourBy>(index)); });
  connect(ui_.bitsCheck, &QCheckBox::toggled, this, &ComparisonController::setBits);
  // A neuron picked in the heatmap or the finder is a wish to see it: back to Neuron.
  const auto toNeuron = [this] { setColourBy(ColourBy::kNeuron); };
  connect(ui_.heatmap, &NeuronHeatmap::neuronClicked, this, toNeuron);
  connect(ui_.finder, &NeuronFinderPanel::neuronChosen, this, toNeuron);

  worker_ = new SurprisalWorker;
  thread_ = startWorkerThread(this, worker_, QStringLiteral("surprisalThread"));
  connect(worker_, &SurprisalWorker::scored, this, &ComparisonController::onScored);
  connect(worker_, &SurprisalWorker::compared, this, &ComparisonController::onCompared);
  connect(worker_, &SurprisalWorker::progress, this, &ComparisonController::onProgress);
  updateControls();
}

ComparisonController::~ComparisonController() {
  worker_->want(0, 0);
  worker_->want(1, 0);
  joinWorkerThread(thread_, worker_);
}

void ComparisonController::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  hasModel_ = file != nullptr;
  worker_->want(0, ++jobs_[0]);
  pending_[0] = false;
  scores_[0].reset();
  comparison_.reset();
  // Slot B's work under way belonged to the old A (a comparison) or is asked again below.
  worker_->want(1, ++jobs_[1]);
  pending_[1] = false;
  comparing_ = false;
  SurprisalWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, file] { worker->setModel(file); }, Qt::QueuedConnection);
  if (!pendingSecond_.isEmpty()) openSecondModel(pendingSecond_);
  // The pane shows the text again after a model change; setText() asks for the scores.
}

void ComparisonController::setText(const std::u32string& text) {
  text_ = std::make_shared<const std::u32string>(text);
  for (int slot = 0; slot < 2; ++slot) {
    worker_->want(slot, ++jobs_[slot]);
    pending_[slot] = false;
    scores_[slot].reset();
  }
  comparison_.reset();
  comparing_ = false;
  neuronValues_.assign(text.size(), kNaN);
  shown_.assign(text.size(), kNaN);
  if (hasSecondModel()) ui_.summary->clear();
  // A second model still being opened was opened for the old text: open it for this one.
  if (!pendingSecond_.isEmpty()) openSecondModel(pendingSecond_);
  requestScores();
  refresh();
}

void ComparisonController::setNeuronValues(const std::vector<float>& values) {
  neuronValues_ = values;
  if (!showing()) ui_.view->setValues(values);
}

void ComparisonController::setNeuronValuesAt(int begin, const std::vector<float>& values) {
  if (begin >= 0 && static_cast<std::size_t>(begin) + values.size() <= neuronValues_.size())
    std::copy(values.begin(), values.end(), neuronValues_.begin() + begin);
  if (!showing()) ui_.view->setValuesAt(begin, values);
}

// Scores are asked for what is shown or compared; each slot once per text and model.
void ComparisonController::requestScores() {
  if (!text_ || !hasModel_) return;
  const bool wantA = showing() || hasSecondModel();
  SurprisalWorker* worker = worker_;
  const auto text = text_;
  if (wantA && !scores_[0] && !pending_[0]) {
    pending_[0] = true;
    const quint64 job = jobs_[0];
    QMetaObject::invokeMethod(
        worker_, [worker, job, text] { worker->score(job, 0, text); }, Qt::QueuedConnection);
  }
  if (hasSecondModel() && !scores_[1] && !pending_[1] && pendingSecond_.isEmpty()) {
    pending_[1] = true;
    const quint64 job = jobs_[1];
    QMetaObject::invokeMethod(
        worker_, [worker, job, text] { worker->score(job, 1, text); }, Qt::QueuedConnection);
  }
  if (hasSecondModel() && scores_[0] && scores_[1] && !comparison_ && !comparing_) {
    comparing_ = true;
    const quint64 job = jobs_[1];
    const auto a = scores_[0], b = scores_[1];
    ui_.summary->setStatus(tr("Counting the detectors' characters…"));
    QMetaObject::invokeMethod(
        worker_, [worker, job, a, b, text] { worker->compare(job, a, b, text); },
        Qt::QueuedConnection);
  }
}

void ComparisonController::chooseSecondModel() {
  const QString path = QFileDialog::getOpenFileName(
      pane_, tr("Compare With Model"), lastDir_,
      tr("Models and n-grams (*.csm *.ngram);;All files (*)"));
  if (!path.isEmpty()) openSecondModel(path);
}

void ComparisonController::openSecondModel(const QString& path) {
  const QString absolutePath = QFileInfo(path).absoluteFilePath();
  lastDir_ = QFileInfo(absolutePath).absolutePath();
  pendingSecond_ = absolutePath;
  worker_->want(1, ++jobs_[1]);
  pending_[1] = text_ != nullptr;
  ui_.summary->setStatus(tr("Opening %1…").arg(QFileInfo(absolutePath).fileName()));
  SurprisalWorker* worker = worker_;
  const quint64 job = jobs_[1];
  const auto text = text_;
  QMetaObject::invokeMethod(
      worker_, [worker, job, absolutePath, text] { worker->loadSecond(job, absolutePath, text); },
      Qt::QueuedConnection);
}

void ComparisonController::closeComparison() {
  worker_->want(1, ++jobs_[1]);
  pending_[1] = false;
  pendingSecond_.clear();
  secondPath_.clear();
  scores_[1].reset();
  comparison_.reset();
  comparing_ = false;
  QMetaObject::invokeMethod(worker_, &SurprisalWorker::closeSecond, Qt::QueuedConnection);
  ui_.summary->clear();
  if (colourBy_ == ColourBy::kDifference) {
    setColourBy(ColourBy::kSurprisal);
  } else {
    updateControls();
  }
}

void ComparisonController::onProgress(quint64 jobId, int slot, double fraction) {
  if (jobId != jobs_[slot]) return;
  const QString status = tr("Scoring %1 %2%…")
                             .arg(slot == 0 ? QStringLiteral("A") : QStringLiteral("B"))
                             .arg(qRound(100.0 * fraction));
  if (hasSecondModel() || !pendingSecond_.isEmpty()) ui_.summary->setStatus(status);
  if (showing() && !isColoured()) ui_.legendLabel->setText(status);
}

void ComparisonController::onScored(const SurprisalResult& result) {
  const int slot = result.slot;
  if (result.jobId != jobs_[slot]) return;
  pending_[slot] = false;
  const bool opening = slot == 1 && !pendingSecond_.isEmpty();
  if (!result.error.isEmpty()) {
    if (opening) {
      pendingSecond_.clear();
      // The previous B (if any) is still loaded on the worker but its scores were dropped with
      // the job: ask for them again so the comparison shown stays whole.
      ui_.summary->setStatus(QString());
      if (hasSecondModel()) {
        worker_->want(1, ++jobs_[1]);
        comparing_ = false;
        requestScores();
      }
      updateControls();
    }
    emit comparisonFailed(result.error);
    QMessageBox::critical(pane_, opening ? tr("Cannot compare") : tr("Cannot score the text"),
                          result.error);
    return;
  }
  if (slot == 0) firstDescription_ = result.description;
  if (opening) {
    secondPath_ = pendingSecond_;
    secondDescription_ = result.description;
    pendingSecond_.clear();
    comparison_.reset();
    comparing_ = false;
    colourBy_ = ColourBy::kDifference;  // what the user opened it for
  }
  if (result.scores) scores_[slot] = result.scores;
  if (hasSecondModel()) {
    const QString a = firstDescription_.isEmpty() ? tr("this model")
                                                  : tr("this model (%1)").arg(firstDescription_);
    ui_.summary->setModels(a, tr("%1 (%2)").arg(QFileInfo(secondPath_).fileName(),
                                                secondDescription_));
  }
  requestScores();
  refresh();
  updateControls();
}

void ComparisonController::onCompared(const ComparisonResult& result) {
  if (result.jobId != jobs_[1]) return;
  comparing_ = false;
  if (!result.error.isEmpty()) {
    ui_.summary->setStatus(result.error);
    return;
  }
  comparison_ = result.comparison;
  ui_.summary->setComparison(*comparison_, unit(), unitName());
  emit comparisonReady();
}

void ComparisonController::setColourBy(ColourBy mode) {
  if (mode == ColourBy::kDifference && !hasSecondModel()) mode = ColourBy::kSurprisal;
  const bool wasShowing = showing();
  colourBy_ = mode;
  updateControls();
  if (!showing()) {
    if (wasShowing) emit neuronColouringWanted();
    return;
  }
  requestScores();
  refresh();
}

void ComparisonController::setBits(bool bits) {
  bits_ = bits;
  updateControls();
  if (comparison_) ui_.summary->setComparison(*comparison_, unit(), unitName());
  refresh();
}

void ComparisonController::updateControls() {
  ui_.colourByCombo->setCurrentIndex(static_cast<int>(colourBy_));
  if (auto* items = qobject_cast<QStandardItemModel*>(ui_.colourByCombo->model()))
    items->item(static_cast<int>(ColourBy::kDifference))->setEnabled(hasSecondModel());
  ui_.bitsCheck->setChecked(bits_);
  ui_.bitsCheck->setVisible(showing() || hasSecondModel());
  ui_.selector->setEnabled(!showing());
  ui_.summary->setVisible(hasSecondModel() || !pendingSecond_.isEmpty());
  closeAction_->setEnabled(hasSecondModel());
}

double ComparisonController::unit() const {
  return bits_ ? cellscope::kNatsPerBit : 1.0;
}

QString ComparisonController::unitName() const {
  return bits_ ? tr("bits") : tr("nats");
}

bool ComparisonController::isColoured() const {
  switch (colourBy_) {
    case ColourBy::kNeuron:
      return false;
    case ColourBy::kSurprisal:
    case ColourBy::kEntropy:
      return scores_[0] != nullptr;
    case ColourBy::kDifference:
      return scores_[0] != nullptr && scores_[1] != nullptr;
  }
  return false;
}

colormap::ColorMap ComparisonController::colorMap() const {
  const double bitsPerUnit = cellscope::kNatsPerBit / unit();  // 1 in bits, ln 2 in nats
  switch (colourBy_) {
    case ColourBy::kEntropy:
      return colormap::ColorMap::sequentialTo(kEntropyTopBits * bitsPerUnit);
    case ColourBy::kDifference:
      return colormap::ColorMap::divergingTo(kDifferenceTopBits * bitsPerUnit);
    default:
      return colormap::ColorMap::sequentialTo(kSurprisalTopBits * bitsPerUnit);
  }
}

// shown_ = the chosen array in the shown unit; NaN until its scores are in.
void ComparisonController::computeValues() {
  const std::size_t n = text_ ? text_->size() : 0;
  shown_.assign(n, kNaN);
  if (!isColoured()) return;
  const float scale = static_cast<float>(1.0 / unit());
  const cellscope::CharScores& a = *scores_[0];
  if (colourBy_ == ColourBy::kDifference) {
    const std::vector<float>& sa = a.surprisal;
    const std::vector<float>& sb = scores_[1]->surprisal;
    for (std::size_t p = 0; p < n; ++p) shown_[p] = (sa[p] - sb[p]) * scale;
    return;
  }
  const std::vector<float>& source =
      colourBy_ == ColourBy::kEntropy ? a.entropy : a.surprisal;
  for (std::size_t p = 0; p < n; ++p) shown_[p] = source[p] * scale;
}

void ComparisonController::refresh() {
  if (!showing() || !text_) return;
  QElapsedTimer timer;
  timer.start();
  computeValues();
  const colormap::ColorMap map = colorMap();
  ui_.view->setColorMap(map);
  ui_.view->setValues(shown_);
  const QString top = QString::number(map.upper(), 'g', 3);
  if (colourBy_ == ColourBy::kDifference) {
    ui_.legendLabel->setText(tr("A − B, %1: %2 −%3 A better … %4 0 … %5 +%3 B better")
                                 .arg(unitName(), swatch(colormap::kNegative), top,
                                      swatch(colormap::kNeutral), swatch(colormap::kPositive)));
  } else {
    ui_.legendLabel->setText(tr("%1, %2: %3 0 … %4 %5")
                                 .arg(colourBy_ == ColourBy::kEntropy ? tr("entropy")
                                                                      : tr("surprisal"),
                                      unitName(), swatch(colormap::kNeutral),
                                      swatch(colormap::kDark), top));
  }
  labelPlot();
  const bool timing = lcCompare().isInfoEnabled();
  if (timing) ui_.view->viewport()->repaint();  // the figure includes one full paint
  lastRecolourMs_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  if (timing) {
    qCInfo(lcCompare, "recolour %s: %zu characters in %.2f ms",
           qPrintable(colouringFileTag()), shown_.size(), lastRecolourMs_);
  }
  emit recoloured();
  if (isColoured()) emit coloured();
}

void ComparisonController::labelPlot() const {
  if (!showing()) return;
  const colormap::ColorMap map = colorMap();
  ui_.plot->setRange(map.lower() < 0.0 ? map.lower() : 0.0, map.upper());
  const QString what = colourBy_ == ColourBy::kDifference ? tr("A − B")
                       : colourBy_ == ColourBy::kEntropy  ? tr("entropy")
                                                          : tr("surprisal");
  ui_.plot->setYLabel(tr("%1 (%2)").arg(what, unitName()));
  ui_.plot->setTitle(colouringLabel());
}

QString ComparisonController::hoverValue(int position) const {
  if (!isColoured() || position < 0 || static_cast<std::size_t>(position) >= shown_.size())
    return tr("%1 not scored yet").arg(colouringFileTag());
  const auto p = static_cast<std::size_t>(position);
  const double u = unit();
  const cellscope::CharScores& a = *scores_[0];
  if (colourBy_ == ColourBy::kDifference) {
    const double sb = scores_[1]->surprisal[p];
    return tr("surprisal A %1 · B %2 · A − B %3 %4")
        .arg(number(a.surprisal[p] / u), number(sb / u), number(shown_[p]), unitName());
  }
  return tr("surprisal %1 · entropy %2 %3")
      .arg(number(a.surprisal[p] / u), number(a.entropy[p] / u), unitName());
}

QString ComparisonController::colouringLabel() const {
  switch (colourBy_) {
    case ColourBy::kNeuron:
      return {};
    case ColourBy::kSurprisal:
      return tr("surprisal (%1)").arg(unitName());
    case ColourBy::kEntropy:
      return tr("entropy (%1)").arg(unitName());
    case ColourBy::kDifference:
      return tr("surprisal A − B (%1; A = this model, B = %2; below 0: A better)")
          .arg(unitName(), QFileInfo(secondPath_).fileName());
  }
  return {};
}

QString ComparisonController::colouringFileTag() const {
  switch (colourBy_) {
    case ColourBy::kNeuron:
      return {};
    case ColourBy::kSurprisal:
      return QStringLiteral("surprisal");
    case ColourBy::kEntropy:
      return QStringLiteral("entropy");
    case ColourBy::kDifference:
      return QStringLiteral("difference");
  }
  return {};
}
