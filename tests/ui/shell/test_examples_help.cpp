// Help → Examples, the startup default and the help pages, through the real MainWindow on the
// offscreen platform: every Examples action opens its bundled model and demo text coloured by
// its neuron with its caption shown; with nothing on the command line the window reopens the
// last model and text when they exist, else the first Example; the data folder is found
// installed (<bin>/../share/cellscope) before the source tree; the empty Explore tab lists the
// Examples and opens the one clicked; an Example presets the finder's Find target so Find
// ranks its neuron first; the shortcut list holds every action's shortcut and the stepping keys.
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QToolButton>

#include "checkpoint.h"
#include "common/activation_text_view.h"
#include "explore/comparison_controller.h"
#include "explore/explorer_pane.h"
#include "explore/explorer_welcome.h"
#include "explore/neuron_finder_panel.h"
#include "explore/text_defaults.h"
#include "model/model_overview_pane.h"
#include "shell/caption_bar.h"
#include "shell/examples.h"
#include "shell/help_pages.h"
#include "shell/main_window.h"
#include "ui_test_util.h"

namespace {

using ui_test::waitFor;

constexpr int kColourMs = 30000;  // the bundled 2x256 model on a 6.5 k-character demo

// The explorer shows `textPath` fully coloured with `model` loaded.
bool showing(const MainWindow& window, const QString& modelPath, const QString& textPath) {
  const ExplorerPane* pane = window.explorerPane();
  return window.modelPath() == modelPath && pane->textPath() == textPath &&
         !pane->isProbing() && pane->isColoured();
}

TEST(ShellExamples, CatalogueComesFromTheSourceTreeWhenNotInstalled) {
  const QString dataDir = defaultDataDir();
  ASSERT_FALSE(dataDir.isEmpty());
  const ExampleCatalogue catalogue = loadExamples(dataDir);
  ASSERT_TRUE(catalogue.ok()) << catalogue.error.toStdString();
  ASSERT_GE(catalogue.examples.size(), 3);
  for (const Example& example : catalogue.examples) {
    EXPECT_TRUE(QFileInfo(example.modelPath).isFile()) << example.modelPath.toStdString();
    EXPECT_TRUE(QFileInfo(example.textPath).isFile()) << example.textPath.toStdString();
    EXPECT_GT(example.caption.size(), 100) << example.id.toStdString();
  }
}

TEST(ShellExamples, InstalledDataFolderWinsOverTheSourceTree) {
  QTemporaryDir prefix;
  QTemporaryDir source;
  ASSERT_TRUE(prefix.isValid() && source.isValid());
  const QString bin = prefix.filePath(QStringLiteral("bin"));
  const QString share = prefix.filePath(QStringLiteral("share/cellscope"));
  ASSERT_TRUE(QDir().mkpath(bin) && QDir().mkpath(share));
  EXPECT_EQ(findDataDir(bin, source.path()), QString()) << "neither folder has a catalogue";

  QFile sourceCatalogue(QDir(source.path()).filePath(QStringLiteral("examples.json")));
  ASSERT_TRUE(sourceCatalogue.open(QIODevice::WriteOnly));
  sourceCatalogue.write("{}");
  sourceCatalogue.close();
  EXPECT_EQ(findDataDir(bin, source.path()), QDir::cleanPath(source.path()));

  QFile installed(QDir(share).filePath(QStringLiteral("examples.json")));
  ASSERT_TRUE(installed.open(QIODevice::WriteOnly));
  installed.write("{}");
  installed.close();
  EXPECT_EQ(findDataDir(bin, source.path()), QDir::cleanPath(share));
}

TEST(ShellExamples, ABrokenCatalogueIsAnErrorNamingTheFile) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  QFile file(QDir(dir.path()).filePath(QStringLiteral("examples.json")));
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(R"({"examples": [{"id": "x", "title": "X", "model": "m.csm", "text": "t.txt",
                 "layer": 0, "neuron": 1, "quantity": "no-such-quantity", "detector": "url",
                 "caption": "c"}]})");
  file.close();
  const ExampleCatalogue bad = loadExamples(dir.path());
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.examples.isEmpty());
  EXPECT_TRUE(bad.error.contains(QStringLiteral("examples.json"))) << bad.error.toStdString();

  ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(R"({"examples": [{"id": "x"}]})");
  file.close();
  const ExampleCatalogue missing = loadExamples(dir.path());
  EXPECT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error.contains(QStringLiteral("has no"))) << missing.error.toStdString();
}

