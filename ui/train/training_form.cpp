// TrainingForm: widgets in three group boxes (Data, Model, Optimisation and intervals), the
// presets, the corpus and output choosers, the live parameter / memory estimate and the
// measured time per epoch (re-measured only when a setting that sets the speed changes). Every
// edit emits changed(). Values ⇄ widgets here; presets and the request in training_settings.cpp.
#include "training_form.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPromise>
#include <QPushButton>
#include <QSpinBox>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "model.h"

namespace {

// The form scrolls: a wheel turn over a field the user did not click must scroll the form, not
// change the field's value. Fields take the wheel only once they have focus.
class WheelGuard : public QObject {
 public:
  using QObject::QObject;
  bool eventFilter(QObject* watched, QEvent* event) override {
    auto* widget = qobject_cast<QWidget*>(watched);
    if (event->type() == QEvent::Wheel && widget && !widget->hasFocus()) {
      event->ignore();  // propagates to the scroll area
      return true;
    }
    return QObject::eventFilter(watched, event);
  }
};

void guardWheel(QWidget* field) {
  static WheelGuard* guard = new WheelGuard(qApp);
  field->setFocusPolicy(Qt::StrongFocus);
  field->installEventFilter(guard);
}

QSpinBox* intSpin(int lo, int hi) {
  auto* spin = new QSpinBox;
  spin->setRange(lo, hi);
  return spin;
}

QDoubleSpinBox* doubleSpin(double lo, double hi, double step, int decimals) {
  auto* spin = new QDoubleSpinBox;
  spin->setRange(lo, hi);
  spin->setSingleStep(step);
  spin->setDecimals(decimals);
  return spin;
}

}  // namespace

