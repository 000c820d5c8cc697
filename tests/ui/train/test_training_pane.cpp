// Training pane tests, offscreen: a tiny LSTM (1x16, batch 4, seq 16) trains on a few KB of
// generated text written to a temp dir. The plots receive points, samples, validation and
// checkpoints arrive, pause holds the iteration and resume continues it, stop writes a model
// file that load_model_file reads back; every checkpoint keeps its own file and one resumes;
// the plots' x axis re-keys every point; the form's estimates (memory, measured time per epoch)
// and a bad corpus's error.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include "checkpoint.h"
#include "shell/main_window.h"
#include "model.h"
#include "train/training_form.h"
#include "train/training_pane.h"
#include "train/training_plots.h"
#include "ui_test_util.h"

namespace {

using ui_test::kWaitMs;
using ui_test::waitFor;

TrainingSettings tinySettings(const QTemporaryDir& dir) {
  TrainingSettings s;
  s.corpusPaths = {ui_test::writeWordCorpus(dir)};
  s.layers = 1;
  s.hiddenSize = 16;
  s.seqLength = 16;
  s.batchSize = 4;
  s.maxEpochs = 0;  // until stopped
  s.evalEvery = 20;
  s.sampleEvery = 20;
  s.checkpointEvery = 40;
  s.outputPath = dir.filePath(QStringLiteral("tiny.csm"));
  return s;
}

}  // namespace

TEST(TrainingPane, TrainsPausesResumesAndStopsWithACheckpoint) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  TrainingPane pane;
  pane.resize(1400, 900);
  pane.applySettings(tinySettings(dir));
  EXPECT_TRUE(pane.startButton()->isEnabled());
  EXPECT_FALSE(pane.pauseButton()->isEnabled());
  EXPECT_FALSE(pane.stopButton()->isEnabled());

  QSignalSpy finished(&pane, &TrainingPane::finished);
  pane.startButton()->click();
  EXPECT_FALSE(pane.startButton()->isEnabled());
  EXPECT_TRUE(pane.pauseButton()->isEnabled());
  EXPECT_TRUE(pane.stopButton()->isEnabled());

  // Points reach the plots; validation, samples and checkpoints arrive.
  ASSERT_TRUE(waitFor([&] { return pane.plots()->rawLossGraph()->dataCount() > 50; }));
  ASSERT_TRUE(waitFor([&] { return pane.plots()->valLossGraph()->dataCount() > 0; }));
  ASSERT_TRUE(waitFor([&] { return pane.sampleList()->count() > 0; }));
  ASSERT_TRUE(waitFor([&] { return pane.checkpointList()->count() > 0; }));
  ASSERT_TRUE(waitFor([&] { return pane.plots()->replotCount() > 0; }));
  EXPECT_EQ(pane.plots()->flowPlot()->graphCount(), 1);
  EXPECT_GT(pane.plots()->flowPlot()->graph(0)->dataCount(), 1);
  EXPECT_TRUE(pane.form()->corpusLabel()->text().contains(QStringLiteral("vocabulary")));
  pane.sampleList()->setCurrentRow(0);
  EXPECT_FALSE(pane.sampleView()->toPlainText().isEmpty());

  // Pause: the iteration stops advancing; Resume: it advances again.
  pane.pauseButton()->click();
  ASSERT_TRUE(waitFor([&] { return pane.state() == TrainingPane::State::kPaused; }));
  EXPECT_TRUE(pane.resumeButton()->isEnabled());
  EXPECT_FALSE(pane.pauseButton()->isEnabled());
  const qint64 pausedAt = pane.lastIteration();
  const int pointsAtPause = pane.plots()->rawLossGraph()->dataCount();
  QTest::qWait(300);
  EXPECT_EQ(pane.lastIteration(), pausedAt);
  EXPECT_EQ(pane.plots()->rawLossGraph()->dataCount(), pointsAtPause);
  pane.resumeButton()->click();
  ASSERT_TRUE(waitFor([&] { return pane.lastIteration() > pausedAt + 10; }));

  // Stop: the trainer writes the output file, which loads.
  pane.stopButton()->click();
  ASSERT_TRUE(finished.count() > 0 || finished.wait(kWaitMs));
  const auto result = finished.takeFirst().at(0).value<TrainingFinished>();
  EXPECT_TRUE(result.ok) << result.message.toStdString();
  EXPECT_TRUE(result.cancelled);
  EXPECT_FALSE(pane.isTraining());
  EXPECT_TRUE(pane.startButton()->isEnabled());
  const std::string path = pane.settings().outputPath.toStdString();
  ASSERT_TRUE(QFile::exists(pane.settings().outputPath));
  const cellscope::ModelFile file = cellscope::load_model_file(path);
  EXPECT_EQ(file.progress.iteration, result.iterations);
  EXPECT_EQ(file.model.hidden_size, 16);
  EXPECT_GE(result.iterations, pane.lastIteration());

  // Resume from the file continues the iteration count.
  pane.startFrom(pane.settings().outputPath);
  ASSERT_TRUE(waitFor([&] { return pane.lastIteration() > result.iterations; }));
  pane.stop();
  ASSERT_TRUE(finished.wait(kWaitMs));
  EXPECT_GT(cellscope::load_model_file(path).progress.iteration, result.iterations);
}

