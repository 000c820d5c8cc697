// followPalette: one pass over the axis rect's axes (all four, visible or not).
#include "plot_palette.h"

#include <qcustomplot.h>

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