TrainingForm::TrainingForm(QWidget* parent) : QWidget(parent) {
  presetCombo_ = new QComboBox;
  presetCombo_->setObjectName(QStringLiteral("presetCombo"));
  presetCombo_->addItems({tr("Default (2x128 LSTM, lr 0.004)"), tr("Fast small (1x64 LSTM)"),
                          tr("Quality (2x512 LSTM)")});
  presetCombo_->setToolTip(tr("Choosing a preset sets the model and optimisation at once; "
                              "corpus, output and intervals stay."));
  // `activated`: the user's choice applies at once; a programmatic index change does not.
  connect(presetCombo_, &QComboBox::activated, this, &TrainingForm::applyPreset);

  corpusEdit_ = new QLineEdit;
  corpusEdit_->setObjectName(QStringLiteral("corpusEdit"));
  corpusEdit_->setPlaceholderText(tr("Text files or folders, separated by ';'"));
  auto* filesButton = new QPushButton(tr("Files…"));
  auto* folderButton = new QPushButton(tr("Folder…"));
  connect(filesButton, &QPushButton::clicked, this, &TrainingForm::chooseFiles);
  connect(folderButton, &QPushButton::clicked, this, &TrainingForm::chooseFolder);
  auto* corpusButtons = new QHBoxLayout;  // under the path, which keeps the row's full width
  corpusButtons->addWidget(filesButton);
  corpusButtons->addWidget(folderButton);
  globEdit_ = new QLineEdit;
  corpusLabel_ = new QLabel(tr("Not loaded yet"));
  corpusLabel_->setWordWrap(true);
  outputEdit_ = new QLineEdit;
  outputEdit_->setObjectName(QStringLiteral("outputEdit"));
  auto* outputButton = new QPushButton(tr("…"));
  connect(outputButton, &QPushButton::clicked, this, &TrainingForm::chooseOutput);
  auto* outputRow = new QHBoxLayout;
  outputRow->addWidget(outputEdit_, 1);
  outputRow->addWidget(outputButton);

  auto* data = new QFormLayout;
  data->addRow(tr("Preset"), presetCombo_);
  data->addRow(tr("Corpus"), corpusEdit_);
  data->addRow(QString(), corpusButtons);
  data->addRow(tr("Glob in folders"), globEdit_);
  data->addRow(tr("Loaded"), corpusLabel_);
  data->addRow(tr("Output model"), outputRow);

  cellCombo_ = new QComboBox;
  cellCombo_->addItems({tr("RNN"), tr("GRU"), tr("LSTM")});  // CellType order
  layersSpin_ = intSpin(1, 8);
  hiddenSpin_ = intSpin(4, 4096);
  seqSpin_ = intSpin(2, 1000);
  batchSpin_ = intSpin(1, 1024);
  dropoutSpin_ = doubleSpin(0.0, 0.9, 0.05, 2);
  parameterLabel_ = new QLabel;
  parameterLabel_->setObjectName(QStringLiteral("parameterLabel"));
  memoryLabel_ = new QLabel;
  memoryLabel_->setObjectName(QStringLiteral("memoryLabel"));
  timeLabel_ = new QLabel;
  timeLabel_->setObjectName(QStringLiteral("timeLabel"));
  // The estimates wrap: a long measured text must not widen the form past its scroll area.
  for (QLabel* label : {parameterLabel_, memoryLabel_, timeLabel_}) label->setWordWrap(true);
  estimateTimer_ = new QTimer(this);
  estimateTimer_->setSingleShot(true);
  estimateTimer_->setInterval(kEstimateDelayMilliseconds);
  connect(estimateTimer_, &QTimer::timeout, this, &TrainingForm::measureTime);
  auto* model = new QFormLayout;
  model->addRow(tr("Cell"), cellCombo_);
  model->addRow(tr("Layers"), layersSpin_);
  model->addRow(tr("Size"), hiddenSpin_);
  model->addRow(tr("Sequence length"), seqSpin_);
  model->addRow(tr("Batch"), batchSpin_);
  model->addRow(tr("Dropout"), dropoutSpin_);
  model->addRow(tr("Parameters"), parameterLabel_);
  model->addRow(tr("Memory"), memoryLabel_);
  model->addRow(tr("Time"), timeLabel_);

  optimizerCombo_ = new QComboBox;
  optimizerCombo_->addItems({tr("Adam"), tr("RMSProp"), tr("SGD")});  // OptimizerType order
  lrSpin_ = doubleSpin(1e-6, 10.0, 1e-4, 6);
  decaySpin_ = doubleSpin(0.01, 1.0, 0.01, 3);
  decayAfterSpin_ = intSpin(0, 10000);
  clipCombo_ = new QComboBox;
  clipCombo_->addItems({tr("Value"), tr("Norm")});  // ClipMode order
  clipSpin_ = doubleSpin(0.0, 1000.0, 0.5, 2);
  valFracSpin_ = doubleSpin(0.0, 0.5, 0.01, 3);
  maxEpochsSpin_ = intSpin(0, 100000);
  maxEpochsSpin_->setSpecialValueText(tr("until stopped"));
  evalSpin_ = intSpin(0, 1000000);
  sampleSpin_ = intSpin(0, 1000000);
  sampleSpin_->setSpecialValueText(tr("never"));
  checkpointSpin_ = intSpin(0, 1000000);
  temperatureSpin_ = doubleSpin(0.05, 3.0, 0.05, 2);
  auto* optim = new QFormLayout;
  optim->addRow(tr("Optimizer"), optimizerCombo_);
  optim->addRow(tr("Learning rate"), lrSpin_);
  optim->addRow(tr("Decay ×"), decaySpin_);
  optim->addRow(tr("… after epoch"), decayAfterSpin_);
  optim->addRow(tr("Clip"), clipCombo_);
  optim->addRow(tr("Clip threshold"), clipSpin_);
  optim->addRow(tr("Validation fraction"), valFracSpin_);
  optim->addRow(tr("Max epochs"), maxEpochsSpin_);
  optim->addRow(tr("Validate every"), evalSpin_);
  optim->addRow(tr("Sample every"), sampleSpin_);
  optim->addRow(tr("Sample temperature"), temperatureSpin_);
  optim->addRow(tr("Checkpoint every"), checkpointSpin_);

  watchEdit_ = new QLineEdit;
  watchEdit_->setObjectName(QStringLiteral("watchEdit"));
  watchEdit_->setPlaceholderText(tr("none: no watch"));
  watchEdit_->setToolTip(
      tr("Detectors to watch, comma-separated: url, double-quote, single-quote, if-condition, "
         "c-comment, string-literal, bracket-depth, brace-depth, line-position, latex-env, "
         "latex-math, or regex:PATTERN (last). Every N iterations the best neuron for each is "
         "measured on the first 20,000 characters of the validation text."));
  watchEverySpin_ = intSpin(0, 1000000);
  watchEverySpin_->setObjectName(QStringLiteral("watchEverySpin"));
  watchEverySpin_->setSpecialValueText(tr("start and end only"));
  auto* watch = new QFormLayout;
  watch->addRow(tr("Detectors"), watchEdit_);
  watch->addRow(tr("Every"), watchEverySpin_);
  watchReasonLabel_ = new QLabel;
  watchReasonLabel_->setObjectName(QStringLiteral("watchReasonLabel"));
  watchReasonLabel_->setWordWrap(true);
  watchReasonLabel_->setForegroundRole(QPalette::PlaceholderText);
  watch->addRow(watchReasonLabel_);
  watchSuggester_ = new WatchSuggester(this);
  connect(watchSuggester_, &WatchSuggester::suggested, this, &TrainingForm::applyWatchSuggestion);
  watchSuggestTimer_ = new QTimer(this);
  watchSuggestTimer_->setSingleShot(true);
  watchSuggestTimer_->setInterval(400);
  connect(watchSuggestTimer_, &QTimer::timeout, this, [this] {
    const TrainingSettings v = settings();
    if (!v.corpusPaths.isEmpty()) watchSuggester_->request(v.corpusPaths, v.glob, v.valFrac);
  });
  connect(watchEdit_, &QLineEdit::textEdited, watchReasonLabel_, &QLabel::clear);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  const auto group = [layout](const QString& title, QLayout* inner) {
    auto* box = new QGroupBox(title);
    box->setLayout(inner);
    layout->addWidget(box);
  };
  group(tr("Data"), data);
  group(tr("Model"), model);
  group(tr("Optimisation and intervals"), optim);
  group(tr("Watch neurons emerge"), watch);
  // Until the user edits the detectors, they follow the corpus: its kind (C, LaTeX or prose)
  // at once, then what its probe text holds once it has been read (watch_suggestion.h).
  connect(corpusEdit_, &QLineEdit::textChanged, this, [this] {
    if (!watchFollowsCorpus()) return;
    autoWatch_ = suggestedWatchDetectors(settings().corpusPaths);
    watchEdit_->setText(autoWatch_.join(QStringLiteral(", ")));
    if (settings().corpusPaths.isEmpty()) {
      watchSuggestTimer_->stop();
      watchReasonLabel_->clear();
      return;
    }
    watchReasonLabel_->setText(tr("Chosen by the corpus kind; reading it to check…"));
    watchSuggestTimer_->start();
  });
  layout->addStretch(1);

  applySettings(TrainingSettings());
  for (auto* field : findChildren<QAbstractSpinBox*>()) guardWheel(field);
  for (auto* field : findChildren<QComboBox*>()) guardWheel(field);
  for (auto* spin : findChildren<QSpinBox*>())
    connect(spin, &QSpinBox::valueChanged, this, &TrainingForm::updateEstimates);
  for (auto* spin : findChildren<QDoubleSpinBox*>())
    connect(spin, &QDoubleSpinBox::valueChanged, this, &TrainingForm::updateEstimates);
  connect(cellCombo_, &QComboBox::currentIndexChanged, this, &TrainingForm::updateEstimates);
}

