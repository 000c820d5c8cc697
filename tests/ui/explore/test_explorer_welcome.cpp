// What the Explore tab shows before and around a text, offscreen on a tiny LSTM made here: with
// no text, a welcome listing the Examples it is given (a click names the index) and a hint that
// follows whether a model is loaded, gone once a text is shown and kept after a failed one; the
// finder's Find target named by a caller (an Example) wins over the one guessed from the text for
// that text only, and comes back when the same text is probed again under a reloaded model.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <string>

#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "explore/explorer_pane.h"
#include "explore/explorer_welcome.h"
#include "explore/neuron_finder_panel.h"
#include "explore/text_defaults.h"
#include "model.h"
#include "random_model.h"
#include "ui_test_util.h"

namespace {

using cellscope::Quantity;
using ui_test::waitFor;

cellscope::ModelFile tinyModel() {
  return ui_test::randomModel(U"\n \"(){};#/*,.abcdefghijklmnopqrstuvwxyz", 8, 1, 5);
}

using ui_test::writeFile;

const char kProse[] = "she said \"hi there\" and left.\nhe said \"no\".\n";
const char kCode[] = "/* a comment */\nint f(int x) {\n  return x;\n}\n#include <a.h>\n";

struct Pane {
  cellscope::ModelFile model = tinyModel();
  QTemporaryDir dir;
  ExplorerPane pane;

  Pane() { pane.resize(1000, 600); }
  bool open(const QString& path) {
    pane.openText(path);
    return waitFor(
        [&] { return pane.textPath() == path && !pane.isProbing() && pane.isColoured(); });
  }
  QString target() const {
    return pane.findChild<QComboBox*>(QStringLiteral("finderDetectorCombo"))
        ->currentData()
        .toString();
  }
  Quantity quantity() const {
    return static_cast<Quantity>(
        pane.findChild<QComboBox*>(QStringLiteral("finderQuantityCombo"))->currentData().toInt());
  }
};

}  // namespace

TEST(ExplorerFinderTarget, ANamedTargetWinsForItsTextOnly) {
  Pane p;
  const QString prose = writeFile(p.dir, "prose.txt", kProse);
  const QString code = writeFile(p.dir, "code.c", kCode);
  ASSERT_EQ(text_defaults::defaultDetector(QString::fromLatin1(kProse).toStdU32String()),
            "double-quote");
  ASSERT_EQ(text_defaults::defaultDetector(QString::fromLatin1(kCode).toStdU32String()),
            "c-comment");
  p.pane.setModel(p.model);

  // Without a named target, the text decides.
  ASSERT_TRUE(p.open(prose));
  EXPECT_EQ(p.target(), QStringLiteral("double-quote"));
  EXPECT_EQ(p.quantity(), Quantity::kTanhCell);

  p.pane.setFinderTarget(QStringLiteral("line-position"), Quantity::kCell);
  EXPECT_EQ(p.target(), QStringLiteral("line-position")) << "shown at once";
  ASSERT_TRUE(p.open(code));
  EXPECT_EQ(p.target(), QStringLiteral("line-position"));
  EXPECT_EQ(p.quantity(), Quantity::kCell);

  // A model reloaded over the same text keeps it (its quantity list is refilled meanwhile).
  p.pane.setModel(p.model);
  ASSERT_TRUE(waitFor([&] { return !p.pane.isProbing() && p.pane.isColoured(); }));
  EXPECT_EQ(p.target(), QStringLiteral("line-position"));
  EXPECT_EQ(p.quantity(), Quantity::kCell);

  // Another text goes back to the automatic target.
  ASSERT_TRUE(p.open(prose));
  EXPECT_EQ(p.target(), QStringLiteral("double-quote"));
}

