// TrainingPane: the "Train" tab. A TrainingForm on the left (it scrolls) over a button bar
// that never scrolls (Start, Pause, Resume, Stop, "Resume from file…"); a progress bar with
// epoch, iteration, chars/s and ETA; the live TrainingPlots; the sample timeline (double-click
// or Enter: sampleActivated) and the checkpoints list (a bounded set, checkpoint_retention.h,
// and the output itself); a click on a watch point asks to explore a checkpoint. Training runs
// on the pane's own QThread.
#pragma once

#include <QString>
#include <QWidget>

#include "training_form.h"
#include "training_worker.h"

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QThread;
class TrainingPlots;

class TrainingPane : public QWidget {
  Q_OBJECT

 public:
  enum class State { kIdle, kRunning, kPausing, kPaused, kStopping };
  // What each sampleList() item holds.
  static constexpr int kSampleTextRole = Qt::UserRole;           // QString
  static constexpr int kSampleIterationRole = Qt::UserRole + 1;  // qint64

  explicit TrainingPane(QWidget* parent = nullptr);
  ~TrainingPane() override;  // stops a run and waits for the worker (it writes its checkpoint)

  TrainingSettings settings() const { return form_->settings(); }
  void applySettings(const TrainingSettings& settings) { form_->applySettings(settings); }

  State state() const { return state_; }
  bool isTraining() const { return state_ != State::kIdle; }
  qint64 lastIteration() const { return lastIteration_; }

  // Starts a new model from the form, or continues the model in `path` (the form's rates and
  // intervals apply; architecture, batch and sequence length come from the file).
  void start();
  void startFrom(const QString& resumePath);
  void pause();
  void resume();
  void stop();  // asynchronous: finished() follows once the checkpoint is written

  TrainingForm* form() const { return form_; }
  TrainingPlots* plots() const { return plots_; }
  QPushButton* startButton() const { return startButton_; }
  QPushButton* resumeFileButton() const { return resumeFileButton_; }
  QPushButton* pauseButton() const { return pauseButton_; }
  QPushButton* resumeButton() const { return resumeButton_; }
  QPushButton* stopButton() const { return stopButton_; }
  QProgressBar* progressBar() const { return progressBar_; }
  QLabel* progressLabel() const { return progressLabel_; }
  QLabel* statusLabel() const { return statusLabel_; }
  QListWidget* sampleList() const { return sampleList_; }
  QPlainTextEdit* sampleView() const { return sampleView_; }
  QListWidget* checkpointList() const { return checkpointList_; }
  QLabel* checkpointLabel() const { return checkpointLabel_; }
  // The path of the listed checkpoint with the largest iteration <= `iteration` ("" if none).
  QString checkpointAtOrBefore(qint64 iteration) const;
  QPushButton* openCheckpointButton() const { return openCheckpointButton_; }
  QPushButton* resumeCheckpointButton() const { return resumeCheckpointButton_; }

 signals:
  void openModelRequested(const QString& path);
  // A sample in the timeline was activated (double-click or Enter).
  void sampleActivated(qint64 iteration, const QString& text);
  void finished(const TrainingFinished& result);
  void errorOccurred(const QString& message);
  // A click on a point of the watch plot: explore the kept checkpoint at or before that
  // measurement's iteration (`modelPath`, absolute), coloured by its best neuron (layer and
  // neuron from 0; quantity as to_string(Quantity): "tanh-cell", "hidden", ...).
  void exploreCheckpoint(const QString& modelPath, int layer, int neuron,
                         const QString& quantity);

 private:
  void launch(TrainingRequest request);
  void chooseResumeFile();
  void updateCheckpointButtons();
  void updateCheckpointLabel();
  void exploreWatchPoint(const cellscope::WatchRecord& record);
  void setState(State state);
  void onCorpusLoaded(const TrainingCorpusInfo& info);
  void onIterations(const TrainingIterations& events);
  void onSample(const TrainingSample& event);
  void onCheckpoint(const TrainingCheckpoint& event);
  void onFinished(const TrainingFinished& result);
  void showStatus(const QString& text, bool error = false);

  State state_ = State::kIdle;
  qint64 lastIteration_ = 0;
  double lastValLoss_ = 0.0;
  double lastEpoch_ = 0.0;
  double lastLoss_ = 0.0;
  TrainingForm* form_ = nullptr;
  TrainingPlots* plots_ = nullptr;
  QPushButton* startButton_ = nullptr;
  QPushButton* resumeFileButton_ = nullptr;
  QPushButton* pauseButton_ = nullptr;
  QPushButton* resumeButton_ = nullptr;
  QPushButton* stopButton_ = nullptr;
  QProgressBar* progressBar_ = nullptr;
  QLabel* progressLabel_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QListWidget* sampleList_ = nullptr;
  QPlainTextEdit* sampleView_ = nullptr;
  QListWidget* checkpointList_ = nullptr;
  QLabel* checkpointLabel_ = nullptr;
  QPushButton* openCheckpointButton_ = nullptr;
  QPushButton* resumeCheckpointButton_ = nullptr;
  QThread* thread_ = nullptr;
  TrainingWorker* worker_ = nullptr;
};