TrainingForm::~TrainingForm() {
  cancelTimeEstimate();
}

TrainingSettings TrainingForm::settings() const {
  TrainingSettings v;
  v.corpusPaths = corpusEdit_->text().split(QLatin1Char(';'), Qt::SkipEmptyParts);
  for (QString& path : v.corpusPaths) path = path.trimmed();
  v.glob = globEdit_->text().trimmed().isEmpty() ? QStringLiteral("*") : globEdit_->text();
  v.cell = cellCombo_->currentIndex();
  v.layers = layersSpin_->value();
  v.hiddenSize = hiddenSpin_->value();
  v.seqLength = seqSpin_->value();
  v.batchSize = batchSpin_->value();
  v.optimizer = optimizerCombo_->currentIndex();
  v.learningRate = lrSpin_->value();
  v.lrDecay = decaySpin_->value();
  v.lrDecayAfter = decayAfterSpin_->value();
  v.dropout = dropoutSpin_->value();
  v.clipMode = clipCombo_->currentIndex();
  v.gradClip = clipSpin_->value();
  v.valFrac = valFracSpin_->value();
  v.maxEpochs = maxEpochsSpin_->value();
  v.evalEvery = evalSpin_->value();
  v.sampleEvery = sampleSpin_->value();
  v.checkpointEvery = checkpointSpin_->value();
  v.sampleTemperature = temperatureSpin_->value();
  v.outputPath = outputEdit_->text().trimmed();
  v.watchDetectors = parseWatchList(watchEdit_->text());
  v.watchEvery = watchEverySpin_->value();
  return v;
}

