// Desktop-convention tests, offscreen, on a tiny LSTM saved in a QTemporaryDir: recent files,
// drops, Paste Text, --neuron/--quantity and the remembered neuron, the generator's "Explore" and
// training samples reaching the explorer, export, the validation split and the theme. The pure
// helpers (RecentFiles, dropped_files, startupNeuron, loadValidationSplit, theme) are tested
// without a MainWindow. Window tests clear the settings they touch, before and after.
#include <gtest/gtest.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include "checkpoint.h"
#include "shell/dropped_files.h"
#include "explore/explorer_pane.h"
#include "generate/generation_column.h"
#include "generate/generator_pane.h"
#include "shell/main_window.h"
#include "model.h"
#include "shell/neuron_override.h"
#include "shell/recent_files.h"
#include "shell/theme.h"
#include "train/training_pane.h"
#include "ui_test_util.h"
#include "shell/validation_split.h"

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

TEST(DesktopTest, RecentFilesKeepsTwoListsFillsItsMenuAndPersists) {
  RecentFiles recent;
  for (int i = 0; i < 10; ++i) recent.add(QStringLiteral("/m/%1.csm").arg(i), true);
  recent.add(QStringLiteral("/t/a.txt"), false);
  recent.add(QStringLiteral("/m/5.csm"), true);
  EXPECT_EQ(recent.models().size(), RecentFiles::kLimit);
  EXPECT_EQ(recent.models().front(), QStringLiteral("/m/5.csm"));
  EXPECT_EQ(recent.models().count(QStringLiteral("/m/5.csm")), 1);
  EXPECT_EQ(recent.texts(), QStringList{QStringLiteral("/t/a.txt")});

  // The menu: a Models and a Texts section, one entry per path, Clear Recent.
  QMenu menu;
  recent.attachTo(&menu);
  emit menu.aboutToShow();
  QStringList texts;
  QAction* textEntry = nullptr;
  QAction* clear = nullptr;
  for (QAction* action : menu.actions()) {
    texts << action->text();
    if (action->data().toString() == QStringLiteral("/t/a.txt")) textEntry = action;
    if (action->objectName() == QStringLiteral("actionClearRecent")) clear = action;
  }
  EXPECT_TRUE(texts.contains(QStringLiteral("Models")));
  EXPECT_TRUE(texts.contains(QStringLiteral("Texts")));
  EXPECT_TRUE(texts.contains(QString::fromUtf8("&1 5.csm  —  /m")))
      << texts.join('|').toStdString();
  ASSERT_NE(textEntry, nullptr);
  ASSERT_NE(clear, nullptr);
  EXPECT_TRUE(clear->isEnabled());
  QSignalSpy spy(&recent, &RecentFiles::openRequested);
  textEntry->trigger();
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(spy.at(0).at(0).toString(), QStringLiteral("/t/a.txt"));
  EXPECT_FALSE(spy.at(0).at(1).toBool());

  // Saved under recent/models and recent/texts, read back the same.
  QTemporaryDir dir;
  QSettings settings(dir.filePath(QStringLiteral("recent.ini")), QSettings::IniFormat);
  recent.save(settings);
  EXPECT_EQ(settings.value(QStringLiteral("recent/models")).toStringList(), recent.models());
  RecentFiles loaded;
  loaded.load(settings);
  EXPECT_EQ(loaded.models(), recent.models());
  EXPECT_EQ(loaded.texts(), recent.texts());

  recent.remove(QStringLiteral("/t/a.txt"), false);
  EXPECT_TRUE(recent.texts().isEmpty());
  clear->trigger();
  EXPECT_TRUE(recent.models().isEmpty());
  emit menu.aboutToShow();
  ASSERT_FALSE(menu.actions().isEmpty());
  EXPECT_EQ(menu.actions().front()->text(), QStringLiteral("No recent files"));
  EXPECT_FALSE(menu.actions().front()->isEnabled());
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
    EXPECT_EQ(window.recentFiles()->models(), QStringList({f.model, second}));
    window.openText(f.text);
    ASSERT_TRUE(waitFor([&] { return window.recentFiles()->texts() == QStringList{f.text}; }));
    window.close();  // writeSettings()
  }
  MainWindow again;
  EXPECT_EQ(again.recentFiles()->models(), QStringList({f.model, second}));
  EXPECT_EQ(again.recentFiles()->texts(), QStringList{f.text});

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
  EXPECT_EQ(again.recentFiles()->models(), QStringList{f.model});

  again.recentFiles()->clear();
  EXPECT_TRUE(again.recentFiles()->models().isEmpty());
  EXPECT_TRUE(again.recentFiles()->texts().isEmpty());
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

