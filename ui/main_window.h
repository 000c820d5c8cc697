// MainWindow: the CellScope desktop app's top-level window. It owns the loaded model file,
// the File (Open Model…, Open Text…, Quit) and Help (About) menus, and the panes that show the
// model in a QTabWidget ("Explore": ExplorerPane, "Model": ModelOverviewPane, "Generate":
// GeneratorPane, "Train": TrainingPane). Geometry, the last model path, the current tab and the
// generator's and trainer's settings persist through QSettings. Closing during training asks, then
// stops it (checkpoint) first.
#pragma once

#include <QMainWindow>
#include <QString>
#include <memory>

class QAction;
class QCloseEvent;
class ExplorerPane;
class GeneratorPane;
class ModelOverviewPane;
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

  // The application version (CMake's PROJECT_VERSION), for QCoreApplication and About.
  static QString version();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private slots:
  void chooseModel();
  void showAbout();

 private:
  void createActions();
  void createMenus();
  void readSettings();
  void writeSettings() const;

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
};
