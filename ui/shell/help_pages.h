// Help pages: Help → Keyboard Shortcuts (every shortcut the window's actions have, read from the
// actions themselves so the list cannot drift, plus the keys the explorer's text view and lists
// handle directly) and Help → What Am I Looking At (one page: neurons and quantities, the colour
// scale, stepping keys, hover, Find / Match / Saturation). Each opens once per window as a
// non-modal dialog (object names shortcutsDialog / lookingAtDialog) and is raised when asked again.
#pragma once

#include <QList>
#include <QString>

class QDialog;
class QWidget;

struct ShortcutEntry {
  QString keys;   // as the platform writes them, e.g. "Ctrl+O"
  QString what;   // "Open Model", "Next neuron"
  QString where;  // "File menu", "Explore: text view"
};

// The shortcuts of every QAction under `window` (menu actions first, in menu order), then the
// explorer's own keys.
QList<ShortcutEntry> collectShortcuts(const QWidget* window);
// The shortcut list as an HTML table.
QString shortcutsHtml(const QList<ShortcutEntry>& shortcuts);
// The "What am I looking at" page as HTML.
QString lookingAtHtml();

QDialog* showShortcutsDialog(QWidget* window);
// Help → About (modal).
void showAboutBox(QWidget* window, const QString& version);
QDialog* showLookingAtDialog(QWidget* window);
