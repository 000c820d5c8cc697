// Surprisal, entropy and model against model in the explorer, offscreen, on tiny random models
// written to a QTemporaryDir per test: the colouring equals the engine's ScoringModel scores (in
// bits and nats), the difference is A − B, the summary equals engine/compare's compare_scores on
// the engine's own scores, an n-gram file works as B, a bad second model ends in an error box
// naming the file and leaves model A and the previous B as they were, and the CSV export says
// what was coloured.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <cmath>
#include <memory>

#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "compare.h"
#include "corpus.h"
#include "explore/comparison_controller.h"
#include "explore/comparison_summary.h"
#include "explore/explorer_export.h"
#include "explore/explorer_pane.h"
#include "explore/neuron_heatmap.h"
#include "ngram.h"
#include "random_model.h"
#include "surprisal_models.h"
#include "trainer.h"
#include "ui_test_util.h"
#include "utf8.h"
#include "vocabulary.h"

namespace {

using ui_test::waitFor;
using ColourBy = ComparisonController::ColourBy;

const std::u32string kChars = U"\n !\"',.:;?()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const char kText[] =
    "She said \"the quick (brown) fox\" and left.\n"
    "\tWhy? Because it can! And it will: \"again (and again)\".\n"
    "Zebras are not foxes, said the fox.\n";

cellscope::ModelFile modelA() { return ui_test::randomModel(kChars, 12, 2, 11, 2.0f); }
cellscope::ModelFile modelB() { return ui_test::randomModel(kChars, 8, 1, 29, 3.0f); }

std::u32string text32() { return cellscope::utf8_decode(kText); }

// The engine's scores of kText by `file`, without the UI.
cellscope::CharScores engineScores(const cellscope::ModelFile& file) {
  auto network = cellscope::model_from_file(file, "engine");
  auto scoring = cellscope::ScoringModel::of_network(
      *network, cellscope::Vocabulary(file.vocabulary), "engine");
  return scoring->score(text32(), true);
}

struct Fixture {
  QTemporaryDir dir;
  ExplorerPane pane;
  ComparisonController* cmp = nullptr;

