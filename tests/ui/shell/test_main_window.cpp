// Widget tests for the app skeleton, run offscreen: fonts are visible to Qt, MainWindow builds
// with its menus, ModelOverviewPane shows a hand-made ModelFile's summary and loss curves and
// renders something, a saved model opens (also from the command-line path), and a bad or
// missing model file ends in an error box, not a crash.
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
#include "shell/main_window.h"
#include "model.h"
#include "model/model_overview_pane.h"
#include "ui_test_util.h"

namespace {

// A small LSTM "trained" for 1000 iterations: `trainPoints` training losses every 40
// iterations and `valPoints` validation losses every 200.
cellscope::ModelFile makeModel(int trainPoints, int valPoints) {
  cellscope::ModelFile file;
  file.model.cell = cellscope::CellType::kLstm;
  file.model.vocab_size = 65;
  file.model.hidden_size = 128;
  file.model.num_layers = 2;
  for (char32_t cp = U' '; file.vocabulary.size() < 65; ++cp) file.vocabulary.push_back(cp);
  file.parameters.assign(1234, 0.01f);
  file.progress.iteration = 1000;
  file.progress.epoch = 3;
  file.progress.seconds = 125.0;
  for (int i = 0; i < trainPoints; ++i) {
    cellscope::LossPoint point;
    point.iteration = 40 * (i + 1);
    point.epoch = 0.004 * static_cast<double>(point.iteration);
    point.loss = 1.3 + 2.9 * std::exp(-0.15 * i);
    file.train_history.push_back(point);
  }
  for (int i = 0; i < valPoints; ++i) {
    cellscope::LossPoint point;
    point.iteration = 200 * (i + 1);
    point.epoch = 0.004 * static_cast<double>(point.iteration);
    point.loss = 1.5 + 2.0 * std::exp(-0.6 * i);
    file.val_history.push_back(point);
  }
  return file;
}

// Pixels that differ from the image's most common colour (its background).
int nonBackgroundPixels(const QImage& image) {
  QHash<QRgb, int> counts;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) ++counts[image.pixel(x, y)];
  }
  int most = 0;
  for (auto it = counts.cbegin(); it != counts.cend(); ++it) most = std::max(most, it.value());
  return image.width() * image.height() - most;
}

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
  EXPECT_EQ(window.centralWidget(), window.tabs());
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
  cellscope::ModelFile saved = makeModel(10, 2);
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
  EXPECT_TRUE(QTest::qWaitFor([&] { return fromCommandLine.model() != nullptr; }, 5000));
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

TEST(ModelOverviewPaneTest, ShowsPlaceholderWithoutModel) {
  ModelOverviewPane pane;
  EXPECT_FALSE(pane.hasModel());
  EXPECT_TRUE(pane.summaryText().contains(QStringLiteral("Open a model")));
}

TEST(ModelOverviewPaneTest, ShowsSummaryAndLossCurves) {
  ModelOverviewPane pane;
  pane.setModel(makeModel(25, 5), QStringLiteral("/tmp/shakespeare.csm"));
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
  pane.setModel(makeModel(0, 0));
  EXPECT_TRUE(pane.hasModel());
  EXPECT_EQ(pane.trainGraph()->dataCount(), 0);

  cellscope::ModelFile diverged = makeModel(3, 1);
  diverged.train_history.back().loss = std::nan("");
  pane.setModel(diverged);
  EXPECT_EQ(pane.trainGraph()->dataCount(), 3);
  EXPECT_TRUE(std::isfinite(pane.lossPlot()->yAxis->range().upper));
}

TEST(ModelOverviewPaneTest, GrabIsNotBlank) {
  ModelOverviewPane pane;
  pane.resize(900, 600);
  pane.setModel(makeModel(25, 5), QStringLiteral("/tmp/shakespeare.csm"));
  const QImage image = pane.grab().toImage();
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.width(), 900);
  // Labels, axes, curves and legend: well over 1% of the pixels are not background.
  EXPECT_GT(nonBackgroundPixels(image), image.width() * image.height() / 100);
}
