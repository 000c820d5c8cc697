// ActivationTextView's underline layer, offscreen: the weights set are the weights kept (clamped,
// offset by `first`), a strong weight paints a bar under its glyph while the cell's colour above
// stays, and Esc, a new text or an empty set clear it (with underlineChanged each time). Ctrl+click
// reports the character without touching the selection; a plain click still selects.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/activation_text_view.h"
#include "common/color_map.h"

namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

struct ShownView {
  ActivationTextView view;
  ShownView() {
    view.resize(500, 200);
    view.setText(U"abcdefghij klmnop\nqrstuv", std::vector<float>(24, 0.5f));
    view.show();
  }
};

}  // namespace

TEST(TextViewUnderline, KeepsClampedWeightsAtTheirPositionsAndSignals) {
  ShownView shown;
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&shown.view));
  QSignalSpy changed(&shown.view, &ActivationTextView::underlineChanged);
  shown.view.setUnderline(3, {0.25f, 2.0f, -1.0f, kNan});
  ASSERT_EQ(changed.count(), 1);
  EXPECT_EQ(shown.view.underlineFirst(), 3);
  const auto& w = shown.view.underlineWeights();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_FLOAT_EQ(w[0], 0.25f);
  EXPECT_FLOAT_EQ(w[1], 1.0f);
  EXPECT_FLOAT_EQ(w[2], 0.0f);
  EXPECT_TRUE(std::isnan(w[3]));
  EXPECT_EQ(changed.at(0).at(0).toInt(), 3);
}

TEST(TextViewUnderline, PaintsABarUnderTheGlyphAndKeepsTheCellColour) {
  ShownView shown;
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&shown.view));
  const QRect cell = shown.view.cellRect(4);
  const QImage before = shown.view.viewport()->grab().toImage();
  shown.view.setUnderline(4, {1.0f});
  const QImage after = shown.view.viewport()->grab().toImage();
  const QPoint bottom(cell.center().x(), cell.bottom());
  EXPECT_NE(before.pixelColor(bottom), after.pixelColor(bottom)) << "no bar under the glyph";
  const QColor bar = after.pixelColor(bottom);
  EXPECT_GT(bar.red(), 150);
  EXPECT_LT(bar.green(), 80);
  // The top of the cell (its colour) is untouched, and so is the next character's bottom.
  const QPoint top(cell.left() + 1, cell.top() + 1);
  EXPECT_EQ(before.pixelColor(top), after.pixelColor(top));
  const QRect next = shown.view.cellRect(5);
  const QPoint nextBottom(next.center().x(), next.bottom());
  EXPECT_EQ(before.pixelColor(nextBottom), after.pixelColor(nextBottom));
}

TEST(TextViewUnderline, EscANewTextOrAnEmptySetClearsIt) {
  ShownView shown;
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&shown.view));
  QSignalSpy changed(&shown.view, &ActivationTextView::underlineChanged);
  shown.view.setUnderline(0, {0.5f, 0.5f});
  QTest::keyClick(&shown.view, Qt::Key_Escape);
  EXPECT_TRUE(shown.view.underlineWeights().empty());
  ASSERT_EQ(changed.count(), 2);
  EXPECT_TRUE(changed.at(1).at(1).value<std::vector<float>>().empty());

  shown.view.setUnderline(2, {0.5f});
  shown.view.setText(U"another text");
  EXPECT_TRUE(shown.view.underlineWeights().empty());

  shown.view.setUnderline(2, {0.5f});
  shown.view.clearUnderline();
  EXPECT_TRUE(shown.view.underlineWeights().empty());
  EXPECT_EQ(changed.count(), 6);
}

TEST(TextViewUnderline, CtrlClickReportsTheCharacterAndKeepsTheSelection) {
  ShownView shown;
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&shown.view));
  shown.view.setSelection(1, 3);
  QSignalSpy clicked(&shown.view, &ActivationTextView::characterClicked);
  QTest::mouseClick(shown.view.viewport(), Qt::LeftButton, Qt::ControlModifier,
                    shown.view.cellRect(6).center());
  ASSERT_EQ(clicked.count(), 1);
  EXPECT_EQ(clicked.at(0).at(0).toInt(), 6);
  EXPECT_TRUE(clicked.at(0).at(1).value<Qt::KeyboardModifiers>() & Qt::ControlModifier);
  EXPECT_EQ(shown.view.selection(), std::make_pair(1, 3));
  QTest::mouseClick(shown.view.viewport(), Qt::LeftButton, Qt::NoModifier,
                    shown.view.cellRect(8).center());
  EXPECT_EQ(clicked.count(), 2);
  EXPECT_EQ(shown.view.selection(), std::make_pair(8, 9));
}
