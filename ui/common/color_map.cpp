// Colour maps: plain arithmetic on QColor, linear in RGB between anchor colours. NaN gives an
// invalid QColor so views can tell "no value" (e.g. the prime text) from a value of zero.
#include "color_map.h"

#include <algorithm>
#include <cmath>

namespace colormap {

namespace {

double clamp01(double t) {
  return std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
}

int lerp(int a, int b, double t) {
  return static_cast<int>(std::lround(a + (b - a) * t));
}

}  // namespace

QColor mix(QColor a, QColor b, double t) {
  t = clamp01(t);
  return QColor(lerp(a.red(), b.red(), t), lerp(a.green(), b.green(), t),
                lerp(a.blue(), b.blue(), t));
}

QColor diverging(double value) {
  if (std::isnan(value)) return QColor();
  const double v = std::clamp(value, -1.0, 1.0);
  return v < 0.0 ? mix(QColor(kNeutral), QColor(kNegative), -v)
                 : mix(QColor(kNeutral), QColor(kPositive), v);
}

QColor sequential(double value) {
  if (std::isnan(value)) return QColor();
  return mix(QColor(kNeutral), QColor(kDark), value);
}

QColor textOn(const QColor& background) {
  // Relative luminance (Rec. 709 weights) on the gamma-encoded values is enough here.
  const double luminance =
      0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
  return luminance < 0.5 ? QColor(Qt::white) : QColor(Qt::black);
}

QColor ColorMap::color(double value) const {
  switch (range) {
    case cellscope::QuantityRange::kUnit:
      return sequential(limit > 0.0 ? value / limit : value);
    case cellscope::QuantityRange::kUnbounded:
      return diverging(limit > 0.0 ? value / limit : value);
    case cellscope::QuantityRange::kSigned:
      break;
  }
  return diverging(value);
}

double ColorMap::lower() const {
  switch (range) {
    case cellscope::QuantityRange::kUnit:
      return 0.0;
    case cellscope::QuantityRange::kUnbounded:
      return -limit;
    case cellscope::QuantityRange::kSigned:
      break;
  }
  return -1.0;
}

double ColorMap::upper() const {
  return range == cellscope::QuantityRange::kSigned ? 1.0 : limit;
}

ColorMap ColorMap::sequentialTo(double limit) {
  return ColorMap{cellscope::QuantityRange::kUnit, limit};
}

ColorMap ColorMap::divergingTo(double limit) {
  return ColorMap{cellscope::QuantityRange::kUnbounded, limit};
}

ColorMap ColorMap::forQuantity(cellscope::Quantity quantity, double unboundedLimit) {
  ColorMap map;
  map.range = cellscope::quantity_range(quantity);
  map.limit = map.range == cellscope::QuantityRange::kUnbounded ? unboundedLimit : 1.0;
  return map;
}

}  // namespace colormap
