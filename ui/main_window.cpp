// MainWindow: menus, model loading through the engine's load_model_file, drops, and settings.
// Loading catches every exception: a bad file ends in an error box, never in a crash.
// Settings keys: mainWindow/geometry, mainWindow/state, mainWindow/tab, lastModelPath,
// lastTextPath, recent/models, recent/texts, view/theme, explorer/{layer,neuron,quantity},
// export/dir, generator/* (GeneratorSettings), training/* (TrainingSettings).
#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QRegularExpression>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <exception>
#include <new>

#include "activation_text_view.h"
#include "checkpoint.h"
#include "corpus.h"
#include "error.h"
#include "explorer_export.h"
#include "explorer_pane.h"
#include "generator_pane.h"
#include "model_overview_pane.h"
#include "probe.h"
#include "training_pane.h"

namespace {

const char kGeometryKey[] = "mainWindow/geometry";
const char kStateKey[] = "mainWindow/state";
const char kTabKey[] = "mainWindow/tab";
const char kLastModelKey[] = "lastModelPath";
const char kPrimeKey[] = "generator/prime";
const char kLengthKey[] = "generator/length";
const char kSeedKey[] = "generator/seed";
const char kTemperatureKey[] = "generator/temperature";
const char kCompareTemperatureKey[] = "generator/compareTemperature";
const char kArgmaxKey[] = "generator/argmax";
const char kTopKKey[] = "generator/topK";
const char kCompareKey[] = "generator/compare";
const char kLastTextKey[] = "lastTextPath";
const char kRecentModelsKey[] = "recent/models";
const char kRecentTextsKey[] = "recent/texts";
const char kThemeKey[] = "view/theme";
const char kLayerKey[] = "explorer/layer";
const char kNeuronKey[] = "explorer/neuron";
const char kQuantityKey[] = "explorer/quantity";
const char kExportDirKey[] = "export/dir";

constexpr int kRecentLimit = 8;
const char* const kThemeNames[] = {"system", "light", "dark"};

struct ExportKind {
  const char* menuText;
  const char* objectName;
  const char* suffix;
  const char* filter;
};
const ExportKind kExportKinds[] = {
    {QT_TRANSLATE_NOOP("MainWindow", "&HTML…"), "actionExportHtml", "html",
     QT_TRANSLATE_NOOP("MainWindow", "HTML pages (*.html)")},
    {QT_TRANSLATE_NOOP("MainWindow", "&PNG…"), "actionExportPng", "png",
     QT_TRANSLATE_NOOP("MainWindow", "PNG images (*.png)")},
    {QT_TRANSLATE_NOOP("MainWindow", "&CSV…"), "actionExportCsv", "csv",
     QT_TRANSLATE_NOOP("MainWindow", "CSV files (*.csv)")},
};

QPalette darkPalette() {
  QPalette p;
  const QColor window(45, 45, 48), base(30, 30, 32), text(220, 220, 220), disabled(128, 128, 128);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, base);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, disabled);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::red);
  p.setColor(QPalette::Link, QColor(90, 160, 255));
  p.setColor(QPalette::Highlight, QColor(42, 130, 218));
  p.setColor(QPalette::HighlightedText, Qt::black);
  for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, disabled);
  return p;
}

// The local files among `mime`'s URLs (folders and remote URLs left out), in order.
QStringList droppedFiles(const QMimeData* mime) {
  QStringList files;
  if (mime == nullptr || !mime->hasUrls()) return files;
  for (const QUrl& url : mime->urls()) {
    if (!url.isLocalFile()) continue;
    const QFileInfo info(url.toLocalFile());
    if (info.isFile()) files << info.absoluteFilePath();
  }
  return files;
}

bool isModelPath(const QString& path) {
  return path.endsWith(QStringLiteral(".csm"), Qt::CaseInsensitive);
}

// Shows the wait cursor while a (possibly large) model file is read.
class WaitCursor {
 public:
  WaitCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
  ~WaitCursor() { QApplication::restoreOverrideCursor(); }
  WaitCursor(const WaitCursor&) = delete;
  WaitCursor& operator=(const WaitCursor&) = delete;
};

}  // namespace

NeuronSelection NeuronOverride::appliedTo(NeuronSelection selection) const {
  if (layer) selection.layer = *layer;
  if (neuron) selection.neuron = *neuron;
  if (quantity) selection.quantity = *quantity;
  return selection;
}

