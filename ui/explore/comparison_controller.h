// ComparisonController: what the explorer colours by besides a neuron — the model's surprisal
// (−log p of each character, nats or bits), its prediction entropy, and, with a second model open
// on the same text, the difference in surprisal A − B (diverging, blue where A is less surprised)
// with a summary of both losses overall and per detector (engine/compare.h). Scores come from a
// SurprisalWorker thread once per text and model and are kept, so a recolour (a mode, a unit, a
// second model's arrival) is arithmetic over kept arrays. While it colours, the pane's neuron
// tracks are kept aside (setNeuronValues*) and restored when Neuron is chosen again.
#pragma once

#include <QObject>
#include <QString>
#include <memory>
#include <string>
#include <vector>

#include "common/color_map.h"
#include "explorer_layout.h"
#include "surprisal_worker.h"

class QAction;
class QThread;
class QWidget;

class ComparisonController : public QObject {
  Q_OBJECT

 public:
  enum class ColourBy { kNeuron, kSurprisal, kEntropy, kDifference };

  // `ui` are the pane's widgets (colour-by combo, units box, compare button, summary, view,
  // legend, plot); `pane` parents the dialogs.
  ComparisonController(const ExplorerLayout& ui, QWidget* pane);
  ~ComparisonController() override;

  // The pane's side: a new model A (scores are made again), a new text shown in the view.
  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  void setText(const std::u32string& text);
  // The neuron track, kept while something else is shown (then forwarded to the view).
  void setNeuronValues(const std::vector<float>& values);
  void setNeuronValuesAt(int begin, const std::vector<float>& values);
  const std::vector<float>& neuronValues() const { return neuronValues_; }

  bool showing() const { return colourBy_ != ColourBy::kNeuron; }
  // Every character has its value in the current colouring (surprisal etc., not the neuron).
  bool isColoured() const;
  // Pushes the current values, colour map and legend to the view (no-op for Neuron).
  void refresh();
  void labelPlot() const;  // the plot's range and labels for the current colouring
  QString hoverValue(int position) const;  // "surprisal 3.21 bits · entropy 1.02 bits"
  QString colouringLabel() const;          // for exports; empty for Neuron
  QString colouringFileTag() const;        // "surprisal", "entropy", "difference"; "" for Neuron
  colormap::ColorMap colorMap() const;

  void setColourBy(ColourBy mode);
  ColourBy colourBy() const { return colourBy_; }
  void setBits(bool bits);
  bool bits() const { return bits_; }

  // File → Compare With Model… (asks for a file, then openSecondModel) and Close Comparison.
  QAction* compareAction() const { return compareAction_; }
  QAction* closeAction() const { return closeAction_; }
  // Opens `path` (.csm, checkpoint or .ngram) as model B on the shown text. A bad file ends in
  // an error box naming it (and comparisonFailed); model A and any previous B stay as they were.
  void openSecondModel(const QString& path);
  void closeComparison();
  bool hasSecondModel() const { return !secondPath_.isEmpty(); }
  QString secondModelPath() const { return secondPath_; }

  // The kept scores (null until computed) and the last comparison (null until both are).
  std::shared_ptr<const cellscope::CharScores> scores(int slot) const { return scores_[slot]; }
  std::shared_ptr<const cellscope::Comparison> comparison() const { return comparison_; }
  // How long the last refresh() took (values, view, legend, plot labels, one repaint), in ms.
  double lastRecolourMs() const { return lastRecolourMs_; }

 signals:
  void coloured();                 // the current colouring covers the text now
  void recoloured();               // the view's values changed (the plot follows)
  void neuronColouringWanted();    // Neuron chosen again: the pane shows its neuron
  void comparisonReady();          // the summary has both models' losses
  void comparisonFailed(const QString& message);

 private:
  void chooseSecondModel();
  void requestScores();
  void onScored(const SurprisalResult& result);
  void onCompared(const ComparisonResult& result);
  void onProgress(quint64 jobId, int slot, double fraction);
  void updateControls();
  void computeValues();
  double unit() const;  // nats per shown unit: 1 or ln 2
  QString unitName() const;

  ExplorerLayout ui_;
  QWidget* pane_ = nullptr;
  QThread* thread_ = nullptr;
  SurprisalWorker* worker_ = nullptr;
  QAction* compareAction_ = nullptr;
  QAction* closeAction_ = nullptr;
  QString lastDir_;

  ColourBy colourBy_ = ColourBy::kNeuron;
  bool bits_ = true;
  std::shared_ptr<const std::u32string> text_;
  bool hasModel_ = false;
  quint64 jobs_[2] = {0, 0};   // the job each slot's scores are wanted for
  bool pending_[2] = {false, false};
  std::shared_ptr<const cellscope::CharScores> scores_[2];
  std::shared_ptr<const cellscope::Comparison> comparison_;
  bool comparing_ = false;
  QString secondPath_, secondDescription_, firstDescription_;
  QString pendingSecond_;  // the file being opened as B
  std::vector<float> neuronValues_;
  std::vector<float> shown_;  // the current colouring's values, in the shown unit
  double lastRecolourMs_ = 0.0;
};