  Fixture() {
    EXPECT_TRUE(dir.isValid());
    pane.resize(1200, 800);
    pane.setModel(modelA());
    cmp = pane.comparison();
    pane.showText(QStringLiteral("sample"), text32());
    EXPECT_TRUE(waitFor([&] { return !pane.isProbing() && pane.text() == text32(); }));
  }
  QString path(const char* name) const { return dir.filePath(QString::fromLatin1(name)); }
  QString saveB() const {
    const QString p = path("b.csm");
    cellscope::save_model_file(p.toStdString(), modelB());
    return p;
  }
};

void expectValues(const std::vector<float>& shown, const std::vector<float>& expected,
                  double scale) {
  ASSERT_EQ(shown.size(), expected.size());
  for (std::size_t p = 0; p < shown.size(); ++p) {
    if (std::isnan(expected[p])) {
      EXPECT_TRUE(std::isnan(shown[p])) << "position " << p;
    } else {
      EXPECT_NEAR(shown[p], expected[p] * scale, 1e-5) << "position " << p;
    }
  }
}

TEST(ExplorerComparison, SurprisalAndEntropyColouringEqualTheEngine) {
  Fixture f;
  const cellscope::CharScores engine = engineScores(modelA());
  const double perBit = 1.0 / cellscope::kNatsPerBit;

  f.cmp->setColourBy(ColourBy::kSurprisal);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  ASSERT_TRUE(f.cmp->bits());
  expectValues(f.pane.values(), engine.surprisal, perBit);
  EXPECT_TRUE(std::isnan(f.pane.values()[0]));  // the first character has no prediction
  EXPECT_NE(f.pane.findChild<QLabel*>(QStringLiteral("explorerLegend"))->text().indexOf("bits"),
            -1);

  f.cmp->setBits(false);  // nats: the same scores, unscaled
  expectValues(f.pane.values(), engine.surprisal, 1.0);
  f.cmp->setColourBy(ColourBy::kEntropy);
  expectValues(f.pane.values(), engine.entropy, 1.0);
  EXPECT_NE(f.cmp->hoverValue(5).indexOf(QString::number(engine.entropy[5], 'f', 3)), -1);

  // A neuron clicked in the heatmap goes back to the neuron: its track is shown again.
  emit f.pane.heatmap()->neuronClicked(3);
  EXPECT_EQ(f.cmp->colourBy(), ColourBy::kNeuron);
  EXPECT_EQ(f.pane.neuronSelection().neuron, 3);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  EXPECT_FALSE(std::isnan(f.pane.values()[0]));  // a neuron has a value at every character
}

TEST(ExplorerComparison, DifferenceIsAMinusBAndSummaryEqualsCompare) {
  Fixture f;
  QSignalSpy ready(f.cmp, &ComparisonController::comparisonReady);
  f.cmp->openSecondModel(f.saveB());
  ASSERT_TRUE(waitFor([&] { return f.cmp->hasSecondModel() && f.pane.isColoured(); }));
  EXPECT_EQ(f.cmp->colourBy(), ColourBy::kDifference);

  const cellscope::CharScores a = engineScores(modelA()), b = engineScores(modelB());
  std::vector<float> difference(a.surprisal.size());
  for (std::size_t p = 0; p < difference.size(); ++p)
    difference[p] = a.surprisal[p] - b.surprisal[p];
  expectValues(f.pane.values(), difference, 1.0 / cellscope::kNatsPerBit);
  EXPECT_EQ(f.pane.view()->colorMap().lower(), -f.pane.view()->colorMap().upper());  // centred

  ASSERT_TRUE(waitFor([&] { return ready.count() > 0; }));
  const cellscope::Comparison expected =
      cellscope::compare_scores(a, b, text32(), cellscope::all_detector_names());
  const auto shown = f.cmp->comparison();
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->chars, expected.chars);
  EXPECT_NEAR(shown->loss_a, expected.loss_a, 1e-9);
  EXPECT_NEAR(shown->loss_b, expected.loss_b, 1e-9);
  EXPECT_NEAR(shown->loss_a, a.mean_surprisal(), 1e-9);  // eval's loss_nats
  ASSERT_EQ(shown->detectors.size(), expected.detectors.size());
  const QTableWidget* table = f.pane.findChild<QTableWidget*>(QStringLiteral("comparisonTable"));
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->rowCount(), static_cast<int>(expected.detectors.size()) + 1);
  const auto cell = [&](int row, int column) {
    return table->item(row, column)->data(Qt::UserRole).toDouble();
  };
  EXPECT_NEAR(cell(0, ComparisonSummary::kLossA), expected.loss_a / cellscope::kNatsPerBit, 1e-9);
  EXPECT_NEAR(cell(0, ComparisonSummary::kLossB), expected.loss_b / cellscope::kNatsPerBit, 1e-9);
  int nonEmpty = 0;
  for (std::size_t k = 0; k < expected.detectors.size(); ++k) {
    const cellscope::DetectorLoss& d = expected.detectors[k];
    const int row = static_cast<int>(k) + 1;
    EXPECT_EQ(shown->detectors[k].detector, d.detector);
    EXPECT_EQ(table->item(row, ComparisonSummary::kWhere)->text().toStdString(), d.detector);
    EXPECT_EQ(static_cast<int64_t>(cell(row, ComparisonSummary::kChars)), d.chars);
    if (d.chars == 0) continue;
    ++nonEmpty;
    EXPECT_NEAR(cell(row, ComparisonSummary::kLossA), d.loss_a / cellscope::kNatsPerBit, 1e-9);
    EXPECT_NEAR(cell(row, ComparisonSummary::kLossB), d.loss_b / cellscope::kNatsPerBit, 1e-9);
  }
  EXPECT_GT(nonEmpty, 2);  // the text has quotes, brackets and line starts

  // nats: the table follows the unit.
  f.cmp->setBits(false);
  EXPECT_NEAR(cell(0, ComparisonSummary::kLossA), expected.loss_a, 1e-9);

  // Closing the comparison forgets B and falls back to the surprisal of A.
  f.cmp->closeComparison();
  EXPECT_FALSE(f.cmp->hasSecondModel());
  EXPECT_EQ(f.cmp->colourBy(), ColourBy::kSurprisal);
  expectValues(f.pane.values(), a.surprisal, 1.0);
}