TEST(ShellExamples, EveryExamplesActionOpensItsModelTextAndNeuronWithItsCaption) {
  MainWindow window;
  window.resize(1200, 800);
  window.show();
  const QList<Example> examples = loadExamples(defaultDataDir()).examples;
  ASSERT_EQ(window.examples().size(), examples.size());
  const QList<QAction*> actions = window.examplesMenu()->actions();
  ASSERT_EQ(actions.size(), examples.size());
  for (int k = 0; k < examples.size(); ++k) {
    const Example& example = examples[k];
    SCOPED_TRACE(example.id.toStdString());
    EXPECT_EQ(actions[k]->text(), example.title);
    actions[k]->trigger();
    const QString model = QFileInfo(example.modelPath).absoluteFilePath();
    const QString text = QFileInfo(example.textPath).absoluteFilePath();
    ASSERT_TRUE(waitFor([&] { return showing(window, model, text); }, kColourMs));
    EXPECT_EQ(window.explorerPane()->neuronSelection(), example.neuron);
    EXPECT_EQ(window.tabs()->currentWidget(), window.explorerPane());
    const CaptionBar* caption = window.captionBar();
    EXPECT_TRUE(caption->isVisible());
    EXPECT_EQ(caption->title(), example.title);
    EXPECT_EQ(caption->caption(), example.caption);
    EXPECT_TRUE(caption->label()->text().contains(example.title.toHtmlEscaped()));
    if (!example.focus.isEmpty()) {  // the place the caption talks about is on screen
      const std::size_t at = window.explorerPane()->text().find(example.focus.toStdU32String());
      ASSERT_NE(at, std::u32string::npos) << example.focus.toStdString();
      ASSERT_TRUE(waitFor([&] {
        const auto [begin, end] = window.explorerPane()->view()->visibleRange();
        return begin <= static_cast<int>(at) && static_cast<int>(at) < end;
      }));
      EXPECT_EQ(window.explorerPane()->view()->highlighted(), static_cast<int>(at));
    }
  }
  // It shows over the Explore tab only.
  window.tabs()->setCurrentWidget(window.overviewPane());
  EXPECT_FALSE(window.captionBar()->isVisible());
  window.tabs()->setCurrentWidget(window.explorerPane());
  EXPECT_TRUE(window.captionBar()->isVisible());
  // The caption describes the example's text: another text dismisses it, and so does ×.
  window.captionBar()->closeButton()->click();
  EXPECT_FALSE(window.captionBar()->isVisible());
  window.openExample(examples.first());
  EXPECT_TRUE(window.captionBar()->isVisible());
  window.openText(QDir(defaultDataDir()).filePath(QStringLiteral("demo/dialogue.txt")));
  EXPECT_FALSE(window.captionBar()->isVisible());
}

TEST(ShellExamples, TheCaptionGoesWhenTheTextIsColouredByAnythingElse) {
  MainWindow window;
  window.resize(1200, 800);
  window.show();
  const Example example = loadExamples(defaultDataDir()).examples.first();
  const QString model = QFileInfo(example.modelPath).absoluteFilePath();
  const QString text = QFileInfo(example.textPath).absoluteFilePath();
  ASSERT_TRUE(window.openExample(example));
  ASSERT_TRUE(waitFor([&] { return showing(window, model, text); }, kColourMs));
  ASSERT_TRUE(window.captionBar()->isVisible());
  NeuronSelection other = example.neuron;
  other.neuron = other.neuron == 0 ? 1 : other.neuron - 1;
  window.explorerPane()->setNeuronSelection(other);  // as Find, Match or the heatmap do
  EXPECT_TRUE(waitFor([&] { return !window.captionBar()->isVisible(); }, kColourMs));

  ASSERT_TRUE(window.openExample(example));
  ASSERT_TRUE(waitFor([&] { return showing(window, model, text); }, kColourMs));
  ASSERT_TRUE(window.captionBar()->isVisible());
  window.explorerPane()->comparison()->setColourBy(ComparisonController::ColourBy::kSurprisal);
  EXPECT_TRUE(waitFor([&] { return !window.captionBar()->isVisible(); }, kColourMs));
}

