// NeuronFinderPanel: the explorer's side panel with three tabs over the same model and text —
// Find (rank neurons against a detector, a regex or the selected span), Match (LSTMVis: the
// neurons on through the selection and where else they switch on together) and Saturation (the
// gate-saturation scatter of one layer). Every pass runs on the panel's AnalysisWorker thread;
// a new text clears every result and cancels running jobs; the GUI thread never waits on it.
#pragma once

#include <QPair>
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

#include "analysis_worker.h"
#include "config.h"
#include "common/neuron_selection.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QThread;
class SaturationPlot;

class NeuronFinderPanel : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kTopNeurons = 100;
  // The detector combo's entries after detector_list(): its item data.
  static constexpr const char* kSelectionTarget = "@selection";
  static constexpr const char* kRegexTarget = "@regex";

  explicit NeuronFinderPanel(QWidget* parent = nullptr);
  ~NeuronFinderPanel() override;

  void setModel(std::shared_ptr<const cellscope::ModelFile> model);
  // A new text: results and the selection cleared, running jobs cancelled, a new text id.
  void setText(const std::u32string& text);
  // The user's selected span of the text view, [begin, end); empty = none.
  void setSelection(qint64 begin, qint64 end);

  // Start a job as the buttons do (for the lead's wiring and tests).
  void runFind();
  void runMatch();
  void runSaturation();

  bool isBusy() const { return findJob_ != 0 || matchJob_ != 0 || saturationJob_ != 0; }
  // The last results for the current text (ranked as the engine returns them).
  const std::vector<cellscope::NeuronScore>& findResults() const { return findScores_; }
  const cellscope::MatchResult& matchResult() const { return match_.result; }
  // Status / error lines under each tab's button.
  QString findStatus() const;
  QString matchStatus() const;
  QString saturationStatus() const;
  AnalysisWorker* worker() const { return worker_; }  // for connecting to its signals only
  QTabWidget* tabs() const { return tabs_; }

 signals:
  void neuronChosen(const NeuronSelection& selection);
  void rangeChosen(qint64 begin, qint64 end);
  void matchesFound(const QVector<QPair<qint64, qint64>>& ranges);

 private:
  QWidget* buildFindTab();
  QWidget* buildMatchTab();
  QWidget* buildSaturationTab();
  void fillQuantities(QComboBox* combo);
  void updateSelectionLabel();
  void updateRegexVisibility();
  void resetResults();
  // Sends `request` (ids filled in) to the worker's `slot` as the running job of `kind`.
  template <typename Request>
  void startJob(Request request, void (AnalysisWorker::*slot)(const Request&),
                AnalysisWorker::Kind kind, quint64* running, QProgressBar* bar, QLabel* status);
  bool checkReady(QLabel* status) const;
  QString excerpt(qint64 begin, qint64 end, int maxChars) const;
  void emitFindRow(int row);
  void showSaturationLayer();

  // True when `result` is the running job of its kind (then ended) and succeeded; shows its
  // error or cancellation in `status`.
  template <typename Result>
  bool finishJob(const Result& result, quint64* running, QProgressBar* bar, QLabel* status);
  void onProgress(quint64 jobId, double fraction);
  void onFound(const FindResult& result);
  void onMatched(const MatchJobResult& result);
  void onSaturation(const SaturationResult& result);

  std::shared_ptr<const cellscope::ModelFile> model_;
  cellscope::ModelConfig config_;
  std::u32string text_;
  qint64 selectionBegin_ = 0, selectionEnd_ = 0;
  quint64 textId_ = 0;
  quint64 nextJob_ = 0;
  quint64 findJob_ = 0, matchJob_ = 0, saturationJob_ = 0;  // running, 0: none
  bool saturationStale_ = true;  // no saturation result for the current text yet

  std::vector<cellscope::NeuronScore> findScores_;
  cellscope::Quantity findQuantity_ = cellscope::Quantity::kHidden;
  MatchJobResult match_;
  SaturationResult saturation_;
  bool pressChangedRow_ = false;

  QThread* thread_ = nullptr;
  AnalysisWorker* worker_ = nullptr;
  QTabWidget* tabs_ = nullptr;

  QComboBox* detectorCombo_ = nullptr;
  QLineEdit* regexEdit_ = nullptr;
  QComboBox* findQuantityCombo_ = nullptr;
  QPushButton* findButton_ = nullptr;
  QProgressBar* findProgress_ = nullptr;
  QLabel* findStatus_ = nullptr;
  QTableWidget* findTable_ = nullptr;

  QLabel* selectionLabel_ = nullptr;
  QDoubleSpinBox* thresholdSpin_ = nullptr;
  QComboBox* matchQuantityCombo_ = nullptr;
  QComboBox* matchLayerCombo_ = nullptr;
  QPushButton* matchButton_ = nullptr;
  QProgressBar* matchProgress_ = nullptr;
  QLabel* matchStatus_ = nullptr;
  QListWidget* matchNeurons_ = nullptr;
  QTableWidget* matchRanges_ = nullptr;

  QComboBox* saturationLayerCombo_ = nullptr;
  QPushButton* saturationButton_ = nullptr;
  QProgressBar* saturationProgress_ = nullptr;
  QLabel* saturationStatus_ = nullptr;
  SaturationPlot* saturationPlot_ = nullptr;
};
