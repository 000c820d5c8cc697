// Explorer export: HTML and CSV are built as UTF-8 byte strings in one pass over the text; the
// PNG lays the text out on the view's grid (ActivationTextView's wrapping rule: a line ends after
// `columns` cells or after a newline's own cell) and paints cell by cell into a QImage. The glue
// reads the pane's text, values and view (font, cell size, wrap width, first visible character).
#include "explorer_export.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetrics>
#include <QFontMetricsF>
#include <QHash>
#include <QImageWriter>
#include <QLinearGradient>
#include <QMessageBox>
#include <QPainter>
#include <QPointer>
#include <QProgressDialog>
#include <QRegularExpression>
#include <QSaveFile>
#include <QThread>
#include <QtMath>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>

#include "common/activation_text_view.h"
#include "comparison_controller.h"
#include "explorer_pane.h"
#include "common/wait_cursor.h"

namespace explorer_export {

namespace {

// Pixels (at the final device pixel ratio) above which a render drops to ratio 1, then stops.
constexpr qint64 kPixelBudget = 48LL * 1024 * 1024;

// `text` as UTF-8 with & < > " escaped.
QByteArray escaped(const QString& text) {
  return text.toHtmlEscaped().toUtf8();
}

// The legend's colours: `n` evenly spaced values from the map's lower to its upper end.
std::vector<QColor> legendColors(const colormap::ColorMap& map, int n = 9) {
  std::vector<QColor> colors;
  for (int k = 0; k < n; ++k)
    colors.push_back(map.color(map.lower() + (map.upper() - map.lower()) * k / (n - 1)));
  return colors;
}

// The legend: a CSS gradient through the map's colours, with its end values.
QByteArray htmlLegend(const colormap::ColorMap& map) {
  QByteArray stops;
  for (const QColor& color : legendColors(map)) {
    if (!stops.isEmpty()) stops += ',';
    stops += color.name().toLatin1();
  }
  return "<div class=\"legend\"><span>" + QByteArray::number(map.lower(), 'g', 4) +
         "</span><span class=\"bar\" style=\"background:linear-gradient(to right," + stops +
         ")\"></span><span>" + QByteArray::number(map.upper(), 'g', 4) +
         "</span><span class=\"none\">no value</span></div>\n";
}

// One CSV field: \n \r \t \\ for the escapes, a comma or quote quoted (quotes doubled).
QString csvCharacter(char32_t cp) {
  static const QHash<char32_t, QString> escapes = {
      {U'\n', QStringLiteral("\\n")},  {U'\r', QStringLiteral("\\r")},
      {U'\t', QStringLiteral("\\t")},  {U'\\', QStringLiteral("\\\\")},
      {U',', QStringLiteral("\",\"")}, {U'"', QStringLiteral("\"\"\"\"")}};
  const auto escape = escapes.constFind(cp);
  return escape != escapes.constEnd() ? *escape : QString::fromUcs4(&cp, 1);
}

}  // namespace

float ExportedText::value(std::size_t index) const {
  return index < values.size() ? values[index] : std::numeric_limits<float>::quiet_NaN();
}

QString describeNeuron(const NeuronSelection& neuron) {
  return QStringLiteral("layer %1 · neuron %2 · %3")
      .arg(neuron.layer)
      .arg(neuron.neuron)
      .arg(QString::fromStdString(cellscope::to_string(neuron.quantity)));
}

QString formatValue(float value) {
  if (std::isnan(value)) return QString();
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return QString::fromLatin1(buffer, static_cast<qsizetype>(result.ptr - buffer));
}

QString colorName(const colormap::ColorMap& map, float value) {
  const QColor color = map.color(value);
  return color.isValid() ? color.name() : QString();
}

QString ExportedText::describe() const {
  return quantityLabel.isEmpty() ? describeNeuron(neuron) : quantityLabel;
}

QByteArray toHtml(const ExportedText& exported) {
  const QString neuron = exported.describe();
  const QString title = exported.modelName.isEmpty()
                            ? neuron
                            : QStringLiteral("%1 — %2").arg(exported.modelName, neuron);
  QByteArray out;
  out.reserve(static_cast<qsizetype>(exported.text.size()) * 56 + 2048);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  out += escaped(title);
  out +=
      "</title>\n<style>\n"
      "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\n"
      "h1{font-size:1.2em;margin:0 0 .3em}\n"
      ".meta{color:#555;margin:0 0 .6em}\n"
      ".legend{display:flex;align-items:center;gap:.5em;margin:0 0 1em;font-size:.9em}\n"
      ".legend .bar{display:inline-block;width:16em;height:1em;border:1px solid #999}\n"
      ".legend .none{margin-left:1em;padding:0 .4em;border:1px solid #999}\n"
      "pre{font-family:\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:14px;"
      "line-height:1.4;white-space:pre-wrap;word-break:break-all;margin:0}\n"
      "pre span{color:#000}\n"
      "</style>\n</head>\n<body>\n<h1>";
  out += escaped(title);
  out += "</h1>\n<p class=\"meta\">";
  if (!exported.source.isEmpty()) out += escaped(exported.source) + " · ";
  out += QByteArray::number(static_cast<qulonglong>(exported.text.size())) +
         " characters · hover a character for its value</p>\n";
  out += htmlLegend(exported.colorMap);
  out += "<pre>";
  for (std::size_t i = 0; i < exported.text.size(); ++i) {
    const char32_t cp = exported.text[i];
    const float value = exported.value(i);
    const QColor background = exported.colorMap.color(value);
    out += "<span";
    if (background.isValid()) {
      out += " style=\"background:" + background.name().toLatin1();
      if (colormap::textOn(background) == QColor(Qt::white)) out += ";color:#fff";
      out += '"';
    }
    out += " title=\"" +
           (std::isnan(value) ? QByteArray("no value") : formatValue(value).toLatin1()) + "\">";
    out += escaped(ActivationTextView::glyph(cp));
    out += "</span>";
    if (cp == U'\n') out += '\n';
  }
  out += "</pre>\n</body>\n</html>\n";
  return out;
}

QByteArray toCsv(const ExportedText& exported) {
  QByteArray out;
  out.reserve(static_cast<qsizetype>(exported.text.size()) * 16 + 256);
  const auto oneLine = [](QString text) {
    return text.replace(QLatin1Char('\n'), QLatin1Char(' '))
        .replace(QLatin1Char('\r'), QLatin1Char(' '));
  };
  if (!exported.quantityTag.isEmpty()) {
    out += QStringLiteral("# quantity=%1 model=%2 text=%3\n# %4\n")
               .arg(exported.quantityTag, oneLine(exported.modelName), oneLine(exported.source),
                    oneLine(exported.quantityLabel))
               .toUtf8();
  } else {
    out += QStringLiteral("# layer=%1 neuron=%2 quantity=%3 model=%4 text=%5\n")
               .arg(exported.neuron.layer)
               .arg(exported.neuron.neuron)
               .arg(QString::fromStdString(cellscope::to_string(exported.neuron.quantity)),
                    oneLine(exported.modelName), oneLine(exported.source))
               .toUtf8();
  }
  out += "position,character,value\n";
  for (std::size_t i = 0; i < exported.text.size(); ++i) {
    out += QByteArray::number(static_cast<qulonglong>(i));
    out += ',';
    out += csvCharacter(exported.text[i]).toUtf8();
    out += ',';
    out += formatValue(exported.value(i)).toLatin1();
    out += '\n';
  }
  return out;
}

std::vector<QPoint> ImageLayout::gridPositions(const std::u32string& text, int columns) {
  std::vector<int> starts{0};
  ActivationTextView::wrapLines(text, columns, &starts);  // the view's own rule
  std::vector<QPoint> positions;
  positions.reserve(text.size());
  std::size_t line = 0;
  for (int i = 0; i < static_cast<int>(text.size()); ++i) {
    while (line + 1 < starts.size() && starts[line + 1] <= i) ++line;
    positions.emplace_back(i - starts[line], static_cast<int>(line));
  }
  return positions;
}

QRect ImageLayout::cellRect(QPoint gridPosition) const {
  return QRect(margin + gridPosition.x() * cell.width(),
               margin + headerHeight + gridPosition.y() * cell.height(), cell.width(),
               cell.height());
}

RenderedImage renderImage(const ExportedText& exported, const ImageOptions& options) {
  RenderedImage result;
  result.first = std::min(options.first, exported.text.size());
  const std::u32string text = exported.text.substr(result.first);
  std::vector<QPoint> grid = ImageLayout::gridPositions(text, options.columns);
  int lines = grid.empty() ? 1 : grid.back().y() + 1;
  if (options.maxLines > 0 && lines > options.maxLines) {
    lines = options.maxLines;
    grid.erase(std::find_if(grid.begin(), grid.end(), [&](QPoint p) { return p.y() >= lines; }),
               grid.end());
  }

  const QFontMetricsF metrics(options.font);
  ImageLayout& layout = result.layout;
  layout.columns = std::max(1, options.columns);
  layout.cell = options.cell.isEmpty()
                    ? QSize(std::max(1, qCeil(metrics.horizontalAdvance(QLatin1Char('M')))),
                            std::max(1, qCeil(metrics.height()) + 2))
                    : options.cell;
  QFont headerFont = options.font;
  headerFont.setBold(true);
  const int headerLine = qCeil(QFontMetricsF(headerFont).height()) + 4;
  layout.headerHeight = 2 * headerLine;
  const int width = 2 * layout.margin + layout.columns * layout.cell.width();
  const auto heightFor = [&](int n) {
    return 2 * layout.margin + layout.headerHeight + n * layout.cell.height();
  };

  // Very large texts: ratio 1, then as many lines as the budget allows.
  qreal ratio = std::max<qreal>(1.0, options.devicePixelRatio);
  if (qint64(width) * heightFor(lines) * ratio * ratio > kPixelBudget) ratio = 1.0;
  const int maxLinesInBudget = static_cast<int>(
      (kPixelBudget / width - 2 * layout.margin - layout.headerHeight) / layout.cell.height());
  if (lines > maxLinesInBudget) {
    lines = std::max(1, maxLinesInBudget);
    grid.erase(std::find_if(grid.begin(), grid.end(), [&](QPoint p) { return p.y() >= lines; }),
               grid.end());
    result.truncated = true;
  }
  result.count = grid.size();

  QImage image(QSize(qCeil(width * ratio), qCeil(heightFor(lines) * ratio)), QImage::Format_RGB32);
  image.setDevicePixelRatio(ratio);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.setRenderHint(QPainter::TextAntialiasing);

  const QString neuron = exported.describe();
  painter.setFont(headerFont);
  painter.setPen(Qt::black);
  const QRect headerRect(layout.margin, layout.margin, width - 2 * layout.margin, headerLine);
  painter.drawText(headerRect, Qt::AlignLeft | Qt::AlignVCenter,
                   exported.modelName.isEmpty()
                       ? neuron
                       : QStringLiteral("%1 — %2").arg(exported.modelName, neuron));
  painter.setFont(options.font);
  painter.setPen(QColor(80, 80, 80));
  QString sub = exported.source;
  if (result.first > 0 || result.count < exported.text.size()) {
    sub += QStringLiteral(" (characters %1–%2 of %3)")
               .arg(result.first)
               .arg(result.first + result.count)
               .arg(exported.text.size());
  }
  // The legend, right-aligned on the second header line: lower [gradient] upper.
  const QRect subRect = headerRect.translated(0, headerLine);
  const QFontMetrics fm(options.font);
  const QString lower = QString::number(exported.colorMap.lower(), 'g', 4);
  const QString upper = QString::number(exported.colorMap.upper(), 'g', 4);
  const int barWidth = 10 * layout.cell.width();
  const QRect upperRect(subRect.right() - fm.horizontalAdvance(upper), subRect.top(),
                        fm.horizontalAdvance(upper) + 1, subRect.height());
  const QRect bar(upperRect.left() - 6 - barWidth, subRect.top() + 3, barWidth,
                  subRect.height() - 6);
  const QRect lowerRect(bar.left() - 6 - fm.horizontalAdvance(lower), subRect.top(),
                        fm.horizontalAdvance(lower) + 1, subRect.height());
  if (lowerRect.left() > subRect.left() + subRect.width() / 3) {
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    const std::vector<QColor> colors = legendColors(exported.colorMap);
    for (std::size_t k = 0; k < colors.size(); ++k)
      gradient.setColorAt(k / double(colors.size() - 1), colors[k]);
    painter.fillRect(bar, gradient);
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    painter.drawText(lowerRect, Qt::AlignRight | Qt::AlignVCenter, lower);
    painter.drawText(upperRect, Qt::AlignLeft | Qt::AlignVCenter, upper);
    sub = fm.elidedText(sub.trimmed(), Qt::ElideMiddle, lowerRect.left() - 12 - subRect.left());
  }
  painter.drawText(subRect, Qt::AlignLeft | Qt::AlignVCenter, sub.trimmed());

  for (std::size_t i = 0; i < grid.size(); ++i) {
    const char32_t cp = text[i];
    const QRect rect = layout.cellRect(grid[i]);
    const QColor background = exported.colorMap.color(exported.value(result.first + i));
    if (background.isValid()) painter.fillRect(rect, background);
    QColor ink = background.isValid() ? colormap::textOn(background) : QColor(Qt::black);
    if (cp < 0x20 || cp == 0x7f) ink.setAlphaF(0.7f);  // ↵, → and · a little quieter
    if (cp == U' ') continue;
    painter.setPen(ink);
    painter.drawText(rect, Qt::AlignCenter, ActivationTextView::glyph(cp));
  }
  painter.end();
  result.image = image;
  return result;
}

namespace {

// Opens `path` through QSaveFile, lets `write` fill it (returning a cause on failure, else an
// empty string) and commits; on any failure the temporary file is discarded.
template <typename Write>
bool saveAtomically(const QString& path, Write write, QString* error) {
  QSaveFile file(path);
  QString cause;
  if (!file.open(QIODevice::WriteOnly)) {
    cause = file.errorString();
  } else {
    cause = write(file);
    if (cause.isEmpty() && !file.commit()) cause = file.errorString();
  }
  if (cause.isEmpty()) return true;
  file.cancelWriting();
  if (error != nullptr) *error = QStringLiteral("Cannot write %1: %2").arg(path, cause);
  return false;
}

}  // namespace

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error) {
  return saveAtomically(
      path,
      [&](QSaveFile& file) {
        return file.write(bytes) == bytes.size() ? QString() : file.errorString();
      },
      error);
}

