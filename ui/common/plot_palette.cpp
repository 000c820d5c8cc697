// followPalette: one pass over the axis rect's axes (all four, visible or not), so an axis
// made visible later already has the palette's colours.
#include "plot_palette.h"

#include <qcustomplot.h>

#include <QEvent>

namespace {

class PaletteFollower : public QObject {
 public:
  explicit PaletteFollower(QCustomPlot* plot) : QObject(plot), plot_(plot) { apply(); }
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (watched == plot_ && event->type() == QEvent::PaletteChange) apply();
    return false;
  }

 private:
  void apply() {
    const QPalette palette = plot_->palette();
    followPalette(plot_, palette);
    plot_->legend->setBrush(palette.brush(QPalette::Base));
    plot_->legend->setTextColor(palette.color(QPalette::Text));
    plot_->legend->setBorderPen(QPen(palette.color(QPalette::Text)));
    plot_->replot(QCustomPlot::rpQueuedReplot);
  }
  QCustomPlot* plot_;
};

}  // namespace

void followPalette(QCustomPlot* plot, const QPalette& palette) {
  const QColor text = palette.color(QPalette::Text);
  QColor faint = text;
  faint.setAlphaF(0.15f);
  plot->setBackground(palette.brush(QPalette::Base));
  for (QCPAxis* axis : plot->axisRect()->axes()) {
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(faint, 0, Qt::DotLine));
    axis->grid()->setZeroLinePen(QPen(faint, 0, Qt::SolidLine));
  }
}

void keepFollowingPalette(QCustomPlot* plot) {
  plot->installEventFilter(new PaletteFollower(plot));
}
