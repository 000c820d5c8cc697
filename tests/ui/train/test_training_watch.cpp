// Train tab, new-user items and the neuron watch, offscreen: the buttons stay visible at
// 1440x900 while the form scrolls; a chosen preset applies at once; the gradient-flow plot's
// log ticks are distinct and no legend shows before training; the ETA leaves when training
// stops; a run keeps a bounded set of checkpoints (the final one is the output itself); and a
// tiny LSTM trained on a synthetic quoted language puts watch points on the plot, a click on
// one asking to explore a kept checkpoint by its neuron.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <random>
#include <set>

#include "../../common/quoted_language.h"
#include "checkpoint.h"
#include "probe.h"
#include "train/training_form.h"
#include "train/training_pane.h"
#include "train/training_plots.h"
#include "train/training_settings.h"
#include "train/watch_plot.h"
#include "ui_test_util.h"

namespace {

using ui_test::kWaitMs;
using ui_test::waitFor;

// The engine watch test's language (tests/common/quoted_language.h), as bytes for the corpus.
QByteArray quotedLanguage(int length, unsigned seed) {
  return QByteArray::fromStdString(test_data::quoted_language(std::size_t(length), seed));
}

TrainingSettings quotedSettings(const QTemporaryDir& dir, int length = 40000) {
  const QString corpus = dir.filePath(QStringLiteral("quoted.txt"));
  QFile file(corpus);
  EXPECT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(quotedLanguage(length, 1));
  file.close();
  TrainingSettings s;
  s.corpusPaths = {corpus};
  s.layers = 1;
  s.hiddenSize = 16;
  s.seqLength = 48;
  s.batchSize = 16;
  s.learningRate = 1e-2;
  s.maxEpochs = 0;
  s.valFrac = 0.1;
  s.evalEvery = 50;
  s.sampleEvery = 0;
  s.checkpointEvery = 50;
  s.watchDetectors = {QStringLiteral("double-quote")};
  s.watchEvery = 50;
  s.outputPath = dir.filePath(QStringLiteral("tiny.csm"));
  return s;
}

bool fullyVisible(QWidget* w) {
  return w->isVisible() && w->visibleRegion().boundingRect() == w->rect();
}

}  // namespace

TEST(TrainingPane, ButtonsStayVisibleAt1440x900WhileTheFormScrolls) {
  TrainingPane pane;
  pane.resize(1440, 900 - 90);  // the window's menu bar, caption and tab bar take the rest
  pane.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane));
  auto* scroll = pane.findChild<QScrollArea*>(QStringLiteral("trainingFormScroll"));
  ASSERT_NE(scroll, nullptr);
  EXPECT_TRUE(scroll->isAncestorOf(pane.form()));
  EXPECT_FALSE(scroll->horizontalScrollBar()->isVisible());  // scrolls one way only
  EXPECT_LE(pane.form()->width(), scroll->viewport()->width());  // and is never clipped
  for (QPushButton* b : {pane.startButton(), pane.pauseButton(), pane.stopButton()}) {
    EXPECT_FALSE(scroll->isAncestorOf(b)) << b->objectName().toStdString();
    EXPECT_TRUE(fullyVisible(b)) << b->objectName().toStdString();
  }
  // Scrolled to the end of the form, they are still there.
  scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
  QApplication::processEvents();
  EXPECT_TRUE(fullyVisible(pane.startButton()));
  EXPECT_TRUE(pane.form()->watchEdit()->isVisibleTo(&pane));
}

TEST(TrainingForm, ChoosingAPresetAppliesItAtOnce) {
  TrainingForm form;
  form.show();
  EXPECT_TRUE(form.findChildren<QPushButton*>().size() > 0);
  for (QPushButton* b : form.findChildren<QPushButton*>())
    EXPECT_NE(b->text(), QStringLiteral("Apply"));  // no separate step
  QComboBox* presets = form.presetCombo();
  presets->setFocus();
  QTest::keyClick(presets, Qt::Key_Down);  // the user picks "Fast small"
  EXPECT_EQ(presets->currentIndex(), TrainingForm::kFastSmall);
  EXPECT_EQ(form.layersSpin()->value(), 1);
  EXPECT_EQ(form.hiddenSpin()->value(), 64);
  QTest::keyClick(presets, Qt::Key_Down);  // "Quality"
  EXPECT_EQ(form.hiddenSpin()->value(), 512);
  // A programmatic index change (a restored window) leaves the fields alone.
  form.hiddenSpin()->setValue(96);
  presets->setCurrentIndex(TrainingForm::kCharRnnDefaults);
  EXPECT_EQ(form.hiddenSpin()->value(), 96);
}

