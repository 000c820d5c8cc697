// MainWindow: the panes' signals wired to each other, menus, model loading through the engine's
// load_model_file (every exception caught: a bad file ends in an error box, never a crash),
// drops, and the one readSettings()/writeSettings() pair. Keys: mainWindow/{geometry,state,tab},
// lastModelPath, lastTextPath, view/theme, export/dir; recent/*, explorer/*, generator/* and
// training/* through recent_files.h, neuron_override.h, generator_settings.h, training_form.h.
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
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <exception>
#include <new>

#include "caption_bar.h"
#include "checkpoint.h"
#include "dropped_files.h"
#include "error.h"
#include "explore/explorer_pane.h"
#include "generate/generator_pane.h"
#include "generate/generator_settings.h"
#include "help_pages.h"
#include "model/model_overview_pane.h"
#include "pytorch_import_flow.h"
#include "recent_files.h"
#include "train/training_pane.h"
#include "validation_split.h"
#include "common/wait_cursor.h"

namespace {

const char kGeometryKey[] = "mainWindow/geometry";
const char kStateKey[] = "mainWindow/state";
const char kTabKey[] = "mainWindow/tab";
const char kLastModelKey[] = "lastModelPath";
const char kLastTextKey[] = "lastTextPath";
const char kThemeKey[] = "view/theme";
const char kExportDirKey[] = "export/dir";

}  // namespace

MainWindow::MainWindow(const QString& modelPath, const QString& textPath, QWidget* parent)
    : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("CellScope"));

  explorerPane_ = new ExplorerPane;
  overviewPane_ = new ModelOverviewPane;
  generatorPane_ = new GeneratorPane;
  trainingPane_ = new TrainingPane;
  recentFiles_ = new RecentFiles(this);
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("mainTabs"));
  tabs_->setDocumentMode(true);
  tabs_->addTab(explorerPane_, tr("Explore"));
  tabs_->addTab(overviewPane_, tr("Model"));
  tabs_->addTab(generatorPane_, tr("Generate"));
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
  connect(overviewPane_, &ModelOverviewPane::sampleActivated, this,
          [this](qint64 iteration, const QString& text) {
            exploreText(tr("Sample at iteration %1").arg(iteration), text.toStdU32String());
          });
  connect(overviewPane_, &ModelOverviewPane::watchNeuronChosen, this,
          [this](const NeuronSelection& neuron) {
            explorerPane_->setNeuronSelection(neuron);
            tabs_->setCurrentWidget(explorerPane_);
          });
  connect(generatorPane_, &GeneratorPane::exploreRequested, this,
          [this](const QString& text, double temperature) {
            exploreText(tr("Generated text (T=%1)").arg(temperature, 0, 'f', 2),
                        text.toStdU32String());
          });
  connect(explorerPane_, &ExplorerPane::colouringFinished, this, [this] {
    const QString path = explorerPane_->textPath();
    if (!path.isEmpty()) {
      lastTextPath_ = QFileInfo(path).absoluteFilePath();
      recentFiles_->add(lastTextPath_, /*isModel=*/false);
    }
    updateExportActions();
  });
  connect(recentFiles_, &RecentFiles::openRequested, this, &MainWindow::openRecent);
  // The Example caption sits above the tabs; it goes when another text is explored.
  captionBar_ = new CaptionBar;
  connect(explorerPane_, &ExplorerPane::probingFinished, this, [this] {
    if (explorerPane_->textPath() != exampleTextPath_) captionBar_->dismiss();
  });
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    captionBar_->setPageShown(tabs_->currentWidget() == explorerPane_);
  });
  auto* central = new QWidget;
  auto* centralLayout = new QVBoxLayout(central);
  centralLayout->setContentsMargins(0, 0, 0, 0);
  centralLayout->setSpacing(0);
  centralLayout->addWidget(captionBar_);
  centralLayout->addWidget(tabs_, /*stretch=*/1);
  setCentralWidget(central);
  setAcceptDrops(true);

  importer_ = new PyTorchImporter(this);
  connect(importer_, &PyTorchImporter::statusChanged, this, [this](const QString& text) {
    if (text.isEmpty()) statusBar()->clearMessage(); else statusBar()->showMessage(text);
  });
  connect(importer_, &PyTorchImporter::imported, this, [this](const QString& path) {
    if (openModel(path) && !pendingImportText_.isEmpty()) openText(pendingImportText_);
    pendingImportText_.clear();
  });

  createMenus();
  connectRoomLinks();
  statusBar()->showMessage(tr("No model loaded"));
  readSettings();
  updateExportActions();

  if (isPyTorchPath(modelPath)) {
    pendingImportText_ = textPath;
    QTimer::singleShot(0, this, [this, modelPath] { importPyTorchModel(modelPath); });
  } else if (!modelPath.isEmpty()) {
    QTimer::singleShot(0, this, [this, modelPath, textPath] {
      if (!openModel(modelPath)) return;
      QString text = textPath;
      if (text.isEmpty() && !lastTextPath_.isEmpty() && QFileInfo(lastTextPath_).isFile())
        text = lastTextPath_;  // the text explored last time, when it still exists
      if (!text.isEmpty()) openText(text);
    });
  }
}

