// TrainingForm: the training pane's configuration widgets — corpus, architecture, optimisation,
// intervals, watched detectors, output file, a preset chooser (applied when chosen) — and before starting the parameter count, a memory
// estimate and a measured time per epoch (a few steps on synthetic ids on the global thread
// pool, debounced, stale runs cancelled). Values, presets and the request: training_settings.h;
// the arithmetic: training_estimates.h.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <atomic>
#include <memory>

#include "training_estimates.h"
#include "training_settings.h"
#include "training_worker.h"
#include "watch_suggestion.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTimer;

class TrainingForm : public QWidget {
  Q_OBJECT

 public:
  enum Preset {
    kCharRnnDefaults = kPresetCharRnnDefaults,
    kFastSmall = kPresetFastSmall,
    kQuality = kPresetQuality
  };

  explicit TrainingForm(QWidget* parent = nullptr);
  ~TrainingForm() override;  // cancels a running time estimate

  // Quiet time after the last edit before the time estimate is measured.
  static constexpr int kEstimateDelayMilliseconds = 300;

  TrainingSettings settings() const;
  void applySettings(const TrainingSettings& settings);
  void applyPreset(int preset);
  // The request for these settings (resumePath left empty).
  TrainingRequest request() const;

  // The vocabulary size used for the parameter count (65 until a corpus is loaded) and the
  // corpus size in characters for the memory estimate.
  void setCorpusInfo(const TrainingCorpusInfo& info);

  QLabel* parameterLabel() const { return parameterLabel_; }
  QLabel* memoryLabel() const { return memoryLabel_; }
  QLabel* timeLabel() const { return timeLabel_; }
  // The last measured training throughput for the current configuration (0: none yet).
  double measuredCharsPerSecond() const { return charsPerSecond_; }
  QLabel* corpusLabel() const { return corpusLabel_; }
  QComboBox* presetCombo() const { return presetCombo_; }
  QSpinBox* layersSpin() const { return layersSpin_; }
  QSpinBox* hiddenSpin() const { return hiddenSpin_; }
  QLineEdit* outputEdit() const { return outputEdit_; }
  QLineEdit* watchEdit() const { return watchEdit_; }
  QSpinBox* watchEverySpin() const { return watchEverySpin_; }
  // Which detectors were chosen from the corpus and why (each candidate's share of the probe).
  QLabel* watchReasonLabel() const { return watchReasonLabel_; }
  // True while the corpus is being read for a watch suggestion (or about to be).
  bool watchSuggestionPending() const;

 signals:
  void changed();
  void estimateReady(double charsPerSecond);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void chooseFiles();
  void chooseFolder();
  void chooseOutput();
  void updateEstimates();
  void scheduleTimeEstimate();
  void cancelTimeEstimate();
  void measureTime();
  void updateTimeLabel();

  int vocabSize_ = 65;
  double corpusChars_ = 0.0;
  double trainChars_ = 0.0;
  double charsPerSecond_ = 0.0;
  bool estimatePending_ = false;  // asked for while disabled (training): measured when enabled
  quint64 estimateGeneration_ = 0;
  QString estimateKey_;  // the speed-setting configuration last scheduled or measured
  std::shared_ptr<std::atomic<bool>> estimateCancel_;
  QTimer* estimateTimer_ = nullptr;
  QComboBox* presetCombo_ = nullptr;
  QLineEdit* corpusEdit_ = nullptr;
  QLineEdit* globEdit_ = nullptr;
  QLabel* corpusLabel_ = nullptr;
  QComboBox* cellCombo_ = nullptr;
  QSpinBox* layersSpin_ = nullptr;
  QSpinBox* hiddenSpin_ = nullptr;
  QSpinBox* seqSpin_ = nullptr;
  QSpinBox* batchSpin_ = nullptr;
  QComboBox* optimizerCombo_ = nullptr;
  QDoubleSpinBox* lrSpin_ = nullptr;
  QDoubleSpinBox* decaySpin_ = nullptr;
  QSpinBox* decayAfterSpin_ = nullptr;
  QDoubleSpinBox* dropoutSpin_ = nullptr;
  QComboBox* clipCombo_ = nullptr;
  QDoubleSpinBox* clipSpin_ = nullptr;
  QDoubleSpinBox* valFracSpin_ = nullptr;
  QSpinBox* maxEpochsSpin_ = nullptr;
  QSpinBox* evalSpin_ = nullptr;
  QSpinBox* sampleSpin_ = nullptr;
  QSpinBox* checkpointSpin_ = nullptr;
  QDoubleSpinBox* temperatureSpin_ = nullptr;
  QLineEdit* outputEdit_ = nullptr;
  QLineEdit* watchEdit_ = nullptr;
  QSpinBox* watchEverySpin_ = nullptr;
  QStringList autoWatch_;  // the detectors last suggested for the corpus
  QLabel* watchReasonLabel_ = nullptr;
  WatchSuggester* watchSuggester_ = nullptr;
  QTimer* watchSuggestTimer_ = nullptr;  // debounces typing in the corpus field
  bool watchFollowsCorpus() const;
  void applyWatchSuggestion(const WatchSuggestion& suggestion, const QString& error);
  QLabel* parameterLabel_ = nullptr;
  QLabel* memoryLabel_ = nullptr;
  QLabel* timeLabel_ = nullptr;
};
