// Desktop-convention tests for MainWindow, offscreen, on a tiny LSTM saved in a QTemporaryDir:
// recent files (order, dedup, limit, missing entries, persistence), drag and drop, Paste Text,
// --neuron/--quantity parsing and applying, the remembered neuron, the generator's "Explore"
// and a training sample's activation reaching the explorer, export from the window, the
// validation split, and the theme. Each test clears the settings it touches, before and after.
#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUrl>

#include "checkpoint.h"
#include "explorer_pane.h"
#include "generation_column.h"
#include "generator_pane.h"
#include "main_window.h"
#include "model.h"
#include "training_pane.h"
#include "ui_test_util.h"

namespace {

using ui_test::MessageBoxCatcher;
using ui_test::waitFor;

const char kCorpus[] =
    "To be, or not to be: that is the question.\n"
    "Whether 'tis nobler in the mind to suffer\n"
    "The slings and arrows of outrageous fortune.\n";

// Removes what these tests write to QSettings, when made and when destroyed.
struct SettingsGuard {
  SettingsGuard() { clear(); }
  ~SettingsGuard() { clear(); }
  static void clear() {
    QSettings settings;
    for (const char* key : {"recent", "view", "explorer", "lastTextPath", "export"})
      settings.remove(QLatin1String(key));
  }
};

// A two-layer LSTM over kCorpus's characters (val-frac 0.1), saved as model.csm, plus the
// corpus as text.txt.
struct Files {
  QTemporaryDir dir;
  QString model;
  QString text;

  Files() {
    EXPECT_TRUE(dir.isValid());
    cellscope::ModelFile file;
    std::u32string chars = QString::fromUtf8(kCorpus).toStdU32String();
    std::sort(chars.begin(), chars.end());
    chars.erase(std::unique(chars.begin(), chars.end()), chars.end());
    file.vocabulary.assign(chars.begin(), chars.end());
    file.model.cell = cellscope::CellType::kLstm;
    file.model.vocab_size = static_cast<int32_t>(file.vocabulary.size());
    file.model.hidden_size = 8;
    file.model.num_layers = 2;
    file.train.val_frac = 0.1;
    cellscope::Model<float> net(file.model);
    net.init_params(5);
    file.parameters = net.params().to_vector();
    model = dir.filePath(QStringLiteral("model.csm"));
    cellscope::save_model_file(QFile::encodeName(model).toStdString(), file);
    text = write("text.txt", kCorpus);
  }
  QString write(const char* name, const QByteArray& bytes) const {
    const QString path = dir.filePath(QString::fromLatin1(name));
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    return path;
  }
};

bool colouredWith(const MainWindow& window, const QString& title) {
  const ExplorerPane* pane = window.explorerPane();
  return pane->isColoured() && pane->textTitle() == title;
}

// Drags `urls` over the window and drops them; returns whether the drag was accepted.
bool dropUrls(MainWindow& window, const QList<QUrl>& urls) {
  QMimeData mime;
  mime.setUrls(urls);
  QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &enter);
  QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &drop);
  return enter.isAccepted();
}

}  // namespace

TEST(DesktopTest, RecentListHelperOrdersDedupsAndLimits) {
  QStringList list;
  for (int i = 0; i < 10; ++i) list = withRecent(list, QString::number(i));
  EXPECT_EQ(list, QStringList({"9", "8", "7", "6", "5", "4", "3", "2"}));
  list = withRecent(list, QStringLiteral("5"));
  EXPECT_EQ(list, QStringList({"5", "9", "8", "7", "6", "4", "3", "2"}));
}

TEST(DesktopTest, RecentFilesPersistAndMissingOnesAreRemoved) {
  SettingsGuard guard;
  Files f;
  const QString second = f.dir.filePath(QStringLiteral("second.csm"));
  ASSERT_TRUE(QFile::copy(f.model, second));
  {
    MainWindow window;
    ASSERT_TRUE(window.openModel(f.model));
    ASSERT_TRUE(window.openModel(second));
    ASSERT_TRUE(window.openModel(f.model));  // moves to the front, no duplicate
    EXPECT_EQ(window.recentModels(), QStringList({f.model, second}));
    window.openText(f.text);
    ASSERT_TRUE(waitFor([&] { return window.recentTexts() == QStringList{f.text}; }));
    window.close();  // writeSettings()
  }
  MainWindow again;
  EXPECT_EQ(again.recentModels(), QStringList({f.model, second}));
  EXPECT_EQ(again.recentTexts(), QStringList{f.text});

  // The menu lists both kinds and Clear Recent.
  emit again.recentMenu()->aboutToShow();
  QStringList texts;
  for (QAction* action : again.recentMenu()->actions()) texts << action->text();
  EXPECT_TRUE(texts.join('|').contains(QStringLiteral("second.csm")))
      << texts.join('|').toStdString();
  EXPECT_TRUE(texts.join('|').contains(QStringLiteral("text.txt")));
  EXPECT_TRUE(texts.contains(QStringLiteral("&Clear Recent")));

  ASSERT_TRUE(QFile::remove(second));
  MessageBoxCatcher catcher;
  EXPECT_FALSE(again.openRecent(second, true));
  EXPECT_TRUE(catcher.seen());
  EXPECT_TRUE(catcher.text().contains(QStringLiteral("second.csm")));
  EXPECT_EQ(again.recentModels(), QStringList{f.model});

  again.clearRecent();
  EXPECT_TRUE(again.recentModels().isEmpty());
  EXPECT_TRUE(again.recentTexts().isEmpty());
}