bool writePng(const QString& path, const QImage& image, QString* error) {
  return saveAtomically(
      path,
      [&](QSaveFile& file) {
        QImageWriter writer(&file, "png");
        return writer.write(image) ? QString() : writer.errorString();
      },
      error);
}

namespace {

QString tr(const char* text) {
  return QCoreApplication::translate("explorer_export", text);
}

// The PNG's layout as the view shows the text: its font, cell size and wrap width (100 columns
// when hidden or narrow); a text over kWholeTextImageLimit from the first visible line, one
// screen of lines.
ImageOptions viewImageOptions(const ActivationTextView& view, std::size_t textSize) {
  ImageOptions options;
  options.font = view.font();
  options.cell = view.cellSize();
  const int viewColumns = (view.viewport()->width() - 8) / std::max(1, options.cell.width());
  options.columns = view.isVisible() && viewColumns >= 20 ? viewColumns : 100;
  if (textSize > kWholeTextImageLimit) {
    options.first = static_cast<std::size_t>(
        std::max(0, view.indexAt(QPoint(options.cell.width(), options.cell.height() / 2 + 4))));
    options.maxLines = view.viewport()->height() / std::max(1, options.cell.height()) + 1;
  }
  return options;
}

}  // namespace

QString suffix(Format format) {
  const char* const suffixes[] = {"html", "png", "csv"};
  return QLatin1String(suffixes[static_cast<int>(format)]);
}