TEST(TrainingForm, WatchSettingsReachTheRequest) {
  TrainingForm form;
  EXPECT_EQ(form.settings().watchDetectors,
            (QStringList{QStringLiteral("url"), QStringLiteral("double-quote"),
                         QStringLiteral("if-condition")}));
  form.watchEdit()->setText(QStringLiteral(" url ,c-comment, regex:a,b"));
  form.watchEverySpin()->setValue(40);
  const TrainingRequest r = form.request();
  EXPECT_EQ(r.watchDetectors, (std::vector<std::string>{"url", "c-comment", "regex:a,b"}));
  EXPECT_EQ(r.watchEvery, 40);
  form.watchEdit()->clear();
  EXPECT_TRUE(form.request().watchDetectors.empty());
}

TEST(TrainingForm, WatchedDetectorsFollowTheCorpusKindUntilEdited) {
  EXPECT_EQ(suggestedWatchDetectors({QStringLiteral("/src/ring_buffer.c"), QStringLiteral("a.h")}),
            (QStringList{QStringLiteral("c-comment"), QStringLiteral("string-literal"),
                         QStringLiteral("if-condition")}));
  EXPECT_EQ(suggestedWatchDetectors({QStringLiteral("paper.tex")}).first(),
            QStringLiteral("latex-env"));
  EXPECT_EQ(suggestedWatchDetectors({QStringLiteral("war_and_peace.txt")}),
            TrainingSettings().watchDetectors);
  TrainingForm form;
  auto* corpus = form.findChild<QLineEdit*>(QStringLiteral("corpusEdit"));
  ASSERT_NE(corpus, nullptr);
  corpus->setText(QStringLiteral("/src/kernel/sched.c"));
  EXPECT_EQ(form.settings().watchDetectors.first(), QStringLiteral("c-comment"));
  corpus->setText(QStringLiteral("/books/novel.txt"));
  EXPECT_EQ(form.settings().watchDetectors.first(), QStringLiteral("url"));
  form.watchEdit()->setText(QStringLiteral("regex:TODO"));  // the user's choice stays
  corpus->setText(QStringLiteral("/src/kernel/sched.c"));
  EXPECT_EQ(form.settings().watchDetectors, QStringList{QStringLiteral("regex:TODO")});
}

TEST(TrainingPlots, GradientFlowHasDistinctLogTicksAndNoEmptyLegend) {
  TrainingPlots plots;
  plots.resize(700, 900);
  plots.show();
  QCustomPlot* flow = plots.flowPlot();
  ASSERT_TRUE(waitFor([&] { return plots.replotCount() > 0; }));
  EXPECT_FALSE(flow->legend->visible());  // before training: no empty box
  EXPECT_FALSE(plots.lossPlot()->legend->visible());
  EXPECT_FALSE(flow->xAxis->label().isEmpty());
  EXPECT_FALSE(flow->yAxis->label().isEmpty());

  // Norms within a few percent of each other (the case that printed "2·10⁻²" four times), two
  // layers.
  for (const auto& norms : {std::vector<double>{0.021, 0.022, 0.023, 0.024},
                            std::vector<double>{1e-6, 1e-4, 1e-2, 1.0}}) {
    TrainingIterations events;
    events.iterations = {1};
    events.epochs = {0.1};
    events.times = {0.1};
    events.losses = {4.0};
    events.gradNorms = {1.0};
    events.learningRates = {2e-3};
    events.throughputs = {1000};
    events.dhNorms = {norms, norms};
    plots.addIterations(events);
    const int before = plots.replotCount();
    ASSERT_TRUE(waitFor([&] { return plots.replotCount() > before; }));
    flow->replot();
    EXPECT_EQ(flow->graphCount(), 2);  // one line per layer
    EXPECT_EQ(flow->graph(0)->name(), QStringLiteral("layer 0"));
    EXPECT_TRUE(flow->legend->visible());
    const QVector<QString> labels = flow->yAxis->tickVectorLabels();
    ASSERT_GE(labels.size(), 2) << "range " << flow->yAxis->range().lower << ".."
                                << flow->yAxis->range().upper;
    const std::set<QString> distinct(labels.begin(), labels.end());
    EXPECT_EQ(distinct.size(), static_cast<std::size_t>(labels.size()))
        << labels.join(QStringLiteral(" ")).toStdString();
  }
}

