// MainWindow: the app's top-level window. It owns the loaded model file and the panes in a
// QTabWidget (Explore, Model, Generate, Train) under an Example caption bar, wires them to each
// other and to the menus (main_menus.h), and opens dropped models, texts and PyTorch models;
// recent files, themes, export, the validation split, the startup neuron, the PyTorch import,
// the help pages and the Examples (main_window_examples.cpp) live in their own files. Settings: readSettings() at start,
// writeSettings() on close; closing during training asks, then stops it (checkpoint) first.
#pragma once

#include <QList>
#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <memory>
#include <optional>
#include <string>

#include "explore/explorer_export.h"    // explorer_export::Format
#include "common/neuron_selection.h"
#include "examples.h"
#include "main_menus.h"
#include "neuron_override.h"
#include "theme.h"

class QAction;
class QThread;
class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QMenu;
class CaptionBar;
class ExplorerPane;
class PyTorchImporter;
class GeneratorPane;
class ModelOverviewPane;
class RecentFiles;
class TrainingPane;
class QTabWidget;

namespace cellscope {
struct ModelFile;
}

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // A non-empty `modelPath` (the command line's argument) is opened once the event loop
  // runs, so a bad file's error box appears over the shown window.
  // A non-empty `textPath` is opened in the Explore tab once the model is loaded.
  explicit MainWindow(const QString& modelPath = QString(), const QString& textPath = QString(),
                      QWidget* parent = nullptr);
  ~MainWindow() override;

  // With nothing named on the command line (app/main_gui.cpp calls it then): once the event
  // loop runs, and unless something was opened meanwhile, reopens the last model and text when
  // they still exist, else opens the first Example (the bundled default).
  void openAtStart();

  // Help → Examples: opens the example's model and text in the Explore tab coloured by its
  // neuron (the command line's --neuron wins on the session's first model) and shows its
  // caption above the tabs. False when the model cannot be opened.
  bool openExample(const Example& example);
  // The catalogue read at construction (from defaultDataDir()).
  const QList<Example>& examples() const { return examples_.examples; }
  CaptionBar* captionBar() const { return captionBar_; }

  // File → Import PyTorch Model… without its first dialog: imports `path` (.safetensors) on a
  // worker thread, asks for a vocabulary and where to save (see PyTorchImporter), opens the
  // result. False while another import runs.
  bool importPyTorchModel(const QString& path);
  PyTorchImporter* pytorchImporter() const { return importer_; }

  // Loads a .csm file and shows it. On failure shows QMessageBox::critical with the engine's
  // message (which names the file), keeps the current model, and returns false.
  bool openModel(const QString& path);

  // The loaded model, or nullptr; and its absolute path (empty when none).
  const cellscope::ModelFile* model() const { return model_.get(); }
  QString modelPath() const { return modelPath_; }

  ExplorerPane* explorerPane() const { return explorerPane_; }
  ModelOverviewPane* overviewPane() const { return overviewPane_; }
  GeneratorPane* generatorPane() const { return generatorPane_; }
  TrainingPane* trainingPane() const { return trainingPane_; }
  QTabWidget* tabs() const { return tabs_; }
  QAction* openModelAction() const { return menus_->openModel; }
  QAction* openTextAction() const { return menus_->openText; }
  QAction* quitAction() const { return menus_->quit; }
  QAction* aboutAction() const { return menus_->about; }
  QAction* pasteTextAction() const { return menus_->pasteText; }
  QAction* validationSplitAction() const { return menus_->validationSplit; }
  QAction* exportHtmlAction() const { return menus_->exportAction(explorer_export::Format::kHtml); }
  QAction* exportPngAction() const { return menus_->exportAction(explorer_export::Format::kPng); }
  QAction* exportCsvAction() const { return menus_->exportAction(explorer_export::Format::kCsv); }
  QMenu* recentMenu() const { return menus_->recent; }
  QMenu* examplesMenu() const { return menus_->examples; }
  QAction* importPyTorchAction() const { return menus_->importPyTorch; }
  QAction* shortcutsAction() const { return menus_->shortcuts; }
  QAction* lookingAtAction() const { return menus_->lookingAt; }

  // Applied once, after the first model loads, over the remembered neuron (the command line's
  // choice wins); a selection the model does not have is reported in a warning box.
  void setNeuronOverride(const NeuronOverride& override) { neuronOverride_ = override; }

  // Recent models and texts; persisted by writeSettings().
  RecentFiles* recentFiles() const { return recentFiles_; }
  // Opens a recent entry; a missing file is removed from its list with a message. False then.
  bool openRecent(const QString& path, bool isModel);

  // Shows the clipboard's text in the explorer ("Pasted text") and switches to Explore.
  void pasteText();
  // Opens `path` as a text in the Explore tab (and remembers it as recent once coloured).
  void openText(const QString& path);
  // Shows the last val-frac of `corpusPaths` (folders matched with `glob`) in the explorer, read
  // through the engine's corpus code with the model's vocabulary. Errors end in a message box.
  // Read on a worker thread (returned; the window waits for it when destroyed); the explorer
  // shows it when it arrives, unless another model was opened meanwhile.
  QThread* exploreValidationSplit(const QStringList& corpusPaths, const QString& glob);

  // Writes the explorer's coloured text as HTML, PNG or CSV (atomically). Errors end in
  // QMessageBox::critical naming the file and the cause; false then.
  bool exportTo(explorer_export::Format format, const QString& path);
  // What File → Export does after its dialog: the same on a worker thread (status bar message,
  // or an error box, when it ends).
  // Returns its thread; the window waits for running exports when it is destroyed.
  QThread* exportInBackground(explorer_export::Format format, const QString& path);

  // Applies `theme` (see theme.h) and checks its View → Theme action.
  Theme theme() const { return theme_; }
  void setTheme(Theme theme);

  // The application version (CMake's PROJECT_VERSION), for QCoreApplication and About.
  static QString version();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private slots:
  void chooseModel();
  void chooseValidationSplit();
  void chooseExportFile(explorer_export::Format format);
  void showAbout();

 private:
  void createMenus();
  void fillExamplesMenu();
  // What one room asks of another (main_window_links.cpp): the View menu's text zoom and
  // whitespace markers, a Train-tab checkpoint opened in the explorer, and Generate colouring
  // by the explorer's neuron until the user picks another there.
  void connectRoomLinks();
  void showExported(const QString& path);
  void readSettings();
  void writeSettings() const;
  void updateExportActions();
  void exploreText(const QString& title, const std::u32string& text);
  void applyStartupNeuron();

  std::unique_ptr<cellscope::ModelFile> model_;
  QString modelPath_;
  QString lastModelPath_;  // from QSettings: where the Open dialog starts
  QTabWidget* tabs_ = nullptr;
  ExplorerPane* explorerPane_ = nullptr;
  ModelOverviewPane* overviewPane_ = nullptr;
  GeneratorPane* generatorPane_ = nullptr;
  TrainingPane* trainingPane_ = nullptr;
  RecentFiles* recentFiles_ = nullptr;
  bool closeAfterTraining_ = false;
  bool generatorNeuronChosen_ = false;  // the user picked Generate's neuron for this model
  std::unique_ptr<MainMenus> menus_;
  QString lastTextPath_;  // reopened at start when the command line names no text
  QString lastExportDir_;
  QList<QPointer<QThread>> background_;  // exports, corpus reads (finished ones become null)
  Theme theme_ = Theme::kSystem;
  NeuronOverride neuronOverride_;
  std::optional<NeuronSelection> rememberedNeuron_;  // from QSettings, applied at the first load
  bool firstModelLoaded_ = false;
  CaptionBar* captionBar_ = nullptr;
  ExampleCatalogue examples_;
  QString exampleTextPath_;  // the text the caption describes
  NeuronSelection exampleNeuron_;  // and the neuron it describes
  PyTorchImporter* importer_ = nullptr;
  QString pendingImportText_;  // opened once the import's model is
};
