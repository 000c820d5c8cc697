// Generator tests, offscreen, on tiny models made here (Model::init_params into a ModelFile):
// the worker's chunks and distributions, the temperature slider's log scale and restarts
// (new run id, old run cancelled), argmax and seed determinism, the distribution chart (sums
// to 1, sharper at lower temperature, hover shows what a character was drawn from), Save, and
// ActivationTextView's colours, glyphs and hover index. No test waits more than a few seconds.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <memory>

#include "common/activation_text_view.h"
#include "checkpoint.h"
#include "generate/distribution_chart.h"
#include "generate/generation_worker.h"
#include "generate/generator_pane.h"
#include "shell/main_window.h"
#include "model.h"
#include "random_model.h"
#include "ui_test_util.h"

namespace {

using ui_test::kWaitMs;

cellscope::ModelFile tinyModel(int hidden = 16,
                               cellscope::CellType cell = cellscope::CellType::kLstm) {
  // ×4: peakier than a fresh initialisation
  return ui_test::randomModel(
      U"\n !',.:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", hidden, 2, 7, 4.0f,
      cell);
}

// Waits until the primary column's current run has finished; returns its text.
QString finishedText(GeneratorPane& pane) {
  GenerationColumn* column = pane.primaryColumn();
  EXPECT_TRUE(QTest::qWaitFor([&] { return !column->isRunning(); }, kWaitMs));
  EXPECT_FALSE(column->lastSummary().cancelled);
  EXPECT_TRUE(column->lastSummary().error.isEmpty()) << column->lastSummary().error.toStdString();
  return column->generatedText();
}

GeneratorSettings shortRun(int length = 300) {
  GeneratorSettings settings;
  settings.length = length;
  settings.prime = QStringLiteral("The ");
  settings.temperature = 1.0;
  return settings;
}

void moveMouse(QWidget* widget, QPoint pos) {
  QMouseEvent event(QEvent::MouseMove, pos, widget->mapToGlobal(pos), Qt::NoButton, Qt::NoButton,
                    Qt::NoModifier);
  QApplication::sendEvent(widget, &event);
}

}  // namespace

TEST(GenerationWorkerTest, ChunksCoverTheRunWithDistributions) {
  const auto file = std::make_shared<cellscope::ModelFile>(tinyModel());
  GenerationWorker worker;  // run synchronously on this thread
  worker.setModel(file);
  std::vector<GenerationChunk> chunks;
  QObject::connect(&worker, &GenerationWorker::chunkReady,
                   [&](const GenerationChunk& c) { chunks.push_back(c); });
  GenerationSummary summary;
  QObject::connect(&worker, &GenerationWorker::finished,
                   [&](const GenerationSummary& s) { summary = s; });

  GenerationRequest request;
  request.runId = 5;
  request.length = 3000;
  request.prime = "Hello";
  request.neuron = {1, 3, cellscope::Quantity::kTanhCell};
  worker.want(5);
  worker.generate(request);

  EXPECT_EQ(summary.runId, 5u);
  EXPECT_FALSE(summary.cancelled);
  EXPECT_EQ(summary.characters, 3000);
  ASSERT_FALSE(chunks.empty());
  // Throttled: never more chunks than 16 ms periods (plus the last one).
  EXPECT_LE(static_cast<double>(chunks.size()),
            summary.seconds * 1000.0 / GenerationWorker::kChunkMilliseconds + 2.0);
  int expectedFirst = 0;
  for (const GenerationChunk& chunk : chunks) {
    EXPECT_EQ(chunk.first, expectedFirst);
    ASSERT_EQ(chunk.activations.size(), chunk.text.size());
    ASSERT_EQ(chunk.distributions.size(), chunk.text.size());
    for (std::size_t i = 0; i < chunk.text.size(); ++i) {
      EXPECT_LE(std::abs(chunk.activations[i]), 1.0f);
      const CharDistribution& d = chunk.distributions[i];
      ASSERT_TRUE(d.isFull());
      ASSERT_EQ(d.size(), file->model.vocab_size);
      EXPECT_NEAR(d.total(), 1.0, 1e-4);
      // The drawn character had a non-zero probability.
      const auto it =
          std::lower_bound(file->vocabulary.begin(), file->vocabulary.end(), chunk.text[i]);
      EXPECT_GT(d.prob(static_cast<int>(it - file->vocabulary.begin())), 0.0f);
    }
    expectedFirst += static_cast<int>(chunk.text.size());
  }
  EXPECT_EQ(expectedFirst, 3000);
  EXPECT_NEAR(chunks.back().next.total(), 1.0, 1e-4);

  // A run that is no longer wanted ends at once, cancelled.
  chunks.clear();
  request.runId = 6;
  worker.generate(request);
  EXPECT_EQ(summary.runId, 6u);
  EXPECT_TRUE(summary.cancelled);
  EXPECT_TRUE(chunks.empty());
}