TEST(TrainingPane, ShortRunKeepsABoundedSetOfCheckpointsAndClearsTheEta) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  TrainingPane pane;
  TrainingSettings s = quotedSettings(dir, 8000);
  s.hiddenSize = 8;
  s.batchSize = 4;
  s.seqLength = 16;
  s.checkpointEvery = 1;  // the worst case: a checkpoint every iteration
  s.evalEvery = 5;
  s.watchDetectors.clear();
  pane.applySettings(s);
  QSignalSpy finished(&pane, &TrainingPane::finished);
  pane.start();
  ASSERT_TRUE(waitFor([&] { return pane.lastIteration() >= 70; }, 30000));
  EXPECT_TRUE(pane.progressLabel()->text().contains(QStringLiteral("ETA")));
  pane.stop();
  ASSERT_TRUE(finished.count() > 0 || finished.wait(kWaitMs));
  EXPECT_FALSE(pane.progressLabel()->text().contains(QStringLiteral("ETA")))
      << pane.progressLabel()->text().toStdString();
  EXPECT_TRUE(pane.progressLabel()->text().contains(QStringLiteral("Stopped")));

  const qint64 iterations = finished.first().at(0).value<TrainingFinished>().iterations;
  ASSERT_GE(iterations, 70);
  QListWidget* list = pane.checkpointList();
  // last 3 + best + 1, 2, 4, 8, 16, 32, 64 (+ one more power for a long tail): at most 12.
  EXPECT_LE(list->count(), 12);
  EXPECT_GE(list->count(), 8);
  std::set<QString> listed;
  for (int row = 0; row < list->count(); ++row)
    listed.insert(list->item(row)->data(Qt::UserRole).toString());
  EXPECT_EQ(list->item(list->count() - 1)->data(Qt::UserRole).toString(),
            QFileInfo(s.outputPath).absoluteFilePath());  // tiny.csm, not tiny.iterN.csm
  EXPECT_TRUE(list->item(list->count() - 1)->text().startsWith(QStringLiteral("tiny.csm")));
  EXPECT_EQ(cellscope::load_model_file(s.outputPath.toStdString()).progress.iteration,
            iterations);
  std::set<QString> onDisk;
  for (const QFileInfo& f : QDir(dir.path()).entryInfoList({QStringLiteral("*.csm")}))
    onDisk.insert(f.absoluteFilePath());
  EXPECT_EQ(onDisk, listed);  // the list is what is on disk, nothing more
  EXPECT_TRUE(pane.checkpointLabel()->text().contains(
      QStringLiteral("%1 kept").arg(list->count())))
      << pane.checkpointLabel()->text().toStdString();
}

