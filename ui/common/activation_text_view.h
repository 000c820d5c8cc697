// ActivationTextView: a read-only text on a monospace grid, each character's background coloured
// by its value through a colour map (NaN: none); newline and tab are visible glyphs (↵, →) in
// coloured cells; lines wrap at the viewport. Only visible lines are painted. Hover emits the
// index; a mouse-selected span (drag, Shift+click, Ctrl+C) and marked ranges are drawn as bars
// under their cells, so the colours stay visible. The font size zooms (zoomIn/zoomOut/resetZoom,
// kMinPointSize..kMaxPointSize, also Ctrl+wheel) and the ↵ → markers can be hidden (the cells stay coloured).
// An underline layer (weights 0..1, e.g. a saliency) sits under the glyphs; Esc clears it.
// Used by the explorer and the generator.
#pragma once

#include <QAbstractScrollArea>
#include <QRawFont>
#include <QString>
#include <string>
#include <utility>
#include <vector>

#include "color_map.h"

class ActivationTextView : public QAbstractScrollArea {
  Q_OBJECT

 public:
  explicit ActivationTextView(QWidget* parent = nullptr);

  // Replaces the text. `values` has one entry per code point of `text` (missing entries are NaN).
  void setText(const std::u32string& text, const std::vector<float>& values = {});
  // Appends characters (the scroll position stays, so the start stays in view).
  void append(const std::u32string& text, const std::vector<float>& values);
  // Replaces every value (e.g. another neuron over the same text); size should match size().
  void setValues(const std::vector<float>& values);
  // Replaces the values of [begin, begin + values.size()) (clipped to the text).
  void setValuesAt(int begin, const std::vector<float>& values);
  void clear();

  static constexpr double kMinPointSize = 6.0;
  static constexpr double kMaxPointSize = 40.0;
  // The text's point size, clamped to [kMinPointSize, kMaxPointSize]; the grid follows it.
  void setPointSize(double points);
  double pointSize() const;
  double defaultPointSize() const { return defaultPointSize_; }
  bool whitespaceMarkersVisible() const { return whitespaceMarkers_; }

  void setColorMap(const colormap::ColorMap& map);
  const colormap::ColorMap& colorMap() const { return colorMap_; }

  int size() const { return static_cast<int>(text_.size()); }
  const std::u32string& text() const { return text_; }
  float value(int index) const { return values_[static_cast<std::size_t>(index)]; }
  const std::vector<float>& values() const { return values_; }
  QString plainText() const;

  // The character under a viewport position, or -1; the viewport rectangle of a character.
  int indexAt(const QPoint& viewportPos) const;
  QRect cellRect(int index) const;
  QSize cellSize() const { return QSize(cellWidth_, cellHeight_); }
  // The character whose cell is highlighted (a frame), -1 for none.
  void setHighlighted(int index);
  int highlighted() const { return highlighted_; }

  // The characters at least partly visible: [first, end).
  std::pair<int, int> visibleRange() const;
  // Scrolls so that `index` is visible (a third from the top when it was not).
  void scrollTo(int index);

  // The selected span [begin, end) (begin == end: none); setSelection emits selectionChanged.
  std::pair<int, int> selection() const { return {selectionBegin_, selectionEnd_}; }
  void setSelection(int begin, int end);
  QString selectedText() const;
  // Ranges to mark (e.g. the places a neuron set fires together); empty clears.
  void setMarkedRanges(const std::vector<std::pair<int, int>>& ranges);
  const std::vector<std::pair<int, int>>& markedRanges() const { return marks_; }
  // The underline layer: weights[i] in [0, 1] (clamped; NaN: none) under character first + i.
  // An empty `weights` clears it. Independent of the colours, selection and marks.
  void setUnderline(int first, const std::vector<float>& weights);
  void clearUnderline() { setUnderline(0, {}); }
  int underlineFirst() const { return underlineFirst_; }
  const std::vector<float>& underlineWeights() const { return underline_; }

  // The wrapping rule, shared with the PNG export: lines of `columns` cells, a newline ending its
  // line after its own cell. Continues from starts->back() (a line start; *starts not empty),
  // appending the start of every later line.
  static void wrapLines(const std::u32string& text, int columns, std::vector<int>* starts);

  // The glyph a character is drawn with: ↵ for newline, → for tab, itself otherwise.
  static QString glyph(char32_t cp);
  // A short visible label for a character on an axis or a bar (↵, ␣, →, U+XXXX for other
  // controls).
  static QString label(char32_t cp);

 public slots:
  void zoomIn();     // +1 point (at least ×1.1)
  void zoomOut();    // −1 point
  void resetZoom();  // the system fixed font's size
  // Newline and tab drawn as ↵ and → (default), or as blank coloured cells.
  void setWhitespaceMarkersVisible(bool visible);

 signals:
  // The character under the mouse changed; -1 when the mouse left the text.
  void characterHovered(int index);
  // The visible characters changed (scroll, resize, new text).
  void visibleRangeChanged(int begin, int end);
  void selectionChanged(int begin, int end);
  // A left click on a character, with the modifiers held (Ctrl+click leaves the selection as it
  // is, so a click can ask for something else, e.g. a saliency, without losing it).
  void characterClicked(int index, Qt::KeyboardModifiers modifiers);
  // The underline layer was set or cleared (Esc, a new text); weights empty when cleared.
  void underlineChanged(int first, const std::vector<float>& weights);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;  // Ctrl+wheel zooms, else scrolls
  void scrollContentsBy(int dx, int dy) override;
  bool viewportEvent(QEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void updateMetrics();
  void relayout();
  void layoutFrom(std::size_t begin);
  void updateScrollBar();
  void setHovered(int index);
  int columns() const;
  void notifyVisible();

  std::u32string text_;
  std::vector<float> values_;
  std::vector<int> lineStarts_;  // index of each visual line's first character
  colormap::ColorMap colorMap_;
  QRawFont rawFont_;  // the view font, for grid-placed ASCII glyph runs
  int cellWidth_ = 8;
  int cellHeight_ = 16;
  int ascent_ = 12;
  int margin_ = 4;
  int hovered_ = -1;
  int highlighted_ = -1;
  int selectionBegin_ = 0, selectionEnd_ = 0;
  int anchor_ = -1;  // where the mouse selection started
  std::vector<std::pair<int, int>> marks_;
  int underlineFirst_ = 0;
  std::vector<float> underline_;
  std::pair<int, int> lastVisible_{-1, -1};
  double defaultPointSize_ = 10.0;
  bool whitespaceMarkers_ = true;
};