TEST(GenerationWorkerTest, LargeVocabularyKeepsTopEntries) {
  cellscope::Vec<float> probs(300);
  for (int i = 0; i < 300; ++i) probs(i) = static_cast<float>(i + 1);
  probs /= probs.sum();
  const CharDistribution d = CharDistribution::from(probs);
  ASSERT_FALSE(d.isFull());
  ASSERT_EQ(d.size(), CharDistribution::kTopEntries);
  EXPECT_EQ(d.id(0), 299);
  EXPECT_EQ(d.id(31), 268);
  EXPECT_FLOAT_EQ(d.prob(0), probs(299));
}

TEST(GeneratorTest, SliderUsesALogScaleBothWays) {
  EXPECT_NEAR(temperature::fromSlider(0), 0.05, 1e-12);
  EXPECT_NEAR(temperature::fromSlider(temperature::kSteps), 2.0, 1e-12);
  // The middle of a log scale is the geometric mean.
  EXPECT_NEAR(temperature::fromSlider(temperature::kSteps / 2), std::sqrt(0.05 * 2.0), 1e-9);
  for (int s = 0; s <= temperature::kSteps; s += 7)
    EXPECT_EQ(temperature::toSlider(temperature::fromSlider(s)), s);
  for (double t : {0.05, 0.1, 0.5, 0.8, 1.0, 1.5, 2.0})
    EXPECT_NEAR(temperature::fromSlider(temperature::toSlider(t)), t, t * 0.005);
  EXPECT_EQ(temperature::toSlider(0.001), 0);
  EXPECT_EQ(temperature::toSlider(50.0), temperature::kSteps);

  GeneratorPane pane;
  pane.temperatureSlider()->setValue(temperature::toSlider(0.5));
  EXPECT_NEAR(pane.temperature(), 0.5, 0.003);
  auto* label = pane.primaryColumn()->findChild<QLabel*>(QStringLiteral("temperatureLabel"));
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(label->text(), QStringLiteral("T = 0.50"));
}

TEST(GeneratorTest, SliderRestartsGenerationAndCancelsTheOldRun) {
  GeneratorPane pane;
  GeneratorSettings settings = shortRun(100000);  // long enough to be running when we move
  pane.applySettings(settings);
  pane.setModel(tinyModel(64));
  GenerationColumn* column = pane.primaryColumn();
  const quint64 first = column->currentRunId();
  ASSERT_NE(first, 0u);
  QSignalSpy finished(column, &GenerationColumn::runFinished);
  QSignalSpy started(column, &GenerationColumn::runStarted);
  ASSERT_TRUE(
      ui_test::waitFor([&] { return column->view()->size() > 10; }));  // streaming has begun
  ASSERT_TRUE(column->isRunning());

  pane.temperatureSlider()->setValue(temperature::toSlider(0.3));
  ASSERT_EQ(started.count(), 1);
  const quint64 second = column->currentRunId();
  EXPECT_GT(second, first);
  EXPECT_NEAR(pane.temperature(), 0.3, 0.002);
  // The old run reports itself cancelled; the new one streams from the prime again.
  ASSERT_TRUE(ui_test::waitFor([&] {
    for (const QList<QVariant>& args : finished) {
      const auto summary = args.at(0).value<GenerationSummary>();
      if (summary.runId == first) return summary.cancelled;
    }
    return false;
  }));
  EXPECT_TRUE(column->isRunning());
  ASSERT_TRUE(ui_test::waitFor([&] { return column->view()->size() > 10; }));
  // Destroying the pane cancels the running run and joins its thread (no hang).
}

TEST(GeneratorTest, ArgmaxIsDeterministic) {
  GeneratorPane pane;
  GeneratorSettings settings = shortRun();
  settings.argmax = true;
  pane.applySettings(settings);
  pane.setModel(tinyModel());
  const QString first = finishedText(pane);
  EXPECT_EQ(first.size(), 300);
  pane.regenerate();
  EXPECT_EQ(finishedText(pane), first);
  pane.seedSpin()->setValue(99);  // argmax ignores the seed
  EXPECT_EQ(finishedText(pane), first);
}

TEST(GeneratorTest, SameSeedSameTextOtherSeedOtherText) {
  GeneratorPane pane;
  pane.applySettings(shortRun());
  pane.setModel(tinyModel());
  const QString first = finishedText(pane);
  ASSERT_EQ(first.size(), 300);
  pane.regenerate();
  EXPECT_EQ(finishedText(pane), first);
  pane.seedSpin()->setValue(pane.seedSpin()->value() + 1);
  EXPECT_NE(finishedText(pane), first);
  EXPECT_TRUE(pane.primaryColumn()->shownText().startsWith(QStringLiteral("The ")));
}