TEST(ShellExamples, TheEmptyExploreTabListsTheExamplesAndOpensTheOneClicked) {
  MainWindow window;
  window.resize(1200, 800);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ASSERT_GE(window.examples().size(), 2);
  const ExplorerWelcome* welcome = window.explorerPane()->welcome();
  ASSERT_TRUE(welcome->isVisible());
  QStringList titles;
  for (const Example& example : window.examples()) titles << example.title;
  EXPECT_EQ(welcome->exampleTitles(), titles);

  const Example& second = window.examples().at(1);
  auto* link = welcome->findChild<QPushButton*>(QStringLiteral("welcomeExample_1"));
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->text(), second.title);
  QTest::mouseClick(link, Qt::LeftButton);
  ASSERT_TRUE(waitFor(
      [&] {
        return showing(window, QFileInfo(second.modelPath).absoluteFilePath(),
                       QFileInfo(second.textPath).absoluteFilePath());
      },
      kColourMs));
  EXPECT_EQ(window.explorerPane()->neuronSelection(), second.neuron);
  EXPECT_EQ(window.captionBar()->title(), second.title);
  EXPECT_FALSE(welcome->isVisible());
  EXPECT_TRUE(window.explorerPane()->view()->isVisible());
}

TEST(ShellExamples, AnExamplePresetsFindsTargetAndFindRanksItsNeuronFirst) {
  MainWindow window;
  window.resize(1200, 800);
  window.show();
  const auto byId = [&window](const char* id) -> const Example* {
    for (const Example& example : window.examples())
      if (example.id == QLatin1String(id)) return &example;
    return nullptr;
  };
  const Example* url = byId("url-neuron");
  ASSERT_NE(url, nullptr);
  ASSERT_EQ(url->detector, QStringLiteral("url"));
  ASSERT_TRUE(window.openExample(*url));
  const QString text = QFileInfo(url->textPath).absoluteFilePath();
  ASSERT_TRUE(waitFor(
      [&] { return showing(window, QFileInfo(url->modelPath).absoluteFilePath(), text); },
      kColourMs));

  ExplorerPane* pane = window.explorerPane();
  auto* target = pane->findChild<QComboBox*>(QStringLiteral("finderDetectorCombo"));
  auto* quantity = pane->findChild<QComboBox*>(QStringLiteral("finderQuantityCombo"));
  ASSERT_NE(target, nullptr);
  ASSERT_NE(quantity, nullptr);
  // Not what the text alone would pick: the Example named it.
  ASSERT_NE(text_defaults::defaultDetector(pane->text()), "url");
  EXPECT_EQ(target->currentData().toString(), QStringLiteral("url"));
  EXPECT_EQ(quantity->currentData().toInt(), static_cast<int>(url->neuron.quantity));

  QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("finderRunButton")),
                    Qt::LeftButton);
  ASSERT_TRUE(waitFor(
      [&] { return !pane->finder()->isBusy() && !pane->finder()->findResults().empty(); },
      kColourMs))
      << pane->finder()->findStatus().toStdString();
  const cellscope::NeuronScore& best = pane->finder()->findResults().front();
  EXPECT_EQ(best.layer, url->neuron.layer);
  EXPECT_EQ(best.neuron, url->neuron.neuron);
  EXPECT_EQ(pane->neuronSelection(), url->neuron);

  // The quote Example on the same text names its own target.
  const Example* quote = byId("quote-neuron");
  ASSERT_NE(quote, nullptr);
  ASSERT_TRUE(window.openExample(*quote));
  ASSERT_TRUE(waitFor([&] { return showing(window, window.modelPath(), text); }, kColourMs));
  EXPECT_EQ(target->currentData().toString(), quote->detector);

  // A text opened by hand gets the automatic target again.
  const QString dialogue = QDir(defaultDataDir()).filePath(QStringLiteral("demo/dialogue.txt"));
  window.openText(dialogue);
  ASSERT_TRUE(waitFor(
      [&] {
        return showing(window, window.modelPath(), QFileInfo(dialogue).absoluteFilePath());
      },
      kColourMs));
  EXPECT_EQ(target->currentData().toString().toStdString(),
            text_defaults::defaultDetector(pane->text()));
}

TEST(ShellStartup, WithNothingToReopenOpensTheFirstExample) {
  MainWindow window;
  window.show();
  window.openAtStart();
  ASSERT_FALSE(window.examples().isEmpty());
  const Example& first = window.examples().first();
  ASSERT_TRUE(waitFor(
      [&] {
        return showing(window, QFileInfo(first.modelPath).absoluteFilePath(),
                       QFileInfo(first.textPath).absoluteFilePath());
      },
      kColourMs));
  EXPECT_EQ(window.explorerPane()->neuronSelection(), first.neuron);
  EXPECT_TRUE(window.captionBar()->isVisible());
}

