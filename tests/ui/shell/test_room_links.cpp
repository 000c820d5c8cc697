// The shell's links between rooms (main_window_links.cpp), through the real MainWindow on the
// offscreen platform: View → Zoom and Show Whitespace Markers reach the explorer's text view; a
// Train-tab request to explore a kept checkpoint opens it in Explore on the watched neuron; and
// Generate colours by the explorer's neuron until the user picks another one there.
#include <gtest/gtest.h>

#include <QAction>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTabWidget>

#include "common/activation_text_view.h"
#include "explore/explorer_pane.h"
#include "generate/generator_pane.h"
#include "shell/main_window.h"
#include "train/training_pane.h"
#include "ui_test_util.h"

namespace {

using ui_test::waitFor;

const QString kModel = QStringLiteral(CELLSCOPE_SOURCE_DIR "/resources/models/linux.csm");
const QString kText = QStringLiteral(CELLSCOPE_SOURCE_DIR "/resources/demo/ring_buffer.c");

QAction* action(const MainWindow& window, const char* name) {
  return window.findChild<QAction*>(QLatin1String(name));
}

TEST(ShellRoomLinks, ViewMenuZoomsTheTextAndTogglesWhitespaceMarkers) {
  MainWindow window;
  ActivationTextView* view = window.explorerPane()->view();
  QAction* zoomIn = action(window, "actionZoomIn");
  QAction* zoomOut = action(window, "actionZoomOut");
  QAction* reset = action(window, "actionResetZoom");
  QAction* whitespace = action(window, "actionWhitespace");
  ASSERT_TRUE(zoomIn && zoomOut && reset && whitespace);
  EXPECT_FALSE(zoomIn->shortcut().isEmpty());
  EXPECT_FALSE(reset->shortcut().isEmpty());

  const double base = view->pointSize();
  zoomIn->trigger();
  EXPECT_GT(view->pointSize(), base);
  zoomOut->trigger();
  zoomOut->trigger();
  EXPECT_LT(view->pointSize(), base);
  reset->trigger();
  EXPECT_DOUBLE_EQ(view->pointSize(), base);

  ASSERT_TRUE(whitespace->isChecked());
  EXPECT_TRUE(view->whitespaceMarkersVisible());
  whitespace->trigger();
  EXPECT_FALSE(view->whitespaceMarkersVisible());
  whitespace->trigger();
  EXPECT_TRUE(view->whitespaceMarkersVisible());
}

TEST(ShellRoomLinks, ACheckpointFromTheTrainTabOpensInExploreOnTheWatchedNeuron) {
  MainWindow window;
  window.tabs()->setCurrentWidget(window.trainingPane());
  emit window.trainingPane()->exploreCheckpoint(kModel, 1, 42, QStringLiteral("tanh-cell"));
  EXPECT_EQ(window.modelPath(), QFileInfo(kModel).absoluteFilePath());
  EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
  const NeuronSelection shown = window.explorerPane()->neuronSelection();
  EXPECT_EQ(shown.layer, 1);
  EXPECT_EQ(shown.neuron, 42);
  EXPECT_EQ(shown.quantity, cellscope::Quantity::kTanhCell);
}

TEST(ShellRoomLinks, GenerateColoursByTheExplorersNeuronUntilTheUserPicksOne) {
  MainWindow window(kModel, kText);
  ExplorerPane* explorer = window.explorerPane();
  GeneratorPane* generator = window.generatorPane();
  ASSERT_TRUE(waitFor([&] { return explorer->isColoured() && !explorer->isProbing(); }, 60000));
  EXPECT_EQ(generator->neuronSelection(), explorer->neuronSelection());

  NeuronSelection next = explorer->neuronSelection();
  next.neuron = (next.neuron + 7) % 256;
  explorer->setNeuronSelection(next);
  ASSERT_TRUE(waitFor([&] { return generator->neuronSelection() == next; }, 30000));

  // The user's own choice in Generate stays when Explore moves on.
  NeuronSelection mine = next;
  mine.neuron = (mine.neuron + 1) % 256;
  emit generator->neuronSelectionChanged(mine);  // what the pane's selector reports
  generator->setNeuronSelection(mine);
  NeuronSelection later = next;
  later.neuron = (later.neuron + 3) % 256;
  QSignalSpy coloured(explorer, &ExplorerPane::colouringFinished);
  explorer->setNeuronSelection(later);
  ASSERT_TRUE(waitFor([&] { return coloured.count() > 0; }, 30000));
  EXPECT_EQ(generator->neuronSelection(), mine);
}

}  // namespace