TEST(GeneratorTest, PrimeIsColouredByTheNeuronToo) {
  GeneratorPane pane;
  pane.applySettings(shortRun());  // prime "The "
  pane.setModel(tinyModel());
  ASSERT_EQ(finishedText(pane).size(), 300);
  const ActivationTextView* view = pane.primaryColumn()->view();
  ASSERT_EQ(view->size(), 304);
  for (int i = 0; i < view->size(); ++i) EXPECT_FALSE(std::isnan(view->value(i))) << i;
}

TEST(GeneratorTest, DistributionSumsToOneAndSharpensAsTemperatureFalls) {
  // Argmax: the text, hence the position's logits, is the same at every temperature, so only
  // the temperature changes the distribution shown for the end of the text.
  GeneratorPane pane;
  GeneratorSettings settings = shortRun(200);
  settings.argmax = true;
  pane.applySettings(settings);
  pane.setModel(tinyModel());
  DistributionChart* chart = pane.distributionChart();
  double previous = 1e9;
  for (double t : {2.0, 1.0, 0.5, 0.1}) {
    pane.temperatureSlider()->setValue(temperature::toSlider(t));
    finishedText(pane);
    const CharDistribution& shown = chart->distribution();
    ASSERT_EQ(shown.size(), 61);
    EXPECT_NEAR(shown.total(), 1.0, 1e-4);
    EXPECT_LT(chart->entropyNats(), previous) << "T = " << t;
    previous = chart->entropyNats();
    EXPECT_EQ(chart->bars()->dataCount(), DistributionChart::kBars);
    // Sorted by probability, most likely first.
    EXPECT_GE(chart->bars()->data()->at(0)->value, chart->bars()->data()->at(1)->value);
    EXPECT_TRUE(chart->entropyLabel()->text().contains(QStringLiteral("nats")));
    EXPECT_TRUE(chart->entropyLabel()->text().contains(QStringLiteral("bits")));
  }
}

TEST(GeneratorTest, HoverShowsTheDistributionACharacterWasDrawnFrom) {
  GeneratorPane pane;
  pane.resize(1200, 700);
  GeneratorSettings settings = shortRun(120);
  settings.argmax = true;
  pane.applySettings(settings);
  pane.setModel(tinyModel());
  pane.show();
  finishedText(pane);
  GenerationColumn* column = pane.primaryColumn();
  ActivationTextView* view = column->view();
  const int index = column->primeLength() + 5;  // the 6th generated character
  const QRect cell = view->cellRect(index);
  ASSERT_TRUE(cell.isValid());
  moveMouse(view->viewport(), cell.center());
  const CharDistribution* drawnFrom = column->distributionAt(index);
  ASSERT_NE(drawnFrom, nullptr);
  EXPECT_EQ(pane.distributionChart()->distribution().probs, drawnFrom->probs);
  // Argmax: the drawn character is the most likely one, shown as the chosen bar at key 1.
  ASSERT_EQ(pane.distributionChart()->chosenBar()->dataCount(), 1);
  EXPECT_DOUBLE_EQ(pane.distributionChart()->chosenBar()->data()->at(0)->key, 1.0);
  // The prime has no distribution; leaving shows the end of the text again.
  EXPECT_EQ(column->distributionAt(0), nullptr);
  moveMouse(view->viewport(),
            QPoint(view->viewport()->width() - 2, view->viewport()->height() - 2));
  EXPECT_EQ(pane.distributionChart()->distribution().probs, column->nextDistribution().probs);
}

TEST(GeneratorTest, CompareRunsASecondTemperatureAndSaveWritesTheText) {
  GeneratorPane pane;
  GeneratorSettings settings = shortRun(150);
  settings.compare = true;
  settings.temperature = 1.5;
  settings.compareTemperature = 0.2;
  pane.applySettings(settings);
  pane.setModel(tinyModel());
  GenerationColumn* second = pane.compareColumn();
  EXPECT_TRUE(second->isVisibleTo(&pane));
  finishedText(pane);
  ASSERT_TRUE(ui_test::waitFor([&] { return !second->isRunning(); }));
  EXPECT_EQ(second->generatedText().size(), 150);
  EXPECT_NEAR(second->temperature(), 0.2, 0.002);
  EXPECT_NE(second->generatedText(), pane.primaryColumn()->generatedText());

  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("out.txt"));
  QString error;
  ASSERT_TRUE(pane.saveText(path, &error)) << error.toStdString();
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QString saved = QString::fromUtf8(file.readAll());
  EXPECT_EQ(saved, pane.exportText());
  EXPECT_TRUE(saved.contains(pane.primaryColumn()->generatedText()));
  EXPECT_TRUE(saved.contains(second->generatedText()));
  EXPECT_FALSE(pane.saveText(dir.filePath(QStringLiteral("missing/dir/out.txt")), &error));
  EXPECT_FALSE(error.isEmpty());
}

