// TrainingPane: layout (form | plots and progress | samples and checkpoints, in a splitter),
// the button state machine (Idle → Running ⇄ Pausing/Paused → Stopping → Idle) and the slots
// that turn the worker's value-type signals into plots, labels and list entries (a sample item
// holds its text and iteration under kSampleTextRole / kSampleIterationRole).
#include "training_pane.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QThread>
#include <QVBoxLayout>
#include <cmath>

#include "common/worker_thread.h"
#include "training_plots.h"
#include "watch_plot.h"

namespace {

constexpr int kPathRole = Qt::UserRole;
constexpr int kIterationRole = Qt::UserRole + 1;

QString lossText(double loss) {
  return std::isfinite(loss) ? QString::number(loss, 'f', 3) : QStringLiteral("—");
}

// Keeps a vertical-only scroll area at least as wide as its widget's minimum (plus the scroll
// bar), whenever that widget's layout changes: the form is never clipped on the right.
class FitWidth : public QObject {
 public:
  FitWidth(QScrollArea* area) : QObject(area), area_(area) { area->widget()->installEventFilter(this); }
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::LayoutRequest || event->type() == QEvent::Polish ||
        event->type() == QEvent::Show)
      fit();
    return QObject::eventFilter(watched, event);
  }
  void fit() {
    area_->setMinimumWidth(area_->widget()->minimumSizeHint().width() +
                           area_->verticalScrollBar()->sizeHint().width() +
                           2 * area_->frameWidth());
  }

 private:
  QScrollArea* area_;
};

QPushButton* button(const QString& text, const char* name) {
  auto* b = new QPushButton(text);
  b->setObjectName(QLatin1String(name));
  return b;
}

}  // namespace

