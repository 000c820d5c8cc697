// MainWindow: the CellScope desktop app's top-level window. It owns the loaded model file, the
// menus (File: open, recent, paste, validation split, export, quit; View: theme; Help), drag and
// drop of models and texts, and the panes in a QTabWidget (Explore, Model, Generate, Train).
// Settings are read in readSettings() and written in writeSettings() (on close). Closing during
// training asks, then stops it (checkpoint) first.
#pragma once

#include <QMainWindow>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <string>

#include "generation_worker.h"  // NeuronSelection

class QAction;
class QActionGroup;
class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QMenu;
class ExplorerPane;
class GeneratorPane;
class ModelOverviewPane;
class TrainingPane;
class QTabWidget;

namespace cellscope {
struct ModelFile;
}

// The command line's --neuron L:N and --quantity Q; what is not given stays unset.
struct NeuronOverride {
  std::optional<int> layer;
  std::optional<int> neuron;
  std::optional<cellscope::Quantity> quantity;

  bool isEmpty() const { return !layer && !quantity; }
  NeuronSelection appliedTo(NeuronSelection selection) const;
};

// Parses `neuron` ("L:N", both from 0; empty: not given) and `quantity` (an engine quantity name
// such as "tanh-cell"; empty: not given). False with `error` set to a sentence naming the bad
// value.
bool parseNeuronOverride(const QString& neuron, const QString& quantity, NeuronOverride* out,
                         QString* error);

// `list` with `path` moved (or added) to the front, at most `limit` entries.
QStringList withRecent(QStringList list, const QString& path, int limit = 8);

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // A non-empty `modelPath` (the command line's argument) is opened once the event loop
  // runs, so a bad file's error box appears over the shown window.
  // A non-empty `textPath` is opened in the Explore tab once the model is loaded.
  explicit MainWindow(const QString& modelPath = QString(), const QString& textPath = QString(),
                      QWidget* parent = nullptr);
  ~MainWindow() override;

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
  QAction* openModelAction() const { return openModelAction_; }
  QAction* openTextAction() const { return openTextAction_; }
  QAction* quitAction() const { return quitAction_; }
  QAction* aboutAction() const { return aboutAction_; }
  QAction* pasteTextAction() const { return pasteTextAction_; }
  QAction* validationSplitAction() const { return validationSplitAction_; }
  QAction* exportHtmlAction() const { return exportActions_[kHtml]; }
  QAction* exportPngAction() const { return exportActions_[kPng]; }
  QAction* exportCsvAction() const { return exportActions_[kCsv]; }
  QMenu* recentMenu() const { return recentMenu_; }

  // Applied once, after the first model loads, over the remembered neuron (the command line's
  // choice wins); a selection the model does not have is reported in a warning box.
  void setNeuronOverride(const NeuronOverride& override) { neuronOverride_ = override; }

  // Recent files, most recent first (at most 8 each); persisted by writeSettings().
  QStringList recentModels() const { return recentModels_; }
  QStringList recentTexts() const { return recentTexts_; }
  // Opens a recent entry; a missing file is removed from its list with a message. False then.
  bool openRecent(const QString& path, bool isModel);
  void clearRecent();

  // Shows the clipboard's text in the explorer ("Pasted text") and switches to Explore.
  void pasteText();
  // Opens `path` as a text in the Explore tab (and remembers it as recent once coloured).
  void openText(const QString& path);
  // Shows the last val-frac of `corpusPaths` (folders matched with `glob`) in the explorer, read
  // through the engine's corpus code with the model's vocabulary. Errors end in a message box.
  bool exploreValidationSplit(const QStringList& corpusPaths, const QString& glob);

  // Writes the explorer's coloured text as HTML, PNG or CSV (atomically). Errors end in
  // QMessageBox::critical naming the file and the cause; false then.
  enum ExportFormat { kHtml, kPng, kCsv };
  bool exportTo(ExportFormat format, const QString& path);

  // "system", "light" or "dark"; Fusion with a dark palette for "dark".
  enum class Theme { kSystem, kLight, kDark };
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
  void chooseExportFile(ExportFormat format);
  void showAbout();

 private:
  void createActions();
  void createMenus();
  void readSettings();
  void writeSettings() const;
  void fillRecentMenu();
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
  bool closeAfterTraining_ = false;
  QAction* openModelAction_ = nullptr;
  QAction* openTextAction_ = nullptr;
  QAction* quitAction_ = nullptr;
  QAction* aboutAction_ = nullptr;
  QAction* pasteTextAction_ = nullptr;
  QAction* validationSplitAction_ = nullptr;
  QAction* exportActions_[3] = {nullptr, nullptr, nullptr};
  QActionGroup* themeGroup_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QStringList recentModels_;
  QStringList recentTexts_;
  QString lastTextPath_;  // reopened at start when the command line names no text
  QString lastExportDir_;
  Theme theme_ = Theme::kSystem;
  NeuronOverride neuronOverride_;
  std::optional<NeuronSelection> rememberedNeuron_;  // from QSettings, applied at the first load
  bool firstModelLoaded_ = false;
};
