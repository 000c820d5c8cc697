// NeuronFinderPanel tests, offscreen, on small random models made here over a text with quotes,
// brackets and newlines. Every number the panel shows is compared with the engine's own answer
// for the same text (find_neurons, match_ranges, saturation); clicks and Up/Down emit the chosen
// neuron or range; an empty selection and a bad regex end in a message; a newer text cancels a
// running pass. Waits use ui_test::waitFor with GoogleTest asserts (never QTRY_*).
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "detectors.h"
#include "explore/neuron_finder_panel.h"
#include "neuron_search.h"
#include "probe.h"
#include "saturation.h"
#include "explore/saturation_plot.h"
#include "trainer.h"
#include "random_model.h"
#include "ui_test_util.h"
#include "vocabulary.h"

namespace {

using cellscope::Quantity;
using ui_test::waitFor;

std::u32string mixedText(std::size_t length, uint64_t seed) {
  return ui_test::piecesText({U"she said ", U"\"hi there\" ", U"(a [b] c) ", U"{x}\n", U"if (y) ",
                              U"z; ", U"'q' ", U"\"no\", ", U"ab cd\n"},
                             length, seed);
}

std::shared_ptr<const cellscope::ModelFile> randomModel(const std::u32string& text,
                                                        cellscope::CellType cell, int hidden,
                                                        int layers, uint64_t seed) {
  // ×4: activations spread over their whole range
  return std::make_shared<const cellscope::ModelFile>(
      ui_test::randomModel(text, hidden, layers, seed, 4.0f, cell));
}

// The engine side of one comparison: the model, the encoded text and a probe over them.
struct EngineRun {
  EngineRun(const cellscope::ModelFile& file, const std::u32string& text)
      : model(cellscope::model_from_file(file, "test")),
        encoded(file.model.vocab_size, text.size()) {
    const cellscope::Vocabulary vocab(file.vocabulary);
    for (std::size_t i = 0; i < text.size(); ++i) encoded.set(i, vocab.id_of(text[i]));
    probe = std::make_unique<cellscope::Probe>(*model, encoded);
  }
  std::vector<cellscope::NeuronScore> find(Quantity q, const std::vector<float>& target,
                                           bool binary) {
    return cellscope::find_neurons(*probe, q, target, cellscope::auc_threshold(target, binary));
  }
  std::unique_ptr<cellscope::Model<float>> model;
  cellscope::EncodedText encoded;
  std::unique_ptr<cellscope::Probe> probe;
};

struct Fixture {
  std::u32string text;
  std::shared_ptr<const cellscope::ModelFile> file;
  NeuronFinderPanel panel;
  std::vector<NeuronSelection> chosen;

  explicit Fixture(cellscope::CellType cell = cellscope::CellType::kLstm, int hidden = 12,
                   std::size_t length = 3000)
      : text(mixedText(length, 3)), file(randomModel(text, cell, hidden, 2, 11)) {
    QObject::connect(&panel, &NeuronFinderPanel::neuronChosen,
                     [this](const NeuronSelection& s) { chosen.push_back(s); });
    panel.resize(420, 700);
    panel.show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(&panel));
    panel.setModel(file);
    panel.setText(text);
  }
  template <typename T>
  T* child(const char* name) {
    T* w = panel.findChild<T*>(QString::fromLatin1(name));
    EXPECT_NE(w, nullptr) << name;
    return w;
  }
  void chooseTarget(const QString& data) {
    auto* combo = child<QComboBox>("finderDetectorCombo");
    const int index = combo->findData(data);
    ASSERT_GE(index, 0) << data.toStdString();
    combo->setCurrentIndex(index);
  }
  // Clicks `button` and waits for every job to end.
  bool run(const char* button) {
    QTest::mouseClick(child<QPushButton>(button), Qt::LeftButton);
    return waitFor([&] { return !panel.isBusy(); });
  }
  void click(QAbstractItemView* view, const QModelIndex& index) {
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
  }
};

void expectSameScores(const std::vector<cellscope::NeuronScore>& shown,
                      const std::vector<cellscope::NeuronScore>& engine) {
  ASSERT_EQ(shown.size(), std::min<std::size_t>(engine.size(), NeuronFinderPanel::kTopNeurons));
  for (std::size_t i = 0; i < shown.size(); ++i) {
    EXPECT_EQ(shown[i].layer, engine[i].layer) << i;
    EXPECT_EQ(shown[i].neuron, engine[i].neuron) << i;
    EXPECT_NEAR(shown[i].correlation, engine[i].correlation, 1e-9) << i;
    EXPECT_NEAR(shown[i].auc, engine[i].auc, 1e-9) << i;
  }
}

}  // namespace

