// MemoryPanel: requests go to the worker with increasing ids (the worker skips or stops any that
// is no longer wanted); only the latest result of each kind is shown. A bad added model is
// refused at once with a one-line error naming the file, so the horizon never meets it.
#include "memory_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "common/worker_model.h"
#include "common/worker_thread.h"
#include "horizon_plot.h"
#include "saliency.h"

namespace {

constexpr int kDefaultWindow = 200;
constexpr int kDefaultHorizonLimit = 20000;

}  // namespace

MemoryPanel::MemoryPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("memoryPanel"));
  worker_ = new SaliencyWorker;
  thread_ = startWorkerThread(this, worker_, QStringLiteral("cellscope-saliency"));
  connect(worker_, &SaliencyWorker::saliencyReady, this, &MemoryPanel::onSaliency);
  connect(worker_, &SaliencyWorker::horizonReady, this, &MemoryPanel::onHorizon);
  connect(worker_, &SaliencyWorker::horizonProgress, this, &MemoryPanel::onHorizonProgress);
  buildWidgets();
  refreshModelList();
  refreshTargetLabel();
}

MemoryPanel::~MemoryPanel() {
  worker_->wantSaliency(0);
  worker_->wantHorizon(0);
  joinWorkerThread(thread_, worker_);
}

void MemoryPanel::buildWidgets() {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* split = new QSplitter(Qt::Vertical);  // the user gives either plot the room
  split->setObjectName(QStringLiteral("memorySplitter"));
  split->setChildrenCollapsible(false);
  layout->addWidget(split);

  auto* clickBox = new QGroupBox(tr("Saliency of one character"));
  auto* clickLayout = new QVBoxLayout(clickBox);
  auto* row = new QHBoxLayout;
  targetBox_ = new QComboBox;
  targetBox_->setObjectName(QStringLiteral("memoryTarget"));
  targetBox_->addItem(tr("log p(character)"));
  targetBox_->addItem(tr("the neuron"));
  targetBox_->setToolTip(tr("What to differentiate: the log-probability the model gave the "
                            "clicked character, or the explorer's neuron's value after reading it"));
  windowBox_ = new QSpinBox;
  windowBox_->setObjectName(QStringLiteral("memoryWindow"));
  windowBox_->setRange(1, cellscope::kMaxSaliencyWindow);
  windowBox_->setValue(kDefaultWindow);
  windowBox_->setPrefix(tr("K = "));
  windowBox_->setToolTip(tr("How many earlier characters to differentiate through (exact "
                            "backpropagation at batch 1)"));
  everyClick_ = new QCheckBox(tr("on every click"));
  everyClick_->setObjectName(QStringLiteral("memoryEveryClick"));
  everyClick_->setToolTip(tr("Explain on a plain click too (the click still selects)"));
  row->addWidget(targetBox_);
  row->addWidget(windowBox_);
  row->addWidget(everyClick_);
  row->addStretch();
  clickLayout->addLayout(row);
  saliencyLabel_ = new QLabel;
  saliencyLabel_->setObjectName(QStringLiteral("memorySaliencyLabel"));
  saliencyLabel_->setWordWrap(true);
  clickLayout->addWidget(saliencyLabel_);
  saliencyPlot_ = new HorizonPlot;
  saliencyPlot_->setObjectName(QStringLiteral("memorySaliencyPlot"));
  clickLayout->addWidget(saliencyPlot_, 1);
  split->addWidget(clickBox);

  auto* horizonBox = new QGroupBox(tr("Memory horizon over the text"));
  horizonBox->setToolTip(tr("The mean over every position of the text (or its first N "
                            "characters) of the gradient norm of log p at each distance: how far "
                            "back each model's predictions still depend on the input"));
  auto* horizonLayout = new QVBoxLayout(horizonBox);
  modelList_ = new QListWidget;
  modelList_->setObjectName(QStringLiteral("memoryModels"));
  modelList_->setMaximumHeight(64);
  horizonLayout->addWidget(modelList_);
  auto* buttons = new QHBoxLayout;
  addButton_ = new QPushButton(tr("Add model\u2026"));
  addButton_->setToolTip(tr("Another .csm (e.g. an RNN, a GRU and an LSTM trained on the same "
                            "text) to measure on this text beside the explorer's model"));
  removeButton_ = new QPushButton(tr("Remove"));
  limitBox_ = new QSpinBox;
  limitBox_->setObjectName(QStringLiteral("memoryLimit"));
  limitBox_->setRange(0, std::numeric_limits<int>::max());
  limitBox_->setSingleStep(5000);
  limitBox_->setValue(kDefaultHorizonLimit);
  limitBox_->setPrefix(tr("first "));
  limitBox_->setSuffix(tr(" chars"));
  limitBox_->setSpecialValueText(tr("whole text"));
  limitBox_->setToolTip(tr("Measure over the first N characters (0: the whole text)"));
  measureButton_ = new QPushButton(tr("Measure"));
  measureButton_->setObjectName(QStringLiteral("memoryMeasure"));
  cancelButton_ = new QPushButton(tr("Cancel"));
  cancelButton_->setEnabled(false);
  buttons->addWidget(addButton_);
  buttons->addWidget(removeButton_);
  buttons->addStretch();
  horizonLayout->addLayout(buttons);
  auto* measureRow = new QHBoxLayout;
  measureRow->addWidget(limitBox_);
  measureRow->addStretch();
  measureRow->addWidget(measureButton_);
  measureRow->addWidget(cancelButton_);
  horizonLayout->addLayout(measureRow);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setVisible(false);
  horizonLayout->addWidget(progress_);
  horizonLabel_ = new QLabel;
  horizonLabel_->setObjectName(QStringLiteral("memoryHorizonLabel"));
  horizonLabel_->setWordWrap(true);
  horizonLayout->addWidget(horizonLabel_);
  horizonPlot_ = new HorizonPlot;
  horizonPlot_->setObjectName(QStringLiteral("memoryHorizonPlot"));
  horizonLayout->addWidget(horizonPlot_, 1);
  split->addWidget(horizonBox);
  split->setStretchFactor(1, 1);

  connect(targetBox_, &QComboBox::currentIndexChanged, this, [this] { refreshTargetLabel(); });
  connect(addButton_, &QPushButton::clicked, this, &MemoryPanel::addModelDialog);
  connect(removeButton_, &QPushButton::clicked, this, &MemoryPanel::removeSelectedModel);
  connect(measureButton_, &QPushButton::clicked, this, &MemoryPanel::measureHorizon);
  connect(cancelButton_, &QPushButton::clicked, this, &MemoryPanel::cancelHorizon);
}