QString fileFilter(Format format) {
  const char* const filters[] = {QT_TRANSLATE_NOOP("explorer_export", "HTML pages (*.html)"),
                                 QT_TRANSLATE_NOOP("explorer_export", "PNG images (*.png)"),
                                 QT_TRANSLATE_NOOP("explorer_export", "CSV files (*.csv)")};
  return tr(filters[static_cast<int>(format)]);
}

QString suggestedPath(const QString& textTitle, const NeuronSelection& neuron, Format format,
                      const QString& dir, const QString& tag) {
  QString base = QFileInfo(textTitle).completeBaseName();
  base.replace(QRegularExpression(QStringLiteral("[^\\w.-]+")), QStringLiteral("-"));
  if (base.isEmpty()) base = QStringLiteral("text");
  if (!tag.isEmpty())
    return QDir(dir.isEmpty() ? QDir::homePath() : dir)
        .filePath(QStringLiteral("%1-%2.%3").arg(base, tag, suffix(format)));
  return QDir(dir.isEmpty() ? QDir::homePath() : dir)
      .filePath(QStringLiteral("%1-L%2N%3.%4")
                    .arg(base)
                    .arg(neuron.layer)
                    .arg(neuron.neuron)
                    .arg(suffix(format)));
}

QString chooseExportFile(QWidget* parent, const ExplorerPane& pane, Format format, QString* dir) {
  const QString suggested =
      suggestedPath(pane.textTitle(), pane.neuronSelection(), format, dir ? *dir : QString(),
                    pane.comparison()->colouringFileTag());
  const QString path =
      QFileDialog::getSaveFileName(parent, tr("Export"), suggested, fileFilter(format));
  if (!path.isEmpty() && dir != nullptr) *dir = QFileInfo(path).absolutePath();
  return path;
}

