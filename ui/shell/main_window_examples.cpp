// MainWindow, the part that opens things by itself: Help → Examples (one action per entry of
// the bundled catalogue, examples.h) and what the window shows at start when the command line
// names nothing — the last model and text when they still exist, else the first Example.
#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QStringList>
#include <QTimer>

#include "caption_bar.h"
#include "explore/comparison_controller.h"
#include "common/activation_text_view.h"
#include "checkpoint.h"
#include "explore/explorer_pane.h"
#include "main_window.h"
#include "pytorch_import_flow.h"

void MainWindow::fillExamplesMenu() {
  examples_ = loadExamples(defaultDataDir());
  for (const Example& example : examples_.examples) {
    QAction* action = menus_->examples->addAction(example.title);
    action->setObjectName(QStringLiteral("actionExample_%1").arg(example.id));
    action->setStatusTip(example.caption.section(QLatin1Char(':'), 0, 0));
    connect(action, &QAction::triggered, this, [this, example] { openExample(example); });
  }
  if (examples_.examples.isEmpty()) {
    menus_->examples->addAction(examples_.error)->setEnabled(false);
  }
  // The same list on the Explore tab while it has no text.
  QStringList titles;
  for (const Example& example : examples_.examples) titles << example.title;
  explorerPane_->setExampleTitles(titles);
  connect(explorerPane_, &ExplorerPane::exampleRequested, this, [this](int index) {
    if (index >= 0 && index < examples_.examples.size()) openExample(examples_.examples[index]);
  });
  // The caption describes the Example's neuron: it goes once its text is coloured by another
  // neuron, by surprisal or against a second model (Find, Match, the heatmap, Colour by).
  connect(explorerPane_, &ExplorerPane::colouringFinished, this, [this] {
    if (explorerPane_->textPath() != exampleTextPath_) return;
    if (explorerPane_->comparison()->showing() ||
        explorerPane_->neuronSelection() != exampleNeuron_)
      captionBar_->dismiss();
  });
}

bool MainWindow::openExample(const Example& example) {
  // The example's neuron, not the one remembered from another model (the command line's
  // --neuron still wins when this is the first model of the session).
  const bool first = !firstModelLoaded_;
  firstModelLoaded_ = true;
  if (!openModel(example.modelPath)) return false;
  QString why;
  const std::optional<NeuronSelection> neuron =
      startupNeuron(model_->model, example.neuron, std::nullopt,
                    first ? neuronOverride_ : NeuronOverride(), &why);
  if (!neuron) {
    QMessageBox::warning(this, tr("Neuron not in this model"), why);
    return false;
  }
  explorerPane_->setNeuronSelection(*neuron);
  explorerPane_->setFinderTarget(example.detector, example.neuron.quantity);
  openText(example.textPath);
  if (!example.focus.isEmpty()) {
    // Once the text is read, the place the caption talks about is scrolled into view.
    auto* once = new QObject(this);
    const std::u32string focus = example.focus.toStdU32String();
    const QString path = QFileInfo(example.textPath).absoluteFilePath();
    connect(explorerPane_, &ExplorerPane::probingFinished, once, [this, once, focus, path] {
      once->deleteLater();
      const std::size_t at = explorerPane_->text().find(focus);
      if (explorerPane_->textPath() != path || at == std::u32string::npos) return;
      explorerPane_->view()->scrollTo(static_cast<int>(at));
      explorerPane_->view()->setHighlighted(static_cast<int>(at));
    });
  }
  exampleTextPath_ = QFileInfo(example.textPath).absoluteFilePath();  // as the explorer keeps it
  exampleNeuron_ = *neuron;
  captionBar_->setCaption(example.title, example.caption);
  statusBar()->showMessage(tr("Example: %1 (layer %2, neuron %3)")
                               .arg(example.title)
                               .arg(neuron->layer)
                               .arg(neuron->neuron));
  return true;
}

void MainWindow::openAtStart() {
  QTimer::singleShot(0, this, [this] {
    if (model_ != nullptr || importer_->isRunning()) return;  // something was opened meanwhile
    if (!lastModelPath_.isEmpty() && QFileInfo(lastModelPath_).isFile() &&
        openModel(lastModelPath_)) {
      if (!lastTextPath_.isEmpty() && QFileInfo(lastTextPath_).isFile()) openText(lastTextPath_);
      return;
    }
    if (!examples_.examples.isEmpty()) {
      openExample(examples_.examples.first());
    } else {
      statusBar()->showMessage(examples_.error);
    }
  });
}
