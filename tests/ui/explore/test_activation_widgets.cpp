// The explorer's two display widgets, offscreen. ActivationPlot: the graph holds exactly the
// given points (NaN kept as gaps), the y range, title, hover marker, marked spans, character
// tick labels, clicks mapped to positions, and the palette followed. NeuronHeatmap: grabbed
// pixels carry the map's colours at known cells, clicks and tooltips name the right neuron and
// position (also under a custom row order), and many rows share a small strip.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QHelpEvent>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <cmath>
#include <limits>
#include <vector>

#include "explore/activation_plot.h"
#include "common/color_map.h"
#include "explore/neuron_heatmap.h"
#include "common/plot_palette.h"
#include "ui_test_util.h"

namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

// Shows a widget at a fixed size and waits until it is exposed.
void showAt(QWidget& widget, int width, int height) {
  widget.resize(width, height);
  widget.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&widget));
}

void expectNear(QColor actual, QColor expected, int tolerance = 2) {
  EXPECT_LE(std::abs(actual.red() - expected.red()), tolerance)
      << actual.name().toStdString() << " vs " << expected.name().toStdString();
  EXPECT_LE(std::abs(actual.green() - expected.green()), tolerance)
      << actual.name().toStdString() << " vs " << expected.name().toStdString();
  EXPECT_LE(std::abs(actual.blue() - expected.blue()), tolerance)
      << actual.name().toStdString() << " vs " << expected.name().toStdString();
}

// A 3 × 4 matrix (row = neuron) over positions 1000..1003, one NaN cell at neuron 2, 1001.
const std::vector<float> kMatrix = {-1.0f, -0.5f, 0.0f,  0.25f,  //
                                    0.5f,  0.75f, 0.83f, 1.0f,   //
                                    -0.2f, kNan,  0.4f,  -0.9f};
constexpr qint64 kBegin = 1000;

}  // namespace