MainWindow::~MainWindow() {
  // An export or a corpus read still running uses copies only, but must end before the
  // application does.
  for (const QPointer<QThread>& thread : background_) {
    if (thread) thread->wait();
  }
}

QString MainWindow::version() {
  return QStringLiteral(CELLSCOPE_VERSION);
}

void MainWindow::createMenus() {
  menus_ = std::make_unique<MainMenus>(this);
  connect(menus_->openModel, &QAction::triggered, this, &MainWindow::chooseModel);
  connect(menus_->openText, &QAction::triggered, this, [this] {
    tabs_->setCurrentWidget(explorerPane_);
    explorerPane_->chooseText();
  });
  recentFiles_->attachTo(menus_->recent);
  connect(menus_->pasteText, &QAction::triggered, this, &MainWindow::pasteText);
  connect(menus_->validationSplit, &QAction::triggered, this, &MainWindow::chooseValidationSplit);
  for (const explorer_export::Format format : explorer_export::kFormats) {
    connect(menus_->exportAction(format), &QAction::triggered, this,
            [this, format] { chooseExportFile(format); });
  }
  connect(menus_->file, &QMenu::aboutToShow, this, &MainWindow::updateExportActions);
  connect(menus_->exportMenu, &QMenu::aboutToShow, this, &MainWindow::updateExportActions);
  connect(menus_->themes, &QActionGroup::triggered, this,
          [this](QAction* action) { setTheme(static_cast<Theme>(action->data().toInt())); });
  connect(menus_->quit, &QAction::triggered, this, &QWidget::close);
  connect(menus_->about, &QAction::triggered, this, &MainWindow::showAbout);
  connect(menus_->importPyTorch, &QAction::triggered, this, [this] {
    if (importer_->isRunning())
      statusBar()->showMessage(tr("An import is already running"), 5000);
    else
      importer_->chooseAndStart(QFileInfo(lastModelPath_).absolutePath());
  });
  connect(menus_->shortcuts, &QAction::triggered, this, [this] { showShortcutsDialog(this); });
  connect(menus_->lookingAt, &QAction::triggered, this, [this] { showLookingAtDialog(this); });
  fillExamplesMenu();
}

bool MainWindow::importPyTorchModel(const QString& path) {
  return importer_->start(path);
}

bool MainWindow::openRecent(const QString& path, bool isModel) {
  if (!QFileInfo(path).isFile()) {
    recentFiles_->remove(path, isModel);
    QMessageBox::information(this, tr("File not found"),
                             tr("%1 no longer exists; it was removed from the recent files.")
                                 .arg(QDir::toNativeSeparators(path)));
    return false;
  }
  if (isModel) return openModel(path);
  openText(path);
  return true;
}

