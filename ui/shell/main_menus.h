// MainMenus: the main window's actions and menu bar, built once: File (Open Model, Open Text,
// Import PyTorch Model, Open Recent, Paste Text, Explore Validation Split, Export ▸ HTML/PNG/CSV,
// Quit), View (Theme ▸, text zoom, whitespace markers) and Help (Examples ▸, Keyboard Shortcuts, What Am I Looking At, About),
// with their texts, shortcuts, status tips and object names. Construction only: MainWindow
// connects what each action does and fills Examples. Everything is owned by the window.
#pragma once

#include "explore/explorer_export.h"  // explorer_export::Format

class QAction;
class QActionGroup;
class QMainWindow;
class QMenu;

struct MainMenus {
  explicit MainMenus(QMainWindow* window);

  QAction* exportAction(explorer_export::Format format) const {
    return exportActions[static_cast<int>(format)];
  }

  QAction* openModel = nullptr;
  QAction* openText = nullptr;
  QAction* importPyTorch = nullptr;
  QAction* pasteText = nullptr;
  QAction* validationSplit = nullptr;
  QAction* exportActions[3] = {nullptr, nullptr, nullptr};  // in explorer_export::Format order
  QActionGroup* themes = nullptr;                           // see createThemeActions()
  QAction* zoomIn = nullptr;  // the explorer's text font (ExplorerPane::zoomTextIn …)
  QAction* zoomOut = nullptr;
  QAction* resetZoom = nullptr;
  QAction* whitespace = nullptr;  // checkable, on
  QAction* quit = nullptr;
  QAction* about = nullptr;
  QAction* shortcuts = nullptr;
  QAction* lookingAt = nullptr;
  QMenu* file = nullptr;
  QMenu* recent = nullptr;  // empty: RecentFiles fills it
  QMenu* exportMenu = nullptr;
  QMenu* examples = nullptr;  // empty: MainWindow adds one action per Example
};
