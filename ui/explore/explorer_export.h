// Explorer export: a coloured text (one value per character, NaN = none) as a self-contained
// HTML page, a PNG drawn with our own QPainter code, or a CSV of position,character,value.
// The formats are pure functions of an ExportedText; chooseExportFile() and exportPane() at the
// end are the window's glue (save dialog, error box). Files are written through QSaveFile, so a
// failed export leaves no partial file. Values round-trip exactly (shortest decimal form).
#pragma once

#include <QByteArray>
#include <QFont>
#include <QImage>
#include <QSize>
#include <QString>
#include <functional>
#include <string>
#include <vector>

#include "common/color_map.h"
#include "common/neuron_selection.h"

class ExplorerPane;
class QThread;
class QWidget;

namespace explorer_export {

// What is exported: the text, the selected neuron's value per character, how values map to
// colours, and what to call it.
struct ExportedText {
  std::u32string text;
  std::vector<float> values;  // one per character; missing entries count as NaN
  colormap::ColorMap colorMap;
  NeuronSelection neuron;
  QString modelName;  // e.g. the model file's name
  QString source;     // the text's title or path
  // Set when the values are not a neuron's: "surprisal" / "entropy" / "difference" and a
  // sentence naming the unit (and for a difference, both models and which sign means what).
  QString quantityTag;
  QString quantityLabel;

  float value(std::size_t index) const;
  // quantityLabel, or describeNeuron(neuron) when it is empty.
  QString describe() const;
};

// "layer 1 · neuron 37 · tanh-cell".
QString describeNeuron(const NeuronSelection& neuron);
// The shortest decimal string that reads back as the same float; "" for NaN.
QString formatValue(float value);
// "#rrggbb" of the value's colour, or "" for NaN.
QString colorName(const colormap::ColorMap& map, float value);

// A UTF-8 HTML page: title, legend, then a <pre> with one
// <span style="background:#rrggbb" title="VALUE">c</span> per character (no style for NaN;
// ";color:#fff" added on dark colours). Newline is shown as ↵ then a real line break, tab as →.
QByteArray toHtml(const ExportedText& exported);

// "# layer=1 neuron=37 quantity=tanh-cell model=NAME text=SOURCE" (for a surprisal, entropy or
// difference: "# quantity=TAG model=NAME text=SOURCE" then "# LABEL"), the header
// "position,character,value", then one row per character. The character is quoted per RFC 4180
// when needed; newline, carriage return, tab and backslash are written \n, \r, \t, \\.
QByteArray toCsv(const ExportedText& exported);

// The PNG's character grid: `columns` cells per line (a newline ends its line after its own
// cell), `cell` logical pixels per character, below a header of `headerHeight` pixels.
struct ImageLayout {
  int columns = 100;
  QSize cell{8, 16};
  int margin = 8;
  int headerHeight = 0;

  // The logical position of character `index` of `text` (laid out from its first character).
  static std::vector<QPoint> gridPositions(const std::u32string& text, int columns);
  QRect cellRect(QPoint gridPosition) const;
};

struct ImageOptions {
  QFont font;         // the view's font (monospace)
  QSize cell;         // empty: from the font's metrics
  int columns = 100;  // wrap width in characters
  qreal devicePixelRatio = 2.0;
  std::size_t first = 0;  // the first character drawn
  int maxLines = 0;       // 0: every line from `first` on (within the pixel budget)
};

struct RenderedImage {
  QImage image;        // at options.devicePixelRatio (lowered to 1 for very large texts)
  ImageLayout layout;  // logical pixels; multiply by image.devicePixelRatio()
  std::size_t first = 0;
  std::size_t count = 0;   // characters drawn
  bool truncated = false;  // the pixel budget stopped the drawing before the end
};

// Draws the header (model, neuron, source) and the coloured character grid on white.
RenderedImage renderImage(const ExportedText& exported, const ImageOptions& options);

// Texts up to this many characters are rendered whole; longer ones only their visible part.
inline constexpr std::size_t kWholeTextImageLimit = 200000;

// Writes `bytes` to `path` through QSaveFile. On failure returns false and sets `error` to a
// sentence naming the file and the cause; nothing is left at `path` (an old file stays as it was).
bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error);
// Encodes `image` as PNG into `path` through QImageWriter on a QSaveFile; same contract.
bool writePng(const QString& path, const QImage& image, QString* error);

// The window's side: File → Export's formats, the save dialog and the error box.
enum class Format { kHtml, kPng, kCsv };
inline constexpr Format kFormats[] = {Format::kHtml, Format::kPng, Format::kCsv};

// "html", "png" or "csv"; and the save dialog's filter, e.g. "HTML pages (*.html)".
QString suffix(Format format);
QString fileFilter(Format format);

// The file offered for a text titled `textTitle`: "TITLE-L1N37.html" in `dir` (home when empty),
// the title's base name with runs of characters other than [\w.-] made "-" ("text" if none);
// a non-empty `tag` ("surprisal") stands instead of "L1N37".
QString suggestedPath(const QString& textTitle, const NeuronSelection& neuron, Format format,
                      const QString& dir, const QString& tag = QString());

// Asks over `parent` where to export `pane`'s text, starting at suggestedPath() in `*dir`. The
// chosen path, with `*dir` set to its folder; empty when cancelled.
QString chooseExportFile(QWidget* parent, const ExplorerPane& pane, Format format, QString* dir);

// One export, taken from the pane on the GUI thread (a copy: the pane may change meanwhile;
// PNG: the view's font, cell size and wrap width; a text over kWholeTextImageLimit only as far as
// the view shows). runExport() may run on any thread: false with an error naming the file and
// the cause (also: the text was not coloured yet).
struct ExportJob {
  Format format = Format::kHtml;
  QString path;
  bool coloured = false;
  ExportedText exported;
  ImageOptions image;
};
ExportJob prepareExport(const ExplorerPane& pane, Format format, const QString& path,
                        const QString& modelName);
bool runExport(const ExportJob& job, QString* error);

// Writes `pane`'s coloured text to `path` now, on this thread; `modelName` goes in the header.
// On failure shows QMessageBox::critical over `parent` and returns false.
bool exportPane(QWidget* parent, const ExplorerPane& pane, Format format, const QString& path,
                const QString& modelName);
// The same on a worker thread, behind a busy progress dialog that shows after 0.3 s (an HTML
// page of a million characters takes ~0.6 s); then, on the GUI thread, the error box if it
// failed and done(ok). Returns the thread (it deletes itself later): whoever may end before it
// must wait() for it.
QThread* exportPaneInBackground(QWidget* parent, const ExplorerPane& pane, Format format,
                                const QString& path, const QString& modelName,
                                std::function<void(bool)> done = {});

}  // namespace explorer_export
