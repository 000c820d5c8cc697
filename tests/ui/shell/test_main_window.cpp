// Widget tests for the app skeleton, run offscreen: fonts are visible to Qt, MainWindow builds
// with its menus, a saved model opens (also from the command-line path), and a bad or missing
// model file ends in an error box, not a crash. (ModelOverviewPane: tests/ui/model/.)
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QColor>
#include <QFile>
#include <QFontDatabase>
#include <QHash>
#include <QImage>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <cmath>

#include "checkpoint.h"
#include "model/model_overview_pane.h"
#include "shell/main_window.h"
#include "model.h"
#include "trained_model_fixture.h"
#include "ui_test_util.h"

namespace {

using ui_test::MessageBoxCatcher;

QMenu* findMenu(const QMainWindow& window, const char* objectName) {
  return window.menuBar()->findChild<QMenu*>(QString::fromLatin1(objectName));
}

}  // namespace

TEST(Fonts, FamiliesAvailable) {
  // Without fonts visible to fontconfig Qt draws every character as an empty box.
  EXPECT_FALSE(QFontDatabase::families().isEmpty());
}

TEST(MainWindowTest, BuildsWithMenus) {
  MainWindow window;
  window.show();
  EXPECT_EQ(window.windowTitle(), QStringLiteral("CellScope"));
  EXPECT_EQ(window.model(), nullptr);
  ASSERT_NE(window.overviewPane(), nullptr);
  // The tabs fill the window, under the caption bar (Help → Examples) when there is one.
  ASSERT_NE(window.tabs(), nullptr);
  EXPECT_TRUE(window.centralWidget() == window.tabs() ||
              window.centralWidget()->isAncestorOf(window.tabs()));
  EXPECT_FALSE(window.overviewPane()->hasModel());

  QMenu* fileMenu = findMenu(window, "menuFile");
  ASSERT_NE(fileMenu, nullptr);
  const QList<QAction*> fileActions = fileMenu->actions();
  EXPECT_TRUE(fileActions.contains(window.openModelAction()));
  EXPECT_TRUE(fileActions.contains(window.quitAction()));
  EXPECT_TRUE(window.openModelAction()->text().contains(QStringLiteral("Open Model")));
  EXPECT_EQ(window.openModelAction()->shortcut(), QKeySequence(QKeySequence::Open));
  EXPECT_TRUE(window.quitAction()->text().contains(QStringLiteral("Quit")));

  QMenu* helpMenu = findMenu(window, "menuHelp");
  ASSERT_NE(helpMenu, nullptr);
  EXPECT_TRUE(helpMenu->actions().contains(window.aboutAction()));
  EXPECT_FALSE(MainWindow::version().isEmpty());
}

TEST(MainWindowTest, QuitClosesTheWindow) {
  MainWindow window;
  window.show();
  ASSERT_TRUE(window.isVisible());
  window.quitAction()->trigger();
  EXPECT_FALSE(window.isVisible());
}

TEST(MainWindowTest, OpensSavedModelAndRemembersIt) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("tiny.csm"));
  cellscope::ModelFile saved = ui_test::makeTrainedModel(10, 2);
  saved.model.hidden_size = 8;
  saved.model.num_layers = 1;
  saved.parameters.assign(cellscope::parameter_count(saved.model), 0.5f);
  cellscope::save_model_file(QFile::encodeName(path).toStdString(), saved);

  MainWindow window;
  ASSERT_TRUE(window.openModel(path));
  ASSERT_NE(window.model(), nullptr);
  EXPECT_EQ(window.model()->parameters.size(), saved.parameters.size());
  EXPECT_EQ(window.modelPath(), path);
  EXPECT_TRUE(window.windowTitle().contains(QStringLiteral("tiny.csm")));
  EXPECT_TRUE(window.overviewPane()->hasModel());
  EXPECT_EQ(window.overviewPane()->trainGraph()->dataCount(), 10);
  EXPECT_EQ(QSettings().value(QStringLiteral("lastModelPath")).toString(), path);

  // The command line's path is opened once the event loop runs.
  MainWindow fromCommandLine(path);
  EXPECT_TRUE(ui_test::waitFor([&] { return fromCommandLine.model() != nullptr; }));
  EXPECT_TRUE(fromCommandLine.overviewPane()->hasModel());
}

TEST(MainWindowTest, BadFileShowsErrorNamingIt) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("not_a_model.csm"));
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write("this is plain text, not a CellScope model\n");
  file.close();

  MainWindow window;
  window.show();
  MessageBoxCatcher catcher;
  EXPECT_FALSE(window.openModel(path));
  EXPECT_TRUE(catcher.seen());
  EXPECT_EQ(catcher.icon(), QMessageBox::Critical);
  EXPECT_TRUE(catcher.text().contains(QStringLiteral("not_a_model.csm")))
      << catcher.text().toStdString();
  EXPECT_EQ(window.model(), nullptr);
  EXPECT_FALSE(window.overviewPane()->hasModel());
  EXPECT_EQ(window.windowTitle(), QStringLiteral("CellScope"));
}

TEST(MainWindowTest, MissingFileShowsErrorNamingIt) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  MainWindow window;
  MessageBoxCatcher catcher;
  EXPECT_FALSE(window.openModel(dir.filePath(QStringLiteral("missing.csm"))));
  EXPECT_TRUE(catcher.seen());
  EXPECT_TRUE(catcher.text().contains(QStringLiteral("missing.csm")))
      << catcher.text().toStdString();
  EXPECT_EQ(window.model(), nullptr);
}
