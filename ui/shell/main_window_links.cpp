// MainWindow's links between rooms (rooms never include each other; the shell joins them):
// View menu → the explorer's text zoom and whitespace markers; Train tab → a kept checkpoint
// opened in Explore coloured by the watched neuron; Model tab → a neuron-watch record opened at
// the run's kept checkpoint nearest to it, coloured by its neuron with its detector as the Find
// target; Generate colouring by Explore's neuron (never
// a saturated one: the explorer picks a variable neuron when none is named) until the user picks
// another neuron in Generate.
#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QStatusBar>
#include <QTabWidget>

#include "error.h"
#include "explore/comparison_controller.h"
#include "explore/explorer_pane.h"
#include "generate/generator_pane.h"
#include "main_menus.h"
#include "main_window.h"
#include "model/model_overview_pane.h"
#include "train/training_pane.h"

void MainWindow::connectRoomLinks() {
  connect(menus_->zoomIn, &QAction::triggered, explorerPane_, &ExplorerPane::zoomTextIn);
  connect(menus_->zoomOut, &QAction::triggered, explorerPane_, &ExplorerPane::zoomTextOut);
  connect(menus_->resetZoom, &QAction::triggered, explorerPane_, &ExplorerPane::resetTextZoom);
  connect(menus_->whitespace, &QAction::toggled, explorerPane_,
          &ExplorerPane::setWhitespaceMarkersVisible);

  // File → Compare With Model… / Close Comparison are the explorer's own actions; the result
  // shows in Explore, so the menu takes the user there.
  ComparisonController* comparison = explorerPane_->comparison();
  menus_->file->insertActions(menus_->exportMenu->menuAction(),
                              {comparison->compareAction(), comparison->closeAction()});
  menus_->file->insertSeparator(menus_->exportMenu->menuAction());
  connect(comparison->compareAction(), &QAction::triggered, this,
          [this] { tabs_->setCurrentWidget(explorerPane_); });

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

  connect(overviewPane_, &ModelOverviewPane::watchCheckpointChosen, this,
          [this](const QString& path, qint64 checkpointIteration, qint64 recordIteration,
                 const NeuronSelection& neuron, const QString& detector) {
            const bool other = QFileInfo(path).absoluteFilePath() != modelPath_;
            if (other && !openModel(path)) return;  // openModel has said why
            explorerPane_->setNeuronSelection(neuron);
            explorerPane_->setFinderTarget(detector, neuron.quantity);
            tabs_->setCurrentWidget(explorerPane_);
            const QString which =
                checkpointIteration == recordIteration
                    ? tr("iteration %1").arg(checkpointIteration)
                    : tr("iteration %1, the kept checkpoint nearest to the record's %2")
                          .arg(checkpointIteration)
                          .arg(recordIteration);
            statusBar()->showMessage(tr("%1 at %2: %3 neuron %4:%5")
                                         .arg(QFileInfo(path).fileName(), which, detector)
                                         .arg(neuron.layer)
                                         .arg(neuron.neuron),
                                     15000);
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
