// What the explorer picks from the text by itself (text_defaults): the finder's detector from
// short C, prose and LaTeX texts, and the automatic neuron (most variable, never saturated);
// and the View menu's methods on the pane: font size zoom and the ↵ → markers.
#include <gtest/gtest.h>

#include <QApplication>
#include <QImage>
#include <QTest>
#include <QWheelEvent>
#include <cmath>
#include <limits>
#include <string>

#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "explore/explorer_pane.h"
#include "explore/text_defaults.h"
#include "model.h"
#include "ui_test_util.h"

using text_defaults::defaultDetector;
using text_defaults::mostVariableNeuron;

TEST(TextDefaultsTest, TheDetectorFollowsTheText) {
  EXPECT_EQ(
      defaultDetector(U"#include <stdio.h>\n/* a comment */\nint main(void) {\n  return 0;\n}\n"),
      "c-comment");
  EXPECT_EQ(defaultDetector(U"static int x; // counter\nvoid f(int y) {\n  x += y;\n}\n"),
            "c-comment");
  EXPECT_EQ(defaultDetector(U"\"Well,\" said the prince, \"so Genoa and Lucca are now just "
                            U"family estates.\"\nShe smiled.\n"),
            "double-quote");
  EXPECT_EQ(defaultDetector(U"See http://example.org for more; it is free.\n"), "double-quote");
  // Prose with URLs, {cross-references} and "quotes", as the bundled glossary demo: the "//" of a
  // scheme is no comment, so it stays prose.
  EXPECT_EQ(defaultDetector(U"stack\n\n   <programming> A {stack} of brackets; see\n"
                            U"   {(https://example.org/a)} and {(ftp://x.org/b)}.\n"
                            U"   Reading \"(\" pushes;\n   {parser}\n"),
            "double-quote");
  EXPECT_EQ(defaultDetector(U"\\documentclass{article}\n\\begin{document}\n\\section{Intro}\n"
                            U"Let $x = \\frac{a}{b}$.\n\\end{document}\n"),
            "latex");
  EXPECT_EQ(defaultDetector(U""), "double-quote");
}

TEST(TextDefaultsTest, TheAutomaticNeuronIsTheMostVariableUnsaturatedOne) {
  cellscope::Mat<float> values(5, 200);
  for (int j = 0; j < 200; ++j) {
    values(0, j) = -1.0f;                              // saturated low: never
    values(1, j) = 0.3f * std::sin(0.2f * j);          // variable and smooth
    values(2, j) = j % 2 == 0 ? 0.8f : -0.8f;          // flips at every character: noise
    values(3, j) = j % 10 == 0 ? -0.2f : 0.99f;        // mostly saturated high: never
    values(4, j) = (j / 50) % 2 == 0 ? -0.97f : 0.9f;  // a state held for 50 characters
  }
  auto choice = mostVariableNeuron(values, cellscope::QuantityRange::kSigned);
  EXPECT_EQ(choice.neuron, 4);
  EXPECT_GT(choice.variance, 0.5);
  values.row(4).setConstant(0.1f);  // constant: nothing lasting to show
  choice = mostVariableNeuron(values, cellscope::QuantityRange::kSigned);
  EXPECT_EQ(choice.neuron, 1);
  EXPECT_NEAR(choice.variance, 0.045, 0.005);
  // Nothing but saturated, constant or flipping neurons: none.
  values.row(1).setConstant(1.0f);
  EXPECT_EQ(mostVariableNeuron(values, cellscope::QuantityRange::kSigned).neuron, -1);
  // A neuron with a value missing is not judged.
  values(2, 5) = std::numeric_limits<float>::quiet_NaN();
  values.row(2).setConstant(0.0f);
  values(2, 5) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(mostVariableNeuron(values, cellscope::QuantityRange::kUnbounded).neuron, -1);
}

TEST(TextDefaultsTest, ViewFontSizeZoomsAndResets) {
  ExplorerPane pane;
  pane.resize(800, 500);
  ActivationTextView* view = pane.view();
  const double start = view->pointSize();
  const QSize cell = view->cellSize();
  pane.zoomTextIn();
  EXPECT_GT(view->pointSize(), start);
  EXPECT_GT(view->cellSize().height(), cell.height());
  pane.resetTextZoom();
  EXPECT_DOUBLE_EQ(view->pointSize(), view->defaultPointSize());
  EXPECT_EQ(view->cellSize(), cell);
  pane.zoomTextOut();
  EXPECT_LT(view->pointSize(), start);
  // Ctrl+wheel on the text zooms too; a plain wheel does not.
  const double before = view->pointSize();
  const QPointF at(20, 20);
  QWheelEvent up(at, view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                 Qt::ControlModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(view->viewport(), &up);
  EXPECT_GT(view->pointSize(), before);
  QWheelEvent plain(at, view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  const double zoomed = view->pointSize();
  QApplication::sendEvent(view->viewport(), &plain);
  EXPECT_EQ(view->pointSize(), zoomed);
  for (int i = 0; i < 100; ++i) pane.zoomTextOut();
  EXPECT_DOUBLE_EQ(view->pointSize(), ActivationTextView::kMinPointSize);
  for (int i = 0; i < 100; ++i) pane.zoomTextIn();
  EXPECT_DOUBLE_EQ(view->pointSize(), ActivationTextView::kMaxPointSize);
}

TEST(TextDefaultsTest, WhitespaceMarkersCanBeHidden) {
  ExplorerPane pane;
  pane.resize(800, 500);
  pane.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane));
  ActivationTextView* view = pane.view();
  view->setText(U"ab\n\tcd\n");
  const QRect newline = view->cellRect(2);
  const QRect tab = view->cellRect(3);
  const auto cells = [&] {
    const QImage image = view->viewport()->grab().toImage();
    return std::make_pair(image.copy(newline), image.copy(tab));
  };
  EXPECT_TRUE(view->whitespaceMarkersVisible());
  const auto shown = cells();
  pane.setWhitespaceMarkersVisible(false);
  EXPECT_FALSE(view->whitespaceMarkersVisible());
  const auto hidden = cells();
  EXPECT_NE(shown.first, hidden.first);
  EXPECT_NE(shown.second, hidden.second);
  // Hidden: the cell is blank (one colour).
  const QColor corner = hidden.first.pixelColor(0, 0);
  for (int y = 0; y < hidden.first.height(); ++y)
    for (int x = 0; x < hidden.first.width(); ++x)
      ASSERT_EQ(hidden.first.pixelColor(x, y), corner) << x << "," << y;
  pane.setWhitespaceMarkersVisible(true);
  EXPECT_EQ(cells().first, shown.first);
}