void MemoryPanel::setModel(const cellscope::ModelFile& model, const QString& name) {
  cancelHorizon();
  clearSaliency();
  model_ = workerModelFile(model);
  modelName_ = name.isEmpty() ? tr("explorer's model") : name;
  auto file = model_;
  QMetaObject::invokeMethod(worker_, [w = worker_, file] { w->setModel(file); });
  refreshModelList();
  refreshTargetLabel();
}

void MemoryPanel::setText(const std::u32string& text) {
  cancelHorizon();
  clearSaliency();
  text_ = text;
  QMetaObject::invokeMethod(worker_, [w = worker_, text] { w->setText(text); });
}

void MemoryPanel::setNeuron(const NeuronSelection& neuron) {
  neuron_ = neuron;
  refreshTargetLabel();
}

void MemoryPanel::setWindow(int window) {
  windowBox_->setValue(window);
}

int MemoryPanel::window() const {
  return windowBox_->value();
}

void MemoryPanel::setNeuronTarget(bool neuron) {
  targetBox_->setCurrentIndex(neuron ? 1 : 0);
}

bool MemoryPanel::neuronTarget() const {
  return targetBox_->currentIndex() == 1;
}

void MemoryPanel::setHorizonLimit(qint64 characters) {
  limitBox_->setValue(static_cast<int>(std::clamp<qint64>(characters, 0, limitBox_->maximum())));
}

void MemoryPanel::refreshTargetLabel() {
  targetBox_->setItemText(1, tr("neuron %1:%2 %3")
                                 .arg(neuron_.layer)
                                 .arg(neuron_.neuron)
                                 .arg(QString::fromStdString(cellscope::to_string(neuron_.quantity))));
  if (lastSaliency_.jobId == 0 && lastError_.isEmpty()) {
    saliencyLabel_->setText(tr("Ctrl+click a character in the text (or tick \u201con every "
                               "click\u201d): the earlier characters its prediction depends on are "
                               "underlined, stronger for a larger gradient (log scale, %1 decades); "
                               "Esc clears.")
                                .arg(kUnderlineDecades));
  }
}