TEST(DesktopTest, DroppedFilesAreLocalFilesAndOpenAModelAndAText) {
  Files f;
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(f.text), QUrl::fromLocalFile(f.dir.path()),
                QUrl(QStringLiteral("https://example.com/a.txt")), QUrl::fromLocalFile(f.model)});
  EXPECT_EQ(droppedFiles(&mime), QStringList({f.text, f.model}));
  EXPECT_TRUE(droppedFiles(nullptr).isEmpty());
  EXPECT_TRUE(isModelPath(QStringLiteral("/a/B.CSM")));
  EXPECT_FALSE(isModelPath(QStringLiteral("/a/b.csm.txt")));
  const FilesToOpen open = filesToOpen({QStringLiteral("/a.txt"), QStringLiteral("/b.csm"),
                                        QStringLiteral("/c.csm"), QStringLiteral("/d.txt")});
  EXPECT_EQ(open.model, QStringLiteral("/b.csm"));
  EXPECT_EQ(open.text, QStringLiteral("/a.txt"));
  EXPECT_TRUE(filesToOpen({QStringLiteral("/x.csm")}).text.isEmpty());
  EXPECT_TRUE(filesToOpen({QStringLiteral("/x.txt")}).model.isEmpty());
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

TEST(DesktopTest, StartupNeuronIsTheRememberedOneUnderTheOverride) {
  cellscope::ModelConfig config;
  config.cell = cellscope::CellType::kLstm;
  config.vocab_size = 10;
  config.hidden_size = 8;
  config.num_layers = 2;
  NeuronSelection current;
  current.neuron = 1;
  NeuronSelection remembered;
  remembered.neuron = 6;
  remembered.quantity = cellscope::Quantity::kCell;
  std::optional<NeuronSelection> s = startupNeuron(config, current, remembered, {}, nullptr);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->neuron, 6);
  EXPECT_EQ(s->quantity, cellscope::Quantity::kCell);
  // A remembered neuron this model lacks is passed over.
  remembered.neuron = 60;
  s = startupNeuron(config, current, remembered, {}, nullptr);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->neuron, 1);
  // The override goes over it; one the model lacks is refused with the engine's reason.
  NeuronOverride override;
  override.layer = 1;
  override.neuron = 2;
  s = startupNeuron(config, current, std::nullopt, override, nullptr);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->layer, 1);
  EXPECT_EQ(s->neuron, 2);
  EXPECT_EQ(s->quantity, current.quantity);
  override.neuron = 99;
  QString why;
  EXPECT_FALSE(startupNeuron(config, current, std::nullopt, override, &why).has_value());
  EXPECT_TRUE(why.contains(QStringLiteral("99"))) << why.toStdString();

  // The remembered neuron's settings: written, read back; an unknown quantity reads as none.
  QTemporaryDir dir;
  QSettings settings(dir.filePath(QStringLiteral("neuron.ini")), QSettings::IniFormat);
  EXPECT_FALSE(readRememberedNeuron(settings).has_value());
  NeuronSelection saved;
  saved.layer = 1;
  saved.neuron = 3;
  saved.quantity = cellscope::Quantity::kForget;
  writeRememberedNeuron(settings, saved);
  EXPECT_EQ(settings.value(QStringLiteral("explorer/quantity")).toString(),
            QStringLiteral("forget"));
  const std::optional<NeuronSelection> read = readRememberedNeuron(settings);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->layer, 1);
  EXPECT_EQ(read->neuron, 3);
  EXPECT_EQ(read->quantity, cellscope::Quantity::kForget);
  settings.setValue(QStringLiteral("explorer/quantity"), QStringLiteral("nonsense"));
  EXPECT_FALSE(readRememberedNeuron(settings).has_value());
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
  ASSERT_TRUE(window.exportTo(explorer_export::Format::kHtml, html));
  ASSERT_TRUE(window.exportTo(explorer_export::Format::kPng, png));
  ASSERT_TRUE(window.exportTo(explorer_export::Format::kCsv, csv));
  QFile csvFile(csv);
  ASSERT_TRUE(csvFile.open(QIODevice::ReadOnly));
  const QByteArray first = csvFile.readLine();
  // The neuron the explorer opened on (its choice of a start neuron is the explorer's business).
  const NeuronSelection shown = window.explorerPane()->neuronSelection();
  const QByteArray header = QStringLiteral("# layer=%1 neuron=%2 quantity=tanh-cell model=model.csm")
                                .arg(shown.layer)
                                .arg(shown.neuron)
                                .toUtf8();
  EXPECT_TRUE(first.startsWith(header)) << first.toStdString();
  EXPECT_FALSE(QImage(png).isNull());
  EXPECT_GT(QFileInfo(html).size(), 1000);

  MessageBoxCatcher catcher;
  const QString bad = f.dir.filePath(QStringLiteral("text.txt/out.html"));
  EXPECT_FALSE(window.exportTo(explorer_export::Format::kHtml, bad));
  EXPECT_TRUE(catcher.seen());
  EXPECT_EQ(catcher.icon(), QMessageBox::Critical);
  EXPECT_TRUE(catcher.text().contains(bad)) << catcher.text().toStdString();
}