TEST(NeuronFinderTest, DoubleQuoteRanksNeuronsAsTheEngineDoes) {
  Fixture f;
  f.chooseTarget(QStringLiteral("double-quote"));
  auto* quantity = f.child<QComboBox>("finderQuantityCombo");
  EXPECT_EQ(quantity->currentText(), QStringLiteral("tanh-cell"));  // the LSTM default
  ASSERT_TRUE(f.run("finderRunButton"));
  EXPECT_FALSE(f.panel.findStatus().startsWith(QStringLiteral("Error")))
      << f.panel.findStatus().toStdString();

  EngineRun engine(*f.file, f.text);
  const auto expected =
      engine.find(Quantity::kTanhCell, cellscope::detect("double-quote", f.text).values, true);
  expectSameScores(f.panel.findResults(), expected);
  ASSERT_FALSE(expected.empty());
  EXPECT_GT(std::fabs(f.panel.findResults().front().correlation), 0.0);

  auto* table = f.child<QTableWidget>("finderResults");
  ASSERT_EQ(table->rowCount(), static_cast<int>(expected.size()));
  EXPECT_EQ(table->item(0, 1)->text(),
            QStringLiteral("%1:%2").arg(expected[0].layer).arg(expected[0].neuron));
  EXPECT_EQ(table->item(0, 2)->text(), QString::number(expected[0].correlation, 'f', 3));
}

TEST(NeuronFinderTest, ClickingARowChoosesItsNeuronAndDownWalksTheRanking) {
  Fixture f;
  f.chooseTarget(QStringLiteral("double-quote"));
  ASSERT_TRUE(f.run("finderRunButton"));
  const auto& scores = f.panel.findResults();
  ASSERT_GE(scores.size(), 2u);
  auto* table = f.child<QTableWidget>("finderResults");
  f.chosen.clear();
  f.click(table, table->model()->index(0, 1));
  ASSERT_EQ(f.chosen.size(), 1u);
  EXPECT_EQ(f.chosen[0].layer, scores[0].layer);
  EXPECT_EQ(f.chosen[0].neuron, scores[0].neuron);
  EXPECT_EQ(f.chosen[0].quantity, Quantity::kTanhCell);

  QTest::keyClick(table, Qt::Key_Down);
  ASSERT_EQ(f.chosen.size(), 2u);
  EXPECT_EQ(f.chosen[1].layer, scores[1].layer);
  EXPECT_EQ(f.chosen[1].neuron, scores[1].neuron);
  QTest::keyClick(table, Qt::Key_Up);
  ASSERT_EQ(f.chosen.size(), 3u);
  EXPECT_EQ(f.chosen[2].neuron, scores[0].neuron);
}

TEST(NeuronFinderTest, TheSelectionIsATargetAndAnEmptyOneSaysSo) {
  Fixture f;
  f.chooseTarget(QString::fromLatin1(NeuronFinderPanel::kSelectionTarget));
  f.panel.setSelection(100, 160);
  auto* quantity = f.child<QComboBox>("finderQuantityCombo");
  quantity->setCurrentIndex(quantity->findText(QStringLiteral("hidden")));
  ASSERT_TRUE(f.run("finderRunButton"));

  std::vector<float> target(f.text.size(), 0.0f);
  std::fill(target.begin() + 100, target.begin() + 160, 1.0f);
  EngineRun engine(*f.file, f.text);
  expectSameScores(f.panel.findResults(), engine.find(Quantity::kHidden, target, true));

  f.panel.setSelection(40, 40);
  ASSERT_TRUE(f.run("finderRunButton"));
  EXPECT_TRUE(f.panel.findStatus().contains(QStringLiteral("selection is empty")))
      << f.panel.findStatus().toStdString();
}

TEST(NeuronFinderTest, ABadRegexShowsAnError) {
  Fixture f;
  f.chooseTarget(QString::fromLatin1(NeuronFinderPanel::kRegexTarget));
  auto* edit = f.child<QLineEdit>("finderRegexEdit");
  EXPECT_TRUE(edit->isVisible());
  edit->setText(QStringLiteral("(["));
  ASSERT_TRUE(f.run("finderRunButton"));
  EXPECT_TRUE(f.panel.findStatus().startsWith(QStringLiteral("Error")))
      << f.panel.findStatus().toStdString();
  EXPECT_TRUE(f.panel.findResults().empty());

  // A good one afterwards works.
  edit->setText(QStringLiteral("\"[^\"]*\""));
  ASSERT_TRUE(f.run("finderRunButton"));
  EXPECT_FALSE(f.panel.findResults().empty()) << f.panel.findStatus().toStdString();
}