void MemoryPanel::characterClicked(int index, Qt::KeyboardModifiers modifiers) {
  if ((modifiers & Qt::ControlModifier) || everyClick_->isChecked()) showSaliencyAt(index);
}

void MemoryPanel::showSaliencyAt(int position) {
  SaliencyRequest request;
  request.jobId = ++nextJob_;
  request.position = position;
  request.window = windowBox_->value();
  request.neuronTarget = neuronTarget();
  request.layer = neuron_.layer;
  request.neuron = neuron_.neuron;
  request.quantity = neuron_.quantity;
  saliencyJob_ = request.jobId;
  worker_->wantSaliency(request.jobId);
  saliencyLabel_->setText(tr("Computing the saliency of character %1\u2026").arg(position));
  QMetaObject::invokeMethod(worker_, [w = worker_, request] { w->saliency(request); });
}

void MemoryPanel::clearSaliency() {
  saliencyJob_ = 0;
  worker_->wantSaliency(0);
  lastSaliency_ = SaliencyResult();
  saliencyPlot_->clear();
  emit underlineChanged(0, {});
}

std::vector<float> MemoryPanel::underlineWeights(const SaliencyResult& result, int* first) {
  const auto& v = result.byDistance;
  double strongest = 0.0;
  for (double x : v) {
    if (std::isfinite(x)) strongest = std::max(strongest, x);
  }
  const qint64 begin = std::max<qint64>(0, result.position - result.window);
  *first = static_cast<int>(begin);
  std::vector<float> weights(static_cast<std::size_t>(result.position - begin + 1),
                             std::numeric_limits<float>::quiet_NaN());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto d = static_cast<std::size_t>(result.position - begin) - i;
    if (d >= v.size() || !std::isfinite(v[d])) continue;
    const double w =
        v[d] > 0.0 && strongest > 0.0 ? 1.0 + std::log10(v[d] / strongest) / kUnderlineDecades : 0.0;
    weights[i] = static_cast<float>(std::clamp(w, 0.0, 1.0));
  }
  return weights;
}

void MemoryPanel::onSaliency(const SaliencyResult& result) {
  if (result.jobId != saliencyJob_) return;  // a later click or a new text superseded it
  if (!result.error.isEmpty()) {
    reportError(tr("Saliency of character %1: %2").arg(result.position).arg(result.error));
    saliencyLabel_->setText(lastError_);
    return;
  }
  lastSaliency_ = result;
  const QString target = result.neuronTarget
                             ? tr("neuron %1:%2 = %3").arg(neuron_.layer).arg(neuron_.neuron)
                                   .arg(result.value, 0, 'f', 3)
                             : tr("log p = %1 nats").arg(result.value, 0, 'f', 3);
  QString what;
  if (result.position >= 0 && result.position < static_cast<qint64>(text_.size())) {
    what = ActivationTextView::label(text_[static_cast<std::size_t>(result.position)]);
  }
  saliencyLabel_->setText(tr("Character %1 \u2018%2\u2019: %3, K = %4. Underline: gradient norm "
                             "per earlier character (log scale); Esc clears.")
                              .arg(result.position)
                              .arg(what, target)
                              .arg(result.window));
  saliencyPlot_->setCurves({{tr("character %1").arg(result.position), result.byDistance}});
  int first = 0;
  const std::vector<float> weights = underlineWeights(result, &first);
  emit underlineChanged(first, weights);
  emit saliencyShown(result);
}

bool MemoryPanel::addModelFile(const QString& path) {
  try {
    const cellscope::ModelFile file = cellscope::load_model_file(path.toStdString());
    WorkerModel check;  // the parameter count against the configuration, as the worker will
    const QString error = check.load(file);
    if (!error.isEmpty()) throw std::runtime_error(error.toStdString());
    extraModels_.push_back({QFileInfo(path).fileName(), workerModelFile(file)});
  } catch (const std::exception& error) {
    QString message = QString::fromUtf8(error.what());
    if (!message.contains(path)) message = tr("%1: %2").arg(path, message);
    reportError(tr("Cannot add model: %1").arg(message));
    horizonLabel_->setText(lastError_);
    return false;
  }
  refreshModelList();
  return true;
}

