// The explorer on the repository's bundled Linux model and ring_buffer.c (CELLSCOPE_SOURCE_DIR):
// Match on a whole C comment finds the comment neuron 0:239 and recolours the text by it; a text
// opened with no neuron named starts on a variable neuron, never the saturated 1:0, and a named
// neuron always wins; a new Find highlights the row the text is coloured by; the heatmap's rows
// are readable and a click at a row's centre selects that neuron; the plot has room and titles.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "explore/activation_plot.h"
#include "explore/explorer_pane.h"
#include "explore/neuron_finder_panel.h"
#include "explore/neuron_heatmap.h"
#include "neuron_match.h"
#include "ui_test_util.h"

namespace {

using cellscope::Quantity;
using ui_test::waitFor;

constexpr int kSlowMs = 90000;  // a probe pass of the 2-layer model under a loaded ctest -j4

QString sourceFile(const char* relative) {
  return QStringLiteral(CELLSCOPE_SOURCE_DIR "/") + QString::fromLatin1(relative);
}

double variance(const std::vector<float>& values) {
  double sum = 0.0, squares = 0.0;
  for (float v : values) {
    sum += v;
    squares += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(values.size());
  return squares / n - (sum / n) * (sum / n);
}

struct Bundled {
  cellscope::ModelFile model =
      cellscope::load_model_file(sourceFile("resources/models/linux.csm").toStdString());
  ExplorerPane pane;

  Bundled() {
    pane.resize(1300, 850);
    pane.show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(&pane));
    pane.setModel(model);
  }
  bool open() {
    pane.openText(sourceFile("resources/demo/ring_buffer.c"));
    return waitFor([&] { return !pane.isProbing() && pane.isColoured(); }, kSlowMs);
  }
  bool colouredBy(const NeuronSelection& n) {
    return waitFor([&] { return pane.neuronSelection() == n && pane.isColoured(); }, kSlowMs);
  }
  template <typename T>
  T* child(const char* name) {
    T* w = pane.findChild<T*>(QString::fromLatin1(name));
    EXPECT_NE(w, nullptr) << name;
    return w;
  }
  bool click(const char* button) {
    QTest::mouseClick(child<QPushButton>(button), Qt::LeftButton);
    return waitFor([&] { return !pane.finder()->isBusy(); }, kSlowMs);
  }
  // The row selected in `table` names (layer, neuron) in column `column` ("L:N").
  static QString selectedNeuron(QTableWidget* table, int column) {
    const QList<QTableWidgetItem*> items = table->selectedItems();
    for (QTableWidgetItem* item : items) EXPECT_EQ(item->row(), items.front()->row());  // one row
    for (QTableWidgetItem* item : items)
      if (item->column() == column) return item->text();
    return {};
  }
};

}  // namespace

TEST(BundledExplorerTest, MatchOnAWholeCommentFindsTheCommentNeuronAndRecolours) {
  Bundled f;
  ASSERT_TRUE(f.open());
  const NeuronSelection other{1, 3, Quantity::kTanhCell};
  f.pane.setNeuronSelection(other);
  ASSERT_TRUE(f.colouredBy(other));
  const std::vector<float> before = f.pane.values();

  const std::u32string comment = U"/* payload bytes after this header */";
  const std::size_t at = f.pane.text().find(comment);
  ASSERT_NE(at, std::u32string::npos);
  f.pane.view()->setSelection(static_cast<int>(at), static_cast<int>(at + comment.size()));
  f.pane.finder()->tabs()->setCurrentIndex(1);
  ASSERT_TRUE(f.click("matchRunButton"));

  const cellscope::MatchResult& result = f.pane.finder()->matchResult();
  ASSERT_TRUE(result.best.has_value()) << f.pane.finder()->matchStatus().toStdString();
  EXPECT_EQ(result.best->layer, 0);
  EXPECT_EQ(result.best->neuron, 239);
  EXPECT_FALSE(result.selected.empty()) << f.pane.finder()->matchStatus().toStdString();
  ASSERT_FALSE(result.matches.empty());
  EXPECT_GT(result.matches.front().score, result.matches.back().score);  // ranked, not all equal

  const NeuronSelection best{0, 239, Quantity::kTanhCell};
  ASSERT_TRUE(f.colouredBy(best));  // the text is no longer coloured by the previous neuron
  EXPECT_NE(f.pane.values(), before);
  EXPECT_EQ(f.pane.view()->markedRanges().size(), result.matches.size());
  auto* neurons = f.child<QTableWidget>("matchNeurons");
  EXPECT_EQ(Bundled::selectedNeuron(neurons, 0), QStringLiteral("0:239"));
  EXPECT_EQ(neurons->item(0, 0)->text(), QStringLiteral("0:239"));  // ranked by separation

  // A place chosen in the table is scrolled to and framed.
  auto* places = f.child<QTableWidget>("matchRanges");
  const QModelIndex last = places->model()->index(places->rowCount() - 1, 3);
  places->scrollTo(last);
  QTest::mouseClick(places->viewport(), Qt::LeftButton, {}, places->visualRect(last).center());
  EXPECT_EQ(f.pane.view()->highlighted(), static_cast<int>(result.matches.back().begin));
}