TEST(DesktopTest, DroppedModelAndTextOpenInExplore) {
  SettingsGuard guard;
  Files f;
  MainWindow window;
  window.show();
  // Folders and remote URLs are not accepted.
  EXPECT_FALSE(dropUrls(window, {QUrl::fromLocalFile(f.dir.path()),
                                 QUrl(QStringLiteral("https://example.com/a.txt"))}));
  EXPECT_EQ(window.model(), nullptr);
  // The text listed first still opens after the model.
  EXPECT_TRUE(dropUrls(window, {QUrl::fromLocalFile(f.text), QUrl::fromLocalFile(f.dir.path()),
                                QUrl::fromLocalFile(f.model)}));
  ASSERT_NE(window.model(), nullptr);
  EXPECT_EQ(window.modelPath(), f.model);
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }));
  EXPECT_EQ(window.explorerPane()->textPath(), f.text);
  EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
}

TEST(DesktopTest, PasteTextShowsTheClipboardInTheExplorer) {
  SettingsGuard guard;
  Files f;
  MainWindow window;
  ASSERT_TRUE(window.openModel(f.model));
  window.tabs()->setCurrentWidget(window.generatorPane());
  QApplication::clipboard()->setText(QStringLiteral("Is this the question?\n"));
  EXPECT_EQ(window.pasteTextAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+V")));
  window.pasteTextAction()->trigger();
  EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
  ASSERT_TRUE(waitFor([&] { return colouredWith(window, QStringLiteral("Pasted text")); }));
  EXPECT_EQ(window.explorerPane()->text(), U"Is this the question?\n");
}

TEST(DesktopTest, ParsesNeuronAndQuantityOptions) {
  NeuronOverride parsed;
  QString error;
  ASSERT_TRUE(
      parseNeuronOverride(QStringLiteral("1:37"), QStringLiteral("tanh-cell"), &parsed, &error));
  EXPECT_EQ(parsed.layer, 1);
  EXPECT_EQ(parsed.neuron, 37);
  EXPECT_EQ(parsed.quantity, cellscope::Quantity::kTanhCell);

  ASSERT_TRUE(parseNeuronOverride(QString(), QString(), &parsed, &error));
  EXPECT_TRUE(parsed.isEmpty());
  ASSERT_TRUE(parseNeuronOverride(QString(), QStringLiteral("forget"), &parsed, &error));
  EXPECT_FALSE(parsed.layer.has_value());
  NeuronSelection base;
  base.layer = 1;
  base.neuron = 3;
  const NeuronSelection applied = parsed.appliedTo(base);
  EXPECT_EQ(applied.layer, 1);
  EXPECT_EQ(applied.neuron, 3);
  EXPECT_EQ(applied.quantity, cellscope::Quantity::kForget);

  for (const char* bad : {"1-37", "x:1", "1:", ":2", "-1:2", "1:2:3"}) {
    EXPECT_FALSE(parseNeuronOverride(QLatin1String(bad), QString(), &parsed, &error)) << bad;
    EXPECT_TRUE(error.contains(QLatin1String(bad))) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral("LAYER:NEURON")));
  }
  EXPECT_FALSE(parseNeuronOverride(QStringLiteral("0:1"), QStringLiteral("cel"), &parsed, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("'cel'"))) << error.toStdString();
  EXPECT_TRUE(error.contains(QStringLiteral("tanh-cell")));
}