TEST(ExplorerFinderTarget, ARegexTargetFillsTheRegexField) {
  Pane p;
  const QString prose = writeFile(p.dir, "prose.txt", kProse);
  p.pane.setModel(p.model);
  p.pane.setFinderTarget(QStringLiteral("regex:\"[^\"]*\""), Quantity::kHidden);
  ASSERT_TRUE(p.open(prose));
  EXPECT_EQ(p.target(), QString::fromLatin1(NeuronFinderPanel::kRegexTarget));
  EXPECT_EQ(p.pane.findChild<QLineEdit*>(QStringLiteral("finderRegexEdit"))->text(),
            QStringLiteral("\"[^\"]*\""));
  EXPECT_EQ(p.quantity(), Quantity::kHidden);
}

TEST(ExplorerWelcomeTest, ListsTheExamplesUntilATextIsShown) {
  Pane p;
  p.pane.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&p.pane));
  ExplorerWelcome* welcome = p.pane.welcome();
  EXPECT_TRUE(welcome->isVisible());
  EXPECT_FALSE(p.pane.view()->isVisible());
  EXPECT_TRUE(welcome->hint().contains(QStringLiteral("Open Model")))
      << welcome->hint().toStdString();
  EXPECT_TRUE(welcome->findChildren<QPushButton*>().isEmpty()) << "no catalogue, no links";

  const QStringList titles{QStringLiteral("The URL neuron"), QStringLiteral("The comment neuron"),
                           QStringLiteral("The quote neuron")};
  p.pane.setExampleTitles(titles);
  EXPECT_EQ(welcome->exampleTitles(), titles);
  ASSERT_EQ(welcome->findChildren<QPushButton*>().size(), titles.size());
  auto* second = welcome->findChild<QPushButton*>(QStringLiteral("welcomeExample_1"));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->text(), titles[1]);
  ASSERT_TRUE(waitFor([&] { return second->isVisible() && second->width() > 0; }));
  QSignalSpy requested(&p.pane, &ExplorerPane::exampleRequested);
  QTest::mouseClick(second, Qt::LeftButton);
  ASSERT_EQ(requested.count(), 1);
  EXPECT_EQ(requested.at(0).at(0).toInt(), 1);

  // The links follow the palette's link colour (a dark theme sets a lighter one).
  QPalette dark = p.pane.palette();
  dark.setColor(QPalette::Link, QColor(90, 160, 255));
  p.pane.setPalette(dark);
  EXPECT_TRUE(second->styleSheet().contains(QStringLiteral("#5aa0ff")))
      << second->styleSheet().toStdString();

  // A new list replaces the old one.
  p.pane.setExampleTitles({QStringLiteral("Only one")});
  EXPECT_EQ(welcome->findChildren<QPushButton*>().size(), 1);

  // A model but no text yet: still there, now pointing at Open Text.
  p.pane.setModel(p.model);
  EXPECT_TRUE(welcome->isVisible());
  EXPECT_TRUE(welcome->hint().contains(QStringLiteral("Open Text")))
      << welcome->hint().toStdString();
  EXPECT_FALSE(welcome->hint().contains(QStringLiteral("Open Model")));

  const QString prose = writeFile(p.dir, "prose.txt", kProse);
  ASSERT_TRUE(p.open(prose));
  EXPECT_FALSE(welcome->isVisible());
  EXPECT_TRUE(p.pane.view()->isVisible());
  const auto* stack = p.pane.findChild<QStackedWidget*>(QStringLiteral("explorerTextStack"));
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(p.pane.view()->geometry().size(), stack->size())
      << "the view fills the welcome's place";
}

TEST(ExplorerWelcomeTest, AFailedTextKeepsIt) {
  Pane p;
  p.pane.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&p.pane));
  p.pane.setModel(p.model);
  ui_test::MessageBoxCatcher catcher;
  p.pane.openText(p.dir.filePath(QStringLiteral("no-such-file.txt")));
  ASSERT_TRUE(waitFor([&] { return catcher.seen() && !p.pane.isProbing(); }));
  EXPECT_TRUE(p.pane.welcome()->isVisible());
  EXPECT_FALSE(p.pane.view()->isVisible());
}
