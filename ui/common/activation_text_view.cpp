// ActivationTextView: the layout is a list of visual line starts, extended incrementally on
// append() and rebuilt when the width changes; the vertical scroll bar counts lines. Painting
// walks only the visible lines; runs of plain ASCII with one text colour are drawn as a single
// glyph run placed cell by cell, other characters one cell at a time.
#include "activation_text_view.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QGlyphRun>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <QtMath>
#include <algorithm>
#include <cmath>
#include <limits>

namespace {

constexpr float kNoValue = std::numeric_limits<float>::quiet_NaN();

bool isPlainAscii(char32_t cp) {
  return cp >= 0x20 && cp < 0x7f;
}

}  // namespace

ActivationTextView::ActivationTextView(QWidget* parent) : QAbstractScrollArea(parent) {
  setObjectName(QStringLiteral("activationTextView"));
  QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  font.setStyleHint(QFont::Monospace);
  setFont(font);
  defaultPointSize_ = font.pointSizeF() > 0 ? font.pointSizeF() : 10.0;
  viewport()->setMouseTracking(true);
  viewport()->setBackgroundRole(QPalette::Base);
  viewport()->setAutoFillBackground(true);
  verticalScrollBar()->setSingleStep(1);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  updateMetrics();
  lineStarts_.push_back(0);
}

QString ActivationTextView::label(char32_t cp) {
  if (cp == U' ') return QStringLiteral("\u2423");
  if ((cp < 0x20 && cp != U'\n' && cp != U'\t') || cp == 0x7f)
    return QStringLiteral("U+%1").arg(static_cast<uint>(cp), 4, 16, QLatin1Char('0')).toUpper();
  return glyph(cp);  // ↵ and → as in the text
}

QString ActivationTextView::glyph(char32_t cp) {
  if (cp == U'\n') return QStringLiteral("\u21b5");
  if (cp == U'\t') return QStringLiteral("\u2192");
  if (cp < 0x20 || cp == 0x7f) return QStringLiteral("\u00b7");  // other controls: a dot
  return QString::fromUcs4(&cp, 1);
}

void ActivationTextView::setPointSize(double points) {
  QFont f = font();
  f.setPointSizeF(std::clamp(points, kMinPointSize, kMaxPointSize));
  setFont(f);  // FontChange: new metrics and layout
  notifyVisible();
}

double ActivationTextView::pointSize() const {
  return font().pointSizeF();
}

void ActivationTextView::zoomIn() {
  setPointSize(std::max(pointSize() + 1.0, pointSize() * 1.1));
}

void ActivationTextView::zoomOut() {
  setPointSize(pointSize() - 1.0);
}

void ActivationTextView::resetZoom() {
  setPointSize(defaultPointSize_);
}

void ActivationTextView::wheelEvent(QWheelEvent* event) {
  if (!(event->modifiers() & Qt::ControlModifier)) return QAbstractScrollArea::wheelEvent(event);
  if (event->angleDelta().y() > 0) zoomIn();
  if (event->angleDelta().y() < 0) zoomOut();
  event->accept();
}

void ActivationTextView::setWhitespaceMarkersVisible(bool visible) {
  whitespaceMarkers_ = visible;
  viewport()->update();
}

void ActivationTextView::setText(const std::u32string& text, const std::vector<float>& values) {
  text_ = text;
  values_ = values;
  values_.resize(text_.size(), kNoValue);
  hovered_ = -1;
  highlighted_ = -1;
  selectionBegin_ = selectionEnd_ = 0;
  anchor_ = -1;
  marks_.clear();
  if (!underline_.empty()) clearUnderline();
  relayout();
  verticalScrollBar()->setValue(0);
  viewport()->update();
  lastVisible_ = {-1, -1};  // a new text: its range is news even when the numbers are the same
  notifyVisible();
}

void ActivationTextView::append(const std::u32string& text, const std::vector<float>& values) {
  if (text.empty()) return;
  text_ += text;
  values_.insert(
      values_.end(), values.begin(),
      values.begin() + static_cast<std::ptrdiff_t>(std::min(values.size(), text.size())));
  values_.resize(text_.size(), kNoValue);
  layoutFrom(lineStarts_.size() - 1);
  updateScrollBar();
  viewport()->update();
  notifyVisible();
}

void ActivationTextView::setValues(const std::vector<float>& values) {
  values_ = values;
  values_.resize(text_.size(), kNoValue);
  viewport()->update();
}

