// Explorer tests, offscreen, on a tiny LSTM made here and a small text in a QTemporaryDir:
// opening the text colours every character once the probe pass ends; another neuron recolours
// with exactly the engine's Probe::track; the Right arrow steps the neuron; hover shows the
// top-5 predictions; a missing file and a non-UTF-8 file end in an error box naming the file;
// MainWindow has the Explore tab first and File → Open Text (Ctrl+T).
#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMouseEvent>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <cmath>
#include <cstring>
#include <memory>

#include "common/activation_text_view.h"
#include "checkpoint.h"
#include "explore/explorer_pane.h"
#include "shell/main_window.h"
#include "model.h"
#include "explore/neuron_finder_panel.h"
#include "explore/neuron_heatmap.h"
#include "probe.h"
#include "trainer.h"
#include "random_model.h"
#include "ui_test_util.h"
#include "vocabulary.h"

namespace {

using ui_test::waitFor;

cellscope::ModelFile tinyModel() {
  return ui_test::randomModel(
      U"\n !',.:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 12, 2, 11, 4.0f);
}

const char kText[] =
    "The quick brown fox, said she, jumps over the lazy dog.\n"
    "\tWhy? Because it can! And it will: again and again.\n"
    "Zebras are not foxes.\n";

using ui_test::writeFile;

// The engine's own answer: one neuron's track over kText.
std::vector<float> engineTrack(const cellscope::ModelFile& file, const NeuronSelection& sel) {
  const cellscope::Vocabulary vocab(file.vocabulary);
  const std::vector<int32_t> ids = vocab.encode(kText);
  cellscope::EncodedText encoded(vocab.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) encoded.set(i, ids[i]);
  auto model = cellscope::model_from_file(file, "tiny");
  cellscope::Probe probe(*model, encoded);
  return probe.track(sel.layer, sel.neuron, sel.quantity);
}

std::vector<float> viewValues(const ActivationTextView& view) {
  std::vector<float> values;
  for (int i = 0; i < view.size(); ++i) values.push_back(view.value(i));
  return values;
}

using ui_test::MessageBoxCatcher;

struct Fixture {
  cellscope::ModelFile file = tinyModel();
  QTemporaryDir dir;
  QString textPath;
  ExplorerPane pane;

  Fixture() {
    textPath = writeFile(dir, "text.txt", QByteArray(kText));
    pane.resize(900, 500);
    pane.setModel(file);
  }
  bool openAndWait() {
    pane.openText(textPath);
    return waitFor([&] { return !pane.isProbing() && pane.isColoured(); });
  }
};

}  // namespace

TEST(ExplorerTest, OpeningATextColoursEveryCharacter) {
  Fixture f;
  ASSERT_TRUE(f.openAndWait());
  ActivationTextView* view = f.pane.view();
  EXPECT_EQ(view->plainText(), QString::fromUtf8(kText));
  ASSERT_EQ(view->size(), static_cast<int>(std::strlen(kText)));
  for (int i = 0; i < view->size(); ++i) EXPECT_FALSE(std::isnan(view->value(i))) << i;
  EXPECT_FALSE(f.pane.progressBar()->isVisible());
  EXPECT_EQ(f.pane.textPath(), QFileInfo(f.textPath).absoluteFilePath());
  EXPECT_FALSE(f.pane.legendLabel()->text().isEmpty());
}

TEST(ExplorerTest, AnotherNeuronRecoloursAsTheEngineTracksIt) {
  Fixture f;
  ASSERT_TRUE(f.openAndWait());
  const std::vector<float> before = viewValues(*f.pane.view());
  EXPECT_EQ(before, engineTrack(f.file, f.pane.neuronSelection()));

  NeuronSelection other = f.pane.neuronSelection();
  other.layer = 0;
  other.neuron = 5;
  other.quantity = cellscope::Quantity::kHidden;
  f.pane.setNeuronSelection(other);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  const std::vector<float> after = viewValues(*f.pane.view());
  EXPECT_NE(after, before);
  const std::vector<float> expected = engineTrack(f.file, other);
  ASSERT_EQ(after.size(), expected.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_FLOAT_EQ(after[i], expected[i]) << i;
}

TEST(ExplorerTest, CommandLineModelAndTextOpenColouredInTheExploreTab) {
  Fixture f;
  const QString modelPath = f.dir.filePath(QStringLiteral("model.csm"));
  cellscope::save_model_file(modelPath.toStdString(), f.file);
  MainWindow window(modelPath, f.textPath);
  ExplorerPane* pane = window.explorerPane();
  ASSERT_TRUE(waitFor([&] { return pane->isColoured() && pane->view()->size() > 0; }));
  EXPECT_EQ(pane->view()->plainText(), QString::fromUtf8(kText));
  EXPECT_EQ(window.findChild<QTabWidget*>(QStringLiteral("mainTabs"))->currentWidget(), pane);
}

TEST(ExplorerTest, ArrowKeysStepNeuronAndLayer) {
  Fixture f;
  ASSERT_TRUE(f.openAndWait());
  f.pane.setNeuronSelection({1, 0, cellscope::Quantity::kTanhCell});  // steps from neuron 0
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  const NeuronSelection start = f.pane.neuronSelection();
  const std::vector<float> before = viewValues(*f.pane.view());
  QTest::keyClick(f.pane.view(), Qt::Key_Right);
  EXPECT_EQ(f.pane.neuronSelection().neuron, start.neuron + 1);
  EXPECT_EQ(f.pane.neuronSelection().layer, start.layer);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  EXPECT_NE(viewValues(*f.pane.view()), before);
  QTest::keyClick(f.pane.view(), Qt::Key_BracketLeft);
  EXPECT_EQ(f.pane.neuronSelection().neuron, start.neuron);
  QTest::keyClick(f.pane.view(), Qt::Key_Left);  // wraps to the last neuron
  EXPECT_EQ(f.pane.neuronSelection().neuron, f.file.model.hidden_size - 1);
  QTest::keyClick(f.pane.view(), Qt::Key_Up);
  EXPECT_EQ(f.pane.neuronSelection().layer, start.layer - 1);
  QTest::keyClick(f.pane.view(), Qt::Key_Down);
  EXPECT_EQ(f.pane.neuronSelection().layer, start.layer);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  EXPECT_EQ(viewValues(*f.pane.view()), engineTrack(f.file, f.pane.neuronSelection()));
}

TEST(ExplorerTest, HoverShowsValueAndTopFivePredictions) {
  Fixture f;
  f.pane.show();
  ASSERT_TRUE(f.openAndWait());
  ActivationTextView* view = f.pane.view();
  const QPoint pos = view->cellRect(4).center();
  QMouseEvent move(QEvent::MouseMove, pos, view->viewport()->mapToGlobal(pos), Qt::NoButton,
                   Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(view->viewport(), &move);
  ASSERT_TRUE(waitFor([&] { return !f.pane.hoverLabel()->text().isEmpty(); }));
  const QString text = f.pane.hoverLabel()->text();
  EXPECT_TRUE(text.contains(QStringLiteral("#4 'q'"))) << text.toStdString();
  EXPECT_TRUE(text.contains(QString::number(static_cast<double>(view->value(4)), 'f', 4)))
      << text.toStdString();
  EXPECT_EQ(text.count(QLatin1Char('%')), 5) << text.toStdString();
}

TEST(ExplorerTest, MissingFileShowsErrorNamingIt) {
  Fixture f;
  const QString missing = f.dir.filePath(QStringLiteral("no-such-text.txt"));
  MessageBoxCatcher catcher;
  f.pane.openText(missing);
  ASSERT_TRUE(waitFor([&] { return catcher.seen(); }));
  EXPECT_EQ(catcher.icon(), QMessageBox::Critical);
  EXPECT_TRUE(catcher.text().contains(missing)) << catcher.text().toStdString();
  EXPECT_FALSE(f.pane.isProbing());
}

TEST(ExplorerTest, InvalidUtf8ShowsErrorNamingIt) {
  Fixture f;
  const QString bad = writeFile(f.dir, "bad.txt", QByteArray("abc\xff\xfe def", 9));
  MessageBoxCatcher catcher;
  f.pane.openText(bad);
  ASSERT_TRUE(waitFor([&] { return catcher.seen(); }));
  EXPECT_TRUE(catcher.text().contains(bad)) << catcher.text().toStdString();
  EXPECT_TRUE(catcher.text().contains(QStringLiteral("UTF-8"))) << catcher.text().toStdString();
}

TEST(ExplorerTest, MainWindowHasExploreTabFirstAndOpenText) {
  MainWindow window;
  ASSERT_NE(window.explorerPane(), nullptr);
  EXPECT_EQ(window.tabs()->widget(0), window.explorerPane());
  EXPECT_EQ(window.tabs()->tabText(0), QStringLiteral("Explore"));
  QMenu* fileMenu = window.menuBar()->findChild<QMenu*>(QStringLiteral("menuFile"));
  ASSERT_NE(fileMenu, nullptr);
  EXPECT_TRUE(fileMenu->actions().contains(window.openTextAction()));
  EXPECT_EQ(window.openTextAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));

  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("tiny.csm"));
  cellscope::save_model_file(QFile::encodeName(path).toStdString(), tinyModel());
  ASSERT_TRUE(window.openModel(path));
  EXPECT_TRUE(window.explorerPane()->hasModel());
}

// The finder ranks neurons against the span selected in the view; clicking its top row selects
// that neuron and the view recolours with exactly the engine's track.
TEST(ExplorerTest, ChoosingANeuronInTheFinderRecoloursTheView) {
  Fixture f;
  ASSERT_TRUE(f.openAndWait());
  f.pane.view()->setSelection(10, 19);  // "brown fox"
  NeuronFinderPanel* finder = f.pane.finder();
  auto* combo = finder->findChild<QComboBox*>(QStringLiteral("finderDetectorCombo"));
  ASSERT_NE(combo, nullptr);
  combo->setCurrentIndex(combo->findData(QString::fromLatin1(NeuronFinderPanel::kSelectionTarget)));
  QTest::mouseClick(finder->findChild<QPushButton*>(QStringLiteral("finderRunButton")),
                    Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return !finder->isBusy() && !finder->findResults().empty(); }));
  const cellscope::NeuronScore top = finder->findResults().front();

  auto* table = finder->findChild<QTableWidget*>(QStringLiteral("finderResults"));
  ASSERT_NE(table, nullptr);
  finder->tabs()->setCurrentIndex(0);
  f.pane.resize(1200, 600);
  f.pane.show();
  const QModelIndex first = table->model()->index(0, 1);
  table->scrollTo(first);
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(first).center());
  const NeuronSelection chosen = f.pane.neuronSelection();
  EXPECT_EQ(chosen.layer, top.layer);
  EXPECT_EQ(chosen.neuron, top.neuron);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  EXPECT_EQ(viewValues(*f.pane.view()), engineTrack(f.file, chosen));

  // The heatmap lists the layer's ranked neurons first, in the ranking's order.
  std::vector<int> ranked;
  for (const cellscope::NeuronScore& s : finder->findResults()) {
    if (s.layer == chosen.layer) ranked.push_back(s.neuron);
  }
  const std::vector<int>& order = f.pane.heatmap()->rowOrder();
  ASSERT_EQ(order.size(), 12u);
  EXPECT_EQ(std::vector<int>(order.begin(), order.begin() + ranked.size()), ranked);
}