TEST(NeuronFinderTest, ANewerTextCancelsARunningJob) {
  Fixture f(cellscope::CellType::kLstm, 128, 400000);
  std::vector<FindResult> results;
  // &f.panel as context: the lambda runs on the GUI thread that reads `results` (TSan).
  QObject::connect(f.panel.worker(), &AnalysisWorker::found, &f.panel,
                   [&](const FindResult& r) { results.push_back(r); });
  f.chooseTarget(QStringLiteral("double-quote"));
  QTest::mouseClick(f.child<QPushButton>("finderRunButton"), Qt::LeftButton);
  auto* progress = f.child<QProgressBar>("finderProgress");
  ASSERT_TRUE(waitFor([&] { return progress->value() > 0; }));
  ASSERT_LT(progress->value(), 500) << "the pass is too fast to cancel in the middle";

  const auto start = std::chrono::steady_clock::now();
  f.panel.setText(f.text.substr(0, 2000));
  EXPECT_FALSE(f.panel.isBusy());
  EXPECT_FALSE(progress->isVisible());
  ASSERT_TRUE(waitFor([&] { return !results.empty(); }));
  EXPECT_TRUE(results[0].cancelled);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
  EXPECT_TRUE(f.panel.findResults().empty());

  ASSERT_TRUE(f.run("finderRunButton"));
  EXPECT_FALSE(f.panel.findResults().empty()) << f.panel.findStatus().toStdString();
}

TEST(NeuronFinderTest, DestroyingThePanelStopsARunningJob) {
  auto f = std::make_unique<Fixture>(cellscope::CellType::kLstm, 128, 400000);
  f->chooseTarget(QStringLiteral("double-quote"));
  f->panel.runFind();
  auto* progress = f->child<QProgressBar>("finderProgress");
  ASSERT_TRUE(waitFor([&] { return progress->value() > 0; }));
  ASSERT_TRUE(f->panel.isBusy());
  const auto start = std::chrono::steady_clock::now();
  f.reset();  // stops the pass at its next chunk and joins the thread
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
}

TEST(NeuronMatchTest, MatchListsTheEnginesRangesAndEmitsThem) {
  Fixture f;
  // A query the engine answers with selected neurons and other ranges.
  EngineRun engine(*f.file, f.text);
  cellscope::MatchQuery query;
  query.quantity = Quantity::kTanhCell;
  cellscope::MatchResult expected;
  for (int64_t begin = 20; begin < 1500 && expected.matches.empty(); begin += 37) {
    query.begin = begin;
    query.end = begin + 4;
    expected = cellscope::match_ranges(*engine.probe, query);
  }
  ASSERT_FALSE(expected.matches.empty());

  QVector<QPair<qint64, qint64>> marked;
  int found = 0;
  QObject::connect(&f.panel, &NeuronFinderPanel::matchesFound,
                   [&](const QVector<QPair<qint64, qint64>>& r) {
                     marked = r;
                     ++found;
                   });
  std::vector<std::pair<qint64, qint64>> chosenRanges;
  QObject::connect(&f.panel, &NeuronFinderPanel::rangeChosen,
                   [&](qint64 b, qint64 e) { chosenRanges.emplace_back(b, e); });
  f.panel.tabs()->setCurrentIndex(1);
  f.panel.setSelection(query.begin, query.end);
  EXPECT_DOUBLE_EQ(f.child<QDoubleSpinBox>("matchThresholdSpin")->value(), 0.5);
  ASSERT_TRUE(f.run("matchRunButton"));
  ASSERT_EQ(found, 1) << f.panel.matchStatus().toStdString();

  const cellscope::MatchResult& shown = f.panel.matchResult();
  EXPECT_EQ(shown.selected, expected.selected);
  ASSERT_EQ(marked.size(), static_cast<int>(expected.matches.size()));
  for (int i = 0; i < marked.size(); ++i) {
    EXPECT_EQ(marked[i].first, expected.matches[static_cast<std::size_t>(i)].begin);
    EXPECT_EQ(marked[i].second, expected.matches[static_cast<std::size_t>(i)].end);
  }
  auto* neurons = f.child<QTableWidget>("matchNeurons");
  auto* ranges = f.child<QTableWidget>("matchRanges");
  // Every ranked neuron, best first; the best one colours the text.
  ASSERT_EQ(neurons->rowCount(), static_cast<int>(expected.neurons.size()));
  EXPECT_EQ(neurons->item(0, 0)->text(),
            QStringLiteral("%1:%2").arg(expected.neurons[0].ref.layer).arg(expected.neurons[0].ref.neuron));
  ASSERT_TRUE(expected.best.has_value());
  ASSERT_FALSE(f.chosen.empty());
  EXPECT_EQ(f.chosen.back().neuron, expected.best->neuron);
  ASSERT_EQ(ranges->rowCount(), marked.size());

  f.click(ranges, ranges->model()->index(0, 2));
  ASSERT_EQ(chosenRanges.size(), 1u);
  EXPECT_EQ(chosenRanges[0].first, marked[0].first);
  EXPECT_EQ(chosenRanges[0].second, marked[0].second);

  f.chosen.clear();
  f.click(neurons, neurons->model()->index(0, 0));
  ASSERT_EQ(f.chosen.size(), 1u);
  EXPECT_EQ(f.chosen[0].layer, expected.selected[0].layer);
  EXPECT_EQ(f.chosen[0].neuron, expected.selected[0].neuron);
  EXPECT_EQ(f.chosen[0].quantity, Quantity::kTanhCell);

  // No selection: a message, no job.
  f.panel.setSelection(0, 0);
  ASSERT_TRUE(f.run("matchRunButton"));
  EXPECT_TRUE(f.panel.matchStatus().contains(QStringLiteral("selection is empty")));
}

