// Help pages: actions (and QShortcuts) are found with findChildren() and actions are named
// after their first menu (QAction::associatedObjects); texts lose their mnemonic '&' and trailing '…'. The
// explorer's direct keys (explorer_pane.cpp's event filter, ActivationTextView's Copy) are
// listed by hand here: they are not actions.
#include "help_pages.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QKeySequence>
#include <QMenu>
#include <QMessageBox>
#include <QShortcut>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "common/color_map.h"

namespace {

QString tr(const char* text) {
  return QCoreApplication::translate("HelpPages", text);
}

QString plainText(QString text) {
  text.remove(QLatin1Char('&'));
  if (text.endsWith(QStringLiteral("…"))) text.chop(1);
  return text;
}

QString menuOf(const QAction* action) {
  for (QObject* object : action->associatedObjects()) {
    if (const auto* menu = qobject_cast<const QMenu*>(object))
      return tr("%1 menu").arg(plainText(menu->title()));
  }
  return tr("Window");
}

QDialog* showPage(QWidget* window, const char* objectName, const QString& title,
                  const QString& html) {
  if (auto* open = window->findChild<QDialog*>(QLatin1String(objectName))) {
    open->show();
    open->raise();
    open->activateWindow();
    return open;
  }
  auto* dialog = new QDialog(window);
  dialog->setObjectName(QLatin1String(objectName));
  dialog->setWindowTitle(title);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  auto* browser = new QTextBrowser;
  browser->setObjectName(QStringLiteral("helpBrowser"));
  browser->setOpenExternalLinks(true);
  browser->setHtml(html);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(browser);
  layout->addWidget(buttons);
  dialog->resize(660, 640);
  dialog->show();
  return dialog;
}

QString swatch(QRgb rgb) {
  // White on a white page needs an outline: an outlined square in grey instead.
  if (qGray(rgb) > 240) return QStringLiteral("<span style=\"color:#888888\">&#9633;</span>");
  return QStringLiteral("<span style=\"color:%1\">&#9632;</span>").arg(QColor(rgb).name());
}

}  // namespace

QList<ShortcutEntry> collectShortcuts(const QWidget* window) {
  QList<ShortcutEntry> entries;
  for (const QAction* action : window->findChildren<QAction*>()) {
    for (const QKeySequence& keys : action->shortcuts()) {
      if (keys.isEmpty()) continue;
      entries.append({keys.toString(QKeySequence::NativeText), plainText(action->text()),
                      menuOf(action)});
    }
  }
  // QShortcut objects (keys without a menu entry) describe themselves by their whatsThis.
  for (const QShortcut* shortcut : window->findChildren<QShortcut*>()) {
    if (shortcut->key().isEmpty()) continue;
    const QString what =
        shortcut->whatsThis().isEmpty() ? shortcut->objectName() : shortcut->whatsThis();
    entries.append({shortcut->key().toString(QKeySequence::NativeText), what, tr("Window")});
  }
  const QString view = tr("Explore: text view");
  const QString copy = QKeySequence(QKeySequence::Copy).toString(QKeySequence::NativeText);
  entries.append({tr("→  or  ]"), tr("Next neuron of the layer (wraps)"), view});
  entries.append({tr("←  or  ["), tr("Previous neuron of the layer (wraps)"), view});
  entries.append({tr("↑  /  ↓"), tr("Previous / next layer"), view});
  entries.append({copy, tr("Copy the selected characters"), view});
  entries.append({tr("Shift+click"), tr("Extend the selection"), view});
  entries.append({tr("↑  /  ↓  in a ranking"), tr("Colour the text by the next ranked neuron"),
                  tr("Explore: Find, Match, Saturation")});
  entries.append({tr("Enter  or  double-click"), tr("Explore the selected sample"),
                  tr("Train and Model: samples")});
  return entries;
}