void MemoryPanel::addModelDialog() {
  const QStringList paths = QFileDialog::getOpenFileNames(
      this, tr("Add models to the memory horizon"), QString(), tr("CellScope models (*.csm)"));
  for (const QString& path : paths) addModelFile(path);
}

void MemoryPanel::removeSelectedModel() {
  const int row = modelList_->currentRow() - (model_ ? 1 : 0);
  if (row < 0 || row >= static_cast<int>(extraModels_.size())) return;
  extraModels_.erase(extraModels_.begin() + row);
  refreshModelList();
}

int MemoryPanel::horizonModelCount() const {
  return static_cast<int>(extraModels_.size()) + (model_ ? 1 : 0);
}

void MemoryPanel::refreshModelList() {
  modelList_->clear();
  if (model_) modelList_->addItem(SaliencyWorker::describe(modelName_, *model_));
  for (const HorizonModel& m : extraModels_) modelList_->addItem(SaliencyWorker::describe(m.name, *m.file));
  removeButton_->setEnabled(!extraModels_.empty());
}

HorizonRequest MemoryPanel::horizonRequest() const {
  HorizonRequest request;
  request.window = windowBox_->value();
  request.limit = limitBox_->value();
  if (model_) request.models.push_back({modelName_, model_});
  for (const HorizonModel& m : extraModels_) request.models.push_back(m);
  return request;
}

void MemoryPanel::measureHorizon() {
  HorizonRequest request = horizonRequest();
  request.jobId = ++nextJob_;
  horizonJob_ = request.jobId;
  worker_->wantHorizon(request.jobId);
  progress_->setValue(0);
  progress_->setVisible(true);
  measureButton_->setEnabled(false);
  cancelButton_->setEnabled(true);
  horizonModels_ = static_cast<int>(request.models.size());
  horizonLabel_->setText(tr("Measuring %1 model(s)\u2026").arg(horizonModels_));
  horizonClock_.start();
  QMetaObject::invokeMethod(worker_, [w = worker_, request] { w->horizon(request); });
}

void MemoryPanel::cancelHorizon() {
  if (horizonJob_ == 0) return;
  horizonJob_ = 0;
  worker_->wantHorizon(0);
  progress_->setVisible(false);
  measureButton_->setEnabled(true);
  cancelButton_->setEnabled(false);
  horizonLabel_->setText(tr("Cancelled."));
}

void MemoryPanel::onHorizonProgress(quint64 jobId, double fraction) {
  if (jobId != horizonJob_) return;
  progress_->setValue(static_cast<int>(fraction * 1000.0));
  if (fraction < 0.01 || horizonClock_.elapsed() < 1000) return;  // too early to extrapolate
  const qint64 left = static_cast<qint64>(horizonClock_.elapsed() * (1.0 - fraction) / fraction);
  const qint64 seconds = (left + 999) / 1000;
  const QString eta = seconds >= 60 ? tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60)
                                    : tr("%1 s").arg(seconds);
  horizonLabel_->setText(
      tr("Measuring %1 model(s)\u2026 about %2 left").arg(horizonModels_).arg(eta));
}

void MemoryPanel::onHorizon(const HorizonResult& result) {
  if (result.jobId != horizonJob_ || result.cancelled) return;
  horizonJob_ = 0;
  progress_->setVisible(false);
  measureButton_->setEnabled(true);
  cancelButton_->setEnabled(false);
  lastHorizon_ = result;
  std::vector<HorizonPlot::Curve> curves;
  QStringList errors;
  for (const HorizonLine& line : result.lines) {
    if (!line.error.isEmpty()) {
      errors << line.error;
      continue;
    }
    curves.push_back({line.label, line.mean});
  }
  horizonPlot_->setCurves(curves);
  if (!result.error.isEmpty()) errors.prepend(result.error);
  if (!errors.isEmpty()) reportError(errors.join(QStringLiteral("; ")));
  horizonLabel_->setText(
      errors.isEmpty()
          ? tr("%1 model(s) over %2 characters, K = %3: the mean gradient norm of log p at "
               "each distance.")
                .arg(curves.size())
                .arg(result.characters)
                .arg(result.window)
          : lastError_);
  emit horizonShown(result);
}

void MemoryPanel::reportError(const QString& message) {
  lastError_ = message;
  emit errorOccurred(message);
}
