// The Model tab's neuron watch opens "that checkpoint" (main_window_links.cpp): a record opens
// the run's kept checkpoint nearest its iteration in Explore, coloured by the record's neuron,
// with its detector as the Find target; a record nearest the open model keeps that model. The
// run's files are written by the test, each test in its own temp dir.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>

#include "checkpoint.h"
#include "explore/explorer_pane.h"
#include "model/model_overview_pane.h"
#include "model/watch_table.h"
#include "random_model.h"
#include "shell/main_window.h"
#include "ui_test_util.h"

namespace {

using ui_test::waitFor;

cellscope::WatchRecord record(int64_t iteration, const char* detector, int layer, int neuron) {
  cellscope::WatchRecord r;
  r.iteration = iteration;
  r.detector = detector;
  r.layer = layer;
  r.neuron = neuron;
  r.quantity = "tanh-cell";
  r.correlation = 0.1 + 0.0005 * static_cast<double>(iteration);
  r.auc = 0.8;
  return r;
}

void save(const QString& path, cellscope::ModelFile file, int64_t iteration) {
  file.progress.iteration = iteration;
  std::vector<cellscope::WatchRecord> upTo;
  for (const auto& r : file.watch)
    if (r.iteration <= iteration) upTo.push_back(r);
  file.watch = upTo;
  cellscope::save_model_file(QFile::encodeName(path).toStdString(), file);
}

int rowOf(WatchTable* table, int64_t iteration, const std::string& detector) {
  for (int row = 0; row < table->count(); ++row)
    if (table->record(row).iteration == iteration && table->record(row).detector == detector)
      return row;
  return -1;
}

TEST(ShellWatchCheckpoint, ARecordOpensTheNearestKeptCheckpointOnItsNeuron) {
  QTemporaryDir tmp;
  ASSERT_TRUE(tmp.isValid());
  const QDir dir(tmp.path());
  const std::u32string chars = U"abc \"\n:/.htpw";
  cellscope::ModelFile run = ui_test::randomModel(chars, 16, 2, 11, 2.0f);
  run.watch = {record(0, "url", 0, 1),     record(0, "double-quote", 0, 2),
               record(250, "url", 1, 3),   record(250, "double-quote", 1, 4),
               record(500, "url", 1, 5),   record(500, "double-quote", 0, 6),
               record(1000, "url", 1, 7),  record(1000, "double-quote", 1, 8)};
  const QString output = dir.filePath(QStringLiteral("run.csm"));
  save(output, run, 1000);
  save(dir.filePath(QStringLiteral("run.iter250.csm")), run, 250);
  save(dir.filePath(QStringLiteral("run.iter500.csm")), run, 500);
  const QString text = dir.filePath(QStringLiteral("probe.txt"));
  {
    QFile file(text);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("a \"cab\" at http://www.abc.cc/path\nwhat \"a\" cat.\n");  // the vocabulary's
  }

  MainWindow window;
  ASSERT_TRUE(window.openModel(output));
  window.explorerPane()->openText(text);
  // As a user would: the text is shown before a record is clicked (a model set while a text is
  // still being read drops that text: ExplorerPane::setModel reopens only a text already shown).
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }, 30000));
  WatchTable* watch = window.overviewPane()->watchTable();
  ASSERT_EQ(watch->count(), 8);
  window.tabs()->setCurrentWidget(window.overviewPane());

  // Iteration 250: its own kept file.
  watch->activate(rowOf(watch, 250, "double-quote"));
  EXPECT_EQ(window.modelPath(), dir.absoluteFilePath(QStringLiteral("run.iter250.csm")));
  EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
  NeuronSelection shown = window.explorerPane()->neuronSelection();
  EXPECT_EQ(shown.layer, 1);
  EXPECT_EQ(shown.neuron, 4);
  EXPECT_EQ(shown.quantity, cellscope::Quantity::kTanhCell);
  auto* detector = window.explorerPane()->findChild<QComboBox*>(QStringLiteral("finderDetectorCombo"));
  ASSERT_NE(detector, nullptr);
  EXPECT_EQ(detector->currentData().toString(), QStringLiteral("double-quote"));
  EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("iteration 250")))
      << window.statusBar()->currentMessage().toStdString();
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }, 30000));
  EXPECT_EQ(window.explorerPane()->neuronSelection(), shown);
  EXPECT_EQ(window.explorerPane()->textPath(), QFileInfo(text).absoluteFilePath());

  // From the kept file (which lists records up to 250), the first url record: no file at 0,
  // so the nearest kept one, 250, which is already open; the status says which it is.
  watch = window.overviewPane()->watchTable();
  ASSERT_EQ(watch->count(), 4);
  watch->activate(rowOf(watch, 0, "url"));
  EXPECT_EQ(window.modelPath(), dir.absoluteFilePath(QStringLiteral("run.iter250.csm")));
  shown = window.explorerPane()->neuronSelection();
  EXPECT_EQ(shown.layer, 0);
  EXPECT_EQ(shown.neuron, 1);
  EXPECT_EQ(detector->currentData().toString(), QStringLiteral("url"));
  EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("nearest")))
      << window.statusBar()->currentMessage().toStdString();

  // Back on the run's output, the last record is the output itself; 500 has its kept file.
  ASSERT_TRUE(window.openModel(output));
  watch = window.overviewPane()->watchTable();
  watch->activate(rowOf(watch, 1000, "url"));
  EXPECT_EQ(window.modelPath(), QFileInfo(output).absoluteFilePath());
  EXPECT_EQ(window.explorerPane()->neuronSelection().neuron, 7);
  watch = window.overviewPane()->watchTable();
  watch->activate(rowOf(watch, 500, "double-quote"));
  EXPECT_EQ(window.modelPath(), dir.absoluteFilePath(QStringLiteral("run.iter500.csm")));
  EXPECT_EQ(window.explorerPane()->neuronSelection().layer, 0);
  EXPECT_EQ(window.explorerPane()->neuronSelection().neuron, 6);
}

}  // namespace
