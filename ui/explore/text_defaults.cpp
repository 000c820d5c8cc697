// text_defaults: cheap counts over the text (at most its first 64k characters are looked at for
// the detector), so both choices take well under a millisecond on the GUI thread or the worker.
#include "text_defaults.h"

#include <algorithm>
#include <cmath>

namespace text_defaults {

NeuronChoice mostVariableNeuron(const cellscope::Mat<float>& values,
                                cellscope::QuantityRange range) {
  NeuronChoice best;
  double bestScore = 0.0;
  const Eigen::Index n = values.cols();
  if (n < 2) return best;
  const bool bounded = range != cellscope::QuantityRange::kUnbounded;
  const double low = range == cellscope::QuantityRange::kUnit ? 0.0 : -1.0, high = 1.0;
  const double edge = 0.05 * (high - low);
  const auto c = static_cast<double>(n);
  for (Eigen::Index h = 0; h < values.rows(); ++h) {
    const auto row = values.row(h).cast<double>();
    if (!row.allFinite()) continue;
    const Eigen::Index nearLow = (row.array() <= low + edge).count();
    const Eigen::Index nearHigh = (row.array() >= high - edge).count();
    if (bounded && (nearLow >= 0.9 * c || nearHigh >= 0.9 * c)) continue;  // saturated
    const Eigen::ArrayXd centred = (row.array() - row.mean()).transpose();
    const double variance = centred.square().mean();
    // Variance that lasts from one character to the next (lag-1 autocovariance): a neuron that
    // flips at every character varies a lot but reads as noise; one that follows a structure
    // (a comment, a quote, a line) keeps its value for a while.
    const double lasting = (centred.head(n - 1) * centred.tail(n - 1)).mean();
    if (lasting > bestScore) {
      bestScore = lasting;
      best = {static_cast<int>(h), variance};
    }
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

// "//" that starts a line comment, not the one inside a URL's scheme (https://, ftp://).
std::size_t countLineComments(const std::u32string& text) {
  std::size_t found = 0;
  for (std::size_t at = text.find(U"//"); at != std::u32string::npos; at = text.find(U"//", at + 2))
    if (at == 0 || text[at - 1] != U':') ++found;
  return found;
}

}  // namespace

std::string defaultDetector(const std::u32string& whole) {
  const std::u32string text = whole.substr(0, 65536);
  const std::size_t latex = count(text, U"\\begin{") + count(text, U"\\end{") +
                            count(text, U"\\section") + count(text, U"\\documentclass") +
                            count(text, U"\\frac") + count(text, U"\\usepackage");
  const std::size_t comments = count(text, U"/*") + countLineComments(text);
  const std::size_t code = count(text, U";\n") + count(text, U"{\n") + count(text, U"#include") +
                           count(text, U"#define");
  const double lines = 1.0 + static_cast<double>(count(text, U"\n"));
  if (latex >= 2 && static_cast<double>(latex) >= 0.02 * lines) return "latex";
  if ((comments >= 1 && code >= 2) || static_cast<double>(code) >= 0.2 * lines) return "c-comment";
  return "double-quote";
}

}  // namespace text_defaults