TEST(BundledExplorerTest, MatchThatFindsNothingSaysWhatToTry) {
  Bundled f;
  ASSERT_TRUE(f.open());
  const std::size_t at = f.pane.text().find(U"payload");
  ASSERT_NE(at, std::u32string::npos);
  f.pane.view()->setSelection(static_cast<int>(at), static_cast<int>(at + 3));
  f.pane.finder()->tabs()->setCurrentIndex(1);
  f.child<QDoubleSpinBox>("matchThresholdSpin")->setValue(1.5) /* tanh(c) never gets there */;
  ASSERT_TRUE(f.click("matchRunButton"));
  EXPECT_TRUE(f.pane.finder()->matchResult().selected.empty());
  EXPECT_TRUE(f.pane.finder()->matchStatus().contains(QStringLiteral("Try")))
      << f.pane.finder()->matchStatus().toStdString();
}

TEST(BundledExplorerTest, WithNoNeuronNamedTheTextOpensOnAVariableNeuron) {
  Bundled f;
  ASSERT_TRUE(f.open());
  const NeuronSelection chosen = f.pane.neuronSelection();
  EXPECT_TRUE(f.pane.neuronChosenAutomatically());
  EXPECT_EQ(chosen.layer, 1);  // the top layer
  EXPECT_EQ(chosen.quantity, Quantity::kTanhCell);
  EXPECT_NE(chosen.neuron, 0);
  const std::vector<float>& values = f.pane.values();
  ASSERT_EQ(values.size(), f.pane.text().size());
  EXPECT_GT(variance(values), 0.05) << "neuron " << chosen.neuron;
  const auto saturated =
      std::count_if(values.begin(), values.end(), [](float v) { return std::fabs(v) > 0.95f; });
  EXPECT_LT(saturated, static_cast<long>(values.size() * 9 / 10));

  // Neuron 1:0 is the saturated one a fixed default used to show.
  f.pane.setNeuronSelection({1, 0, Quantity::kTanhCell});
  ASSERT_TRUE(f.colouredBy({1, 0, Quantity::kTanhCell}));
  EXPECT_LT(variance(f.pane.values()), 0.01);
}

TEST(BundledExplorerTest, ANamedNeuronWinsOverTheAutomaticOneWhicheverComesFirst) {
  {
    Bundled f;  // named before the text
    const NeuronSelection named{1, 5, Quantity::kTanhCell};
    f.pane.setNeuronSelection(named);
    ASSERT_TRUE(f.open());
    EXPECT_EQ(f.pane.neuronSelection(), named);
    EXPECT_FALSE(f.pane.neuronChosenAutomatically());
  }
  {
    Bundled f;  // named while the text is being read
    const NeuronSelection named{0, 7, Quantity::kHidden};
    f.pane.openText(sourceFile("resources/demo/ring_buffer.c"));
    f.pane.setNeuronSelection(named);
    ASSERT_TRUE(f.colouredBy(named));
    ASSERT_TRUE(waitFor([&] { return !f.pane.isProbing(); }, kSlowMs));
    QTest::qWait(100);  // anything late from the worker
    EXPECT_EQ(f.pane.neuronSelection(), named);
  }
}