void ActivationTextView::setValuesAt(int begin, const std::vector<float>& values) {
  const int from = std::max(0, begin);
  const int to = std::min(size(), begin + static_cast<int>(values.size()));
  for (int i = from; i < to; ++i)
    values_[static_cast<std::size_t>(i)] = values[static_cast<std::size_t>(i - begin)];
  const auto [first, end] = visibleRange();
  if (from < end && to > first) viewport()->update();
}

std::pair<int, int> ActivationTextView::visibleRange() const {
  const int lines = static_cast<int>(lineStarts_.size());
  const int first = std::clamp(verticalScrollBar()->value(), 0, lines - 1);
  const int shown = (viewport()->height() - margin_) / cellHeight_ + 1;
  const int last = first + shown;  // the first line not shown
  const int begin = lineStarts_[static_cast<std::size_t>(first)];
  const int end = last < lines ? lineStarts_[static_cast<std::size_t>(last)] : size();
  return {std::min(begin, size()), end};
}

void ActivationTextView::notifyVisible() {
  const auto range = visibleRange();
  if (range == lastVisible_) return;
  lastVisible_ = range;
  emit visibleRangeChanged(range.first, range.second);
}

void ActivationTextView::scrollContentsBy(int dx, int dy) {
  QAbstractScrollArea::scrollContentsBy(dx, dy);
  notifyVisible();
}

void ActivationTextView::scrollTo(int index) {
  if (index < 0 || index >= size()) return;
  const auto [first, end] = visibleRange();
  if (index >= first && index < end - columns()) return;
  const auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), index);
  const int line = static_cast<int>(it - lineStarts_.begin()) - 1;
  verticalScrollBar()->setValue(line - verticalScrollBar()->pageStep() / 3);
}

void ActivationTextView::setSelection(int begin, int end) {
  begin = std::clamp(begin, 0, size());
  end = std::clamp(end, begin, size());
  if (begin == selectionBegin_ && end == selectionEnd_) return;
  selectionBegin_ = begin;
  selectionEnd_ = end;
  viewport()->update();
  emit selectionChanged(begin, end);
}

QString ActivationTextView::selectedText() const {
  return QString::fromUcs4(text_.data() + selectionBegin_, selectionEnd_ - selectionBegin_);
}

void ActivationTextView::setMarkedRanges(const std::vector<std::pair<int, int>>& ranges) {
  marks_ = ranges;
  viewport()->update();
}

void ActivationTextView::setUnderline(int first, const std::vector<float>& weights) {
  if (weights.empty() && underline_.empty()) return;
  underlineFirst_ = weights.empty() ? 0 : first;
  underline_ = weights;
  for (float& w : underline_) {
    if (!std::isnan(w)) w = std::clamp(w, 0.0f, 1.0f);
  }
  viewport()->update();
  emit underlineChanged(underlineFirst_, underline_);
}

void ActivationTextView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QAbstractScrollArea::mousePressEvent(event);
  const int index = indexAt(event->position().toPoint());
  if (index >= 0) emit characterClicked(index, event->modifiers());
  if (index >= 0 && (event->modifiers() & Qt::ControlModifier)) {
    anchor_ = -1;  // Ctrl+click is for the listener: the selection stays
    return;
  }
  if (index < 0) {
    setSelection(0, 0);
    anchor_ = -1;
    return;
  }
  if ((event->modifiers() & Qt::ShiftModifier) && selectionEnd_ > selectionBegin_) {
    // Extend: the end of the selection away from the click stays.
    anchor_ = index < selectionBegin_ ? selectionEnd_ - 1 : selectionBegin_;
  } else {
    anchor_ = index;
  }
  setSelection(std::min(anchor_, index), std::max(anchor_, index) + 1);
}

void ActivationTextView::keyPressEvent(QKeyEvent* event) {
  if (event->matches(QKeySequence::Copy) && selectionEnd_ > selectionBegin_) {
    QApplication::clipboard()->setText(selectedText());
    return;
  }
  if (event->key() == Qt::Key_Escape && !underline_.empty()) {
    clearUnderline();
    return;
  }
  QAbstractScrollArea::keyPressEvent(event);
}

void ActivationTextView::clear() {
  setText(std::u32string());
}

void ActivationTextView::setColorMap(const colormap::ColorMap& map) {
  colorMap_ = map;
  viewport()->update();
}