TrainingPane::TrainingPane(QWidget* parent) : QWidget(parent) {
  form_ = new TrainingForm;
  startButton_ = button(tr("Start"), "startButton");
  resumeFileButton_ = button(tr("Resume from file…"), "resumeFileButton");
  pauseButton_ = button(tr("Pause"), "pauseButton");
  resumeButton_ = button(tr("Resume"), "resumeButton");
  stopButton_ = button(tr("Stop"), "stopButton");
  connect(startButton_, &QPushButton::clicked, this, &TrainingPane::start);
  connect(resumeFileButton_, &QPushButton::clicked, this, &TrainingPane::chooseResumeFile);
  connect(pauseButton_, &QPushButton::clicked, this, &TrainingPane::pause);
  connect(resumeButton_, &QPushButton::clicked, this, &TrainingPane::resume);
  connect(stopButton_, &QPushButton::clicked, this, &TrainingPane::stop);
  // The buttons sit under the form's scroll area, never inside it: always visible.
  auto* buttonBar = new QWidget;
  buttonBar->setObjectName(QStringLiteral("trainingButtonBar"));
  auto* buttons = new QGridLayout(buttonBar);
  buttons->setContentsMargins(0, 0, 0, 0);
  buttons->addWidget(startButton_, 0, 0);
  buttons->addWidget(pauseButton_, 0, 1);
  buttons->addWidget(stopButton_, 0, 2);
  buttons->addWidget(resumeButton_, 1, 1);
  buttons->addWidget(resumeFileButton_, 1, 0);

  auto* formScroll = new QScrollArea;
  formScroll->setObjectName(QStringLiteral("trainingFormScroll"));
  formScroll->setWidget(form_);
  formScroll->setWidgetResizable(true);
  formScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // scrolls one way only
  formScroll->setFrameShape(QFrame::NoFrame);
  (new FitWidth(formScroll))->fit();
  auto* left = new QWidget;
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->addWidget(formScroll, 1);
  leftLayout->addWidget(buttonBar);

  progressBar_ = new QProgressBar;
  progressBar_->setObjectName(QStringLiteral("progressBar"));
  progressBar_->setRange(0, 1000);
  progressBar_->setValue(0);
  progressBar_->setTextVisible(false);
  progressBar_->setFormat(tr("no stop condition: runs until stopped"));
  progressLabel_ = new QLabel(tr("Not training"));
  progressLabel_->setObjectName(QStringLiteral("progressLabel"));
  statusLabel_ = new QLabel;
  statusLabel_->setObjectName(QStringLiteral("statusLabel"));
  statusLabel_->setWordWrap(true);
  statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  plots_ = new TrainingPlots;
  auto* center = new QWidget;
  auto* centerLayout = new QVBoxLayout(center);
  centerLayout->addWidget(progressBar_);
  centerLayout->addWidget(progressLabel_);
  centerLayout->addWidget(statusLabel_);
  centerLayout->addWidget(plots_, 1);

  sampleList_ = new QListWidget;
  sampleList_->setObjectName(QStringLiteral("sampleList"));
  sampleView_ = new QPlainTextEdit;
  sampleView_->setObjectName(QStringLiteral("sampleView"));
  sampleView_->setReadOnly(true);
  sampleView_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  connect(sampleList_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
    sampleView_->setPlainText(item ? item->data(kSampleTextRole).toString() : QString());
  });
  connect(sampleList_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
    emit sampleActivated(item->data(kSampleIterationRole).toLongLong(),
                         item->data(kSampleTextRole).toString());
  });
  checkpointList_ = new QListWidget;
  checkpointList_->setObjectName(QStringLiteral("checkpointList"));
  openCheckpointButton_ = button(tr("Open in Model tab"), "openCheckpointButton");
  resumeCheckpointButton_ = button(tr("Resume from this checkpoint"), "resumeCheckpointButton");
  connect(checkpointList_, &QListWidget::currentItemChanged, this,
          &TrainingPane::updateCheckpointButtons);
  connect(openCheckpointButton_, &QPushButton::clicked, this, [this] {
    if (QListWidgetItem* item = checkpointList_->currentItem())
      emit openModelRequested(item->data(kPathRole).toString());
  });
  connect(resumeCheckpointButton_, &QPushButton::clicked, this, [this] {
    if (QListWidgetItem* item = checkpointList_->currentItem())
      startFrom(item->data(kPathRole).toString());
  });
  auto* right = new QWidget;
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->addWidget(new QLabel(tr("Samples")));
  rightLayout->addWidget(sampleList_, 2);
  rightLayout->addWidget(sampleView_, 3);
  checkpointLabel_ = new QLabel(tr("Checkpoints"));
  checkpointLabel_->setObjectName(QStringLiteral("checkpointLabel"));
  checkpointLabel_->setWordWrap(true);
  checkpointLabel_->setToolTip(tr("Kept: the last 3, the one with the best validation loss, and "
                                  "those at 1, 2, 4, 8, … × “Checkpoint every” iterations; the "
                                  "others are deleted as training goes. The final model is the "
                                  "output file itself."));
  rightLayout->addWidget(checkpointLabel_);
  rightLayout->addWidget(checkpointList_, 1);
  rightLayout->addWidget(openCheckpointButton_);
  rightLayout->addWidget(resumeCheckpointButton_);

  auto* splitter = new QSplitter;
  splitter->addWidget(left);
  splitter->addWidget(center);
  splitter->addWidget(right);
  splitter->setStretchFactor(1, 3);
  splitter->setStretchFactor(2, 1);
  splitter->setSizes({360, 640, 340});
  auto* layout = new QHBoxLayout(this);
  layout->addWidget(splitter);

  worker_ = new TrainingWorker;
  thread_ = startWorkerThread(this, worker_, QStringLiteral("trainingThread"));
  connect(worker_, &TrainingWorker::status, this, [this](const QString& s) { showStatus(s); });
  connect(worker_, &TrainingWorker::corpusLoaded, this, &TrainingPane::onCorpusLoaded);
  connect(worker_, &TrainingWorker::iterations, this, &TrainingPane::onIterations);
  connect(worker_, &TrainingWorker::validation, this, [this](const TrainingValidation& event) {
    lastValLoss_ = event.valLoss;
    plots_->addValidation(event);
  });
  connect(worker_, &TrainingWorker::sample, this, &TrainingPane::onSample);
  connect(worker_, &TrainingWorker::checkpoint, this, &TrainingPane::onCheckpoint);
  connect(worker_, &TrainingWorker::watch, plots_, &TrainingPlots::addWatch);
  connect(plots_->watchPlot(), &WatchPlot::pointClicked, this, &TrainingPane::exploreWatchPoint);
  connect(worker_, &TrainingWorker::paused, this, [this](qint64 iteration) {
    if (state_ != State::kPausing) return;
    lastIteration_ = iteration;
    setState(State::kPaused);
    showStatus(tr("Paused at iteration %1").arg(iteration));
  });
  connect(worker_, &TrainingWorker::finished, this, &TrainingPane::onFinished);
  setState(State::kIdle);
}

TrainingPane::~TrainingPane() {
  worker_->stop();  // wakes a paused run too; it writes its checkpoint before the join returns
  joinWorkerThread(thread_, worker_);
}

void TrainingPane::start() {
  launch(form_->request());
}

