// MainMenus: texts are translated in the "MainWindow" context, as they were when the window built
// them itself; object names (actionOpenModel, menuFile, ...) are what the tests look for.
#include "main_menus.h"

#include <QAction>
#include <QActionGroup>
#include <QCoreApplication>
#include <QMainWindow>
#include <QMenuBar>

#include "theme.h"

namespace {

QString tr(const char* text) {
  return QCoreApplication::translate("MainWindow", text);
}

QAction* newAction(QObject* parent, const QString& text, const char* objectName,
                   const QString& statusTip = QString()) {
  auto* action = new QAction(text, parent);
  action->setObjectName(QLatin1String(objectName));
  action->setStatusTip(statusTip);
  return action;
}

// A menu added to `parent` (the menu bar or a menu).
template <typename Parent>
QMenu* newMenu(Parent* parent, const QString& text, const char* objectName) {
  QMenu* menu = parent->addMenu(text);
  menu->setObjectName(QLatin1String(objectName));
  return menu;
}

}  // namespace

MainMenus::MainMenus(QMainWindow* window) {
  openModel = newAction(window, tr("&Open Model…"), "actionOpenModel",
                        tr("Open a CellScope model file (.csm)"));
  openModel->setShortcut(QKeySequence::Open);
  openText = newAction(window, tr("Open &Text…"), "actionOpenText",
                       tr("Open a text to colour by a neuron of the model"));
  openText->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  importPyTorch = newAction(window, tr("&Import PyTorch Model…"), "actionImportPyTorch",
                            tr("Convert a PyTorch character model (.safetensors) to a .csm and "
                               "open it"));
  pasteText =
      newAction(window, tr("&Paste Text"), "actionPasteText", tr("Explore the clipboard's text"));
  pasteText->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
  validationSplit =
      newAction(window, tr("Explore &Validation Split"), "actionValidationSplit",
                tr("Explore the held-out end of the corpus the model was trained on"));
  const char* const exportTexts[] = {QT_TRANSLATE_NOOP("MainWindow", "&HTML…"),
                                     QT_TRANSLATE_NOOP("MainWindow", "&PNG…"),
                                     QT_TRANSLATE_NOOP("MainWindow", "&CSV…")};
  const char* const exportNames[] = {"actionExportHtml", "actionExportPng", "actionExportCsv"};
  for (int k = 0; k < 3; ++k) {
    exportActions[k] = newAction(window, tr(exportTexts[k]), exportNames[k],
                                 tr("Export the coloured text (available once coloured)"));
  }
  themes = createThemeActions(window);
  quit = newAction(window, tr("&Quit"), "actionQuit");
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);
  about = newAction(window, tr("&About CellScope"), "actionAbout");
  about->setMenuRole(QAction::AboutRole);
  shortcuts = newAction(window, tr("&Keyboard Shortcuts"), "actionShortcuts",
                        tr("Every keyboard shortcut of the app"));
  lookingAt = newAction(window, tr("&What Am I Looking At"), "actionLookingAt",
                        tr("Neurons, quantities, the colour scale and the stepping keys"));
  lookingAt->setShortcut(QKeySequence::HelpContents);

  file = newMenu(window->menuBar(), tr("&File"), "menuFile");
  file->addAction(openModel);
  file->addAction(openText);
  file->addAction(importPyTorch);
  recent = newMenu(file, tr("Open &Recent"), "menuRecent");
  file->addAction(pasteText);
  file->addAction(validationSplit);
  file->addSeparator();
  exportMenu = newMenu(file, tr("&Export"), "menuExport");
  for (QAction* action : exportActions) exportMenu->addAction(action);
  file->addSeparator();
  file->addAction(quit);

  QMenu* view = newMenu(window->menuBar(), tr("&View"), "menuView");
  newMenu(view, tr("&Theme"), "menuTheme")->addActions(themes->actions());
  view->addSeparator();
  zoomIn = newAction(window, tr("Zoom &In"), "actionZoomIn", tr("A larger font for the text"));
  zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
  zoomOut = newAction(window, tr("Zoom &Out"), "actionZoomOut", tr("A smaller font for the text"));
  zoomOut->setShortcut(QKeySequence::ZoomOut);
  resetZoom = newAction(window, tr("&Actual Size"), "actionResetZoom", tr("The default font size"));
  resetZoom->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  whitespace = newAction(window, tr("Show &Whitespace Markers"), "actionWhitespace",
                         tr("Show line breaks and tabs as ↵ and →"));
  whitespace->setCheckable(true);
  whitespace->setChecked(true);
  view->addActions({zoomIn, zoomOut, resetZoom});
  view->addSeparator();
  view->addAction(whitespace);
  QMenu* help = newMenu(window->menuBar(), tr("&Help"), "menuHelp");
  examples = newMenu(help, tr("&Examples"), "menuExamples");
  help->addAction(lookingAt);
  help->addAction(shortcuts);
  help->addSeparator();
  help->addAction(about);
}
