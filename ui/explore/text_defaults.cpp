// text_defaults: cheap counts over the text (at most its first 64k characters are looked at for
// the detector), so both choices take well under a millisecond on the GUI thread or the worker.
#include "text_defaults.h"

#include <algorithm>
#include <cmath>

namespace text_defaults {

NeuronChoice mostVariableNeuron(const cellscope::Mat<float>& values,
                                cellscope::QuantityRange range) {
  NeuronChoice best;
  const Eigen::Index n = values.cols();
  if (n == 0) return best;
  const bool bounded = range != cellscope::QuantityRange::kUnbounded;
  const double low = range == cellscope::QuantityRange::kUnit ? 0.0 : -1.0, high = 1.0;
  const double edge = 0.05 * (high - low);
  for (Eigen::Index h = 0; h < values.rows(); ++h) {
    double sum = 0.0, squares = 0.0;
    Eigen::Index nearLow = 0, nearHigh = 0, counted = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double v = values(h, j);
      if (std::isnan(v)) continue;
      ++counted;
      sum += v;
      squares += v * v;
      nearLow += v <= low + edge;
      nearHigh += v >= high - edge;
    }
    if (counted == 0) continue;
    const auto c = static_cast<double>(counted);
    if (bounded && (nearLow >= 0.9 * c || nearHigh >= 0.9 * c)) continue;  // saturated
    const double mean = sum / c;
    const double variance = std::max(0.0, squares / c - mean * mean);
    if (variance > best.variance) best = {static_cast<int>(h), variance};
  }
  return best;
}

namespace {

std::size_t count(const std::u32string& text, const std::u32string& what) {
  std::size_t found = 0;
  for (std::size_t at = text.find(what); at != std::u32string::npos;
       at = text.find(what, at + what.size()))
    ++found;
  return found;
}

}  // namespace

std::string defaultDetector(const std::u32string& whole) {
  const std::u32string text = whole.substr(0, 65536);
  const std::size_t latex = count(text, U"\\begin{") + count(text, U"\\end{") +
                            count(text, U"\\section") + count(text, U"\\documentclass") +
                            count(text, U"\\frac") + count(text, U"\\usepackage");
  const std::size_t comments = count(text, U"/*") + count(text, U"//");
  const std::size_t code = count(text, U";\n") + count(text, U"{\n") + count(text, U"#include") +
                           count(text, U"#define");
  const double lines = 1.0 + static_cast<double>(count(text, U"\n"));
  if (latex >= 2 && static_cast<double>(latex) >= 0.02 * lines) return "latex";
  if ((comments >= 1 && code >= 2) || static_cast<double>(code) >= 0.2 * lines) return "c-comment";
  return "double-quote";
}

}  // namespace text_defaults