TEST(TrainingPane, WatchPointsAppearAndAClickAsksToExploreACheckpoint) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  TrainingPane pane;
  pane.resize(1440, 810);
  pane.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane));
  pane.applySettings(quotedSettings(dir));
  QSignalSpy finished(&pane, &TrainingPane::finished);
  QSignalSpy explore(&pane, &TrainingPane::exploreCheckpoint);
  WatchPlot* watch = pane.plots()->watchPlot();
  watch->plot()->replot();  // before training: no legend, and the axes fill the plot
  EXPECT_FALSE(watch->plot()->legend->visible());
  EXPECT_GT(watch->plot()->axisRect()->width(), watch->plot()->width() / 2);
  pane.start();
  const auto bestAbsR = [&] {
    QCPGraph* line = watch->lineOf(QStringLiteral("double-quote"));
    double best = 0.0;
    if (line) {
      for (auto it = line->data()->constBegin(); it != line->data()->constEnd(); ++it)
        best = std::max(best, it->value);
    }
    return best;
  };
  // The quote neuron grows: measured every 50 iterations, |r| > 0.6 within a minute.
  ASSERT_TRUE(waitFor([&] { return bestAbsR() > 0.6 && pane.lastIteration() >= 150; }, 90000))
      << "best |r| " << bestAbsR() << " at iteration " << pane.lastIteration();
  pane.stop();
  ASSERT_TRUE(finished.count() > 0 || finished.wait(kWaitMs));
  QCPGraph* line = watch->lineOf(QStringLiteral("double-quote"));
  ASSERT_NE(line, nullptr);
  EXPECT_GE(line->dataCount(), 4);  // 0, 50, 100, 150, ...
  EXPECT_EQ(line->data()->constBegin()->key, 0.0);
  EXPECT_EQ(watch->lineOf(QStringLiteral("url")), nullptr);  // not watched
  EXPECT_LE(watch->changesOf(QStringLiteral("double-quote"))->dataCount(), line->dataCount() - 1);
  EXPECT_TRUE(watch->plot()->legend->visible());
  watch->plot()->replot();
  EXPECT_GT(watch->plot()->axisRect()->width(), watch->plot()->width() / 2);
  EXPECT_LT(watch->plot()->legend->outerRect().top(), watch->plot()->height());
  EXPECT_GE(watch->plot()->legend->outerRect().top(), watch->plot()->axisRect()->bottom());

  // Click the measurement at iteration 100: the checkpoint at 100 (kept: log-spaced 50 × 2).
  watch->plot()->replot();
  auto point = line->data()->constBegin();
  while (point != line->data()->constEnd() && point->key != 100.0) ++point;
  ASSERT_NE(point, line->data()->constEnd());
  const QPoint pixel(qRound(watch->plot()->xAxis->coordToPixel(point->key)),
                     qRound(watch->plot()->yAxis->coordToPixel(point->value)));
  const cellscope::WatchRecord* record = watch->recordAt(pixel);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->iteration, 100);
  EXPECT_TRUE(WatchPlot::describe(*record).contains(
      QStringLiteral("neuron 0:%1").arg(record->neuron)));
  const int neuron = record->neuron;
  const QString quantity = QString::fromStdString(record->quantity);
  QTest::mouseClick(watch->plot(), Qt::LeftButton, Qt::NoModifier, pixel);
  ASSERT_EQ(explore.count(), 1);
  const QList<QVariant> args = explore.first();
  const QString path = args.at(0).toString();
  EXPECT_TRUE(path.endsWith(QStringLiteral("tiny.iter100.csm"))) << path.toStdString();
  EXPECT_TRUE(QFile::exists(path));
  EXPECT_EQ(cellscope::load_model_file(path.toStdString()).progress.iteration, 100);
  EXPECT_EQ(args.at(1).toInt(), 0);
  EXPECT_EQ(args.at(2).toInt(), neuron);
  EXPECT_GE(neuron, 0);
  EXPECT_LT(neuron, 16);
  EXPECT_EQ(args.at(3).toString(), quantity);
  EXPECT_NO_THROW(cellscope::parse_quantity(quantity.toStdString()));

  // The checkpoint model file holds the watch history up to its iteration.
  const cellscope::ModelFile file = cellscope::load_model_file(path.toStdString());
  ASSERT_FALSE(file.watch.empty());
  EXPECT_EQ(file.watch.back().iteration, 100);
  EXPECT_EQ(file.watch.back().neuron, neuron);

  // A click away from every point asks nothing.
  QTest::mouseClick(watch->plot(), Qt::LeftButton, Qt::NoModifier, QPoint(3, 3));
  EXPECT_EQ(explore.count(), 1);

  // Resumed from the output, the plot starts with the history the file keeps.
  const int measured = line->dataCount();
  finished.clear();
  pane.startFrom(pane.settings().outputPath);
  ASSERT_TRUE(waitFor([&] {
    QCPGraph* resumed = watch->lineOf(QStringLiteral("double-quote"));
    return resumed && resumed->dataCount() >= measured;
  }));
  EXPECT_EQ(watch->lineOf(QStringLiteral("double-quote"))->data()->constBegin()->key, 0.0);
  pane.stop();
  ASSERT_TRUE(finished.count() > 0 || finished.wait(kWaitMs));
}
