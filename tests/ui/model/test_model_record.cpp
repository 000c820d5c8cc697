// The Model tab's training record, sample timeline and neuron watch, offscreen: every training
// setting the .csm holds is shown with its value; stored samples are listed oldest first and
// activating one (Enter / double-click / Explore) reaches the shell, which explores it; a watch
// record colours the explorer by its neuron.
#include <gtest/gtest.h>

#include <QDir>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>

#include "checkpoint.h"
#include "explore/explorer_pane.h"
#include "model/model_overview_pane.h"
#include "model/sample_timeline.h"
#include "model/training_record.h"
#include "model/watch_history_plot.h"
#include "model/watch_table.h"
#include "shell/examples.h"
#include "shell/main_window.h"
#include "trained_model_fixture.h"
#include "ui_test_util.h"

namespace {

using ui_test::makeTrainedModel;
using ui_test::waitFor;

cellscope::ModelFile modelWithRecord() {
  cellscope::ModelFile file = makeTrainedModel(10, 3);
  cellscope::TrainConfig& t = file.train;
  t.learning_rate = 0.0015;
  t.lr_decay = 0.95;
  t.lr_decay_after = 4;
  t.seq_length = 64;
  t.bptt_every = 32;
  t.bptt_length = 96;
  t.batch_size = 24;
  t.grad_clip = 2.5;
  t.clip_mode = cellscope::ClipMode::kNorm;
  t.seed = 4242;
  t.max_iters = 9000;
  t.max_epochs = 0;
  file.model.dropout = 0.25;
  file.progress.learning_rate = 0.00135;
  file.corpus_paths = {"/data/corpus/linux"};
  file.corpus_glob = "*.c";
  for (int k = 1; k <= 3; ++k) {
    cellscope::SampleRecord sample;
    sample.iteration = 300 * k;
    sample.val_loss = 2.0 - 0.1 * k;
    sample.temperature = 0.8;
    sample.text = "sample " + std::to_string(k) + "\tsecond\nline two";
    file.samples.push_back(sample);
  }
  cellscope::WatchRecord record;
  record.iteration = 500;
  record.detector = "c-comment";
  record.layer = 1;
  record.neuron = 7;
  record.quantity = "tanh-cell";
  record.correlation = 0.61;
  record.auc = 0.93;
  file.watch.push_back(record);
  return file;
}

TEST(ModelRecord, ShowsEveryTrainingSettingTheFileRecords) {
  ModelOverviewPane pane;
  pane.setModel(modelWithRecord(), QStringLiteral("/tmp/record.csm"));
  const QString text = pane.trainingRecord()->text();
  for (const char* expected :
       {"Cell: LSTM", "Optimizer: adam", "Learning rate: 0.0015 (now 0.00135)",
        "× 0.95 after every epoch past epoch 4", "Sequence length: 64 characters",
        "k1 = 32 (characters per step), k2 = 96 (steps back)", "Batch: 24 streams",
        "carried across chunks", "Dropout: 0.25", "Clipping: global norm ≤ 2.5",
        "Stops after: 9,000 iterations", "/data/corpus/linux (files matching *.c)",
        "Seed: 4242", "Validation: last 5% of the corpus"})
    EXPECT_TRUE(text.contains(QString::fromUtf8(expected))) << expected << "\n" << text.toStdString();
  EXPECT_FALSE(text.contains(QStringLiteral("none recorded")));
}

TEST(ModelRecord, AModelWithoutHistorySaysItsSettingsAreDefaults) {
  cellscope::ModelFile file = makeTrainedModel(0, 0);
  file.progress.iteration = 0;
  file.model.cell = cellscope::CellType::kGru;
  file.model.gru_reset_after = true;
  const QList<QPair<QString, QString>> rows = trainingRecordRows(file);
  ASSERT_GE(rows.size(), 2);
  EXPECT_TRUE(rows[0].second.contains(QStringLiteral("PyTorch"))) << rows[0].second.toStdString();
  EXPECT_TRUE(rows[1].second.contains(QStringLiteral("defaults")));
}

TEST(ModelRecord, SamplesAreATimelineThatOpensInTheExplorer) {
  ModelOverviewPane pane;
  pane.setModel(modelWithRecord());
  SampleTimeline* timeline = pane.sampleTimeline();
  ASSERT_EQ(timeline->count(), 3);
  EXPECT_EQ(timeline->table()->item(0, 0)->text(), QStringLiteral("300"));
  EXPECT_EQ(timeline->table()->item(2, 0)->text(), QStringLiteral("900"));
  EXPECT_EQ(timeline->table()->item(1, 3)->text(), QStringLiteral("sample 2→second"));
  timeline->table()->selectRow(1);
  EXPECT_EQ(timeline->preview()->toPlainText(), QStringLiteral("sample 2\tsecond\nline two"));

  QSignalSpy activated(&pane, &ModelOverviewPane::sampleActivated);
  timeline->exploreButton()->click();
  ASSERT_EQ(activated.count(), 1);
  EXPECT_EQ(activated[0][0].toLongLong(), 600);
  EXPECT_EQ(activated[0][1].toString(), QStringLiteral("sample 2\tsecond\nline two"));
  timeline->table()->setFocus();
  QTest::keyClick(timeline->table(), Qt::Key_Down);  // row 3
  QTest::keyClick(timeline->table(), Qt::Key_Return);
  ASSERT_EQ(activated.count(), 2);
  EXPECT_EQ(activated[1][0].toLongLong(), 900);

  pane.setModel(makeTrainedModel(5, 1));  // a model with no samples
  EXPECT_EQ(pane.sampleTimeline()->count(), 0);
  EXPECT_FALSE(pane.sampleTimeline()->exploreButton()->isEnabled());
}

TEST(ModelRecord, WatchRecordsAreListedAndChooseTheirNeuron) {
  ModelOverviewPane pane;
  pane.setModel(modelWithRecord());
  WatchTable* watch = pane.watchTable();
  ASSERT_EQ(watch->count(), 1);
  EXPECT_EQ(watch->table()->item(0, 1)->text(), QStringLiteral("c-comment"));
  EXPECT_EQ(watch->table()->item(0, 2)->text(), QStringLiteral("1:7"));
  QSignalSpy chosen(&pane, &ModelOverviewPane::watchNeuronChosen);
  watch->activate(0);
  ASSERT_EQ(chosen.count(), 1);
  const auto neuron = chosen[0][0].value<NeuronSelection>();
  EXPECT_EQ(neuron.layer, 1);
  EXPECT_EQ(neuron.neuron, 7);
  EXPECT_EQ(neuron.quantity, cellscope::Quantity::kTanhCell);
}

TEST(ModelRecord, WatchHistoryPlotDrawsOneLinePerDetectorAndMarksANewBestNeuron) {
  cellscope::ModelFile file = makeTrainedModel(5, 1);
  const auto record = [](int64_t iteration, const char* detector, int neuron, double r) {
    cellscope::WatchRecord w;
    w.iteration = iteration;
    w.detector = detector;
    w.layer = 0;
    w.neuron = neuron;
    w.quantity = "cell";
    w.correlation = r;
    w.auc = 0.9;
    return w;
  };
  file.watch = {record(0, "url", 3, 0.1),          record(0, "double-quote", 5, -0.2),
                record(250, "url", 3, 0.4),        record(250, "double-quote", 9, -0.5),
                record(500, "url", 3, 0.7),        record(500, "double-quote", 9, -0.8)};
  ModelOverviewPane pane;
  pane.resize(900, 700);
  pane.setModel(file);
  pane.show();
  WatchHistoryPlot* plot = pane.watchTable()->plot();
  ASSERT_EQ(plot->graphCount(), 2);
  EXPECT_EQ(plot->graph(0)->name(), QStringLiteral("url"));
  EXPECT_EQ(plot->graph(0)->dataCount(), 3);
  EXPECT_DOUBLE_EQ(plot->graph(1)->data()->at(2)->value, 0.8);  // |r|
  EXPECT_EQ(plot->changes(), std::vector<int>{3});  // double-quote: 0:5 → 0:9 at iteration 250
  EXPECT_TRUE(plot->describe(3).contains(QStringLiteral("0:9")));

  // A click on a point chooses its neuron.
  QSignalSpy chosen(&pane, &ModelOverviewPane::watchNeuronChosen);
  pane.lowerTabs()->setCurrentWidget(pane.watchTable());
  plot->replot();
  const QPoint at(static_cast<int>(plot->xAxis->coordToPixel(500.0)),
                  static_cast<int>(plot->yAxis->coordToPixel(0.8)));
  EXPECT_EQ(plot->recordAt(at), 5);
  QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, at);
  ASSERT_EQ(chosen.count(), 1);
  EXPECT_EQ(chosen[0][0].value<NeuronSelection>().neuron, 9);
}

TEST(ModelRecord, TheShellExploresAStoredSample) {
  // The bundled Linux model with a sample attached, saved to a temp file and opened.
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString bundled = QDir(defaultDataDir()).filePath(QStringLiteral("models/linux.csm"));
  cellscope::ModelFile file = cellscope::load_model_file(QFile::encodeName(bundled).toStdString());
  cellscope::SampleRecord sample;
  sample.iteration = 1234;
  sample.val_loss = 1.5;
  sample.text = "static int ring_init(void)\n{\n\t/* a comment */\n\treturn 0;\n}\n";
  file.samples = {sample};
  const QString path = QDir(dir.path()).filePath(QStringLiteral("with_sample.csm"));
  cellscope::save_model_file(QFile::encodeName(path).toStdString(), file);

  MainWindow window;
  ASSERT_TRUE(window.openModel(path));
  window.overviewPane()->sampleTimeline()->activate(0);
  EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }, 20000));
  EXPECT_EQ(window.explorerPane()->textTitle(), QStringLiteral("Sample at iteration 1234"));
  EXPECT_EQ(window.explorerPane()->text(), QString::fromStdString(sample.text).toStdU32String());
}

}  // namespace