// After the pass every neuron of the selected layer is cached: another neuron of the same layer
// arrives whole in the first answer, without a replay.
TEST(ExplorerTest, AnotherNeuronOfTheLayerComesWholeFromTheCache) {
  Fixture f;
  ASSERT_TRUE(f.openAndWait());
  int arrivals = 0;
  bool wholeAtFirst = false;
  QObject::connect(&f.pane, &ExplorerPane::valuesChanged, [&] {
    if (++arrivals == 1) {
      wholeAtFirst = true;
      for (float v : f.pane.values()) wholeAtFirst = wholeAtFirst && !std::isnan(v);
    }
  });
  NeuronSelection other = f.pane.neuronSelection();
  other.neuron = (other.neuron + 3) % 12;
  f.pane.setNeuronSelection(other);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  EXPECT_EQ(arrivals, 1);
  EXPECT_TRUE(wholeAtFirst);
  EXPECT_EQ(viewValues(*f.pane.view()), engineTrack(f.file, other));
}

// A long text is coloured progressively: values arrive several times before the pass ends, the
// start of the text first; the heatmap gets every neuron of the layer over the visible part.
TEST(ExplorerTest, ALongTextColoursInStepsAndTheHeatmapShowsTheLayer) {
  Fixture f;
  std::string longText;
  while (longText.size() < 1200000) longText += kText;  // many 40 ms slices
  const QString path = writeFile(f.dir, "long.txt", QByteArray::fromStdString(longText));
  f.pane.show();
  int arrivalsBeforeEnd = 0;
  bool startBeforeEnd = false;  // the start coloured while the end is not yet
  QObject::connect(&f.pane, &ExplorerPane::valuesChanged, [&] {
    if (!f.pane.isProbing()) return;
    ++arrivalsBeforeEnd;
    const std::vector<float>& v = f.pane.values();
    startBeforeEnd = startBeforeEnd || (!std::isnan(v.front()) && std::isnan(v.back()));
  });
  f.pane.openText(path);
  ASSERT_TRUE(waitFor([&] { return !f.pane.isProbing() && f.pane.isColoured(); }, 30000));
  EXPECT_GE(arrivalsBeforeEnd, 2);
  EXPECT_TRUE(startBeforeEnd);
  NeuronHeatmap* heatmap = f.pane.heatmap();
  ASSERT_TRUE(waitFor([&] { return heatmap->rows() == 12 && heatmap->columns() > 0; }));
  const auto [begin, end] = f.pane.view()->visibleRange();
  EXPECT_EQ(heatmap->begin(), begin);
  EXPECT_EQ(heatmap->columns(), end - begin);
  const NeuronSelection sel = f.pane.neuronSelection();
  EXPECT_EQ(heatmap->value(sel.neuron, begin + 3), f.pane.values()[begin + 3]);
}

