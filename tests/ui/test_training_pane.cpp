// Training pane tests, offscreen: a tiny LSTM (1x16, batch 4, seq 16) trains on a few KB of
// generated text written to a temp dir. The plots receive points, samples, validation and
// checkpoints arrive, pause holds the iteration and resume continues it, stop writes a model
// file that load_model_file reads back; plus the form's estimates and a bad corpus's error.
#include <gtest/gtest.h>
#include <qcustomplot.h>

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

#include "checkpoint.h"
#include "main_window.h"
#include "model.h"
#include "training_form.h"
#include "training_pane.h"
#include "training_plots.h"

namespace {

constexpr int kWaitMs = 5000;

QString writeCorpus(const QTemporaryDir& dir) {
  const QString path = dir.filePath(QStringLiteral("corpus.txt"));
  QFile file(path);
  EXPECT_TRUE(file.open(QIODevice::WriteOnly));
  const char* words[] = {"the", "quick", "brown", "fox", "jumps", "over", "lazy",
                         "dog", "and",   "a",     "cat", "sat",   "on",   "mat"};
  QByteArray text;
  for (int i = 0; text.size() < 6000; ++i) {
    text += words[(i * 7 + i / 5) % 14];
    text += (i % 11 == 10) ? ".\n" : " ";
  }
  file.write(text);
  return path;
}

TrainingSettings tinySettings(const QTemporaryDir& dir) {
  TrainingSettings s;
  s.corpusPaths = {writeCorpus(dir)};
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
  QTRY_VERIFY_WITH_TIMEOUT(pane.plots()->rawLossGraph()->dataCount() > 50, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(pane.plots()->valLossGraph()->dataCount() > 0, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(pane.sampleList()->count() > 0, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(pane.checkpointList()->count() > 0, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(pane.plots()->replotCount() > 0, kWaitMs);
  EXPECT_EQ(pane.plots()->flowPlot()->graphCount(), 1);
  EXPECT_GT(pane.plots()->flowPlot()->graph(0)->dataCount(), 1);
  EXPECT_TRUE(pane.form()->corpusLabel()->text().contains(QStringLiteral("vocabulary")));
  pane.sampleList()->setCurrentRow(0);
  EXPECT_FALSE(pane.sampleView()->toPlainText().isEmpty());

  // Pause: the iteration stops advancing; Resume: it advances again.
  pane.pauseButton()->click();
  QTRY_COMPARE_WITH_TIMEOUT(pane.state(), TrainingPane::State::kPaused, kWaitMs);
  EXPECT_TRUE(pane.resumeButton()->isEnabled());
  EXPECT_FALSE(pane.pauseButton()->isEnabled());
  const qint64 pausedAt = pane.lastIteration();
  const int pointsAtPause = pane.plots()->rawLossGraph()->dataCount();
  QTest::qWait(300);
  EXPECT_EQ(pane.lastIteration(), pausedAt);
  EXPECT_EQ(pane.plots()->rawLossGraph()->dataCount(), pointsAtPause);
  pane.resumeButton()->click();
  QTRY_VERIFY_WITH_TIMEOUT(pane.lastIteration() > pausedAt + 10, kWaitMs);

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
  QTRY_VERIFY_WITH_TIMEOUT(pane.lastIteration() > result.iterations, kWaitMs);
  pane.stop();
  ASSERT_TRUE(finished.wait(kWaitMs));
  EXPECT_GT(cellscope::load_model_file(path).progress.iteration, result.iterations);
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
