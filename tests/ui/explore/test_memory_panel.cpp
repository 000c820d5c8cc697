// The memory panel, offscreen, own temp folders: a click's saliency equals the engine's (log p and
// a neuron, before and past a kept state); its underline reaches the text view and clears; one
// horizon line per model, equal to memory_horizon; a bad model file is refused naming it; cancel.
#include <gtest/gtest.h>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "common/worker_model.h"
#include "explore/horizon_plot.h"
#include "explore/memory_panel.h"
#include "random_model.h"
#include "saliency.h"
#include "ui_test_util.h"

namespace {

const std::u32string kChars = U"\n ()\";abcdefgh";

std::u32string randomText(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::u32string text;
  for (std::size_t i = 0; i < n; ++i) text += kChars[rng() % kChars.size()];
  return text;
}

cellscope::ModelFile model(cellscope::CellType cell, uint64_t seed) {
  return ui_test::randomModel(kChars, 16, 2, seed, 1.5f, cell);
}

// The engine's answer, straight: saliency_at on a fresh model from the same file.
cellscope::Saliency engineSaliency(const cellscope::ModelFile& file, const std::u32string& text,
                                   qint64 position, const cellscope::SaliencyOptions& options) {
  WorkerModel engine;
  EXPECT_TRUE(engine.load(file).isEmpty());
  return cellscope::saliency_at(*engine.model, engine.encode(text), position, options);
}

SaliencyResult clickAndWait(MemoryPanel& panel, int position) {
  QSignalSpy shown(&panel, &MemoryPanel::saliencyShown);
  panel.showSaliencyAt(position);
  EXPECT_TRUE(ui_test::waitFor([&] { return shown.count() > 0; })) << panel.lastError().toStdString();
  return panel.lastSaliency();
}

void expectSameNorms(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  int compared = 0;
  for (std::size_t d = 0; d < expected.size(); ++d) {
    if (std::isnan(expected[d])) {
      EXPECT_TRUE(std::isnan(actual[d])) << "d=" << d;
      continue;
    }
    EXPECT_NEAR(actual[d], expected[d], 1e-4 * std::max(1e-6, std::abs(expected[d]))) << "d=" << d;
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

}  // namespace

TEST(MemoryPanel, ClickSaliencyEqualsTheEngines) {
  const cellscope::ModelFile file = model(cellscope::CellType::kLstm, 7);
  const std::u32string text = randomText(5000, 1);  // past several kept states (every 512)
  MemoryPanel panel;
  panel.setModel(file, QStringLiteral("random.csm"));
  panel.setText(text);
  panel.setWindow(60);
  cellscope::SaliencyOptions options;
  options.window = 60;
  for (int position : {30, 250, 4500}) {
    const SaliencyResult result = clickAndWait(panel, position);
    ASSERT_TRUE(result.error.isEmpty()) << result.error.toStdString();
    EXPECT_EQ(result.position, position);
    const cellscope::Saliency expected = engineSaliency(file, text, position, options);
    EXPECT_NEAR(result.value, expected.value, 1e-4);
    expectSameNorms(result.byDistance, expected.by_distance);
    EXPECT_EQ(panel.saliencyPlot()->curveCount(), 1);
  }
  // The neuron target: layer 1, neuron 3, its cell value.
  panel.setNeuron({1, 3, cellscope::Quantity::kCell});
  panel.setNeuronTarget(true);
  options.target = cellscope::SaliencyTarget::kNeuron;
  options.layer = 1;
  options.neuron = 3;
  options.quantity = cellscope::Quantity::kCell;
  const SaliencyResult result = clickAndWait(panel, 4200);
  ASSERT_TRUE(result.error.isEmpty()) << result.error.toStdString();
  EXPECT_TRUE(result.neuronTarget);
  const cellscope::Saliency expected = engineSaliency(file, text, 4200, options);
  EXPECT_NEAR(result.value, expected.value, 1e-4);
  expectSameNorms(result.byDistance, expected.by_distance);
}

TEST(MemoryPanel, UnderlineReachesTheTextViewAndClears) {
  const std::u32string text = randomText(400, 2);
  MemoryPanel panel;
  ActivationTextView view;
  QObject::connect(&panel, &MemoryPanel::underlineChanged, &view, &ActivationTextView::setUnderline);
  view.resize(600, 300);
  view.setText(text);
  view.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  panel.setModel(model(cellscope::CellType::kGru, 3));
  panel.setText(text);
  panel.setWindow(100);
  // Ctrl+click on the view reaches the panel as the lead wires it.
  QObject::connect(&view, &ActivationTextView::characterClicked, &panel, &MemoryPanel::characterClicked);
  QSignalSpy shown(&panel, &MemoryPanel::saliencyShown);
  view.scrollTo(300);
  QTest::mouseClick(view.viewport(), Qt::LeftButton, Qt::ControlModifier, view.cellRect(300).center());
  ASSERT_TRUE(ui_test::waitFor([&] { return shown.count() > 0; })) << panel.lastError().toStdString();
  const SaliencyResult& result = panel.lastSaliency();
  EXPECT_EQ(result.position, 300);
  int first = -1;
  const std::vector<float> weights = MemoryPanel::underlineWeights(result, &first);
  EXPECT_EQ(first, 200);
  ASSERT_EQ(weights.size(), 101u);
  EXPECT_EQ(view.underlineFirst(), 200);
  ASSERT_EQ(view.underlineWeights().size(), weights.size());
  float strongest = 0.0f;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (std::isnan(weights[i])) {
      EXPECT_TRUE(std::isnan(view.underlineWeights()[i]));
      continue;
    }
    EXPECT_FLOAT_EQ(view.underlineWeights()[i], weights[i]);
    strongest = std::max(strongest, weights[i]);
  }
  EXPECT_FLOAT_EQ(strongest, 1.0f);
  EXPECT_TRUE(std::isnan(weights.back())) << "log p of char P does not depend on char P";

  QTest::keyClick(&view, Qt::Key_Escape);
  EXPECT_TRUE(view.underlineWeights().empty());
  clickAndWait(panel, 150);
  EXPECT_EQ(view.underlineFirst(), 50);
  panel.setText(text);  // a new text clears the panel's saliency and the underline
  EXPECT_TRUE(view.underlineWeights().empty());
  EXPECT_EQ(panel.saliencyPlot()->curveCount(), 0);
}

TEST(MemoryPanel, HorizonDrawsOneLinePerModelEqualToTheEngines) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const std::u32string text = randomText(300, 3);
  const cellscope::ModelFile lstm = model(cellscope::CellType::kLstm, 11);
  const cellscope::ModelFile rnn = model(cellscope::CellType::kRnn, 12);
  const cellscope::ModelFile gru = model(cellscope::CellType::kGru, 13);
  const QString rnnPath = dir.filePath(QStringLiteral("rnn.csm"));
  const QString gruPath = dir.filePath(QStringLiteral("gru.csm"));
  cellscope::save_model_file(rnnPath.toStdString(), rnn);
  cellscope::save_model_file(gruPath.toStdString(), gru);