TEST(BundledExplorerTest, ANewFindHighlightsTheRowTheTextIsColouredBy) {
  Bundled f;
  ASSERT_TRUE(f.open());
  auto* detector = f.child<QComboBox>("finderDetectorCombo");
  EXPECT_EQ(detector->currentData().toString(), QStringLiteral("c-comment"));  // C source
  ASSERT_TRUE(f.click("finderRunButton"));
  auto* table = f.child<QTableWidget>("finderResults");
  ASSERT_GT(table->rowCount(), 4);
  // The best neuron colours the text, its row highlighted.
  const cellscope::NeuronScore best = f.pane.finder()->findResults().front();
  const NeuronSelection bestSelection{best.layer, best.neuron, Quantity::kTanhCell};
  ASSERT_TRUE(f.colouredBy(bestSelection));
  EXPECT_EQ(Bundled::selectedNeuron(table, 1),
            QStringLiteral("%1:%2").arg(best.layer).arg(best.neuron));

  const QModelIndex third = table->model()->index(3, 1);
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(third).center());
  const QString thirdName = table->item(3, 1)->text();
  ASSERT_NE(f.pane.neuronSelection(), bestSelection);

  detector->setCurrentIndex(detector->findData(QStringLiteral("string-literal")));
  ASSERT_TRUE(f.click("finderRunButton"));
  const cellscope::NeuronScore top = f.pane.finder()->findResults().front();
  const QString coloured = QStringLiteral("%1:%2")
                               .arg(f.pane.neuronSelection().layer)
                               .arg(f.pane.neuronSelection().neuron);
  EXPECT_EQ(coloured, QStringLiteral("%1:%2").arg(top.layer).arg(top.neuron));
  EXPECT_EQ(Bundled::selectedNeuron(table, 1), coloured);

  // A neuron chosen elsewhere (the arrow keys) leaves no stale row highlighted.
  f.pane.stepNeuron(1);
  const QString stepped = Bundled::selectedNeuron(table, 1);
  EXPECT_TRUE(stepped.isEmpty() || stepped == QStringLiteral("%1:%2")
                                                  .arg(f.pane.neuronSelection().layer)
                                                  .arg(f.pane.neuronSelection().neuron));
  Q_UNUSED(thirdName);
}

TEST(BundledExplorerTest, HeatmapRowsAreReadableAndAClickPicksTheRowUnderIt) {
  Bundled f;
  ASSERT_TRUE(f.open());
  NeuronHeatmap* heatmap = f.pane.heatmap();
  ASSERT_TRUE(waitFor([&] { return heatmap->rows() == 256; }, kSlowMs));
  QApplication::processEvents();
  const QRectF area = heatmap->cellArea();
  EXPECT_GE(area.height() / heatmap->rows(), NeuronHeatmap::kMinRowHeight);
  const qint64 column = heatmap->begin() + heatmap->columns() / 2;
  for (int neuron : {0, 100, 200, 255}) {
    const QRectF cell = heatmap->cellRect(neuron, column);
    EXPECT_GE(cell.height(), NeuronHeatmap::kMinRowHeight);
    QTest::mouseClick(heatmap, Qt::LeftButton, {}, cell.center().toPoint());
    EXPECT_EQ(f.pane.neuronSelection().neuron, neuron);
  }
  // Zoom: + makes the rows taller, - back; Ctrl+wheel likewise.
  const int rowHeight = heatmap->rowHeight();
  heatmap->setFocus();
  QTest::keyClick(heatmap, Qt::Key_Plus);
  EXPECT_GT(heatmap->rowHeight(), rowHeight);
  QTest::keyClick(heatmap, Qt::Key_Minus);
  EXPECT_EQ(heatmap->rowHeight(), rowHeight);
  QWheelEvent wheel(QPointF(50, 20), heatmap->mapToGlobal(QPointF(50, 20)), QPoint(),
                    QPoint(0, 120), Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(heatmap, &wheel);
  EXPECT_GT(heatmap->rowHeight(), rowHeight);
  QApplication::processEvents();
  EXPECT_GE(heatmap->height(), 256 * heatmap->rowHeight());
}

TEST(BundledExplorerTest, ThePlotHasRoomAxisTitlesAndApartTicks) {
  Bundled f;
  ASSERT_TRUE(f.open());
  ActivationPlot* plot = f.pane.plot();
  EXPECT_GE(plot->height(), 120);
  EXPECT_EQ(plot->yLabel(), QStringLiteral("tanh-cell"));
  EXPECT_FALSE(plot->xLabel().isEmpty());
  QCustomPlot* custom = plot->customPlot();
  custom->replot();
  const QVector<double> ticks = custom->yAxis->tickVector();
  ASSERT_GE(ticks.size(), 2);
  const int labelHeight = QFontMetrics(custom->yAxis->tickLabelFont()).height();
  for (int i = 1; i < ticks.size(); ++i) {
    const double gap = std::fabs(custom->yAxis->coordToPixel(ticks[i]) -
                                 custom->yAxis->coordToPixel(ticks[i - 1]));
    EXPECT_GT(gap, labelHeight) << i;
  }
}