// Opening a model again re-probes the open text; the view reports the same visible range as
// before, and the heatmap still comes back for the new model (it is cleared meanwhile).
TEST(ExplorerTest, ReloadingTheModelRefreshesTheHeatmap) {
  Fixture f;
  f.pane.show();
  ASSERT_TRUE(f.openAndWait());
  NeuronHeatmap* heatmap = f.pane.heatmap();
  ASSERT_TRUE(waitFor([&] { return heatmap->rows() == 12; }));
  f.pane.setModel(f.file);
  EXPECT_EQ(heatmap->rows(), 0);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured() && heatmap->rows() == 12; }));
  EXPECT_GT(heatmap->columns(), 0);
}

// Shift+click extends the selection and keeps its far end, on either side.
TEST(ExplorerTest, ShiftClickExtendsTheSelectionKeepingItsFarEnd) {
  Fixture f;
  f.pane.show();
  ASSERT_TRUE(f.openAndWait());
  ActivationTextView* view = f.pane.view();
  view->setSelection(10, 20);
  const auto click = [&](int index, Qt::KeyboardModifiers modifiers) {
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->cellRect(index).center());
  };
  click(4, Qt::ShiftModifier);
  EXPECT_EQ(view->selection(), std::make_pair(4, 20));
  click(30, Qt::ShiftModifier);
  EXPECT_EQ(view->selection(), std::make_pair(4, 31));
  click(7, Qt::NoModifier);
  EXPECT_EQ(view->selection(), std::make_pair(7, 8));
}