bool parseNeuronOverride(const QString& neuron, const QString& quantity, NeuronOverride* out,
                         QString* error) {
  NeuronOverride parsed;
  if (!neuron.isEmpty()) {
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d{1,6})\\s*:\\s*(\\d{1,9})\\s*$"));
    const QRegularExpressionMatch match = pattern.match(neuron);
    if (!match.hasMatch()) {
      if (error != nullptr)
        *error = QStringLiteral("bad --neuron '%1': expected LAYER:NEURON, both from 0 (e.g. 1:37)")
                     .arg(neuron);
      return false;
    }
    parsed.layer = match.captured(1).toInt();
    parsed.neuron = match.captured(2).toInt();
  }
  if (!quantity.isEmpty()) {
    try {
      parsed.quantity = cellscope::parse_quantity(quantity.trimmed().toStdString());
    } catch (const std::exception&) {
      if (error != nullptr)
        *error = QStringLiteral("bad --quantity '%1': expected one of %2")
                     .arg(quantity,
                          QString::fromStdString(cellscope::quantity_names()).replace('|', ", "));
      return false;
    }
  }
  if (out != nullptr) *out = parsed;
  return true;
}

QStringList withRecent(QStringList list, const QString& path, int limit) {
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > limit) list.removeLast();
  return list;
}

MainWindow::MainWindow(const QString& modelPath, const QString& textPath, QWidget* parent)
    : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("CellScope"));

  explorerPane_ = new ExplorerPane;
  overviewPane_ = new ModelOverviewPane;
  generatorPane_ = new GeneratorPane;
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("mainTabs"));
  tabs_->setDocumentMode(true);
  tabs_->addTab(explorerPane_, tr("Explore"));
  tabs_->addTab(overviewPane_, tr("Model"));
  tabs_->addTab(generatorPane_, tr("Generate"));
  trainingPane_ = new TrainingPane;
  tabs_->addTab(trainingPane_, tr("Train"));
  connect(trainingPane_, &TrainingPane::openModelRequested, this, [this](const QString& path) {
    if (openModel(path)) tabs_->setCurrentWidget(overviewPane_);
  });
  connect(trainingPane_, &TrainingPane::finished, this, [this] {
    if (closeAfterTraining_) close();
  });
  connect(trainingPane_, &TrainingPane::sampleActivated, this,
          [this](qint64 iteration, const QString& text) {
            exploreText(tr("Sample at iteration %1").arg(iteration), text.toStdU32String());
          });
  connect(generatorPane_, &GeneratorPane::exploreRequested, this,
          [this](const QString& text, double temperature) {
            exploreText(tr("Generated text (T=%1)").arg(temperature, 0, 'f', 2),
                        text.toStdU32String());
          });
  connect(explorerPane_, &ExplorerPane::colouringFinished, this, [this] {
    const QString path = explorerPane_->textPath();
    if (!path.isEmpty()) {
      recentTexts_ = withRecent(recentTexts_, QFileInfo(path).absoluteFilePath(), kRecentLimit);
      lastTextPath_ = QFileInfo(path).absoluteFilePath();
    }
    updateExportActions();
  });
  setCentralWidget(tabs_);
  setAcceptDrops(true);

  createActions();
  createMenus();
  statusBar()->showMessage(tr("No model loaded"));
  readSettings();
  updateExportActions();

  if (!modelPath.isEmpty()) {
    QTimer::singleShot(0, this, [this, modelPath, textPath] {
      if (!openModel(modelPath)) return;
      QString text = textPath;
      if (text.isEmpty() && !lastTextPath_.isEmpty() && QFileInfo(lastTextPath_).isFile())
        text = lastTextPath_;  // the text explored last time, when it still exists
      if (!text.isEmpty()) openText(text);
    });
  }
}

MainWindow::~MainWindow() = default;

QString MainWindow::version() {
  return QStringLiteral(CELLSCOPE_VERSION);
}