void TrainingForm::applySettings(const TrainingSettings& v) {
  corpusEdit_->setText(v.corpusPaths.join(QStringLiteral("; ")));
  globEdit_->setText(v.glob);
  cellCombo_->setCurrentIndex(v.cell);
  layersSpin_->setValue(v.layers);
  hiddenSpin_->setValue(v.hiddenSize);
  seqSpin_->setValue(v.seqLength);
  batchSpin_->setValue(v.batchSize);
  optimizerCombo_->setCurrentIndex(v.optimizer);
  lrSpin_->setValue(v.learningRate);
  decaySpin_->setValue(v.lrDecay);
  decayAfterSpin_->setValue(v.lrDecayAfter);
  dropoutSpin_->setValue(v.dropout);
  clipCombo_->setCurrentIndex(v.clipMode);
  clipSpin_->setValue(v.gradClip);
  valFracSpin_->setValue(v.valFrac);
  maxEpochsSpin_->setValue(v.maxEpochs);
  evalSpin_->setValue(v.evalEvery);
  sampleSpin_->setValue(v.sampleEvery);
  checkpointSpin_->setValue(v.checkpointEvery);
  temperatureSpin_->setValue(v.sampleTemperature);
  outputEdit_->setText(v.outputPath);
  watchEdit_->setText(v.watchDetectors.join(QStringLiteral(", ")));
  watchEverySpin_->setValue(v.watchEvery);
  updateEstimates();
}

void TrainingForm::applyPreset(int preset) {
  const TrainingSettings v = withPreset(settings(), preset);
  presetCombo_->setCurrentIndex(preset);
  applySettings(v);
}

TrainingRequest TrainingForm::request() const {
  return trainingRequest(settings(), vocabSize_);
}

void TrainingForm::setCorpusInfo(const TrainingCorpusInfo& info) {
  vocabSize_ = info.vocabSize;
  corpusChars_ = static_cast<double>(info.trainChars + info.valChars);
  trainChars_ = static_cast<double>(info.trainChars);
  corpusLabel_->setText(tr("%n file(s), %1, %2 + %3 characters, vocabulary %4", nullptr, info.files)
                            .arg(dataSizeText(static_cast<double>(info.bytes)),
                                 QLocale().toString(info.trainChars),
                                 QLocale().toString(info.valChars))
                            .arg(info.vocabSize));
  updateEstimates();
}

void TrainingForm::chooseFiles() {
  const QStringList files = QFileDialog::getOpenFileNames(this, tr("Corpus files"));
  if (!files.isEmpty()) corpusEdit_->setText(files.join(QStringLiteral("; ")));
}

void TrainingForm::chooseFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Corpus folder"));
  if (!dir.isEmpty()) corpusEdit_->setText(dir);
}

void TrainingForm::chooseOutput() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Output model"), outputEdit_->text(),
                                                    tr("CellScope models (*.csm)"));
  if (!path.isEmpty()) outputEdit_->setText(path);
}

void TrainingForm::updateEstimates() {
  const TrainingRequest r = request();
  const auto params = static_cast<qlonglong>(cellscope::parameter_count(r.model));
  parameterLabel_->setText(
      tr("%1 (vocabulary %2)").arg(QLocale().toString(params)).arg(vocabSize_));
  memoryLabel_->setText(tr("≈ %1 for training")
                            .arg(dataSizeText(estimateTrainingBytes(r.model, r.train, corpusChars_))));
  scheduleTimeEstimate();
  emit changed();
}