QString shortcutsHtml(const QList<ShortcutEntry>& shortcuts) {
  QString html = QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"4\">")
                     .arg(tr("Keyboard shortcuts"));
  for (const ShortcutEntry& entry : shortcuts) {
    html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td><i>%3</i></td></tr>")
                .arg(entry.keys.toHtmlEscaped(), entry.what.toHtmlEscaped(),
                     entry.where.toHtmlEscaped());
  }
  html += QStringLiteral("</table><p>%1</p>")
              .arg(tr("Click the text first so the stepping keys reach it."));
  return html;
}

QString lookingAtHtml() {
  using namespace colormap;
  return tr(
             "<h3>What am I looking at?</h3>"
             "<p>A character-level recurrent network reads the text one character at a time and "
             "keeps a few hundred numbers per layer — its <b>neurons</b> — that it updates after "
             "each character to guess the next one. The Explore tab colours every character by "
             "<b>one</b> neuron's value right after reading it. Some neurons learn to track "
             "structure: inside a comment, inside quotes, how far along the line.</p>"
             "<h4>Which number: the quantity</h4>"
             "<ul><li><b>c</b> (cell) — an LSTM's memory; unbounded, it can count.</li>"
             "<li><b>tanh(c)</b> (tanh-cell) — the memory squashed into −1…+1; the explorer's "
             "default for an LSTM.</li>"
             "<li><b>h</b> (hidden) — what the layer passes on (the only state of a GRU or "
             "vanilla RNN), in −1…+1.</li>"
             "<li><b>gates</b> — input, forget, output (LSTM), update, reset (GRU): 0…1, how "
             "much the cell writes, keeps or shows at this step.</li></ul>"
             "<h4>The colours</h4>"
             "<p>%1 −1 (blue) · %2 0 (white) · %3 +1 (red) for c, tanh(c) and h (c is scaled to "
             "its largest value on the text, shown in the legend); %2 0 → %4 1 for gates. "
             "Strong colour means the neuron is far from zero.</p>"
             "<h4>Moving around</h4>"
             "<p>Click the text, then <b>→</b> or <b>]</b> for the next neuron, <b>←</b> or "
             "<b>[</b> for the previous, <b>↑</b> / <b>↓</b> for another layer. "
             "<b>Hover</b> a character: its value and the model's five most likely next "
             "characters. Under the text, the neuron as a line over the visible characters and "
             "the whole layer as a heatmap (click a row to choose that neuron).</p>"
             "<h4>Finding neurons</h4>"
             "<ul><li><b>Find</b> ranks every neuron by how well it follows a detector (inside "
             "quotes, C comments, URLs, line position …, a regex, or your selection): Pearson "
             "r and ROC-AUC; click a row to colour by it.</li>"
             "<li><b>Match</b> (as in LSTMVis): select a span; it lists the neurons that are on "
             "through it and off around it, and the other places where they switch on "
             "together.</li>"
             "<li><b>Saturation</b>: for each gate neuron, how often it is nearly closed "
             "(&lt; 0.1) or nearly open (&gt; 0.9) — the picture of a gate that has learnt "
             "to act as a switch.</li></ul>"
             "<p>Help → Examples opens neurons that were found this way.</p>")
      .arg(swatch(kNegative), swatch(kNeutral), swatch(kPositive), swatch(kDark));
}

QDialog* showShortcutsDialog(QWidget* window) {
  return showPage(window, "shortcutsDialog", tr("Keyboard Shortcuts"),
                  shortcutsHtml(collectShortcuts(window)));
}

QDialog* showLookingAtDialog(QWidget* window) {
  return showPage(window, "lookingAtDialog", tr("What Am I Looking At"), lookingAtHtml());
}

void showAboutBox(QWidget* window, const QString& version) {
  QMessageBox::about(
      window, tr("About CellScope"),
      tr("<h3>CellScope %1</h3>"
         "<p>A desktop lab for character-level recurrent networks: train vanilla RNN, GRU "
         "and LSTM models on text, sample from them, and look inside their cells.</p>"
         "<p>Built with Qt %2 and QCustomPlot.</p>")
          .arg(version, QString::fromLatin1(qVersion())));
}