// File → Export's path: the file is written on a worker thread; the window stays usable and
// says so in the status bar; a failure still ends in an error box naming the file.
TEST(DesktopTest, ExportFromTheMenuRunsOffTheGuiThread) {
  SettingsGuard guard;
  Files f;
  MainWindow window;
  ASSERT_TRUE(window.openModel(f.model));
  window.openText(f.text);
  ASSERT_TRUE(waitFor([&] { return window.exportCsvAction()->isEnabled(); }));
  const QString csv = f.dir.filePath(QStringLiteral("background.csv"));
  QPointer<QThread> thread = window.exportInBackground(explorer_export::Format::kCsv, csv);
  ASSERT_NE(thread.data(), nullptr);
  EXPECT_NE(thread.data(), QThread::currentThread());
  ASSERT_TRUE(waitFor([&] { return window.statusBar()->currentMessage().contains(csv); }));
  QFile file(csv);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  EXPECT_TRUE(file.readLine().startsWith("# layer=1"));

  MessageBoxCatcher catcher;
  const QString bad = f.dir.filePath(QStringLiteral("text.txt/out.png"));
  window.exportInBackground(explorer_export::Format::kPng, bad);
  ASSERT_TRUE(waitFor([&] { return catcher.seen(); }));
  EXPECT_TRUE(catcher.text().contains(bad)) << catcher.text().toStdString();
  EXPECT_FALSE(QFileInfo::exists(bad));
  ASSERT_TRUE(waitFor([&] { return thread.isNull(); }));  // it deleted itself
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
  QPointer<QThread> reader = window.exploreValidationSplit({f.text}, QStringLiteral("*"));
  ASSERT_NE(reader.data(), nullptr);
  EXPECT_NE(reader.data(), QThread::currentThread());  // the corpus is read off the GUI thread
  const std::u32string corpus = QString::fromUtf8(kCorpus).toStdU32String();
  const std::size_t nVal = corpus.size() / 10;  // floor(0.1 · N)
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }));
  EXPECT_EQ(window.explorerPane()->text(), corpus.substr(corpus.size() - nVal));
  EXPECT_TRUE(window.explorerPane()->textTitle().startsWith(QStringLiteral("Validation split")));

  MessageBoxCatcher catcher;
  window.exploreValidationSplit({f.dir.filePath(QStringLiteral("gone.txt"))}, QStringLiteral("*"));
  ASSERT_TRUE(waitFor([&] { return catcher.seen(); }));
  EXPECT_TRUE(catcher.text().contains(QStringLiteral("gone.txt"))) << catcher.text().toStdString();
}

// A model that records its corpus (as the trainer writes it): the menu action finds the split
// with no question asked.
TEST(DesktopTest, ValidationSplitOfAModelThatRecordsItsCorpus) {
  SettingsGuard guard;
  Files f;
  cellscope::ModelFile file = cellscope::load_model_file(QFile::encodeName(f.model).toStdString());
  file.corpus_paths = {QFile::encodeName(f.text).toStdString()};
  const QString recorded = f.dir.filePath(QStringLiteral("recorded.csm"));
  cellscope::save_model_file(QFile::encodeName(recorded).toStdString(), file);
  MainWindow window;
  ASSERT_TRUE(window.openModel(recorded));
  MessageBoxCatcher catcher;
  window.validationSplitAction()->trigger();
  const std::u32string corpus = QString::fromUtf8(kCorpus).toStdU32String();
  ASSERT_TRUE(waitFor([&] { return window.explorerPane()->isColoured(); }));
  EXPECT_FALSE(catcher.seen()) << catcher.text().toStdString();
  EXPECT_EQ(window.explorerPane()->text(), corpus.substr(corpus.size() - corpus.size() / 10));
}

