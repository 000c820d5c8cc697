// Colour maps without a window: the diverging map's anchors and midpoints over [-1, 1], the
// sequential map over [0, 1], clamping, NaN as "no colour", the unbounded range's symmetric
// limit, the quantity → range choice, and a readable text colour on dark and light colours.
#include <gtest/gtest.h>

#include <cmath>

#include "common/color_map.h"

using colormap::ColorMap;

namespace {

void expectColor(const QColor& actual, QRgb expected) {
  ASSERT_TRUE(actual.isValid());
  EXPECT_EQ(actual.rgb(), QColor(expected).rgb())
      << actual.name().toStdString() << " vs " << QColor(expected).name().toStdString();
}

}  // namespace

TEST(ColorMapTest, DivergingAnchorsAndMidpoints) {
  expectColor(colormap::diverging(-1.0), colormap::kNegative);
  expectColor(colormap::diverging(0.0), colormap::kNeutral);
  expectColor(colormap::diverging(1.0), colormap::kPositive);
  // Halfway to +1: halfway between white and the red anchor, rounded.
  const QColor red(colormap::kPositive);
  const QColor half = colormap::diverging(0.5);
  EXPECT_EQ(half.red(), static_cast<int>(std::lround((255 + red.red()) / 2.0)));
  EXPECT_EQ(half.green(), static_cast<int>(std::lround((255 + red.green()) / 2.0)));
  EXPECT_EQ(half.blue(), static_cast<int>(std::lround((255 + red.blue()) / 2.0)));
  // Negative values are bluish, positive reddish.
  EXPECT_GT(colormap::diverging(-0.5).blue(), colormap::diverging(-0.5).red());
  EXPECT_GT(colormap::diverging(0.5).red(), colormap::diverging(0.5).blue());
}

TEST(ColorMapTest, ClampsAndNan) {
  expectColor(colormap::diverging(-7.0), colormap::kNegative);
  expectColor(colormap::diverging(3.0), colormap::kPositive);
  expectColor(colormap::sequential(-0.5), colormap::kNeutral);
  expectColor(colormap::sequential(1.5), colormap::kDark);
  EXPECT_FALSE(colormap::diverging(std::nan("")).isValid());
  EXPECT_FALSE(colormap::sequential(std::nan("")).isValid());
  EXPECT_FALSE(ColorMap().color(std::nan("")).isValid());
}

TEST(ColorMapTest, SequentialDarkensMonotonically) {
  expectColor(colormap::sequential(0.0), colormap::kNeutral);
  expectColor(colormap::sequential(1.0), colormap::kDark);
  int previous = 256 * 3;
  for (double v = 0.0; v <= 1.0; v += 0.125) {
    const QColor c = colormap::sequential(v);
    const int sum = c.red() + c.green() + c.blue();
    EXPECT_LT(sum, previous) << v;
    previous = sum;
  }
}

TEST(ColorMapTest, QuantityRanges) {
  using cellscope::Quantity;
  using cellscope::QuantityRange;
  const ColorMap gate = ColorMap::forQuantity(Quantity::kForget);
  EXPECT_EQ(gate.range, QuantityRange::kUnit);
  EXPECT_DOUBLE_EQ(gate.lower(), 0.0);
  EXPECT_DOUBLE_EQ(gate.upper(), 1.0);
  expectColor(gate.color(1.0), colormap::kDark);

  const ColorMap hidden = ColorMap::forQuantity(Quantity::kHidden);
  EXPECT_EQ(hidden.range, QuantityRange::kSigned);
  expectColor(hidden.color(-1.0), colormap::kNegative);

  const ColorMap cell = ColorMap::forQuantity(Quantity::kCell, 4.0);
  EXPECT_EQ(cell.range, QuantityRange::kUnbounded);
  EXPECT_DOUBLE_EQ(cell.lower(), -4.0);
  EXPECT_DOUBLE_EQ(cell.upper(), 4.0);
  expectColor(cell.color(4.0), colormap::kPositive);
  expectColor(cell.color(-40.0), colormap::kNegative);
  EXPECT_EQ(cell.color(2.0).rgb(), colormap::diverging(0.5).rgb());
}

TEST(ColorMapTest, TextStaysReadable) {
  EXPECT_EQ(colormap::textOn(QColor(colormap::kDark)), QColor(Qt::white));
  EXPECT_EQ(colormap::textOn(QColor(colormap::kNeutral)), QColor(Qt::black));
  EXPECT_EQ(colormap::textOn(colormap::diverging(0.2)), QColor(Qt::black));
}
