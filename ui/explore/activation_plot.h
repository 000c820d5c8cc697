// ActivationPlot: one neuron's activation as a QCustomPlot line over the characters visible in
// the text view, an oscilloscope trace under the text. x is the character position (one key per
// position, begin..begin+n-1, in order); NaN values (not computed yet) are gaps in the line. The
// y range is the caller's; ≤ kMaxCharacterTicks visible characters get the characters themselves
// as tick labels. A pure display widget: it holds what it was given and follows the palette.
#pragma once

#include <QString>
#include <QWidget>
#include <string>
#include <utility>
#include <vector>

class QCPGraph;
class QCPItemStraightLine;
class QCPTextElement;
class QCustomPlot;
class QPalette;

class ActivationPlot : public QWidget {
  Q_OBJECT

 public:
  // At most this many visible characters are labelled with the characters themselves.
  static constexpr int kMaxCharacterTicks = 80;

  explicit ActivationPlot(QWidget* parent = nullptr);

  // The values at positions begin..begin+values.size()-1 (NaN: a gap); the x axis spans them.
  void setValues(qint64 begin, const std::vector<float>& values);
  // The characters at positions begin.., used only for tick labels (↵ newline, ␣ space).
  void setCharacters(qint64 begin, const std::u32string& characters);
  void clear();
  // The y axis range, e.g. [-1, 1], [0, 1] or ±limit; lo ≥ hi is ignored.
  void setRange(double lo, double hi);
  // A one-line title above the trace, e.g. "layer 1 · neuron 37 · tanh(c)".
  void setTitle(const QString& title);
  // The y axis title: the quantity shown (e.g. "tanh-cell"). The x axis is titled "character
  // position" (or "character" while the characters label the ticks).
  void setYLabel(const QString& label);
  QString yLabel() const;
  QString xLabel() const;
  // The least height that reads: title, three y ticks apart, x ticks and both axis titles.
  static constexpr int kMinimumHeight = 140;
  // A vertical marker at a character position; -1 for none.
  void setHighlighted(qint64 position);
  // Half-open position spans [first, second) shaded behind the trace (e.g. detector matches).
  void setMarkedSpans(const std::vector<std::pair<qint64, qint64>>& spans);

  qint64 begin() const { return begin_; }
  qint64 count() const { return count_; }
  qint64 highlighted() const { return highlighted_; }
  QString title() const;
  // True when the x axis shows the characters themselves.
  bool showsCharacterTicks() const { return characterTicks_; }
  // The character position under a widget-local x of the inner plot, or -1 outside the data.
  qint64 positionAt(double plotPixelX) const;

  QCustomPlot* customPlot() const { return plot_; }
  QCPGraph* graph() const { return graph_; }
  QCPItemStraightLine* highlightMarker() const { return marker_; }

 signals:
  void positionClicked(qint64 position);
  // The position under the mouse changed; -1 when it left the data.
  void positionHovered(qint64 position);

 protected:
  void changeEvent(QEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void applyPalette();
  void updateXAxis();
  void updateSpans();
  void setHovered(qint64 position);

  QCustomPlot* plot_ = nullptr;
  QCPGraph* graph_ = nullptr;
  QCPItemStraightLine* marker_ = nullptr;
  QCPTextElement* title_ = nullptr;
  qint64 begin_ = 0;
  qint64 count_ = 0;
  qint64 highlighted_ = -1;
  qint64 hovered_ = -1;
  qint64 charactersBegin_ = 0;
  std::u32string characters_;
  std::vector<std::pair<qint64, qint64>> spans_;
  bool characterTicks_ = false;
};