TEST(TrainingPane, KeepsEveryCheckpointAndResumesFromOne) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  TrainingPane pane;
  TrainingSettings s = tinySettings(dir);
  s.checkpointEvery = 10;
  pane.applySettings(s);
  QSignalSpy finished(&pane, &TrainingPane::finished);
  pane.start();
  ASSERT_TRUE(waitFor([&] { return pane.checkpointList()->count() >= 3; }));
  EXPECT_FALSE(pane.resumeCheckpointButton()->isEnabled());  // not while training
  pane.stop();
  ASSERT_TRUE(finished.wait(kWaitMs));

  // One distinct, loadable file per entry, at the entry's iteration; the last is the output.
  QStringList paths;
  const int rows = pane.checkpointList()->count();
  for (int row = 0; row < rows; ++row) {
    const QString path = pane.checkpointList()->item(row)->data(Qt::UserRole).toString();
    if (row + 1 < rows) {
      EXPECT_TRUE(path.contains(QStringLiteral("tiny.iter"))) << path.toStdString();
    } else {
      EXPECT_TRUE(path.endsWith(QStringLiteral("/tiny.csm"))) << path.toStdString();
    }
    EXPECT_FALSE(paths.contains(path));
    paths << path;
    EXPECT_EQ(cellscope::load_model_file(path.toStdString()).progress.iteration,
              pane.checkpointList()->item(row)->data(Qt::UserRole + 1).toLongLong());
  }
  EXPECT_EQ(cellscope::load_model_file(paths.first().toStdString()).progress.iteration, 10);

  // Resume from the first: training continues from iteration 10; the later entries, which the
  // resumed run overwrites, leave the list.
  pane.checkpointList()->setCurrentRow(0);
  ASSERT_TRUE(pane.resumeCheckpointButton()->isEnabled());
  pane.resumeCheckpointButton()->click();
  EXPECT_TRUE(pane.isTraining());
  ASSERT_TRUE(waitFor([&] { return pane.lastIteration() > 10; }));
  EXPECT_EQ(pane.plots()->rawLossGraph()->data()->constBegin()->key, 11.0);
  pane.stop();
  ASSERT_TRUE(finished.wait(kWaitMs));
  EXPECT_EQ(pane.checkpointList()->item(0)->data(Qt::UserRole).toString(), paths.first());
  for (int row = 1; row < pane.checkpointList()->count(); ++row) {
    EXPECT_GT(pane.checkpointList()->item(row)->data(Qt::UserRole + 1).toLongLong(), 10);
  }
}