TEST(DesktopTest, CommandLineNeuronOverridesTheRememberedOne) {
  SettingsGuard guard;
  Files f;
  {
    QSettings settings;
    settings.setValue(QStringLiteral("explorer/layer"), 0);
    settings.setValue(QStringLiteral("explorer/neuron"), 6);
    settings.setValue(QStringLiteral("explorer/quantity"), QStringLiteral("cell"));
  }
  {
    MainWindow remembered(f.model);
    ASSERT_TRUE(waitFor([&] { return remembered.model() != nullptr; }));
    const NeuronSelection s = remembered.explorerPane()->neuronSelection();
    EXPECT_EQ(s.layer, 0);
    EXPECT_EQ(s.neuron, 6);
    EXPECT_EQ(s.quantity, cellscope::Quantity::kCell);
  }
  NeuronOverride override;
  QString error;
  ASSERT_TRUE(
      parseNeuronOverride(QStringLiteral("1:2"), QStringLiteral("output"), &override, &error));
  MainWindow window(f.model, f.text);
  window.setNeuronOverride(override);
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }));
  const NeuronSelection s = window.explorerPane()->neuronSelection();
  EXPECT_EQ(s.layer, 1);
  EXPECT_EQ(s.neuron, 2);
  EXPECT_EQ(s.quantity, cellscope::Quantity::kOutput);

  // A neuron the model does not have is reported, not applied.
  ASSERT_TRUE(parseNeuronOverride(QStringLiteral("0:99"), QString(), &override, &error));
  MessageBoxCatcher catcher;
  MainWindow tooFar(f.model);
  tooFar.setNeuronOverride(override);
  ASSERT_TRUE(waitFor([&] { return catcher.seen(); }));
  EXPECT_EQ(catcher.icon(), QMessageBox::Warning);
  EXPECT_TRUE(catcher.text().contains(QStringLiteral("99"))) << catcher.text().toStdString();
  EXPECT_NE(tooFar.explorerPane()->neuronSelection().neuron, 99);
}

TEST(DesktopTest, GeneratedTextExploreButtonReachesTheExplorer) {
  SettingsGuard guard;
  Files f;
  MainWindow window;
  ASSERT_TRUE(window.openModel(f.model));  // the generator starts at once
  GenerationColumn* column = window.generatorPane()->primaryColumn();
  ASSERT_TRUE(
      waitFor([&] { return !column->isRunning() && column->exploreButton()->isEnabled(); }));
  const QString shown = column->shownText();
  ASSERT_FALSE(shown.isEmpty());
  column->exploreButton()->click();
  EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
  const QString title =
      QStringLiteral("Generated text (T=%1)").arg(column->temperature(), 0, 'f', 2);
  ASSERT_TRUE(waitFor([&] { return colouredWith(window, title); }))
      << window.explorerPane()->textTitle().toStdString();
  EXPECT_EQ(window.explorerPane()->text(), shown.toStdU32String());
}

TEST(DesktopTest, ActivatedTrainingSampleReachesTheExplorer) {
  SettingsGuard guard;
  Files f;
  MainWindow window;
  window.show();
  ASSERT_TRUE(window.openModel(f.model));
  QListWidget* list = window.trainingPane()->sampleList();
  auto* item = new QListWidgetItem(QStringLiteral("120 · val — · The slings"));
  item->setData(TrainingPane::kSampleTextRole, QStringLiteral("The slings and arrows"));
  item->setData(TrainingPane::kSampleIterationRole, qint64(120));
  list->addItem(item);
  window.tabs()->setCurrentWidget(window.trainingPane());
  list->setCurrentItem(item);
  list->setFocus();
  QTest::keyClick(list, Qt::Key_Return);
  EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
  ASSERT_TRUE(
      waitFor([&] { return colouredWith(window, QStringLiteral("Sample at iteration 120")); }));
  EXPECT_EQ(window.explorerPane()->text(), U"The slings and arrows");
}

TEST(DesktopTest, ExportActionsWaitForColouringAndWriteFiles) {
  SettingsGuard guard;
  Files f;
  MainWindow window;
  EXPECT_FALSE(window.exportHtmlAction()->isEnabled());
  EXPECT_FALSE(window.exportPngAction()->isEnabled());
  EXPECT_FALSE(window.exportCsvAction()->isEnabled());
  ASSERT_TRUE(window.openModel(f.model));
  window.openText(f.text);
  ASSERT_TRUE(waitFor([&] { return window.exportCsvAction()->isEnabled(); }));

  const QString html = f.dir.filePath(QStringLiteral("out.html"));
  const QString png = f.dir.filePath(QStringLiteral("out.png"));
  const QString csv = f.dir.filePath(QStringLiteral("out.csv"));
  ASSERT_TRUE(window.exportTo(MainWindow::kHtml, html));
  ASSERT_TRUE(window.exportTo(MainWindow::kPng, png));
  ASSERT_TRUE(window.exportTo(MainWindow::kCsv, csv));
  QFile csvFile(csv);
  ASSERT_TRUE(csvFile.open(QIODevice::ReadOnly));
  const QByteArray first = csvFile.readLine();
  EXPECT_TRUE(first.startsWith("# layer=1 neuron=0 quantity=tanh-cell model=model.csm"))
      << first.toStdString();
  EXPECT_FALSE(QImage(png).isNull());
  EXPECT_GT(QFileInfo(html).size(), 1000);

  MessageBoxCatcher catcher;
  const QString bad = f.dir.filePath(QStringLiteral("text.txt/out.html"));
  EXPECT_FALSE(window.exportTo(MainWindow::kHtml, bad));
  EXPECT_TRUE(catcher.seen());
  EXPECT_EQ(catcher.icon(), QMessageBox::Critical);
  EXPECT_TRUE(catcher.text().contains(bad)) << catcher.text().toStdString();
}