void MainWindow::createActions() {
  openModelAction_ = new QAction(tr("&Open Model…"), this);
  openModelAction_->setObjectName(QStringLiteral("actionOpenModel"));
  openModelAction_->setShortcut(QKeySequence::Open);
  openModelAction_->setStatusTip(tr("Open a CellScope model file (.csm)"));
  connect(openModelAction_, &QAction::triggered, this, &MainWindow::chooseModel);

  openTextAction_ = new QAction(tr("Open &Text…"), this);
  openTextAction_->setObjectName(QStringLiteral("actionOpenText"));
  openTextAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  openTextAction_->setStatusTip(tr("Open a text to colour by a neuron of the model"));
  connect(openTextAction_, &QAction::triggered, this, [this] {
    tabs_->setCurrentWidget(explorerPane_);
    explorerPane_->chooseText();
  });

  pasteTextAction_ = new QAction(tr("&Paste Text"), this);
  pasteTextAction_->setObjectName(QStringLiteral("actionPasteText"));
  pasteTextAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
  pasteTextAction_->setStatusTip(tr("Explore the clipboard's text"));
  connect(pasteTextAction_, &QAction::triggered, this, &MainWindow::pasteText);

  validationSplitAction_ = new QAction(tr("Explore &Validation Split"), this);
  validationSplitAction_->setObjectName(QStringLiteral("actionValidationSplit"));
  validationSplitAction_->setStatusTip(
      tr("Explore the held-out end of the corpus the model was trained on"));
  connect(validationSplitAction_, &QAction::triggered, this, &MainWindow::chooseValidationSplit);

  for (int k = 0; k < 3; ++k) {
    const ExportKind& kind = kExportKinds[k];
    exportActions_[k] = new QAction(tr(kind.menuText), this);
    exportActions_[k]->setObjectName(QLatin1String(kind.objectName));
    exportActions_[k]->setStatusTip(tr("Export the coloured text (available once coloured)"));
    connect(exportActions_[k], &QAction::triggered, this,
            [this, k] { chooseExportFile(static_cast<ExportFormat>(k)); });
  }

  themeGroup_ = new QActionGroup(this);
  themeGroup_->setExclusive(true);
  const char* const themeTexts[] = {QT_TR_NOOP("&System"), QT_TR_NOOP("&Light"),
                                    QT_TR_NOOP("&Dark")};
  for (int k = 0; k < 3; ++k) {
    QAction* action = themeGroup_->addAction(tr(themeTexts[k]));
    action->setObjectName(QStringLiteral("actionTheme_%1").arg(QLatin1String(kThemeNames[k])));
    action->setCheckable(true);
    action->setChecked(k == 0);
    connect(action, &QAction::triggered, this, [this, k] { setTheme(static_cast<Theme>(k)); });
  }

  quitAction_ = new QAction(tr("&Quit"), this);
  quitAction_->setObjectName(QStringLiteral("actionQuit"));
  quitAction_->setShortcut(QKeySequence::Quit);
  quitAction_->setMenuRole(QAction::QuitRole);
  connect(quitAction_, &QAction::triggered, this, &QWidget::close);

  aboutAction_ = new QAction(tr("&About CellScope"), this);
  aboutAction_->setObjectName(QStringLiteral("actionAbout"));
  aboutAction_->setMenuRole(QAction::AboutRole);
  connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::createMenus() {
  QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
  fileMenu->setObjectName(QStringLiteral("menuFile"));
  fileMenu->addAction(openModelAction_);
  fileMenu->addAction(openTextAction_);
  recentMenu_ = fileMenu->addMenu(tr("Open &Recent"));
  recentMenu_->setObjectName(QStringLiteral("menuRecent"));
  connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
  fileMenu->addAction(pasteTextAction_);
  fileMenu->addAction(validationSplitAction_);
  fileMenu->addSeparator();
  QMenu* exportMenu = fileMenu->addMenu(tr("&Export"));
  exportMenu->setObjectName(QStringLiteral("menuExport"));
  for (QAction* action : exportActions_) exportMenu->addAction(action);
  connect(fileMenu, &QMenu::aboutToShow, this, &MainWindow::updateExportActions);
  connect(exportMenu, &QMenu::aboutToShow, this, &MainWindow::updateExportActions);
  fileMenu->addSeparator();
  fileMenu->addAction(quitAction_);

  QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
  viewMenu->setObjectName(QStringLiteral("menuView"));
  QMenu* themeMenu = viewMenu->addMenu(tr("&Theme"));
  themeMenu->setObjectName(QStringLiteral("menuTheme"));
  themeMenu->addActions(themeGroup_->actions());

  QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->setObjectName(QStringLiteral("menuHelp"));
  helpMenu->addAction(aboutAction_);
}

void MainWindow::fillRecentMenu() {
  recentMenu_->clear();
  const auto addSection = [this](const QStringList& paths, bool isModel) {
    for (int i = 0; i < paths.size(); ++i) {
      const QFileInfo info(paths[i]);
      QAction* action = recentMenu_->addAction(
          QStringLiteral("&%1 %2  —  %3")
              .arg(i + 1)
              .arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath())));
      action->setData(paths[i]);
      action->setStatusTip(paths[i]);
      const QString path = paths[i];
      connect(action, &QAction::triggered, this,
              [this, path, isModel] { openRecent(path, isModel); });
    }
  };
  if (recentModels_.isEmpty() && recentTexts_.isEmpty()) {
    recentMenu_->addAction(tr("No recent files"))->setEnabled(false);
  } else {
    recentMenu_->addSection(tr("Models"));
    addSection(recentModels_, true);
    recentMenu_->addSection(tr("Texts"));
    addSection(recentTexts_, false);
  }
  recentMenu_->addSeparator();
  QAction* clear = recentMenu_->addAction(tr("&Clear Recent"), this, &MainWindow::clearRecent);
  clear->setObjectName(QStringLiteral("actionClearRecent"));
  clear->setEnabled(!recentModels_.isEmpty() || !recentTexts_.isEmpty());
}