void TrainingPane::startFrom(const QString& resumePath) {
  TrainingRequest request = form_->request();
  request.resumePath = QDir::toNativeSeparators(resumePath).toStdString();
  launch(std::move(request));
}

void TrainingPane::chooseResumeFile() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Resume from model"), form_->outputEdit()->text(),
                                   tr("CellScope models (*.csm);;All files (*)"));
  if (!path.isEmpty()) startFrom(path);
}

void TrainingPane::launch(TrainingRequest request) {
  if (isTraining()) return;
  if (request.corpusPaths.empty()) {
    showStatus(tr("Choose a corpus first: text files, or a folder and a glob."), true);
    return;
  }
  if (request.outputPath.empty()) {
    const QFileInfo first(QString::fromStdString(request.corpusPaths.front()));
    const QString dir = first.isDir() ? first.absoluteFilePath() : first.absolutePath();
    const QString output = QDir(dir).filePath(QStringLiteral("model.csm"));
    form_->outputEdit()->setText(output);
    request.outputPath = output.toStdString();
  }
  plots_->clear();
  sampleList_->clear();
  sampleView_->clear();
  // A resumed run keeps the list (onCorpusLoaded drops the checkpoints it will overwrite).
  if (request.resumePath.empty()) checkpointList_->clear();
  updateCheckpointLabel();
  lastIteration_ = 0;
  lastEpoch_ = 0.0;
  lastLoss_ = std::nan("");
  lastValLoss_ = std::nan("");
  progressBar_->setRange(0, 0);  // busy while the corpus loads
  worker_->prepare();
  setState(State::kRunning);
  TrainingWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, request = std::move(request)] { worker->train(request); },
      Qt::QueuedConnection);
}

void TrainingPane::pause() {
  if (state_ != State::kRunning) return;
  worker_->setPaused(true);
  setState(State::kPausing);
  showStatus(tr("Pausing after this iteration…"));
}

void TrainingPane::resume() {
  if (state_ != State::kPaused && state_ != State::kPausing) return;
  worker_->setPaused(false);
  setState(State::kRunning);
  showStatus(tr("Training…"));
}

void TrainingPane::stop() {
  if (!isTraining() || state_ == State::kStopping) return;
  worker_->stop();
  setState(State::kStopping);
  showStatus(tr("Stopping: validating and writing the checkpoint…"));
}

void TrainingPane::setState(State state) {
  state_ = state;
  const bool idle = state == State::kIdle;
  form_->setEnabled(idle);
  startButton_->setEnabled(idle);
  resumeFileButton_->setEnabled(idle);
  pauseButton_->setEnabled(state == State::kRunning);
  resumeButton_->setEnabled(state == State::kPaused || state == State::kPausing);
  stopButton_->setEnabled(!idle && state != State::kStopping);
  updateCheckpointButtons();
}

void TrainingPane::updateCheckpointButtons() {
  const bool selected = checkpointList_->currentItem() != nullptr;
  openCheckpointButton_->setEnabled(selected);
  resumeCheckpointButton_->setEnabled(selected && state_ == State::kIdle);
}

void TrainingPane::onCorpusLoaded(const TrainingCorpusInfo& info) {
  form_->setCorpusInfo(info);
  for (int row = checkpointList_->count() - 1; row >= 0; --row) {
    if (checkpointList_->item(row)->data(kIterationRole).toLongLong() > info.startIteration)
      delete checkpointList_->takeItem(row);
  }
  updateCheckpointLabel();
  progressBar_->setRange(0, 1000);
  progressBar_->setValue(0);
  const cellscope::ModelConfig& m = info.model;
  showStatus(tr("Training a %1 %2x%3%4")
                 .arg(QString::fromStdString(cellscope::to_string(m.cell)))
                 .arg(m.num_layers)
                 .arg(m.hidden_size)
                 .arg(info.startIteration > 0
                          ? tr(", resumed at iteration %1").arg(info.startIteration)
                          : QString()));
}

void TrainingPane::onIterations(const TrainingIterations& events) {
  if (events.iterations.empty()) return;
  lastIteration_ = events.lastIteration();
  lastEpoch_ = events.epoch;
  lastLoss_ = events.losses.back();
  plots_->addIterations(events);
  progressBar_->setTextVisible(events.progress < 0);  // "no stop condition" when unknown
  if (events.progress >= 0) progressBar_->setValue(static_cast<int>(events.progress * 1000));
  progressLabel_->setText(tr("Epoch %1 · iteration %2 · loss %3 · val %4 · %5 chars/s · lr %6 · "
                             "ETA %7")
                              .arg(events.epoch, 0, 'f', 2)
                              .arg(QLocale().toString(lastIteration_))
                              .arg(lossText(events.losses.back()), lossText(lastValLoss_))
                              .arg(QLocale().toString(events.charsPerSecond, 'f', 0))
                              .arg(events.learningRate, 0, 'g', 3)
                              .arg(formatDuration(events.etaSeconds)));
}