TEST(ExplorerComparison, ANewTextOrModelKeepsTheSecondModelAndScoresAgain) {
  Fixture f;
  f.cmp->openSecondModel(f.saveB());  // and at once another text, before B has answered
  const std::u32string other = U"Another (shorter) text, \"quoted\".\nAnd a second line.\n";
  f.pane.showText(QStringLiteral("other"), other);
  ASSERT_TRUE(waitFor([&] {
    return f.cmp->hasSecondModel() && f.pane.text() == other && f.pane.isColoured() &&
           f.cmp->comparison() != nullptr;
  }));
  const auto scoreOther = [&](const cellscope::ModelFile& file) {
    auto network = cellscope::model_from_file(file, "engine");
    return cellscope::ScoringModel::of_network(*network, cellscope::Vocabulary(file.vocabulary),
                                               "engine")
        ->score(other, true);
  };
  cellscope::CharScores a = scoreOther(modelA());
  const cellscope::CharScores b = scoreOther(modelB());
  const auto expectDifference = [&] {
    std::vector<float> difference(a.surprisal.size());
    for (std::size_t p = 0; p < difference.size(); ++p)
      difference[p] = a.surprisal[p] - b.surprisal[p];
    expectValues(f.pane.values(), difference, 1.0 / cellscope::kNatsPerBit);
    EXPECT_EQ(f.cmp->comparison()->chars, static_cast<int64_t>(other.size()) - 1);
  };
  expectDifference();

  // Another model A: B stays, both are compared again on the same text.
  const cellscope::ModelFile another = ui_test::randomModel(kChars, 10, 1, 77, 2.5f);
  f.pane.setModel(another);
  ASSERT_TRUE(waitFor([&] {
    return !f.pane.isProbing() && f.pane.isColoured() && f.cmp->comparison() != nullptr;
  }));
  EXPECT_TRUE(f.cmp->hasSecondModel());
  a = scoreOther(another);
  expectDifference();
}

TEST(ExplorerComparison, AnNgramFileIsASecondModel) {
  Fixture f;
  const cellscope::Vocabulary vocab(std::vector<char32_t>(kChars.begin(), kChars.end()));
  const std::u32string corpus = text32() + text32();
  cellscope::EncodedText encoded(vocab.size(), corpus.size());
  for (std::size_t i = 0; i < corpus.size(); ++i) encoded.set(i, vocab.id_of(corpus[i]));
  const cellscope::NgramModel ngram = cellscope::NgramModel::build(vocab, encoded, 3);
  const QString path = f.path("k3.ngram");
  cellscope::save_ngram_file(path.toStdString(), ngram);

  f.cmp->openSecondModel(path);
  ASSERT_TRUE(waitFor([&] { return f.cmp->hasSecondModel() && f.pane.isColoured(); }));
  auto loaded = cellscope::ScoringModel::load(path.toStdString());
  const cellscope::CharScores b = loaded->score(text32(), false);
  const cellscope::CharScores a = engineScores(modelA());
  std::vector<float> difference(a.surprisal.size());
  for (std::size_t p = 0; p < difference.size(); ++p)
    difference[p] = a.surprisal[p] - b.surprisal[p];
  expectValues(f.pane.values(), difference, 1.0 / cellscope::kNatsPerBit);
}

