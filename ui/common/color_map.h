// Colour maps for activations, as pure functions (no widgets): a diverging blue→white→red map
// over [-1, 1] for tanh-bounded quantities (h, tanh(c), candidates), a sequential white→dark
// map over [0, 1] for sigmoid gates, and unbounded quantities (LSTM c) clamped to a symmetric
// range ±limit then shown diverging. Values outside a map's range clamp; NaN means "no value".
#pragma once

#include <QColor>

#include "probe.h"

namespace colormap {

// The anchor colours, exposed so tests and legends can name them.
inline constexpr QRgb kNegative = qRgb(49, 99, 196);   // diverging at -1
inline constexpr QRgb kNeutral = qRgb(255, 255, 255);  // diverging at 0, sequential at 0
inline constexpr QRgb kPositive = qRgb(200, 36, 36);   // diverging at +1
inline constexpr QRgb kDark = qRgb(26, 46, 96);        // sequential at 1

// Linear interpolation between two colours in RGB, t in [0, 1] (clamped).
QColor mix(QColor a, QColor b, double t);

// Diverging: -1 → kNegative, 0 → kNeutral, +1 → kPositive, linear in between.
QColor diverging(double value);
// Sequential: 0 → kNeutral, 1 → kDark, linear in between.
QColor sequential(double value);

// A text colour readable on `background`: black on light colours, white on dark ones.
QColor textOn(const QColor& background);

// How one quantity's values become colours. `limit` scales the value before the map: the
// symmetric range ±limit for unbounded quantities (diverging), the top [0, limit] of a
// sequential one (1 for gates; surprisal and entropy use larger ones).
struct ColorMap {
  cellscope::QuantityRange range = cellscope::QuantityRange::kSigned;
  double limit = 1.0;

  // An invalid QColor for NaN (the caller draws its own background).
  QColor color(double value) const;
  // The map's value range, for legends: [-limit, limit], [-1, 1] or [0, 1].
  double lower() const;
  double upper() const;

  static ColorMap forQuantity(cellscope::Quantity quantity, double unboundedLimit = 3.0);
  // Sequential over [0, limit] (surprisal, entropy); diverging over ±limit (a difference).
  static ColorMap sequentialTo(double limit);
  static ColorMap divergingTo(double limit);
};

}  // namespace colormap