void MainWindow::openText(const QString& path) {
  captionBar_->dismiss();
  tabs_->setCurrentWidget(explorerPane_);
  explorerPane_->openText(path);
}

void MainWindow::exploreText(const QString& title, const std::u32string& text) {
  captionBar_->dismiss();
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
  // Models record their corpus (absolute paths); when those are readable, that is the split.
  if (!model_->corpus_paths.empty()) {
    QStringList paths;
    bool readable = true;
    for (const std::string& p : model_->corpus_paths) {
      paths << QString::fromStdString(p);
      readable = readable && QFileInfo::exists(paths.back());
    }
    if (readable) {
      exploreValidationSplit(paths, QString::fromStdString(model_->corpus_glob));
      return;
    }
  }
  // Older models (or a corpus moved since): a model trained in this app's Train tab (its output
  // file) knows its corpus from the training settings; else ask for the corpus.
  const TrainingSettings training = trainingPane_->settings();
  if (!training.corpusPaths.isEmpty() && !training.outputPath.isEmpty() &&
      QFileInfo(training.outputPath).absoluteFilePath() == modelPath_) {
    exploreValidationSplit(training.corpusPaths, training.glob);
    return;
  }
  const auto answer = QMessageBox::question(
      this, tr("Explore Validation Split"),
      tr("%1 does not record a readable corpus (it was trained elsewhere, or the files moved), "
         "so its validation split (the last %2% of that corpus) cannot be found on its own."
         "\n\nChoose the training corpus file?")
          .arg(QFileInfo(modelPath_).fileName())
          .arg(model_->train.val_frac * 100.0, 0, 'g', 3),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
  if (answer != QMessageBox::Yes) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Training Corpus"),
                                                    QFileInfo(modelPath_).absolutePath());
  if (!path.isEmpty()) exploreValidationSplit({path}, QStringLiteral("*"));
}

QThread* MainWindow::exploreValidationSplit(const QStringList& corpusPaths, const QString& glob) {
  if (model_ == nullptr) {
    QMessageBox::warning(this, tr("Cannot explore the validation split"),
                         tr("Open a model first."));
    return nullptr;
  }
  // The corpus is read on a worker thread (a large one takes seconds), from copies.
  auto model = std::make_shared<cellscope::ModelFile>();
  model->model = model_->model;
  model->train = model_->train;
  model->vocabulary = model_->vocabulary;
  auto split = std::make_shared<ValidationSplit>();
  const QString modelPath = modelPath_;
  QThread* thread =
      QThread::create([=] { *split = loadValidationSplit(*model, modelPath, corpusPaths, glob); });
  statusBar()->showMessage(tr("Reading the validation split…"));
  connect(thread, &QThread::finished, this, [this, thread, split, modelPath] {
    thread->deleteLater();
    statusBar()->clearMessage();
    if (modelPath != modelPath_) return;  // another model was opened meanwhile
    if (!split->ok()) {
      QMessageBox::warning(this, tr("Cannot explore the validation split"), split->error);
      return;
    }
    exploreText(split->title, split->text);
  });
  background_.append(QPointer<QThread>(thread));
  thread->start();
  return thread;
}

void MainWindow::updateExportActions() {
  const bool ready = explorerPane_->isColoured() && !explorerPane_->text().empty();
  for (QAction* action : menus_->exportActions) action->setEnabled(ready);
}

void MainWindow::chooseExportFile(explorer_export::Format format) {
  const QString path =
      explorer_export::chooseExportFile(this, *explorerPane_, format, &lastExportDir_);
  if (!path.isEmpty()) exportInBackground(format, path);
}

QThread* MainWindow::exportInBackground(explorer_export::Format format, const QString& path) {
  const QString modelName = QFileInfo(modelPath_).fileName();
  QPointer<MainWindow> self(this);
  QThread* thread = explorer_export::exportPaneInBackground(this, *explorerPane_, format, path,
                                                            modelName, [self, path](bool ok) {
                                                              if (self && ok)
                                                                self->showExported(path);
                                                            });
  background_.append(QPointer<QThread>(thread));
  return thread;
}