TEST(ActivationTextViewTest, PaintsValueColoursOnTheGrid) {
  ActivationTextView view;
  view.resize(400, 200);
  view.setColorMap(colormap::ColorMap::forQuantity(cellscope::Quantity::kHidden));
  const std::u32string text = U"a b\n\tc d";
  view.setText(text, {-1.0f, 0.0f, 1.0f, 1.0f, -1.0f, 0.5f, NAN, -1.0f});
  const QImage image = view.viewport()->grab().toImage();
  const auto pixelAt = [&](int index) {
    const QRect cell = view.cellRect(index);
    return QColor(image.pixel(cell.left() + 1, cell.top() + 1));  // a corner: no glyph there
  };
  EXPECT_EQ(pixelAt(0).rgb(), QColor(colormap::kNegative).rgb());
  EXPECT_EQ(pixelAt(1).rgb(), QColor(colormap::kNeutral).rgb());
  EXPECT_EQ(pixelAt(2).rgb(), QColor(colormap::kPositive).rgb());
  EXPECT_EQ(pixelAt(3).rgb(), QColor(colormap::kPositive).rgb());  // the newline is coloured too
  EXPECT_EQ(pixelAt(4).rgb(), QColor(colormap::kNegative).rgb());  // and the tab
  EXPECT_EQ(pixelAt(5).rgb(), colormap::diverging(0.5).rgb());
  EXPECT_EQ(pixelAt(6).rgb(), view.palette().color(QPalette::Base).rgb());  // NaN: no colour

  // The newline ends its line: the tab starts the next one, each character one cell.
  EXPECT_EQ(view.cellRect(4).left(), view.cellRect(0).left());
  EXPECT_EQ(view.cellRect(4).top(), view.cellRect(0).top() + view.cellSize().height());
  EXPECT_EQ(view.cellRect(5).left(), view.cellRect(4).left() + view.cellSize().width());
  EXPECT_EQ(ActivationTextView::glyph(U'\n'), QStringLiteral("\u21b5"));
  EXPECT_EQ(ActivationTextView::glyph(U'\t'), QStringLiteral("\u2192"));
  EXPECT_EQ(view.plainText(), QString::fromStdU32String(text));
}

TEST(ActivationTextViewTest, HoverGivesTheCharacterIndex) {
  ActivationTextView view;
  view.resize(300, 200);
  view.setText(U"hello\nworld");
  QSignalSpy hovered(&view, &ActivationTextView::characterHovered);
  moveMouse(view.viewport(), view.cellRect(7).center());
  ASSERT_EQ(hovered.count(), 1);
  EXPECT_EQ(hovered.at(0).at(0).toInt(), 7);
  EXPECT_EQ(view.indexAt(view.cellRect(3).center()), 3);
  moveMouse(view.viewport(), QPoint(280, 180));  // past the text
  ASSERT_EQ(hovered.count(), 2);
  EXPECT_EQ(hovered.at(1).at(0).toInt(), -1);
}

TEST(ActivationTextViewTest, WrapsLongLinesAndAppends) {
  ActivationTextView view;
  view.resize(200, 300);
  const int columns = (view.viewport()->width() - 8) / view.cellSize().width();
  view.setText(std::u32string(static_cast<std::size_t>(columns), U'x'));
  view.append(U"yz", {0.5f, 0.5f});
  EXPECT_EQ(view.size(), columns + 2);
  EXPECT_EQ(view.cellRect(columns).left(), view.cellRect(0).left());
  EXPECT_GT(view.cellRect(columns).top(), view.cellRect(0).top());
  EXPECT_TRUE(std::isnan(view.value(0)));
  EXPECT_FLOAT_EQ(view.value(columns + 1), 0.5f);
}

TEST(GeneratorTest, MainWindowHasModelAndGenerateTabs) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("tiny.csm"));
  cellscope::save_model_file(QFile::encodeName(path).toStdString(), tinyModel());
  MainWindow window;
  ASSERT_NE(window.tabs(), nullptr);
  ASSERT_GE(window.tabs()->count(), 3);  // "Explore" first, "Train" follows
  EXPECT_EQ(window.tabs()->tabText(1), QStringLiteral("Model"));
  EXPECT_EQ(window.tabs()->tabText(2), QStringLiteral("Generate"));
  EXPECT_EQ(window.tabs()->widget(2), window.generatorPane());
  EXPECT_FALSE(window.generatorPane()->hasModel());
  ASSERT_TRUE(window.openModel(path));
  EXPECT_TRUE(window.generatorPane()->hasModel());
  ASSERT_TRUE(
      ui_test::waitFor([&] { return !window.generatorPane()->primaryColumn()->isRunning(); }));
  EXPECT_FALSE(window.generatorPane()->primaryColumn()->generatedText().isEmpty());
}
