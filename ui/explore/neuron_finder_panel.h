// NeuronFinderPanel: the explorer's side panel, three tabs over one model and text — Find (rank
// neurons against a detector, a regex or the selection), Match (LSTMVis) and Saturation (the
// gate-saturation scatter of one layer), one class each, sharing only the FinderSession (the
// AnalysisWorker thread this panel owns, and the text). A new text clears every result and
// cancels running jobs; the GUI thread never waits on the worker.
#pragma once

#include <QPair>
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

#include "analysis_worker.h"
#include "common/neuron_selection.h"
#include "find_tab.h"

class MatchTab;
class QTabWidget;
class QThread;
class SaturationTab;
struct FinderSession;

class NeuronFinderPanel : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kTopNeurons = FindTab::kTopNeurons;
  static constexpr const char* kSelectionTarget = FindTab::kSelectionTarget;
  static constexpr const char* kRegexTarget = FindTab::kRegexTarget;

  explicit NeuronFinderPanel(QWidget* parent = nullptr);
  ~NeuronFinderPanel() override;

  void setModel(std::shared_ptr<const cellscope::ModelFile> model);
  // A new text: results and the selection cleared, running jobs cancelled, a new text id.
  void setText(const std::u32string& text);
  // The user's selected span of the text view, [begin, end); empty = none.
  void setSelection(qint64 begin, qint64 end);
  // The explorer's quantity: Match uses it next (the user may still pick another).
  void setQuantity(cellscope::Quantity quantity);
  // Find's target for the next text instead of the automatic one (FindTab::setPresetTarget).
  void setFindTarget(const QString& detector, cellscope::Quantity quantity);
  // The neuron the text is coloured by: Find's and Match's tables highlight its row (none when
  // it is not listed), so a highlighted row never names another neuron. Emits nothing.
  void showNeuron(const NeuronSelection& neuron);

  // Start a job as the buttons do (for the lead's wiring and tests).
  void runFind();
  void runMatch();
  void runSaturation();

  bool isBusy() const;
  // The last results for the current text (ranked as the engine returns them).
  const std::vector<cellscope::NeuronScore>& findResults() const;
  const cellscope::MatchResult& matchResult() const;
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
  // The session's text id moves on: the worker drops older jobs, every tab its results.
  void newTextId();

  std::unique_ptr<FinderSession> session_;
  QThread* thread_ = nullptr;
  AnalysisWorker* worker_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  FindTab* findTab_ = nullptr;
  MatchTab* matchTab_ = nullptr;
  SaturationTab* saturationTab_ = nullptr;
};