bool MainWindow::openRecent(const QString& path, bool isModel) {
  if (!QFileInfo(path).isFile()) {
    QStringList& list = isModel ? recentModels_ : recentTexts_;
    list.removeAll(path);
    QMessageBox::information(this, tr("File not found"),
                             tr("%1 no longer exists; it was removed from the recent files.")
                                 .arg(QDir::toNativeSeparators(path)));
    return false;
  }
  if (isModel) return openModel(path);
  openText(path);
  return true;
}

void MainWindow::clearRecent() {
  recentModels_.clear();
  recentTexts_.clear();
}

void MainWindow::openText(const QString& path) {
  tabs_->setCurrentWidget(explorerPane_);
  explorerPane_->openText(path);
}

void MainWindow::exploreText(const QString& title, const std::u32string& text) {
  tabs_->setCurrentWidget(explorerPane_);
  explorerPane_->showText(title, text);
}

void MainWindow::pasteText() {
  const QString text = QApplication::clipboard()->text();
  if (text.isEmpty()) {
    statusBar()->showMessage(tr("The clipboard holds no text"), 5000);
    return;
  }
  exploreText(tr("Pasted text"), text.toStdU32String());
}

void MainWindow::chooseValidationSplit() {
  if (model_ == nullptr) {
    QMessageBox::information(this, tr("Explore Validation Split"),
                             tr("Open a model first: the validation split is the last part of "
                                "the corpus it was trained on."));
    return;
  }
  if (!(model_->train.val_frac > 0.0)) {
    exploreValidationSplit({}, QString());  // explains: trained without a validation split
    return;
  }
  // The .csm file records the split fraction but not the corpus. A model trained in this
  // app's Train tab (its output file) knows its corpus from the training settings.
  const TrainingSettings training = trainingPane_->settings();
  if (!training.corpusPaths.isEmpty() && !training.outputPath.isEmpty() &&
      QFileInfo(training.outputPath).absoluteFilePath() == modelPath_) {
    exploreValidationSplit(training.corpusPaths, training.glob);
    return;
  }
  const auto answer = QMessageBox::question(
      this, tr("Explore Validation Split"),
      tr("%1 does not record the corpus it was trained on, so its validation split (the last "
         "%2% of that corpus) cannot be found on its own.\n\nChoose the training corpus file?")
          .arg(QFileInfo(modelPath_).fileName())
          .arg(model_->train.val_frac * 100.0, 0, 'g', 3),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
  if (answer != QMessageBox::Yes) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Training Corpus"),
                                                    QFileInfo(modelPath_).absolutePath());
  if (!path.isEmpty()) exploreValidationSplit({path}, QStringLiteral("*"));
}