QString ActivationTextView::plainText() const {
  return QString::fromUcs4(text_.data(), static_cast<qsizetype>(text_.size()));
}

void ActivationTextView::setHighlighted(int index) {
  if (index == highlighted_) return;
  highlighted_ = index;
  viewport()->update();
}

int ActivationTextView::columns() const {
  return std::max(1, (viewport()->width() - 2 * margin_) / std::max(1, cellWidth_));
}

void ActivationTextView::updateMetrics() {
  const QFontMetrics metrics(font());
  const QFontMetricsF exact(font());
  cellWidth_ = std::max(1, qCeil(exact.horizontalAdvance(QLatin1Char('M'))));
  rawFont_ = QRawFont::fromFont(font());
  cellHeight_ = std::max(1, metrics.height() + 2);
  ascent_ = metrics.ascent() + 1;
}

void ActivationTextView::relayout() {
  lineStarts_.assign(1, 0);
  layoutFrom(0);
  updateScrollBar();
}

// Recomputes the visual lines from line `line` (whose start stays) to the end of the text.
void ActivationTextView::layoutFrom(std::size_t line) {
  lineStarts_.resize(line + 1);
  wrapLines(text_, columns(), &lineStarts_);
}

void ActivationTextView::wrapLines(const std::u32string& text, int columns,
                                   std::vector<int>* starts) {
  columns = std::max(1, columns);
  const auto n = static_cast<int>(text.size());
  int col = 0;
  for (int i = starts->back(); i < n; ++i) {
    if (col == columns) {
      starts->push_back(i);
      col = 0;
    }
    ++col;
    if (text[static_cast<std::size_t>(i)] == U'\n') {
      starts->push_back(i + 1);
      col = 0;
    }
  }
}

void ActivationTextView::updateScrollBar() {
  const int visible = std::max(1, (viewport()->height() - 2 * margin_) / cellHeight_);
  const int lines = static_cast<int>(lineStarts_.size());
  verticalScrollBar()->setPageStep(visible);
  verticalScrollBar()->setRange(0, std::max(0, lines - visible));
}

int ActivationTextView::indexAt(const QPoint& pos) const {
  if (pos.x() < margin_ || pos.y() < margin_) return -1;
  const int col = (pos.x() - margin_) / cellWidth_;
  const auto line =
      static_cast<std::size_t>((pos.y() - margin_) / cellHeight_ + verticalScrollBar()->value());
  if (col >= columns() || line >= lineStarts_.size()) return -1;
  const int end = line + 1 < lineStarts_.size() ? lineStarts_[line + 1] : size();
  const int index = lineStarts_[line] + col;
  return index < end ? index : -1;
}

QRect ActivationTextView::cellRect(int index) const {
  if (index < 0 || index >= size()) return QRect();
  const auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), index);
  const int line = static_cast<int>(it - lineStarts_.begin()) - 1;
  const int col = index - lineStarts_[static_cast<std::size_t>(line)];
  return QRect(margin_ + col * cellWidth_,
               margin_ + (line - verticalScrollBar()->value()) * cellHeight_, cellWidth_,
               cellHeight_);
}