void TrainingForm::scheduleTimeEstimate() {
  const TrainingRequest r = request();
  const QString key = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8")
                          .arg(static_cast<int>(r.model.cell))
                          .arg(r.model.num_layers)
                          .arg(r.model.hidden_size)
                          .arg(r.model.vocab_size)
                          .arg(r.train.seq_length)
                          .arg(r.train.batch_size)
                          .arg(static_cast<int>(r.train.optimizer))
                          .arg(r.model.dropout > 0.0);
  updateTimeLabel();                // the corpus size may have changed
  if (key == estimateKey_) return;  // scheduled, running or measured for this configuration
  cancelTimeEstimate();
  if (!isEnabled()) {  // training: measure once the form is enabled again
    estimatePending_ = true;
    return;
  }
  estimateKey_ = key;
  charsPerSecond_ = 0.0;
  updateTimeLabel();
  estimateTimer_->start();  // restarted by every edit: debounced
}

void TrainingForm::cancelTimeEstimate() {
  ++estimateGeneration_;  // a result still on its way is stale
  if (estimateCancel_) estimateCancel_->store(true);
  estimateCancel_.reset();
  estimateTimer_->stop();
  estimateKey_.clear();
}

void TrainingForm::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() != QEvent::EnabledChange) return;
  if (!isEnabled() && (estimateTimer_->isActive() || estimateCancel_)) {
    cancelTimeEstimate();  // never compete with the training run for the cores
    estimatePending_ = true;
  } else if (isEnabled() && estimatePending_) {
    estimatePending_ = false;
    scheduleTimeEstimate();
  }
}

void TrainingForm::measureTime() {
  const auto cancel = std::make_shared<std::atomic<bool>>(false);
  estimateCancel_ = cancel;
  const quint64 generation = ++estimateGeneration_;
  auto promise = std::make_shared<QPromise<double>>();
  auto* watcher = new QFutureWatcher<double>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation != estimateGeneration_) return;  // the configuration changed meanwhile
    estimateCancel_.reset();
    const double cps = watcher->future().resultCount() > 0 ? watcher->result() : -1.0;
    if (cps <= 0) {
      timeLabel_->setText(tr("could not be measured"));
      return;
    }
    charsPerSecond_ = cps;
    updateTimeLabel();
    emit estimateReady(cps);
  });
  watcher->setFuture(promise->future());
  const TrainingRequest r = request();
  QThreadPool::globalInstance()->start([promise, cancel, model = r.model, train = r.train] {
    promise->start();
    promise->addResult(measureTrainingThroughput(model, train, cancel.get()));
    promise->finish();
  });
}

void TrainingForm::updateTimeLabel() {
  if (charsPerSecond_ <= 0) {
    timeLabel_->setText(isEnabled() ? tr("measuring…") : tr("measured when training stops"));
    return;
  }
  const QString speed = QLocale().toString(charsPerSecond_, 'f', 0);
  if (trainChars_ > 0) {
    timeLabel_->setText(tr("≈ %1 per epoch (%2 chars/s)")
                            .arg(formatDuration(trainChars_ / charsPerSecond_), speed));
  } else {
    timeLabel_->setText(tr("≈ %1 per million characters (%2 chars/s)")
                            .arg(formatDuration(1e6 / charsPerSecond_), speed));
  }
}

bool TrainingForm::watchFollowsCorpus() const {
  const QStringList current = parseWatchList(watchEdit_->text());
  return current == TrainingSettings().watchDetectors || current == autoWatch_;
}

bool TrainingForm::watchSuggestionPending() const {
  return watchSuggestTimer_->isActive() || watchSuggester_->busy();
}

void TrainingForm::applyWatchSuggestion(const WatchSuggestion& suggestion, const QString& error) {
  if (!watchFollowsCorpus()) return;  // the user chose meanwhile
  if (!error.isEmpty()) {
    watchReasonLabel_->setText(tr("Chosen by the corpus kind (not read: %1)").arg(error));
    return;
  }
  autoWatch_ = suggestion.detectors;
  watchEdit_->setText(autoWatch_.join(QStringLiteral(", ")));
  watchReasonLabel_->setText(tr("Chosen from the corpus: %1").arg(suggestion.reason));
}