bool MainWindow::exploreValidationSplit(const QStringList& corpusPaths, const QString& glob) {
  QString message;
  if (model_ == nullptr) {
    message = tr("Open a model first.");
  } else if (!(model_->train.val_frac > 0.0)) {
    message = tr("%1 was trained without a validation split (val-frac 0).")
                  .arg(QFileInfo(modelPath_).fileName());
  } else {
    try {
      cellscope::CorpusOptions options;
      for (const QString& path : corpusPaths)
        options.paths.push_back(QFile::encodeName(path).toStdString());
      options.glob = glob.toStdString();
      options.replace_invalid = true;
      options.val_frac = model_->train.val_frac;
      const cellscope::Vocabulary vocabulary(model_->vocabulary);
      cellscope::Corpus corpus;
      {
        WaitCursor wait;
        corpus = cellscope::load_corpus(options, &vocabulary, /*allow_unknown=*/true);
      }
      std::u32string text(corpus.val.size(), U' ');
      for (std::size_t i = 0; i < text.size(); ++i) text[i] = vocabulary.code_point(corpus.val[i]);
      const QString name = corpusPaths.size() == 1 ? QFileInfo(corpusPaths[0]).fileName()
                                                   : tr("%1 corpus paths").arg(corpusPaths.size());
      exploreText(tr("Validation split of %1 (last %2%)")
                      .arg(name)
                      .arg(options.val_frac * 100.0, 0, 'g', 3),
                  text);
      return true;
    } catch (const std::exception& error) {
      message = QString::fromUtf8(error.what());
    }
  }
  QMessageBox::warning(this, tr("Cannot explore the validation split"), message);
  return false;
}

void MainWindow::updateExportActions() {
  const bool ready = explorerPane_->isColoured() && !explorerPane_->text().empty();
  for (QAction* action : exportActions_) action->setEnabled(ready);
}

void MainWindow::chooseExportFile(ExportFormat format) {
  const ExportKind& kind = kExportKinds[format];
  const NeuronSelection neuron = explorerPane_->neuronSelection();
  QString base = QFileInfo(explorerPane_->textTitle()).completeBaseName();
  base.replace(QRegularExpression(QStringLiteral("[^\\w.-]+")), QStringLiteral("-"));
  if (base.isEmpty()) base = QStringLiteral("text");
  const QString suggested = QDir(lastExportDir_.isEmpty() ? QDir::homePath() : lastExportDir_)
                                .filePath(QStringLiteral("%1-L%2N%3.%4")
                                              .arg(base)
                                              .arg(neuron.layer)
                                              .arg(neuron.neuron)
                                              .arg(QLatin1String(kind.suffix)));
  const QString path = QFileDialog::getSaveFileName(this, tr("Export"), suggested, tr(kind.filter));
  if (path.isEmpty()) return;
  lastExportDir_ = QFileInfo(path).absolutePath();
  exportTo(format, path);
}

bool MainWindow::exportTo(ExportFormat format, const QString& path) {
  QString error;
  if (!explorerPane_->isColoured()) {
    error = tr("Cannot write %1: the text is not coloured yet.").arg(path);
  } else {
    explorer_export::ExportedText exported;
    exported.text = explorerPane_->text();
    exported.values = explorerPane_->values();
    exported.colorMap = explorerPane_->view()->colorMap();
    exported.neuron = explorerPane_->neuronSelection();
    exported.modelName = QFileInfo(modelPath_).fileName();
    exported.source = explorerPane_->textTitle();
    bool ok = false;
    if (format == kHtml) {
      ok = explorer_export::writeAtomically(path, explorer_export::toHtml(exported), &error);
    } else if (format == kCsv) {
      ok = explorer_export::writeAtomically(path, explorer_export::toCsv(exported), &error);
    } else {
      ActivationTextView* view = explorerPane_->view();
      explorer_export::ImageOptions options;
      options.font = view->font();
      options.cell = view->cellSize();
      const int viewColumns = (view->viewport()->width() - 8) / std::max(1, options.cell.width());
      options.columns = view->isVisible() && viewColumns >= 20 ? viewColumns : 100;
      if (exported.text.size() > explorer_export::kWholeTextImageLimit) {
        // Only what the view shows: from its first visible line, one screen of lines.
        options.first = static_cast<std::size_t>(std::max(
            0, view->indexAt(QPoint(options.cell.width(), options.cell.height() / 2 + 4))));
        options.maxLines = view->viewport()->height() / std::max(1, options.cell.height()) + 1;
      }
      WaitCursor wait;
      const explorer_export::RenderedImage rendered =
          explorer_export::renderImage(exported, options);
      ok = explorer_export::writePng(path, rendered.image, &error);
    }
    if (ok) {
      statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 8000);
      return true;
    }
  }
  QMessageBox::critical(this, tr("Export failed"), error);
  return false;
}

