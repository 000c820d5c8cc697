// MainWindow's links between rooms (rooms never include each other; the shell joins them):
// View menu → the explorer's text zoom and whitespace markers; Train tab → a kept checkpoint
// opened in Explore coloured by the watched neuron; Generate colouring by Explore's neuron (never
// a saturated one: the explorer picks a variable neuron when none is named) until the user picks
// another neuron in Generate.
#include <QAction>
#include <QTabWidget>

#include "error.h"
#include "explore/explorer_pane.h"
#include "generate/generator_pane.h"
#include "main_menus.h"
#include "main_window.h"
#include "train/training_pane.h"

void MainWindow::connectRoomLinks() {
  connect(menus_->zoomIn, &QAction::triggered, explorerPane_, &ExplorerPane::zoomTextIn);
  connect(menus_->zoomOut, &QAction::triggered, explorerPane_, &ExplorerPane::zoomTextOut);
  connect(menus_->resetZoom, &QAction::triggered, explorerPane_, &ExplorerPane::resetTextZoom);
  connect(menus_->whitespace, &QAction::toggled, explorerPane_,
          &ExplorerPane::setWhitespaceMarkersVisible);

  connect(trainingPane_, &TrainingPane::exploreCheckpoint, this,
          [this](const QString& path, int layer, int neuron, const QString& quantity) {
            NeuronSelection selection;
            selection.layer = layer;
            selection.neuron = neuron;
            try {
              selection.quantity = cellscope::parse_quantity(quantity.toStdString());
            } catch (const cellscope::Error&) {
              return;  // the watch records engine names; anything else is not ours to guess
            }
            if (!openModel(path)) return;
            explorerPane_->setNeuronSelection(selection);
            tabs_->setCurrentWidget(explorerPane_);
          });

  connect(explorerPane_, &ExplorerPane::colouringFinished, this, [this] {
    const NeuronSelection shown = explorerPane_->neuronSelection();
    if (!generatorNeuronChosen_ && generatorPane_->neuronSelection() != shown) {
      generatorPane_->setNeuronSelection(shown);  // regenerates: only when it changes
    }
  });
  connect(generatorPane_, &GeneratorPane::neuronSelectionChanged, this,
          [this](const NeuronSelection& selection) {
            if (selection != explorerPane_->neuronSelection()) generatorNeuronChosen_ = true;
          });
}
