// cellscope-cli find: every neuron ranked by Pearson r and ROC-AUC against a detector's target
// over a text (engine/neuron_search.h), printed as a table.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "detectors.h"
#include "error.h"
#include "inspect_commands.h"
#include "inspect_support.h"
#include "neuron_search.h"

namespace cellscope::cli {
namespace {

struct FindArgs {
  std::string model, text, detector, quantity;
  int top = 20;
  int threads = 1;
};

void run_find(const FindArgs& a) {
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  const Quantity q = quantity_or_default(a.quantity, in.model->config().cell);
  require_quantity(in.model->config().cell, q);
  Signal signal;
  if (a.detector.rfind("regex:", 0) == 0) {
    // The one detector that can take long (see detectors.h): a progress line, and Ctrl-C stops.
    PassProgress searching("regex", static_cast<int64_t>(in.text.size()));
    SigintGuard guard;
    try {
      signal = detect(a.detector, in.text, searching.fn());
    } catch (const Error&) {
      if (SigintGuard::stopped()) interrupted("no result");
      throw;
    }
    searching.finish();
  } else {
    signal = detect(a.detector, in.text);
  }
  const double threshold = auc_threshold(signal.values, signal.binary);
  int64_t positives = 0;
  for (float v : signal.values) positives += static_cast<double>(v) > threshold;
  std::fprintf(stderr, "detector %s: %s of %s positions positive (AUC positives: value > %g)\n",
               a.detector.c_str(), format_count(static_cast<double>(positives)).c_str(),
               format_count(static_cast<double>(signal.values.size())).c_str(), threshold);
  std::fprintf(stderr, "quantity: %s\n", to_string(q).c_str());
  Probe probe(*in.model, in.ids);
  PassProgress progress("find", probe.size());
  SigintGuard guard;
  const std::vector<NeuronScore> scores =
      find_neurons(probe, q, signal.values, threshold, progress.fn());
  progress.finish();
  if (scores.empty()) interrupted("no result");
  std::printf("rank layer neuron correlation    auc\n");
  const std::size_t shown =
      a.top > 0 ? std::min(scores.size(), static_cast<std::size_t>(a.top)) : scores.size();
  for (std::size_t i = 0; i < shown; ++i) {
    const NeuronScore& s = scores[i];
    std::printf("%4zu %5d %6d %+11.4f %6.4f\n", i + 1, s.layer, s.neuron, s.correlation, s.auc);
  }
}

std::string detector_help() {
  std::string out = "Detectors (--detector NAME):\n";
  for (const DetectorInfo& d : detector_list()) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-19s %s\n", d.name.c_str(), d.description.c_str());
    out += line;
  }
  out += regex_detector_help();
  out +=
      "Span detectors are 1 inside and 0 outside; an opening delimiter counts as inside and a\n"
      "closing one as outside (the state after reading it). AUC positives: value > 0.5, or,\n"
      "for the depth and position detectors, value > the text's median.";
  return out;
}

}  // namespace

void add_find_command(CLI::App& app) {
  auto a = std::make_shared<FindArgs>();
  CLI::App* sub = app.add_subcommand(
      "find", "Rank every neuron by how well it tracks a detector (Pearson r and ROC-AUC)");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--detector", a->detector, "NAME or regex:PATTERN (list below)")->required();
  add_quantity_option(sub, a->quantity);
  sub->add_option("--top", a->top, "Lines to print (0: every neuron)")
      ->check(CLI::NonNegativeNumber);
  sub->footer("Prints: rank layer neuron correlation auc, by |correlation| descending.\n" +
              detector_help());
  sub->callback([a] { run_find(*a); });
}

}  // namespace cellscope::cli