  MemoryPanel panel;
  panel.setModel(lstm, QStringLiteral("lstm.csm"));
  panel.setText(text);
  panel.setWindow(30);
  panel.setHorizonLimit(0);
  ASSERT_TRUE(panel.addModelFile(rnnPath)) << panel.lastError().toStdString();
  ASSERT_TRUE(panel.addModelFile(gruPath)) << panel.lastError().toStdString();
  EXPECT_EQ(panel.horizonModelCount(), 3);
  QSignalSpy shown(&panel, &MemoryPanel::horizonShown);
  panel.measureHorizon();
  ASSERT_TRUE(ui_test::waitFor([&] { return shown.count() > 0; }, 20000));
  const HorizonResult& result = panel.lastHorizon();
  ASSERT_EQ(result.lines.size(), 3u);
  EXPECT_EQ(panel.horizonPlot()->curveCount(), 3);
  EXPECT_TRUE(result.lines[1].label.contains(QStringLiteral("rnn.csm")));
  EXPECT_TRUE(result.lines[1].label.contains(QStringLiteral("rnn")));
  EXPECT_EQ(result.lines[2].cellType, QStringLiteral("gru"));

  cellscope::SaliencyOptions options;
  options.window = 30;
  const cellscope::ModelFile* files[] = {&lstm, &rnn, &gru};
  for (int m = 0; m < 3; ++m) {
    WorkerModel engine;
    ASSERT_TRUE(engine.load(*files[m]).isEmpty());
    const cellscope::MemoryHorizon expected =
        cellscope::memory_horizon(*engine.model, engine.encode(text), options, 1);
    expectSameNorms(result.lines[static_cast<std::size_t>(m)].mean, expected.mean);
  }
}

TEST(MemoryPanel, ABadModelFileIsRefusedNamingIt) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString broken = dir.filePath(QStringLiteral("broken-model.csm"));
  QFile out(broken);
  ASSERT_TRUE(out.open(QIODevice::WriteOnly));
  out.write("this is not a model");
  out.close();
  MemoryPanel panel;
  panel.setModel(model(cellscope::CellType::kLstm, 5));
  QSignalSpy errors(&panel, &MemoryPanel::errorOccurred);
  EXPECT_FALSE(panel.addModelFile(broken));
  EXPECT_TRUE(panel.lastError().contains(broken)) << panel.lastError().toStdString();
  EXPECT_EQ(errors.count(), 1);
  EXPECT_EQ(panel.horizonModelCount(), 1);
  const QString missing = dir.filePath(QStringLiteral("missing.csm"));
  EXPECT_FALSE(panel.addModelFile(missing));
  EXPECT_TRUE(panel.lastError().contains(missing)) << panel.lastError().toStdString();
  EXPECT_EQ(panel.horizonModelCount(), 1);
}

TEST(MemoryPanel, AHorizonCanBeCancelled) {
  MemoryPanel panel;
  panel.setModel(model(cellscope::CellType::kLstm, 9));
  panel.setText(randomText(200000, 4));
  panel.setWindow(1000);
  panel.setHorizonLimit(0);
  QSignalSpy shown(&panel, &MemoryPanel::horizonShown);
  panel.measureHorizon();
  EXPECT_TRUE(panel.isMeasuring());
  QTest::qWait(50);
  panel.cancelHorizon();
  EXPECT_FALSE(panel.isMeasuring());
  QTest::qWait(300);
  EXPECT_EQ(shown.count(), 0);
}