TEST(DesktopTest, ValidationSplitIsTheCorpusEnd) {
  SettingsGuard guard;
  Files f;
  MainWindow window;
  {
    MessageBoxCatcher catcher;  // no model yet: a message why not
    window.validationSplitAction()->trigger();
    EXPECT_TRUE(catcher.seen());
    EXPECT_TRUE(catcher.text().contains(QStringLiteral("model")));
  }
  ASSERT_TRUE(window.openModel(f.model));
  ASSERT_TRUE(window.exploreValidationSplit({f.text}, QStringLiteral("*")));
  const std::u32string corpus = QString::fromUtf8(kCorpus).toStdU32String();
  const std::size_t nVal = corpus.size() / 10;  // floor(0.1 · N)
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }));
  EXPECT_EQ(window.explorerPane()->text(), corpus.substr(corpus.size() - nVal));
  EXPECT_TRUE(window.explorerPane()->textTitle().startsWith(QStringLiteral("Validation split")));

  MessageBoxCatcher catcher;
  EXPECT_FALSE(window.exploreValidationSplit({f.dir.filePath(QStringLiteral("gone.txt"))},
                                             QStringLiteral("*")));
  EXPECT_TRUE(catcher.text().contains(QStringLiteral("gone.txt"))) << catcher.text().toStdString();
}

TEST(DesktopTest, DarkThemeIsAppliedAndRemembered) {
  SettingsGuard guard;
  const QColor systemWindow = QApplication::palette().color(QPalette::Window);
  {
    MainWindow window;
    window.setTheme(MainWindow::Theme::kDark);
    EXPECT_EQ(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    EXPECT_LT(QApplication::palette().color(QPalette::Window).lightness(), 80);
    window.close();
  }
  MainWindow again;
  EXPECT_EQ(again.theme(), MainWindow::Theme::kDark);
  again.setTheme(MainWindow::Theme::kSystem);
  EXPECT_EQ(QApplication::palette().color(QPalette::Window), systemWindow);
}

TEST(DesktopTest, ReopensTheLastTextWhenTheCommandLineNamesNone) {
  SettingsGuard guard;
  Files f;
  QSettings().setValue(QStringLiteral("lastTextPath"), f.text);
  MainWindow window(f.model);
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }));
  EXPECT_EQ(window.explorerPane()->textPath(), f.text);

  // A text on the command line wins; a vanished last text is not reopened.
  const QString other = f.write("other.txt", "Another text.\n");
  MainWindow explicitText(f.model, other);
  ASSERT_TRUE(waitFor([&] { return explicitText.explorerPane()->isColoured(); }));
  EXPECT_EQ(explicitText.explorerPane()->textPath(), other);
  QSettings().setValue(QStringLiteral("lastTextPath"), f.dir.filePath(QStringLiteral("gone.txt")));
  MainWindow vanished(f.model);
  ASSERT_TRUE(waitFor([&] { return vanished.model() != nullptr; }));
  QTest::qWait(50);
  EXPECT_TRUE(vanished.explorerPane()->textPath().isEmpty());
}

TEST(DesktopTest, MenusFollowDesktopConventions) {
  SettingsGuard guard;
  MainWindow window;
  const auto texts = [&](const char* menuName) {
    QStringList list;
    if (auto* menu = window.menuBar()->findChild<QMenu*>(QLatin1String(menuName)))
      for (QAction* action : menu->actions()) list << action->text();
    return list;
  };
  const QStringList file = texts("menuFile");
  for (const char* entry : {"&Open Model…", "Open &Text…", "Open &Recent", "&Paste Text",
                            "Explore &Validation Split", "&Export", "&Quit"})
    EXPECT_TRUE(file.contains(QString::fromUtf8(entry))) << entry;
  EXPECT_EQ(texts("menuExport"), QStringList({"&HTML…", "&PNG…", "&CSV…"}));
  EXPECT_EQ(texts("menuTheme"), QStringList({"&System", "&Light", "&Dark"}));
  EXPECT_TRUE(texts("menuView").contains(QStringLiteral("&Theme")));
}
