// compare_scores: sums in double over the positions both models scored; per detector, over the
// subset it marks. Invariant: chars and loss_a/loss_b over the whole text equal what two
// evaluations report (tests/engine/test_compare.cpp).
#include "compare.h"

#include <cmath>
#include <limits>

#include "detectors.h"
#include "error.h"

namespace cellscope {

std::vector<std::string> all_detector_names() {
  std::vector<std::string> names;
  for (const DetectorInfo& d : detector_list()) names.push_back(d.name);
  return names;
}

Comparison compare_scores(const CharScores& a, const CharScores& b, const std::u32string& text,
                          const std::vector<std::string>& detectors) {
  const int64_t n = static_cast<int64_t>(text.size());
  if (a.size() != n || b.size() != n) {
    throw Error("compare: scores cover " + std::to_string(a.size()) + " and " +
                std::to_string(b.size()) + " positions of a " + std::to_string(n) +
                "-character text");
  }
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Comparison c;
  c.difference.assign(static_cast<std::size_t>(n), nan);
  double sum_a = 0.0, sum_b = 0.0;
  for (std::size_t p = 0; p < static_cast<std::size_t>(n); ++p) {
    if (std::isnan(a.surprisal[p]) || std::isnan(b.surprisal[p])) continue;
    c.difference[p] = a.surprisal[p] - b.surprisal[p];
    sum_a += a.surprisal[p];
    sum_b += b.surprisal[p];
    ++c.chars;
  }
  c.loss_a = c.chars > 0 ? sum_a / static_cast<double>(c.chars) : 0.0;
  c.loss_b = c.chars > 0 ? sum_b / static_cast<double>(c.chars) : 0.0;
  for (const std::string& name : detectors) {
    const Signal signal = detect(name, text);
    DetectorLoss d;
    d.detector = name;
    double da = 0.0, db = 0.0;
    for (std::size_t p = 0; p < static_cast<std::size_t>(n); ++p) {
      if (std::isnan(c.difference[p]) || !(signal.values[p] > 0.5f)) continue;
      da += a.surprisal[p];
      db += b.surprisal[p];
      ++d.chars;
    }
    const double none = std::numeric_limits<double>::quiet_NaN();
    d.loss_a = d.chars > 0 ? da / static_cast<double>(d.chars) : none;
    d.loss_b = d.chars > 0 ? db / static_cast<double>(d.chars) : none;
    c.detectors.push_back(d);
  }
  return c;
}

}  // namespace cellscope