TEST(ExplorerComparison, ABadSecondModelNamesTheFileAndKeepsBothModels) {
  Fixture f;
  const QString good = f.saveB();
  f.cmp->openSecondModel(good);
  ASSERT_TRUE(waitFor([&] { return f.cmp->hasSecondModel() && f.pane.isColoured(); }));
  const std::vector<float> before = f.pane.values();

  const QString bad = f.path("broken.csm");
  {
    QFile file(bad);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("this is not a model\n");
  }
  QSignalSpy failed(f.cmp, &ComparisonController::comparisonFailed);
  {
    ui_test::MessageBoxCatcher catcher;  // gone before the next box
    f.cmp->openSecondModel(bad);
    ASSERT_TRUE(waitFor([&] { return catcher.seen(); }));
    EXPECT_EQ(catcher.icon(), QMessageBox::Critical);
    EXPECT_NE(catcher.text().indexOf(QStringLiteral("broken.csm")), -1)
        << catcher.text().toStdString();
  }
  EXPECT_EQ(failed.count(), 1);
  // Model A is intact and B is still the good one, with the same colouring.
  EXPECT_TRUE(f.pane.hasModel());
  EXPECT_EQ(f.cmp->secondModelPath(), good);
  ASSERT_TRUE(waitFor([&] { return f.pane.isColoured(); }));
  ASSERT_EQ(f.pane.values().size(), before.size());
  for (std::size_t p = 1; p < before.size(); ++p) EXPECT_EQ(f.pane.values()[p], before[p]);

  // A missing file, with no comparison open: the message names it too.
  f.cmp->closeComparison();
  ui_test::MessageBoxCatcher second;
  f.cmp->openSecondModel(f.path("missing.ngram"));
  ASSERT_TRUE(waitFor([&] { return second.seen(); }));
  EXPECT_NE(second.text().indexOf(QStringLiteral("missing.ngram")), -1);
  EXPECT_FALSE(f.cmp->hasSecondModel());
  EXPECT_TRUE(f.pane.isColoured());  // still the surprisal of A
}

TEST(ExplorerComparison, CsvExportOfTheDifferenceSaysWhatItIs) {
  Fixture f;
  f.cmp->openSecondModel(f.saveB());
  ASSERT_TRUE(waitFor([&] { return f.cmp->hasSecondModel() && f.pane.isColoured(); }));
  const QString out = f.path("diff.csv");
  ASSERT_TRUE(explorer_export::exportPane(&f.pane, f.pane, explorer_export::Format::kCsv, out,
                                          QStringLiteral("a.csm")));
  QFile file(out);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QList<QByteArray> lines = file.readAll().split('\n');
  ASSERT_GT(lines.size(), 4);
  EXPECT_TRUE(lines[0].startsWith("# quantity=difference model=a.csm")) << lines[0].toStdString();
  EXPECT_NE(lines[1].indexOf("b.csm"), -1) << lines[1].toStdString();
  EXPECT_EQ(lines[2], "position,character,value");
  // Row for position 1: its value is the shown A − B.
  const QList<QByteArray> row = lines[4].split(',');
  EXPECT_FLOAT_EQ(row.last().toFloat(), f.pane.values()[1]);
  const explorer_export::ExportJob html = explorer_export::prepareExport(
      f.pane, explorer_export::Format::kHtml, f.path("diff.html"), QStringLiteral("a.csm"));
  EXPECT_TRUE(html.coloured);
  EXPECT_EQ(html.exported.colorMap.lower(), -html.exported.colorMap.upper());
  EXPECT_NE(explorer_export::toHtml(html.exported).indexOf("surprisal A − B (bits"), -1);
  EXPECT_EQ(explorer_export::suggestedPath(QStringLiteral("x.c"), {}, explorer_export::Format::kCsv,
                                           f.dir.path(), f.cmp->colouringFileTag()),
            f.path("x-difference.csv"));
}

}  // namespace