TEST(ActivationPlotTest, HoldsExactlyTheGivenPointsWithGaps) {
  ActivationPlot plot;
  EXPECT_EQ(plot.customPlot()->objectName(), QStringLiteral("activationPlotCustomPlot"));
  plot.setValues(100, {0.1f, kNan, -0.5f, 0.7f});
  const QCPGraphDataContainer& data = *plot.graph()->data();
  ASSERT_EQ(data.size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(data.at(i)->key, 100.0 + i);
  EXPECT_FLOAT_EQ(static_cast<float>(data.at(0)->value), 0.1f);
  EXPECT_TRUE(std::isnan(data.at(1)->value));
  EXPECT_FLOAT_EQ(static_cast<float>(data.at(3)->value), 0.7f);
  EXPECT_EQ(plot.begin(), 100);
  EXPECT_EQ(plot.count(), 4);

  std::vector<float> many(10000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = std::sin(0.01f * static_cast<float>(i));
  plot.setValues(5, many);
  ASSERT_EQ(plot.graph()->data()->size(), 10000);
  EXPECT_DOUBLE_EQ(plot.graph()->data()->at(9999)->key, 10004.0);
  EXPECT_DOUBLE_EQ(plot.customPlot()->xAxis->range().lower, 4.5);
  EXPECT_DOUBLE_EQ(plot.customPlot()->xAxis->range().upper, 10004.5);
  plot.clear();
  EXPECT_EQ(plot.graph()->data()->size(), 0);
}

TEST(ActivationPlotTest, RangeTitleHighlightAndSpans) {
  ActivationPlot plot;
  plot.setValues(100, {0.1f, 0.2f, 0.3f, 0.4f});
  plot.setRange(-2.5, 3.0);
  EXPECT_DOUBLE_EQ(plot.customPlot()->yAxis->range().lower, -2.5);
  EXPECT_DOUBLE_EQ(plot.customPlot()->yAxis->range().upper, 3.0);
  plot.setRange(1.0, 1.0);  // ignored
  EXPECT_DOUBLE_EQ(plot.customPlot()->yAxis->range().upper, 3.0);

  plot.setTitle(QStringLiteral("layer 1 · neuron 37 · tanh(c)"));
  EXPECT_EQ(plot.title(), QStringLiteral("layer 1 · neuron 37 · tanh(c)"));

  EXPECT_FALSE(plot.highlightMarker()->visible());
  plot.setHighlighted(102);
  EXPECT_EQ(plot.highlighted(), 102);
  EXPECT_TRUE(plot.highlightMarker()->visible());
  EXPECT_DOUBLE_EQ(plot.highlightMarker()->point1->coords().x(), 102.0);
  EXPECT_DOUBLE_EQ(plot.highlightMarker()->point2->coords().x(), 102.0);
  plot.setHighlighted(-1);
  EXPECT_FALSE(plot.highlightMarker()->visible());

  // Only spans meeting the window [100, 104) are drawn, clipped to it.
  plot.setMarkedSpans({{98, 102}, {500, 600}});
  std::vector<QCPItemRect*> rects;
  for (int i = 0; i < plot.customPlot()->itemCount(); ++i) {
    if (auto* rect = qobject_cast<QCPItemRect*>(plot.customPlot()->item(i))) rects.push_back(rect);
  }
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_DOUBLE_EQ(rects[0]->topLeft->coords().x(), 99.5);
  EXPECT_DOUBLE_EQ(rects[0]->bottomRight->coords().x(), 101.5);
}

TEST(ActivationPlotTest, FewCharactersLabelTheTicks) {
  ActivationPlot plot;
  plot.setCharacters(10, U"ab\ncd");
  plot.setValues(11, {0.0f, 0.5f, 1.0f});
  ASSERT_TRUE(plot.showsCharacterTicks());
  auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(plot.customPlot()->xAxis->ticker());
  ASSERT_TRUE(ticker);
  EXPECT_EQ(ticker->ticks().value(11.0), QStringLiteral("b"));
  EXPECT_EQ(ticker->ticks().value(12.0), QStringLiteral("\u21b5"));
  EXPECT_EQ(ticker->ticks().value(13.0), QStringLiteral("c"));

  plot.setValues(11, std::vector<float>(ActivationPlot::kMaxCharacterTicks + 1, 0.0f));
  EXPECT_FALSE(plot.showsCharacterTicks());
  EXPECT_FALSE(qSharedPointerDynamicCast<QCPAxisTickerText>(plot.customPlot()->xAxis->ticker()));
}

TEST(ActivationPlotTest, ClickEmitsThePosition) {
  ActivationPlot plot;
  plot.setValues(200, std::vector<float>(10, 0.5f));
  showAt(plot, 600, 200);
  QCustomPlot* custom = plot.customPlot();
  custom->replot();  // lay out the axes now
  QSignalSpy clicked(&plot, &ActivationPlot::positionClicked);
  QSignalSpy hovered(&plot, &ActivationPlot::positionHovered);
  const int x = static_cast<int>(custom->xAxis->coordToPixel(207.0));
  const int y = custom->axisRect()->rect().center().y();
  // Qt drops a move to where the cursor already is (left there by an earlier test or repeat):
  // step beside the target first, so the move to it is always a real move.
  QTest::mouseMove(custom, QPoint(x, y + 1));
  QTest::mouseMove(custom, QPoint(x, y));
  ASSERT_TRUE(ui_test::waitFor([&] { return hovered.count() > 0; }));
  EXPECT_EQ(hovered.last().at(0).toLongLong(), 207);
  QTest::mouseClick(custom, Qt::LeftButton, Qt::NoModifier, QPoint(x, y));
  ASSERT_EQ(clicked.count(), 1);
  EXPECT_EQ(clicked.at(0).at(0).toLongLong(), 207);
  EXPECT_EQ(plot.positionAt(custom->xAxis->coordToPixel(209.4)), 209);
  EXPECT_EQ(plot.positionAt(custom->xAxis->coordToPixel(190.0)), -1);
}

TEST(ActivationPlotTest, FollowsThePalette) {
  ActivationPlot plot;
  QPalette dark = plot.palette();
  dark.setColor(QPalette::Base, QColor(20, 20, 24));
  dark.setColor(QPalette::Text, QColor(230, 230, 230));
  dark.setColor(QPalette::Highlight, QColor(255, 170, 0));
  plot.setPalette(dark);
  QCustomPlot* custom = plot.customPlot();
  plot.resize(400, 150);
  custom->replot();
  EXPECT_EQ(custom->grab().toImage().pixelColor(1, 1), QColor(20, 20, 24));  // the background
  EXPECT_EQ(custom->xAxis->tickLabelColor(), QColor(230, 230, 230));
  EXPECT_EQ(custom->yAxis->basePen().color(), QColor(230, 230, 230));
  EXPECT_EQ(plot.graph()->pen().color(), QColor(255, 170, 0));
}

TEST(NeuronHeatmapTest, GrabShowsTheMapColours) {
  NeuronHeatmap heatmap;
  const colormap::ColorMap map;  // diverging over [-1, 1]
  heatmap.setData(kBegin, 3, 4, kMatrix, map);
  EXPECT_EQ(heatmap.image().size(), QSize(4, 3));
  heatmap.resize(500, 180);
  const QImage image = heatmap.grab().toImage();
  for (int neuron = 0; neuron < 3; ++neuron) {
    for (int column = 0; column < 4; ++column) {
      const QPoint centre = heatmap.cellRect(neuron, kBegin + column).center().toPoint();
      const float v = kMatrix[static_cast<std::size_t>(neuron * 4 + column)];
      SCOPED_TRACE(testing::Message() << "neuron " << neuron << " column " << column);
      expectNear(image.pixelColor(centre),
                 std::isnan(v) ? heatmap.palette().color(QPalette::Base) : map.color(v));
    }
  }

  // A sequential map over [0, 1] for gates.
  const colormap::ColorMap gate = colormap::ColorMap::forQuantity(cellscope::Quantity::kForget);
  heatmap.setData(0, 1, 2, {0.0f, 0.6f}, gate);
  const QImage gates = heatmap.grab().toImage();
  expectNear(gates.pixelColor(heatmap.cellRect(0, 1).center().toPoint()), gate.color(0.6));
}

TEST(NeuronHeatmapTest, ClicksNameTheNeuronAlsoInACustomOrder) {
  NeuronHeatmap heatmap;
  heatmap.setData(kBegin, 3, 4, kMatrix, colormap::ColorMap());
  showAt(heatmap, 500, 180);
  QSignalSpy neurons(&heatmap, &NeuronHeatmap::neuronClicked);
  QSignalSpy columns(&heatmap, &NeuronHeatmap::columnClicked);
  const QRectF area = heatmap.cellArea();
  const auto rowCentre = [&](int displayRow, int column) {
    return QPointF(area.left() + (column + 0.5) * area.width() / 4,
                   area.top() + (displayRow + 0.5) * area.height() / 3)
        .toPoint();
  };
  QTest::mouseClick(&heatmap, Qt::LeftButton, Qt::NoModifier, rowCentre(1, 2));
  ASSERT_EQ(neurons.count(), 1);
  EXPECT_EQ(neurons.at(0).at(0).toInt(), 1);
  ASSERT_EQ(columns.count(), 1);
  EXPECT_EQ(columns.at(0).at(0).toLongLong(), kBegin + 2);

  heatmap.setRowOrder({2, 0, 1});  // display row 0 shows neuron 2
  QTest::mouseClick(&heatmap, Qt::LeftButton, Qt::NoModifier, rowCentre(0, 3));
  ASSERT_EQ(neurons.count(), 2);
  EXPECT_EQ(neurons.at(1).at(0).toInt(), 2);
  EXPECT_EQ(heatmap.cellRect(2, kBegin).top(), area.top());
  // The reordered image still shows neuron 2's value in display row 0.
  const QImage image = heatmap.grab().toImage();
  expectNear(image.pixelColor(rowCentre(0, 3)), colormap::ColorMap().color(-0.9));

  QTest::mouseClick(&heatmap, Qt::LeftButton, Qt::NoModifier, QPoint(1, 1));  // the gutter
  EXPECT_EQ(neurons.count(), 2);
  heatmap.setRowOrder({0, 0, 1});  // not a permutation: neuron order
  EXPECT_EQ(heatmap.rowOrder(), (std::vector<int>{0, 1, 2}));
}

TEST(NeuronHeatmapTest, TooltipNamesNeuronPositionAndValue) {
  NeuronHeatmap heatmap;
  heatmap.setData(kBegin, 3, 4, kMatrix, colormap::ColorMap());
  showAt(heatmap, 500, 180);
  const QPointF cell = heatmap.cellRect(1, kBegin + 2).center();
  EXPECT_EQ(heatmap.toolTipAt(cell), QStringLiteral("neuron 1 · position 1002 · value 0.83"));
  EXPECT_EQ(heatmap.toolTipAt(heatmap.cellRect(2, kBegin + 1).center()),
            QStringLiteral("neuron 2 · position 1001 · value —"));
  EXPECT_TRUE(heatmap.toolTipAt(QPointF(1, 1)).isEmpty());
  // The tooltip event shows the same text.
  QHelpEvent help(QEvent::ToolTip, cell.toPoint(), heatmap.mapToGlobal(cell.toPoint()));
  QApplication::sendEvent(&heatmap, &help);
  ASSERT_TRUE(ui_test::waitFor([] { return QToolTip::isVisible(); }));
  EXPECT_EQ(QToolTip::text(), QStringLiteral("neuron 1 · position 1002 · value 0.83"));
  QToolTip::hideText();
  EXPECT_TRUE(std::isnan(heatmap.value(0, kBegin + 4)));
  EXPECT_FLOAT_EQ(heatmap.value(2, kBegin + 3), -0.9f);
}

TEST(NeuronHeatmapTest, ManyRowsKeepAReadableHeightAndScrollToTheSelectedOne) {
  constexpr int kRows = 1024;
  constexpr int kColumns = 50;
  std::vector<float> values(static_cast<std::size_t>(kRows * kColumns), 0.5f);
  QScrollArea scroll;
  auto* heatmap = new NeuronHeatmap;
  scroll.setWidget(heatmap);
  scroll.setWidgetResizable(true);
  heatmap->setData(0, kRows, kColumns, values, colormap::ColorMap());
  EXPECT_GE(heatmap->minimumSizeHint().height(), kRows * NeuronHeatmap::kMinRowHeight);
  scroll.resize(500, 200);
  scroll.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&scroll));
  heatmap->setSelectedRow(1000);
  EXPECT_EQ(heatmap->selectedRow(), 1000);
  EXPECT_GT(scroll.verticalScrollBar()->value(), 0);  // row 1000 scrolled into view
  const QRect shown(heatmap->mapFrom(scroll.viewport(), QPoint(0, 0)), scroll.viewport()->size());
  EXPECT_TRUE(shown.contains(heatmap->cellRect(1000, 0).center().toPoint()));
  for (int neuron : {0, 511, 1000, 1023}) {
    const QRectF row = heatmap->cellRect(neuron, 0);
    EXPECT_GE(row.height(), NeuronHeatmap::kMinRowHeight);
    EXPECT_EQ(heatmap->neuronAt(row.center()), neuron);
  }
}

// Plots with nothing else to recolour (the Train and Model tabs) follow a palette change too.
TEST(PlotPaletteTest, KeepFollowingPaletteRecoloursOnAPaletteChange) {
  QCustomPlot plot;
  keepFollowingPalette(&plot);
  plot.resize(200, 120);
  QPalette dark = plot.palette();
  dark.setColor(QPalette::Base, QColor(20, 20, 24));
  dark.setColor(QPalette::Text, QColor(230, 230, 230));
  plot.setPalette(dark);
  plot.replot();
  EXPECT_EQ(plot.grab().toImage().pixelColor(1, 1), QColor(20, 20, 24));
  EXPECT_EQ(plot.xAxis->tickLabelColor(), QColor(230, 230, 230));
}
