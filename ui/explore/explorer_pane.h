// ExplorerPane: the activation explorer — a text coloured by one neuron (layer, neuron,
// quantity, legend) or by the model's surprisal, entropy, or its difference against a second
// model (ComparisonController), its activation as a line and the layer as a heatmap under it, the neuron
// finder at the side. Work runs on an ExplorerWorker thread (progress bar; the GUI never waits);
// hover shows the value and top-5 predictions; ←/→ or [/] step the neuron, ↑/↓ the layer. A bad
// file ends in an error box naming it. While there is no text, a welcome lists the Examples.
#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

#include "common/color_map.h"
#include "explorer_layout.h"
#include "explorer_worker.h"
#include "neuron_search.h"

class ActivationPlot;
class ActivationTextView;
class ComparisonController;
class ExplorerWelcome;
class NeuronFinderPanel;
class NeuronHeatmap;
class QTimer;
class NeuronSelector;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThread;

namespace cellscope {
struct ModelFile;
}

class ExplorerPane : public QWidget {
  Q_OBJECT

 public:
  explicit ExplorerPane(QWidget* parent = nullptr);
  ~ExplorerPane() override;

  // Keeps its own copy of what probing needs; a text already open is probed again. `name` (the
  // file's) labels the model in the Memory tab's horizon legend.
  void setModel(const cellscope::ModelFile& model, const QString& name = QString());
  bool hasModel() const { return model_ != nullptr; }

  // Reads and probes `path` on the worker. Errors (no model, missing, not UTF-8) are shown in
  // QMessageBox::critical naming the file once the worker reports them.
  void openText(const QString& path);
  QString textPath() const { return textPath_; }
  // Probes a text that is not a file (pasted, generated, a training sample, a validation
  // split); `title` names it in the pane. textPath() becomes empty.
  void showText(const QString& title, const std::u32string& text);
  // What the pane shows: the file path or the title given to showText(); empty when none.
  QString textTitle() const { return textTitle_; }
  // The text shown and the selected neuron's value per character (NaN where not computed).
  const std::u32string& text() const;
  const std::vector<float>& values() const;
  // True from openText() until the probe pass has ended (finished, failed or cancelled).
  bool isProbing() const { return probing_; }
  // True once the view shows the selected neuron's values (or the surprisal, entropy or A − B
  // chosen instead) over the whole text.
  bool isColoured() const;

  NeuronSelection neuronSelection() const;
  // An explicit choice (command line, Example, settings, the finder, the user): it always wins
  // over the automatic neuron, even when it comes before it. Setting the neuron already shown
  // while the automatic one is pending changes nothing (the shell passes the default through).
  void setNeuronSelection(const NeuronSelection& selection);
  // True when the shown neuron was picked automatically (the most variable of the layer over the
  // text's start), which happens once per model for its first text unless a neuron was named.
  bool neuronChosenAutomatically() const { return autoChosen_; }
  // The finder's Find target (a detector name or "regex:…", and a quantity) for the next text
  // opened, instead of the one guessed from the text (an Example names its own); kept while
  // that text is shown.
  void setFinderTarget(const QString& detector, cellscope::Quantity quantity);
  // The Examples listed by the welcome shown while there is no text (the shell's catalogue;
  // clicking one emits exampleRequested with its index). The welcome goes once a text is shown.
  void setExampleTitles(const QStringList& titles);
  // Steps the neuron (wrapping within the layer) or the layer (clamped).
  void stepNeuron(int delta);
  void stepLayer(int delta);

  // Memory for every neuron of the selected layer (ExplorerWorker::kCacheBudget by default);
  // beyond it another neuron is replayed for the rest of the text.
  void setCacheBudget(std::size_t bytes) { worker_->setCacheBudget(bytes); }

  ActivationTextView* view() const { return ui_.view; }
  ExplorerWelcome* welcome() const { return ui_.welcome; }
  QLabel* hoverLabel() const { return ui_.hoverLabel; }
  QLabel* legendLabel() const { return ui_.legendLabel; }
  QProgressBar* progressBar() const { return ui_.progressBar; }
  ActivationPlot* plot() const { return ui_.plot; }
  NeuronHeatmap* heatmap() const { return ui_.heatmap; }
  NeuronFinderPanel* finder() const { return ui_.finder; }
  // Surprisal, entropy and model against model: its actions are File → Compare With Model…
  // and Close Comparison.
  ComparisonController* comparison() const { return comparison_; }

 public slots:
  // Asks for a file with QFileDialog, then openText().
  void chooseText();
  // View menu (ui/shell connects them): the text's font size and its ↵ → markers.
  void zoomTextIn();
  void zoomTextOut();
  void resetTextZoom();
  void setWhitespaceMarkersVisible(bool visible);

 signals:
  // The probe pass over the current text ended (successfully or not).
  void probingFinished();
  // Every character now has the selected neuron's value (after a pass or a neuron change).
  void colouringFinished();
  // Some of the selected neuron's values arrived (values() changed).
  void valuesChanged();
  // An Example's link on the welcome was clicked (its index in setExampleTitles' list).
  void exampleRequested(int index);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void selectionChanged();
  quint64 startText(const QString& status);  // a new text id; the pass in flight is cancelled
  void wakeWorker();
  void requestHover();
  void updateLegend();
  void showError(const QString& message);
  void onTextLoaded(const ExplorerText& text);
  void onProgress(quint64 textId, double fraction);
  void onTrack(const ExplorerTrack& track);
  void onProbed(const ExplorerProbeSummary& summary);
  void onHover(const ExplorerHover& hover);
  void onMatrix(const ExplorerMatrix& matrix);
  void onAutoNeuron(quint64 textId, int layer, int neuron, int quantity, double variance);
  void setAutoNeuronPending(bool pending);
  void applyRowOrder();
  void updatePlot();
  colormap::ColorMap currentMap() const;

  ExplorerLayout ui_;  // the widgets (explorer_layout.cpp arranges them)
  ComparisonController* comparison_ = nullptr;
  std::shared_ptr<const cellscope::ModelFile> model_;
  QThread* thread_ = nullptr;
  ExplorerWorker* worker_ = nullptr;
  quint64 textId_ = 0;
  QString textPath_;
  QString textTitle_;
  QString pendingPath_;  // the file being read, empty for a text from memory
  QString lastDir_;
  bool probing_ = false;
  bool textLoaded_ = false;  // the worker has the current text: hovers can be asked
  bool coloured_ = false;
  int hovered_ = -1;
  bool hoverPending_ = false;
  double unboundedLimit_ = 3.0;
  bool autoPending_ = false;   // no neuron named since the model was set
  bool autoChosen_ = false;    // the shown neuron is the automatic one
  bool applyingAuto_ = false;  // selectionChanged() is the automatic choice, not the user's

  std::vector<cellscope::NeuronScore> ranking_;  // the finder's last ranking (heatmap order)
  int orderLayer_ = -1;                          // the layer that order was made for
  QTimer* plotTimer_ = nullptr;                  // coalesces plot updates
  QElapsedTimer colouringTimer_;                 // since the last neuron change
};