void ActivationTextView::paintEvent(QPaintEvent* event) {
  QPainter painter(viewport());
  painter.setFont(font());
  const QColor plainText = palette().color(QPalette::Text);

  const int first = verticalScrollBar()->value();
  const int visible = (event->rect().bottom() - margin_) / cellHeight_ + 1;
  const int lastLine = std::min(static_cast<int>(lineStarts_.size()) - 1, first + visible);
  for (int line = first; line <= lastLine; ++line) {
    const int begin = lineStarts_[static_cast<std::size_t>(line)];
    const int end = line + 1 < static_cast<int>(lineStarts_.size())
                        ? lineStarts_[static_cast<std::size_t>(line) + 1]
                        : size();
    const int y = margin_ + (line - first) * cellHeight_;
    // Backgrounds first, then text in runs of plain ASCII sharing a colour.
    QString run;
    int runX = 0;
    QColor runColor;
    const auto flush = [&] {
      if (run.isEmpty()) return;
      // Glyphs placed on the grid explicitly: the font's fractional advance would drift.
      QGlyphRun glyphs;
      glyphs.setRawFont(rawFont_);
      glyphs.setGlyphIndexes(rawFont_.glyphIndexesForString(run));
      QVector<QPointF> positions(run.size());
      for (int k = 0; k < run.size(); ++k) positions[k] = QPointF(k * cellWidth_, 0.0);
      glyphs.setPositions(positions);
      painter.setPen(runColor);
      painter.drawGlyphRun(QPointF(runX, y + ascent_), glyphs);
      run.clear();
    };
    for (int i = begin; i < end; ++i) {
      const char32_t cp = text_[static_cast<std::size_t>(i)];
      const int x = margin_ + (i - begin) * cellWidth_;
      const QColor background = colorMap_.color(values_[static_cast<std::size_t>(i)]);
      if (background.isValid()) painter.fillRect(x, y, cellWidth_, cellHeight_, background);
      QColor ink = background.isValid() ? colormap::textOn(background) : plainText;
      if (!isPlainAscii(cp)) {
        flush();
        if (!whitespaceMarkers_ && (cp == U'\n' || cp == U'\t')) continue;
        if (cp < 0x20 || cp == 0x7f) ink.setAlphaF(0.8f);  // ↵, → and · a little quieter
        painter.setPen(ink);
        painter.drawText(QRect(x, y, cellWidth_, cellHeight_), Qt::AlignCenter, glyph(cp));
        continue;
      }
      if (!run.isEmpty() && ink != runColor) flush();
      if (run.isEmpty()) {
        runX = x;
        runColor = ink;
      }
      run.append(QChar(static_cast<char16_t>(cp)));
    }
    flush();
  }
  // Bars under the selection and the marked ranges, clipped to the visible characters.
  const auto [shownBegin, shownEnd] = visibleRange();
  const auto underline = [&](int from, int to, int thickness, const QColor& color) {
    for (int i = std::max(from, shownBegin); i < std::min(to, shownEnd); ++i) {
      const QRect cell = cellRect(i);
      painter.fillRect(cell.left(), cell.bottom() - thickness + 1, cell.width(), thickness, color);
    }
  };
  // The underline layer first (thin, its strength in its opacity), so marks and selection
  // stay on top of it.
  const QColor underlineInk(0xe0, 0x10, 0xc8);
  const int underlineEnd = underlineFirst_ + static_cast<int>(underline_.size());
  for (int i = std::max(underlineFirst_, shownBegin); i < std::min(underlineEnd, shownEnd); ++i) {
    const float w = underline_[static_cast<std::size_t>(i - underlineFirst_)];
    if (!(w > 0.01f)) continue;
    QColor ink = underlineInk;
    ink.setAlphaF(0.2f + 0.8f * w);
    const QRect cell = cellRect(i);
    const int thickness = 2 + qRound(3.0f * w);
    painter.fillRect(cell.left(), cell.bottom() - thickness + 1, cell.width(), thickness, ink);
  }
  // Colours that stand out on both ends of the diverging and the sequential maps.
  for (const auto& [from, to] : marks_) underline(from, to, 3, QColor(0x1f, 0xa0, 0x3c));
  underline(selectionBegin_, selectionEnd_, 3, palette().color(QPalette::Text));

  const QColor frame = palette().color(QPalette::Highlight);
  for (int index : {highlighted_, hovered_}) {
    const QRect rect = cellRect(index);
    if (rect.isNull()) continue;
    painter.setPen(QPen(frame, 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(rect.adjusted(1, 1, -1, -1));
  }
}

void ActivationTextView::resizeEvent(QResizeEvent* event) {
  QAbstractScrollArea::resizeEvent(event);
  relayout();
  notifyVisible();
}

void ActivationTextView::changeEvent(QEvent* event) {
  QAbstractScrollArea::changeEvent(event);
  if (event->type() == QEvent::FontChange) {
    updateMetrics();
    relayout();
  }
}

void ActivationTextView::setHovered(int index) {
  if (index == hovered_) return;
  hovered_ = index;
  viewport()->update();
  emit characterHovered(index);
}

void ActivationTextView::mouseMoveEvent(QMouseEvent* event) {
  const int index = indexAt(event->position().toPoint());
  setHovered(index);
  if ((event->buttons() & Qt::LeftButton) && anchor_ >= 0 && index >= 0)
    setSelection(std::min(anchor_, index), std::max(anchor_, index) + 1);
}

bool ActivationTextView::viewportEvent(QEvent* event) {
  if (event->type() == QEvent::Leave) setHovered(-1);
  return QAbstractScrollArea::viewportEvent(event);
}