TEST(NeuronSaturationTest, ThePlotHasOnePointPerNeuronAndGate) {
  Fixture f;
  auto* plot = f.child<SaturationPlot>("saturationPlot");
  f.panel.tabs()->setCurrentIndex(2);  // computes at once: the text is new
  ASSERT_TRUE(waitFor([&] { return !f.panel.isBusy() && plot->pointCount() > 0; }))
      << f.panel.saturationStatus().toStdString();
  const int H = f.file->model.hidden_size;
  EXPECT_EQ(plot->layer(), 1);  // the top layer first
  EXPECT_EQ(plot->pointCount(), 3 * H);
  for (Quantity gate : {Quantity::kInput, Quantity::kForget, Quantity::kOutput})
    EXPECT_EQ(plot->pointCount(gate), H);

  auto* layer = f.child<QComboBox>("saturationLayerCombo");
  layer->setCurrentIndex(0);
  ASSERT_EQ(plot->layer(), 0);
  ASSERT_EQ(plot->pointCount(), 3 * H);

  EngineRun engine(*f.file, f.text);
  const std::vector<cellscope::NeuronStats> stats = cellscope::saturation(*engine.probe);
  for (const SaturationPlot::Point& p : plot->points()) {
    const auto it = std::find_if(stats.begin(), stats.end(), [&](const cellscope::NeuronStats& s) {
      return s.layer == p.layer && s.neuron == p.neuron && s.quantity == p.gate;
    });
    ASSERT_NE(it, stats.end());
    EXPECT_DOUBLE_EQ(p.left, it->left);
    EXPECT_DOUBLE_EQ(p.right, it->right);
    EXPECT_LE(p.left + p.right, 1.0);
  }

  // Clicking a point chooses that neuron and gate. Pick one no other point hides.
  plot->plot()->replot(QCustomPlot::rpImmediateRefresh);
  int index = -1;
  for (int i = 0; i < plot->pointCount() && index < 0; ++i)
    if (plot->pointAt(plot->pixelOf(i)) == i) index = i;
  ASSERT_GE(index, 0);
  f.chosen.clear();
  QTest::mouseClick(plot->plot(), Qt::LeftButton, {}, plot->pixelOf(index));
  ASSERT_EQ(f.chosen.size(), 1u);
  const SaturationPlot::Point& p = plot->points()[static_cast<std::size_t>(index)];
  EXPECT_EQ(f.chosen[0].layer, p.layer);
  EXPECT_EQ(f.chosen[0].neuron, p.neuron);
  EXPECT_EQ(f.chosen[0].quantity, p.gate);
  EXPECT_FALSE(plot->describe(index).isEmpty());
}

TEST(NeuronSaturationTest, GruHasTwoGatesAndRnnNone) {
  {
    Fixture f(cellscope::CellType::kGru, 10, 1000);
    EXPECT_EQ(f.child<QComboBox>("finderQuantityCombo")->currentText(), QStringLiteral("hidden"));
    auto* plot = f.child<SaturationPlot>("saturationPlot");
    f.panel.runSaturation();
    ASSERT_TRUE(waitFor([&] { return !f.panel.isBusy(); }));
    EXPECT_EQ(plot->pointCount(), 2 * 10);
    EXPECT_EQ(plot->pointCount(Quantity::kUpdate), 10);
    EXPECT_EQ(plot->pointCount(Quantity::kReset), 10);
  }
  {
    Fixture f(cellscope::CellType::kRnn, 10, 1000);
    f.panel.runSaturation();
    ASSERT_TRUE(waitFor([&] { return !f.panel.isBusy(); }));
    EXPECT_TRUE(f.panel.saturationStatus().contains(QStringLiteral("no gates")));
    EXPECT_EQ(f.child<SaturationPlot>("saturationPlot")->pointCount(), 0);
  }
}