void MainWindow::setTheme(Theme theme) {
  if (theme == theme_) return;
  // What "System" returns to: the application's style and palette before any theme was set.
  static const QString systemStyle = QApplication::style()->name();
  static const QPalette systemPalette = QApplication::palette();
  theme_ = theme;
  if (theme == Theme::kSystem) {
    QApplication::setStyle(QStyleFactory::create(systemStyle));
    QApplication::setPalette(systemPalette);
  } else {
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Theme::kDark ? darkPalette()
                                                   : QApplication::style()->standardPalette());
  }
  themeGroup_->actions().at(static_cast<int>(theme))->setChecked(true);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!droppedFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QStringList files = droppedFiles(event->mimeData());
  if (files.isEmpty()) return;  // folders and remote URLs are not ours
  event->acceptProposedAction();
  // Several files: the model first, then the first text.
  const auto model = std::find_if(files.begin(), files.end(), isModelPath);
  const auto text =
      std::find_if(files.begin(), files.end(), [](const QString& f) { return !isModelPath(f); });
  if (model != files.end() && !openModel(*model)) return;
  if (text != files.end()) openText(*text);
}

void MainWindow::applyStartupNeuron() {
  if (firstModelLoaded_) return;
  firstModelLoaded_ = true;
  const auto fits = [this](const NeuronSelection& s, QString* why) {
    try {
      cellscope::check_neuron(model_->model, s.layer, s.neuron, s.quantity);
      return true;
    } catch (const std::exception& error) {
      if (why != nullptr) *why = QString::fromUtf8(error.what());
      return false;
    }
  };
  // The remembered neuron when this model has it (else the pane's default), then the command
  // line's choices over it; a chosen neuron the model lacks is reported.
  NeuronSelection wanted = explorerPane_->neuronSelection();
  if (rememberedNeuron_ && fits(*rememberedNeuron_, nullptr)) wanted = *rememberedNeuron_;
  wanted = neuronOverride_.appliedTo(wanted);
  QString why;
  if (!fits(wanted, &why)) {
    QMessageBox::warning(this, tr("Neuron not in this model"), why);
    return;
  }
  explorerPane_->setNeuronSelection(wanted);
}

bool MainWindow::openModel(const QString& path) {
  const QString absolutePath = QFileInfo(path).absoluteFilePath();
  QString message;
  try {
    std::unique_ptr<cellscope::ModelFile> loaded;
    {
      WaitCursor wait;
      loaded = std::make_unique<cellscope::ModelFile>(
          cellscope::load_model_file(QFile::encodeName(absolutePath).toStdString()));
    }
    overviewPane_->setModel(*loaded, absolutePath);
    generatorPane_->setModel(*loaded);
    explorerPane_->setModel(*loaded);
    model_ = std::move(loaded);
    modelPath_ = absolutePath;
    lastModelPath_ = absolutePath;
    QSettings().setValue(kLastModelKey, lastModelPath_);
    recentModels_ = withRecent(recentModels_, absolutePath, kRecentLimit);
    applyStartupNeuron();
    setWindowTitle(tr("CellScope — %1").arg(QFileInfo(absolutePath).fileName()));
    statusBar()->showMessage(tr("Loaded %1").arg(absolutePath), 8000);
    return true;
  } catch (const cellscope::Error& error) {
    message = QString::fromUtf8(error.what());  // already names the file and the cause
  } catch (const std::bad_alloc&) {
    message = tr("Cannot open %1: not enough memory to load it.").arg(absolutePath);
  } catch (const std::exception& error) {
    message = tr("Cannot open %1: %2").arg(absolutePath, QString::fromUtf8(error.what()));
  } catch (...) {
    message = tr("Cannot open %1: unknown error.").arg(absolutePath);
  }
  statusBar()->showMessage(tr("Could not open %1").arg(absolutePath), 8000);
  QMessageBox::critical(this, tr("Cannot open model"), message);
  return false;
}

void MainWindow::chooseModel() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), lastModelPath_,
                                                    tr("CellScope models (*.csm);;All files (*)"));
  if (!path.isEmpty()) openModel(path);
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About CellScope"),
      tr("<h3>CellScope %1</h3>"
         "<p>A desktop lab for character-level recurrent networks: train vanilla RNN, GRU "
         "and LSTM models on text, sample from them, and look inside their cells.</p>"
         "<p>Built with Qt %2 and QCustomPlot.</p>")
          .arg(version(), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (trainingPane_->isTraining()) {
    // Ask, then close once the worker has stopped and written its checkpoint.
    event->ignore();
    if (closeAfterTraining_) return;  // already stopping
    const auto answer =
        QMessageBox::question(this, tr("Training is running"),
                              tr("Stop training, save a checkpoint to %1 and quit?")
                                  .arg(trainingPane_->settings().outputPath),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) return;
    closeAfterTraining_ = true;
    trainingPane_->stop();
    return;
  }
  writeSettings();
  event->accept();
}

