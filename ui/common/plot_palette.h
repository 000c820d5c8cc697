// Plots in the application's palette: QCustomPlot draws white with black axes whatever the
// palette, so every plot widget calls followPalette() at construction and on PaletteChange.
// Background, axes, tick labels and grids (faint, dotted) take the palette's Base and Text.
// Axes that are not visible are coloured too, so showing one later needs no second call.
#pragma once

class QCustomPlot;
class QPalette;

void followPalette(QCustomPlot* plot, const QPalette& palette);
// For plots with nothing else to recolour: followPalette() now and on every palette change
// (and the legend's box and text too).
void keepFollowingPalette(QCustomPlot* plot);