void MainWindow::showExported(const QString& path) {
  statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 8000);
}

bool MainWindow::exportTo(explorer_export::Format format, const QString& path) {
  const QString modelName = QFileInfo(modelPath_).fileName();
  if (!explorer_export::exportPane(this, *explorerPane_, format, path, modelName)) return false;
  showExported(path);
  return true;
}

void MainWindow::setTheme(Theme theme) {
  if (theme == theme_) return;
  theme_ = theme;
  applyTheme(theme);
  menus_->themes->actions().at(static_cast<int>(theme))->setChecked(true);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!droppedFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QStringList files = droppedFiles(event->mimeData());
  if (files.isEmpty()) return;  // folders and remote URLs are not ours
  event->acceptProposedAction();
  // Several files: the model first, then the first text; a PyTorch model is imported.
  const FilesToOpen open = filesToOpen(files);
  if (!open.pytorch.isEmpty()) {
    pendingImportText_ = open.text;
    importPyTorchModel(open.pytorch);
    return;
  }
  if (!open.model.isEmpty() && !openModel(open.model)) return;
  if (!open.text.isEmpty()) openText(open.text);
}

void MainWindow::applyStartupNeuron() {
  if (firstModelLoaded_) return;
  firstModelLoaded_ = true;
  QString why;
  const std::optional<NeuronSelection> neuron = startupNeuron(
      model_->model, explorerPane_->neuronSelection(), rememberedNeuron_, neuronOverride_, &why);
  if (neuron)
    explorerPane_->setNeuronSelection(*neuron);
  else
    QMessageBox::warning(this, tr("Neuron not in this model"), why);
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
    generatorNeuronChosen_ = false;  // Generate follows Explore's neuron again (links file)
    explorerPane_->setModel(*loaded, QFileInfo(absolutePath).fileName());
    model_ = std::move(loaded);
    modelPath_ = absolutePath;
    captionBar_->dismiss();
    lastModelPath_ = absolutePath;
    QSettings().setValue(kLastModelKey, lastModelPath_);
    recentFiles_->add(absolutePath, /*isModel=*/true);
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
  showAboutBox(this, version());
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
  if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
    // First start: most of the screen (the explorer wants room), never more than it.
    const QSize available = screen() != nullptr ? screen()->availableSize() : QSize(1400, 900);
    resize(std::min(1440, available.width() * 9 / 10), std::min(940, available.height() * 9 / 10));
  }
  restoreState(settings.value(kStateKey).toByteArray());
  lastModelPath_ = settings.value(kLastModelKey).toString();
  lastTextPath_ = settings.value(kLastTextKey).toString();
  lastExportDir_ = settings.value(kExportDirKey).toString();
  recentFiles_->load(settings);
  tabs_->setCurrentIndex(settings.value(kTabKey, 0).toInt());
  setTheme(themeFromName(settings.value(kThemeKey).toString(), theme_));
  rememberedNeuron_ = readRememberedNeuron(settings);

  generatorPane_->applySettings(readGeneratorSettings(settings));
  trainingPane_->applySettings(readTrainingSettings(settings));
}

void MainWindow::writeSettings() const {
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  if (!lastModelPath_.isEmpty()) settings.setValue(kLastModelKey, lastModelPath_);
  if (!lastTextPath_.isEmpty()) settings.setValue(kLastTextKey, lastTextPath_);
  if (!lastExportDir_.isEmpty()) settings.setValue(kExportDirKey, lastExportDir_);
  recentFiles_->save(settings);
  settings.setValue(kTabKey, tabs_->currentIndex());
  settings.setValue(kThemeKey, themeName(theme_));
  if (explorerPane_->hasModel()) writeRememberedNeuron(settings, explorerPane_->neuronSelection());

  writeGeneratorSettings(settings, generatorPane_->settings());
  writeTrainingSettings(settings, trainingPane_->settings());
}
