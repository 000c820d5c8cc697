// ModelOverviewPane tests, offscreen: the placeholder without a model, a hand-made ModelFile's
// summary and loss curves (also empty and diverged histories), and a grab that is not blank.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QImage>
#include <cmath>

#include "model/model_overview_pane.h"
#include "trained_model_fixture.h"

namespace {

using ui_test::makeTrainedModel;
using ui_test::nonBackgroundPixels;

TEST(ModelOverviewPaneTest, ShowsPlaceholderWithoutModel) {
  ModelOverviewPane pane;
  EXPECT_FALSE(pane.hasModel());
  EXPECT_TRUE(pane.summaryText().contains(QStringLiteral("Open a model")));
}

TEST(ModelOverviewPaneTest, ShowsSummaryAndLossCurves) {
  ModelOverviewPane pane;
  pane.setModel(makeTrainedModel(25, 5), QStringLiteral("/tmp/shakespeare.csm"));
  ASSERT_TRUE(pane.hasModel());

  ASSERT_NE(pane.trainGraph(), nullptr);
  ASSERT_NE(pane.valGraph(), nullptr);
  EXPECT_EQ(pane.trainGraph()->dataCount(), 25);
  EXPECT_EQ(pane.valGraph()->dataCount(), 5);
  EXPECT_EQ(pane.lossPlot()->graphCount(), 2);
  EXPECT_TRUE(pane.lossPlot()->legend->visible());
  EXPECT_FALSE(pane.lossPlot()->xAxis->label().isEmpty());
  EXPECT_FALSE(pane.lossPlot()->yAxis->label().isEmpty());
  // The axes cover every point.
  EXPECT_LE(pane.lossPlot()->xAxis->range().lower, 40.0);
  EXPECT_GE(pane.lossPlot()->xAxis->range().upper, 1000.0);

  const QString summary = pane.summaryText();
  const std::string shown = summary.toStdString();
  EXPECT_TRUE(summary.contains(QStringLiteral("shakespeare.csm"))) << shown;
  EXPECT_TRUE(summary.contains(QStringLiteral("LSTM"))) << shown;
  EXPECT_TRUE(summary.contains(QStringLiteral("2 × 128"))) << shown;
  EXPECT_TRUE(summary.contains(QStringLiteral("65 characters"))) << shown;
  EXPECT_TRUE(summary.contains(QStringLiteral("1,234"))) << shown;
  EXPECT_TRUE(summary.contains(QStringLiteral("iteration 1,000"))) << shown;
  EXPECT_FALSE(summary.contains(QStringLiteral("Open a model"))) << shown;

  pane.clear();
  EXPECT_FALSE(pane.hasModel());
  EXPECT_EQ(pane.trainGraph()->dataCount(), 0);
  EXPECT_EQ(pane.valGraph()->dataCount(), 0);
}

TEST(ModelOverviewPaneTest, HandlesEmptyAndDivergedHistories) {
  ModelOverviewPane pane;
  pane.setModel(makeTrainedModel(0, 0));
  EXPECT_TRUE(pane.hasModel());
  EXPECT_EQ(pane.trainGraph()->dataCount(), 0);

  cellscope::ModelFile diverged = makeTrainedModel(3, 1);
  diverged.train_history.back().loss = std::nan("");
  pane.setModel(diverged);
  EXPECT_EQ(pane.trainGraph()->dataCount(), 3);
  EXPECT_TRUE(std::isfinite(pane.lossPlot()->yAxis->range().upper));
}

TEST(ModelOverviewPaneTest, GrabIsNotBlank) {
  ModelOverviewPane pane;
  pane.resize(900, 600);
  pane.setModel(makeTrainedModel(25, 5), QStringLiteral("/tmp/shakespeare.csm"));
  const QImage image = pane.grab().toImage();
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.width(), 900);
  // Labels, axes, curves and legend: well over 1% of the pixels are not background.
  EXPECT_GT(nonBackgroundPixels(image), image.width() * image.height() / 100);
}

}  // namespace