// Beyond the cache, another neuron fills in behind a progress bar ("Colouring"), which goes away
// once every character has the new neuron's values (equal to the engine's).
TEST(ExplorerTest, ANeuronBeyondTheCacheFillsInBehindAProgressBar) {
  Fixture f;
  f.pane.setCacheBudget(1);  // nothing fits: every block is replayed
  std::string longText;
  while (longText.size() < 2000000) longText += kText;
  const QString path = writeFile(f.dir, "long.txt", QByteArray::fromStdString(longText));
  f.pane.show();
  f.pane.openText(path);
  ASSERT_TRUE(waitFor([&] { return !f.pane.isProbing() && f.pane.isColoured(); }, 60000));
  EXPECT_FALSE(f.pane.progressBar()->isVisible());

  NeuronSelection other = f.pane.neuronSelection();
  other.neuron = (other.neuron + 1) % 12;
  f.pane.setNeuronSelection(other);
  ASSERT_TRUE(waitFor([&] {
    return f.pane.progressBar()->isVisible() &&
           f.pane.progressBar()->format().startsWith(QStringLiteral("Colouring"));
  }));
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }, 60000));
  EXPECT_FALSE(f.pane.progressBar()->isVisible());
  // Spot checks against the engine over the whole long text.
  const cellscope::Vocabulary vocab(f.file.vocabulary);
  const std::vector<int32_t> ids = vocab.encode(longText);
  cellscope::EncodedText encoded(vocab.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) encoded.set(i, ids[i]);
  auto model = cellscope::model_from_file(f.file, "tiny");
  cellscope::Probe probe(*model, encoded);
  const std::vector<float> expected = probe.track(other.layer, other.neuron, other.quantity);
  ASSERT_EQ(f.pane.values().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); i += 99991)
    EXPECT_EQ(f.pane.values()[i], expected[i]);
}