TEST(TrainingPlots, XAxisChoiceReKeysEveryPoint) {
  TrainingPlots plots;
  TrainingIterations events;
  events.iterations = {1, 2, 3};
  events.epochs = {0.25, 0.5, 0.75};
  events.times = {0.1, 0.2, 0.3};
  events.losses = {4.0, 3.5, 3.0};
  events.gradNorms = {1.0, 2.0, 3.0};
  events.learningRates = {2e-3, 2e-3, 1e-3};
  events.throughputs = {1000, 1100, 1200};
  plots.addIterations(events);
  plots.addValidation({3, 0.75, 0.3, 3.2});
  const auto keys = [](QCPGraph* graph) {
    std::vector<double> k;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
      k.push_back(it->key);
    return k;
  };
  const std::vector<QCPGraph*> graphs = {plots.rawLossGraph(), plots.smoothLossGraph(),
                                         plots.gradNormGraph(), plots.learningRateGraph(),
                                         plots.throughputGraph()};
  for (QCPGraph* graph : graphs) EXPECT_EQ(keys(graph), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(plots.learningRateGraph()->data()->at(2)->value, 1e-3);
  EXPECT_EQ(plots.throughputGraph()->data()->at(1)->value, 1100);

  plots.xAxisCombo()->setCurrentIndex(TrainingPlots::kEpochs);
  EXPECT_EQ(plots.xAxis(), TrainingPlots::kEpochs);
  for (QCPGraph* graph : graphs) EXPECT_EQ(keys(graph), (std::vector<double>{0.25, 0.5, 0.75}));
  EXPECT_EQ(keys(plots.valLossGraph()), std::vector<double>{0.75});
  EXPECT_EQ(plots.rawLossGraph()->data()->at(1)->value, 3.5);

  plots.setXAxis(TrainingPlots::kWallTime);
  EXPECT_EQ(plots.xAxisCombo()->currentIndex(), TrainingPlots::kWallTime);
  for (QCPGraph* graph : graphs) EXPECT_EQ(keys(graph), (std::vector<double>{0.1, 0.2, 0.3}));
  EXPECT_EQ(keys(plots.valLossGraph()), std::vector<double>{0.3});
  EXPECT_EQ(plots.lossPlot()->xAxis->label(), plots.xAxisCombo()->currentText());

  // New points arrive keyed by the current choice.
  events.iterations = {4};
  events.epochs = {1.0};
  events.times = {0.4};
  events.losses = {2.9};
  events.gradNorms = {1.0};
  events.learningRates = {1e-3};
  events.throughputs = {1300};
  plots.addIterations(events);
  EXPECT_EQ(keys(plots.rawLossGraph()).back(), 0.4);
  plots.setXAxis(TrainingPlots::kIterations);
  EXPECT_EQ(keys(plots.throughputGraph()), (std::vector<double>{1, 2, 3, 4}));
}

TEST(TrainingPlots, RateAxesStartAtZeroForAConstantLearningRate) {
  TrainingPlots plots;
  TrainingIterations events;
  events.iterations = {1, 2, 3};
  events.epochs = {0.1, 0.2, 0.3};
  events.times = {0.1, 0.2, 0.3};
  events.losses = {4.0, 3.9, 3.8};
  events.gradNorms = {1.0, 1.0, 1.0};
  events.learningRates = {2e-3, 2e-3, 2e-3};
  events.throughputs = {90000, 95000, 92000};
  plots.addIterations(events);
  QCustomPlot* rates = plots.learningRateGraph()->parentPlot();
  ASSERT_TRUE(ui_test::waitFor([&] { return rates->yAxis->range().upper < 1.0; }));
  EXPECT_EQ(rates->yAxis->range().lower, 0.0);
  EXPECT_NEAR(rates->yAxis->range().upper, 2e-3 * 1.15, 1e-9);
  EXPECT_EQ(rates->yAxis2->range().lower, 0.0);
  EXPECT_NEAR(rates->yAxis2->range().upper, 95000 * 1.15, 1e-6);
}

TEST(TrainingForm, WheelOverAnUnfocusedFieldScrollsInsteadOfChangingIt) {
  TrainingForm form;
  for (QSpinBox* spin : form.findChildren<QSpinBox*>()) {
    spin->setValue(spin->minimum());
    const int before = spin->value();
    QWheelEvent wheel(QPointF(5, 5), QPointF(5, 5), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(spin, &wheel);
    EXPECT_EQ(spin->value(), before) << spin->objectName().toStdString();
  }
}

TEST(TrainingForm, MeasuresTheTimePerEpochOffTheGuiThread) {
  QTemporaryDir dir;
  TrainingForm form;
  TrainingSettings s = tinySettings(dir);
  QSignalSpy ready(&form, &TrainingForm::estimateReady);
  form.applySettings(s);
  EXPECT_TRUE(form.timeLabel()->text().contains(QStringLiteral("measuring")));
  ASSERT_TRUE(ready.count() > 0 || ready.wait(kWaitMs));
  EXPECT_GT(ready.last().at(0).toDouble(), 0.0);
  EXPECT_GT(form.measuredCharsPerSecond(), 0.0);
  EXPECT_TRUE(form.timeLabel()->text().contains(QStringLiteral("per million characters")))
      << form.timeLabel()->text().toStdString();

  // A corpus turns it into a time per epoch; an interval edit does not re-measure.
  TrainingCorpusInfo info;
  info.trainChars = 5000;
  info.vocabSize = 65;
  form.setCorpusInfo(info);
  EXPECT_TRUE(form.timeLabel()->text().contains(QStringLiteral("per epoch")));
  s.evalEvery = 33;
  form.applySettings(s);
  EXPECT_GT(form.measuredCharsPerSecond(), 0.0);

  // A model edit makes the estimate stale; quick successive edits measure once.
  ready.clear();
  form.hiddenSpin()->setValue(24);
  form.hiddenSpin()->setValue(20);
  EXPECT_TRUE(form.timeLabel()->text().contains(QStringLiteral("measuring")));
  ASSERT_TRUE(ready.wait(kWaitMs));
  QTest::qWait(2 * TrainingForm::kEstimateDelayMilliseconds);
  EXPECT_EQ(ready.count(), 1);
  EXPECT_TRUE(form.timeLabel()->text().contains(QStringLiteral("per epoch")));
}

TEST(TrainingPane, BadCorpusReportsTheEnginesMessage) {
  QTemporaryDir dir;
  TrainingPane pane;
  TrainingSettings s = tinySettings(dir);
  s.corpusPaths = {dir.filePath(QStringLiteral("missing.txt"))};
  pane.applySettings(s);
  QSignalSpy errors(&pane, &TrainingPane::errorOccurred);
  pane.start();
  ASSERT_TRUE(errors.wait(kWaitMs));
  EXPECT_TRUE(errors.at(0).at(0).toString().contains(QStringLiteral("missing.txt")));
  EXPECT_FALSE(pane.isTraining());
  EXPECT_TRUE(pane.statusLabel()->text().contains(QStringLiteral("missing.txt")));
}

TEST(TrainingPane, AModelTooBigForTheMachinesMemoryIsRefusedBeforeAnythingIsAllocated) {
  QTemporaryDir dir;
  TrainingPane pane;
  TrainingSettings s = tinySettings(dir);
  s.layers = 8;  // the form's largest: terabytes of forward caches at this batch and length
  s.hiddenSize = 4096;
  s.batchSize = 1024;
  s.seqLength = 1000;
  pane.applySettings(s);
  QSignalSpy errors(&pane, &TrainingPane::errorOccurred);
  pane.start();
  ASSERT_TRUE(errors.wait(kWaitMs));
  EXPECT_TRUE(errors.at(0).at(0).toString().contains(QStringLiteral("of memory available")))
      << errors.at(0).at(0).toString().toStdString();
  EXPECT_FALSE(pane.isTraining());
  EXPECT_FALSE(QFile::exists(pane.settings().outputPath));
}

TEST(TrainingForm, PresetsAndEstimates) {
  TrainingForm form;
  form.applyPreset(TrainingForm::kFastSmall);
  EXPECT_EQ(form.layersSpin()->value(), 1);
  EXPECT_EQ(form.hiddenSpin()->value(), 64);
  TrainingRequest request = form.request();
  EXPECT_EQ(request.model.vocab_size, 65);
  const QString params =
      QLocale().toString(static_cast<qlonglong>(cellscope::parameter_count(request.model)));
  EXPECT_TRUE(form.parameterLabel()->text().startsWith(params))
      << form.parameterLabel()->text().toStdString();

  form.applyPreset(TrainingForm::kQuality);
  EXPECT_EQ(form.layersSpin()->value(), 2);
  EXPECT_EQ(form.hiddenSpin()->value(), 512);
  // docs/performance.md: LSTM 2x512, T=100, B=64 ≈ 343 MB (without a corpus; V = 65 here).
  request = form.request();
  request.model.dropout = 0.0;
  const double mb = estimateTrainingBytes(request.model, request.train, 0.0) / 1e6;
  EXPECT_NEAR(mb, 343.0, 15.0);
  form.applyPreset(TrainingForm::kCharRnnDefaults);
  EXPECT_EQ(form.hiddenSpin()->value(), 128);
}

TEST(TrainingPane, MainWindowHasATrainTabAndKeepsItsSettings) {
  TrainingSettings s;
  s.hiddenSize = 96;
  s.glob = QStringLiteral("*.c");
  {
    MainWindow window;
    EXPECT_EQ(window.tabs()->tabText(window.tabs()->indexOf(window.trainingPane())),
              QStringLiteral("Train"));
    window.trainingPane()->applySettings(s);
    window.close();
  }
  MainWindow again;
  EXPECT_EQ(again.trainingPane()->settings().hiddenSize, 96);
  EXPECT_EQ(again.trainingPane()->settings().glob, QStringLiteral("*.c"));
}