ExportJob prepareExport(const ExplorerPane& pane, Format format, const QString& path,
                        const QString& modelName) {
  ExportJob job;
  job.format = format;
  job.path = path;
  job.coloured = pane.isColoured();
  job.exported.text = pane.text();
  job.exported.values = pane.values();
  job.exported.colorMap = pane.view()->colorMap();
  job.exported.neuron = pane.neuronSelection();
  job.exported.quantityTag = pane.comparison()->colouringFileTag();
  job.exported.quantityLabel = pane.comparison()->colouringLabel();
  job.exported.modelName = modelName;
  job.exported.source = pane.textTitle();
  if (format == Format::kPng) job.image = viewImageOptions(*pane.view(), job.exported.text.size());
  return job;
}

bool runExport(const ExportJob& job, QString* error) {
  if (!job.coloured) {
    *error = tr("Cannot write %1: the text is not coloured yet.").arg(job.path);
    return false;
  }
  switch (job.format) {
    case Format::kHtml:
      return writeAtomically(job.path, toHtml(job.exported), error);
    case Format::kCsv:
      return writeAtomically(job.path, toCsv(job.exported), error);
    case Format::kPng:
      return writePng(job.path, renderImage(job.exported, job.image).image, error);
  }
  return false;
}

bool exportPane(QWidget* parent, const ExplorerPane& pane, Format format, const QString& path,
                const QString& modelName) {
  QString error;
  bool ok = false;
  {
    WaitCursor wait;
    ok = runExport(prepareExport(pane, format, path, modelName), &error);
  }
  if (!ok) QMessageBox::critical(parent, tr("Export failed"), error);
  return ok;
}

QThread* exportPaneInBackground(QWidget* parent, const ExplorerPane& pane, Format format,
                                const QString& path, const QString& modelName,
                                std::function<void(bool)> done) {
  struct Outcome {
    bool ok = false;
    QString error;
  };
  auto outcome = std::make_shared<Outcome>();
  auto job = std::make_shared<ExportJob>(prepareExport(pane, format, path, modelName));
  QThread* thread =
      QThread::create([job, outcome] { outcome->ok = runExport(*job, &outcome->error); });
  thread->setObjectName(QStringLiteral("exportThread"));
  auto* dialog = new QProgressDialog(tr("Exporting %1…").arg(QFileInfo(path).fileName()), QString(),
                                     0, 0, parent);
  dialog->setWindowTitle(tr("Export"));
  dialog->setMinimumDuration(300);  // only exports that take a while show it
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  QPointer<QWidget> guard(parent);
  QObject::connect(thread, &QThread::finished, dialog, [thread, dialog, outcome, guard, done] {
    dialog->close();
    thread->deleteLater();
    if (!outcome->ok) QMessageBox::critical(guard, tr("Export failed"), outcome->error);
    if (done) done(outcome->ok);
  });
  thread->start();
  return thread;
}

}  // namespace explorer_export