void MainWindow::readSettings() {
  const QSettings settings;
  if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) resize(1100, 720);
  restoreState(settings.value(kStateKey).toByteArray());
  lastModelPath_ = settings.value(kLastModelKey).toString();
  lastTextPath_ = settings.value(kLastTextKey).toString();
  lastExportDir_ = settings.value(kExportDirKey).toString();
  recentModels_ = settings.value(kRecentModelsKey).toStringList().mid(0, kRecentLimit);
  recentTexts_ = settings.value(kRecentTextsKey).toStringList().mid(0, kRecentLimit);
  tabs_->setCurrentIndex(settings.value(kTabKey, 0).toInt());

  const QString theme = settings.value(kThemeKey, QLatin1String(kThemeNames[0])).toString();
  for (int k = 0; k < 3; ++k) {
    if (theme == QLatin1String(kThemeNames[k])) setTheme(static_cast<Theme>(k));
  }
  if (settings.contains(kQuantityKey)) {
    try {
      NeuronSelection neuron;
      neuron.layer = settings.value(kLayerKey).toInt();
      neuron.neuron = settings.value(kNeuronKey).toInt();
      neuron.quantity =
          cellscope::parse_quantity(settings.value(kQuantityKey).toString().toStdString());
      rememberedNeuron_ = neuron;
    } catch (const std::exception&) {
      rememberedNeuron_.reset();  // an unknown quantity name: nothing to restore
    }
  }

  const GeneratorSettings defaults;
  GeneratorSettings generator;
  generator.prime = settings.value(kPrimeKey, defaults.prime).toString();
  generator.length = settings.value(kLengthKey, defaults.length).toInt();
  generator.seed = settings.value(kSeedKey, defaults.seed).toInt();
  generator.temperature = settings.value(kTemperatureKey, defaults.temperature).toDouble();
  generator.compareTemperature =
      settings.value(kCompareTemperatureKey, defaults.compareTemperature).toDouble();
  generator.argmax = settings.value(kArgmaxKey, defaults.argmax).toBool();
  generator.topK = settings.value(kTopKKey, defaults.topK).toInt();
  generator.compare = settings.value(kCompareKey, defaults.compare).toBool();
  generatorPane_->applySettings(generator);
  trainingPane_->applySettings(readTrainingSettings(settings));
}

void MainWindow::writeSettings() const {
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  if (!lastModelPath_.isEmpty()) settings.setValue(kLastModelKey, lastModelPath_);
  if (!lastTextPath_.isEmpty()) settings.setValue(kLastTextKey, lastTextPath_);
  if (!lastExportDir_.isEmpty()) settings.setValue(kExportDirKey, lastExportDir_);
  settings.setValue(kRecentModelsKey, recentModels_);
  settings.setValue(kRecentTextsKey, recentTexts_);
  settings.setValue(kTabKey, tabs_->currentIndex());
  settings.setValue(kThemeKey, QLatin1String(kThemeNames[static_cast<int>(theme_)]));
  if (explorerPane_->hasModel()) {
    const NeuronSelection neuron = explorerPane_->neuronSelection();
    settings.setValue(kLayerKey, neuron.layer);
    settings.setValue(kNeuronKey, neuron.neuron);
    settings.setValue(kQuantityKey, QString::fromStdString(cellscope::to_string(neuron.quantity)));
  }

  const GeneratorSettings generator = generatorPane_->settings();
  settings.setValue(kPrimeKey, generator.prime);
  settings.setValue(kLengthKey, generator.length);
  settings.setValue(kSeedKey, generator.seed);
  settings.setValue(kTemperatureKey, generator.temperature);
  settings.setValue(kCompareTemperatureKey, generator.compareTemperature);
  settings.setValue(kArgmaxKey, generator.argmax);
  settings.setValue(kTopKKey, generator.topK);
  settings.setValue(kCompareKey, generator.compare);
  writeTrainingSettings(settings, trainingPane_->settings());
}
