// MainWindow: menus, model loading through the engine's load_model_file, and settings.
// Loading catches every exception: a bad file ends in an error box, never in a crash.
// Settings keys: mainWindow/geometry, mainWindow/state, mainWindow/tab, lastModelPath,
// generator/* (the GeneratorPane's GeneratorSettings), training/* (TrainingSettings).
#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <exception>
#include <new>

#include "checkpoint.h"
#include "error.h"
#include "explorer_pane.h"
#include "generator_pane.h"
#include "model_overview_pane.h"
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

// Shows the wait cursor while a (possibly large) model file is read.
class WaitCursor {
 public:
  WaitCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
  ~WaitCursor() { QApplication::restoreOverrideCursor(); }
  WaitCursor(const WaitCursor&) = delete;
  WaitCursor& operator=(const WaitCursor&) = delete;
};

}  // namespace

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
  setCentralWidget(tabs_);

  createActions();
  createMenus();
  statusBar()->showMessage(tr("No model loaded"));
  readSettings();

  if (!modelPath.isEmpty()) {
    QTimer::singleShot(0, this, [this, modelPath, textPath] {
      if (openModel(modelPath) && !textPath.isEmpty()) {
        tabs_->setCurrentWidget(explorerPane_);
        explorerPane_->openText(textPath);
      }
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
  fileMenu->addSeparator();
  fileMenu->addAction(quitAction_);

  QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->setObjectName(QStringLiteral("menuHelp"));
  helpMenu->addAction(aboutAction_);
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
  tabs_->setCurrentIndex(settings.value(kTabKey, 0).toInt());

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
  settings.setValue(kTabKey, tabs_->currentIndex());

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