void TrainingPane::onSample(const TrainingSample& event) {
  const QString firstLine = event.text.section(QLatin1Char('\n'), 0, 0, QString::SectionSkipEmpty);
  auto* item = new QListWidgetItem(
      tr("%1 · val %2 · %3").arg(event.iteration).arg(lossText(event.valLoss), firstLine.left(60)));
  item->setData(kSampleTextRole, event.text);
  item->setData(kSampleIterationRole, event.iteration);
  item->setToolTip(tr("Iteration %1, temperature %2").arg(event.iteration).arg(event.temperature));
  sampleList_->addItem(item);
  if (sampleList_->currentRow() < 0 || sampleList_->currentRow() == sampleList_->count() - 2)
    sampleList_->setCurrentItem(item);  // follow the newest unless the user picked another
}

void TrainingPane::onCheckpoint(const TrainingCheckpoint& event) {
  const auto removeRowsOf = [this](const QString& path) {
    for (int row = checkpointList_->count() - 1; row >= 0; --row) {
      if (checkpointList_->item(row)->data(kPathRole).toString() == path)
        delete checkpointList_->takeItem(row);
    }
  };
  for (const QString& removed : event.removed) removeRowsOf(QFileInfo(removed).absoluteFilePath());
  const QString path = QFileInfo(event.path).absoluteFilePath();
  removeRowsOf(path);  // the file was written again
  auto* item = new QListWidgetItem(tr("%1 · iteration %2 · val %3%4")
                                       .arg(QFileInfo(event.path).fileName())
                                       .arg(event.iteration)
                                       .arg(lossText(event.valLoss))
                                       .arg(event.final ? tr(" · final") : QString()));
  item->setData(kPathRole, path);
  item->setData(kIterationRole, event.iteration);
  item->setToolTip(event.path);
  checkpointList_->addItem(item);
  checkpointList_->scrollToItem(item);  // the newest in view (the final model at the end)
  updateCheckpointLabel();
}

void TrainingPane::updateCheckpointLabel() {
  const int kept = checkpointList_->count();
  checkpointLabel_->setText(kept == 0 ? tr("Checkpoints")
                                      : tr("Checkpoints: %n kept (the last 3, the best "
                                           "validation, log-spaced)",
                                           nullptr, kept));
}

QString TrainingPane::checkpointAtOrBefore(qint64 iteration) const {
  QString best;
  qint64 bestIteration = -1;
  for (int row = 0; row < checkpointList_->count(); ++row) {
    const qint64 it = checkpointList_->item(row)->data(kIterationRole).toLongLong();
    if (it <= iteration && it > bestIteration) {
      bestIteration = it;
      best = checkpointList_->item(row)->data(kPathRole).toString();
    }
  }
  return best;
}

void TrainingPane::exploreWatchPoint(const cellscope::WatchRecord& record) {
  const QString path = checkpointAtOrBefore(record.iteration);
  if (path.isEmpty()) {
    showStatus(tr("No checkpoint kept at or before iteration %1 yet: it is written every "
                  "%2 iterations.")
                   .arg(record.iteration)
                   .arg(form_->settings().checkpointEvery));
    return;
  }
  emit exploreCheckpoint(path, record.layer, record.neuron,
                         QString::fromStdString(record.quantity));
}

void TrainingPane::onFinished(const TrainingFinished& result) {
  setState(State::kIdle);
  progressBar_->setRange(0, 1000);
  // No ETA once stopped: what the run reached, and that it has stopped.
  progressLabel_->setText(tr("Stopped at epoch %1 · iteration %2 · loss %3 · val %4")
                              .arg(lastEpoch_, 0, 'f', 2)
                              .arg(QLocale().toString(lastIteration_))
                              .arg(lossText(lastLoss_), lossText(lastValLoss_)));
  if (result.ok) {
    showStatus(tr("Finished at iteration %1 (%2), validation loss %3")
                   .arg(result.iterations)
                   .arg(result.message, lossText(result.valLoss)));
  } else {
    showStatus(result.message, true);
    emit errorOccurred(result.message);
  }
  emit finished(result);
}

void TrainingPane::showStatus(const QString& text, bool error) {
  statusLabel_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
  statusLabel_->setText(text);
}