TEST(DesktopTest, ValidationSplitLoadsWithoutAWindow) {
  Files f;
  cellscope::ModelFile model = cellscope::load_model_file(QFile::encodeName(f.model).toStdString());
  const ValidationSplit split = loadValidationSplit(model, f.model, {f.text}, QStringLiteral("*"));
  ASSERT_TRUE(split.ok()) << split.error.toStdString();
  const std::u32string corpus = QString::fromUtf8(kCorpus).toStdU32String();
  EXPECT_EQ(split.text, corpus.substr(corpus.size() - corpus.size() / 10));
  EXPECT_EQ(split.title, QStringLiteral("Validation split of text.txt (last 10%)"));

  const ValidationSplit missing = loadValidationSplit(
      model, f.model, {f.dir.filePath(QStringLiteral("gone.txt"))}, QStringLiteral("*"));
  EXPECT_FALSE(missing.ok());
  EXPECT_TRUE(missing.text.empty());
  EXPECT_TRUE(missing.error.contains(QStringLiteral("gone.txt"))) << missing.error.toStdString();

  model.train.val_frac = 0.0;
  const ValidationSplit none = loadValidationSplit(model, f.model, {f.text}, QStringLiteral("*"));
  EXPECT_TRUE(none.error.contains(QStringLiteral("model.csm"))) << none.error.toStdString();
  EXPECT_TRUE(none.error.contains(QStringLiteral("val-frac 0")));
}

TEST(DesktopTest, ThemeNamesDarkPaletteActionsAndApplying) {
  for (const Theme theme : {Theme::kSystem, Theme::kLight, Theme::kDark})
    EXPECT_EQ(themeFromName(themeName(theme)), theme);
  EXPECT_EQ(themeName(Theme::kDark), QStringLiteral("dark"));
  EXPECT_EQ(themeFromName(QStringLiteral("purple"), Theme::kLight), Theme::kLight);

  const QPalette dark = darkPalette();
  EXPECT_LT(dark.color(QPalette::Window).lightness(), 80);
  EXPECT_LT(dark.color(QPalette::Base).lightness(), 80);
  EXPECT_GT(dark.color(QPalette::Text).lightness(), 180);
  EXPECT_LT(dark.color(QPalette::Disabled, QPalette::Text).lightness(),
            dark.color(QPalette::Text).lightness());

  QObject owner;
  const QActionGroup* group = createThemeActions(&owner);
  ASSERT_EQ(group->actions().size(), kThemeCount);
  EXPECT_TRUE(group->isExclusive());
  EXPECT_TRUE(group->actions().at(0)->isChecked());
  EXPECT_EQ(group->actions().at(2)->objectName(), QStringLiteral("actionTheme_dark"));
  EXPECT_EQ(group->actions().at(2)->data().toInt(), static_cast<int>(Theme::kDark));

  const QColor systemWindow = QApplication::palette().color(QPalette::Window);
  const QString systemStyle = QApplication::style()->name();
  applyTheme(Theme::kDark);
  EXPECT_EQ(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
  EXPECT_EQ(QApplication::palette().color(QPalette::Window), dark.color(QPalette::Window));
  applyTheme(Theme::kSystem);
  EXPECT_EQ(QApplication::palette().color(QPalette::Window), systemWindow);
  EXPECT_EQ(QApplication::style()->name(), systemStyle);
}

TEST(DesktopTest, DarkThemeIsAppliedAndRemembered) {
  SettingsGuard guard;
  const QColor systemWindow = QApplication::palette().color(QPalette::Window);
  {
    MainWindow window;
    window.setTheme(Theme::kDark);
    EXPECT_EQ(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    EXPECT_LT(QApplication::palette().color(QPalette::Window).lightness(), 80);
    window.close();
  }
  MainWindow again;
  EXPECT_EQ(again.theme(), Theme::kDark);
  again.setTheme(Theme::kSystem);
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
  MessageBoxCatcher catcher;  // reopening it would end in a "no such file" box
  MainWindow vanished(f.model);
  ASSERT_TRUE(waitFor([&] { return vanished.model() != nullptr; }));
  // The text would be opened right after the model, in the same step: nothing is being read.
  EXPECT_FALSE(vanished.explorerPane()->isProbing());
  QTest::qWait(50);
  EXPECT_FALSE(catcher.seen()) << catcher.text().toStdString();
  EXPECT_TRUE(vanished.explorerPane()->textTitle().isEmpty());
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