TEST(ShellStartup, ReopensTheLastModelAndTextWhenTheyStillExist) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString data = defaultDataDir();
  const QString model = QDir(dir.path()).filePath(QStringLiteral("shakespeare.csm"));
  const QString text = QDir(dir.path()).filePath(QStringLiteral("dialogue.txt"));
  ASSERT_TRUE(QFile::copy(QDir(data).filePath(QStringLiteral("models/default.csm")), model));
  ASSERT_TRUE(QFile::copy(QDir(data).filePath(QStringLiteral("demo/dialogue.txt")), text));
  {
    QSettings settings;
    settings.setValue(QStringLiteral("lastModelPath"), model);
    settings.setValue(QStringLiteral("lastTextPath"), text);
  }
  MainWindow window;
  window.show();
  window.openAtStart();
  ASSERT_TRUE(waitFor([&] { return showing(window, model, text); }, kColourMs));
  EXPECT_FALSE(window.captionBar()->isVisible());
}

TEST(ShellStartup, OpensTheFirstExampleWhenTheLastModelIsGone) {
  {
    QSettings settings;
    settings.setValue(QStringLiteral("lastModelPath"),
                      QDir::temp().filePath(QStringLiteral("cellscope-no-such-model.csm")));
  }
  MainWindow window;
  window.openAtStart();
  const Example& first = window.examples().first();
  ASSERT_TRUE(waitFor(
      [&] { return window.modelPath() == QFileInfo(first.modelPath).absoluteFilePath(); },
      kColourMs));
}

TEST(ShellStartup, SomethingOpenedFirstWins) {
  const Example first = loadExamples(defaultDataDir()).examples.at(1);  // not the default
  MainWindow window;
  window.openAtStart();
  ASSERT_TRUE(window.openModel(first.modelPath));
  const QString opened = window.modelPath();
  QTest::qWait(50);  // the deferred start has run
  EXPECT_EQ(window.modelPath(), opened);
  EXPECT_FALSE(window.captionBar()->isVisible());
}

TEST(ShellHelp, ShortcutListHasEveryActionsShortcutAndTheSteppingKeys) {
  MainWindow window;
  auto* extra = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_J), &window);
  extra->setWhatsThis(QStringLiteral("Jump somewhere"));
  const QList<ShortcutEntry> shortcuts = collectShortcuts(&window);
  QStringList listed;
  for (const ShortcutEntry& entry : shortcuts) listed << entry.keys + QLatin1Char('|') + entry.what;
  int actionsWithKeys = 0;
  for (const QAction* action : window.findChildren<QAction*>()) {
    if (action->shortcut().isEmpty()) continue;
    ++actionsWithKeys;
    const QString keys = action->shortcut().toString(QKeySequence::NativeText);
    EXPECT_TRUE(listed.filter(keys + QLatin1Char('|')).size() > 0) << keys.toStdString();
  }
  EXPECT_GE(actionsWithKeys, 4);  // Open, Open Text, Paste, What Am I Looking At (+ Quit)
  const QString all = listed.join(QLatin1Char('\n'));
  for (const char* key : {"Ctrl+O", "Ctrl+T", "Ctrl+Shift+V", "F1", "→  or  ]", "←  or  [",
                          "↑  /  ↓", "Ctrl+J|Jump somewhere"})
    EXPECT_TRUE(all.contains(QString::fromUtf8(key))) << key << "\n" << all.toStdString();

  window.shortcutsAction()->trigger();
  auto* dialog = window.findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
  ASSERT_NE(dialog, nullptr);
  EXPECT_TRUE(dialog->isVisible());
  const QString page = dialog->findChild<QTextBrowser*>()->toPlainText();
  EXPECT_TRUE(page.contains(QStringLiteral("Open Model"))) << page.toStdString();
  EXPECT_TRUE(page.contains(QStringLiteral("Ctrl+T")));
  window.shortcutsAction()->trigger();  // raised again, not a second copy
  EXPECT_EQ(window.findChildren<QDialog*>(QStringLiteral("shortcutsDialog")).size(), 1);
}

TEST(ShellHelp, WhatAmILookingAtExplainsQuantitiesColoursAndKeys) {
  MainWindow window;
  EXPECT_EQ(window.lookingAtAction()->shortcut(), QKeySequence(QKeySequence::HelpContents));
  window.lookingAtAction()->trigger();
  auto* dialog = window.findChild<QDialog*>(QStringLiteral("lookingAtDialog"));
  ASSERT_NE(dialog, nullptr);
  const QString page = dialog->findChild<QTextBrowser*>()->toPlainText();
  for (const char* words : {"tanh(c)", "hidden", "forget", "blue", "red", "Hover", "Find",
                            "Match", "Saturation", "→", "["})
    EXPECT_TRUE(page.contains(QString::fromUtf8(words))) << words;
}

}  // namespace
