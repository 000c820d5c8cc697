// cellscope-cli match (LSTMVis): the neurons on inside a span and off around it, ranked by how
// cleanly they separate the two, then the other places where the chosen ones switch on
// (engine/neuron_match.h). Prints the chosen neurons, the neuron ranking and the places.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "arg_values.h"
#include "error.h"
#include "inspect_commands.h"
#include "inspect_support.h"
#include "neuron_match.h"

namespace cellscope::cli {
namespace {

struct MatchArgs {
  std::string model, text, range, quantity;
  MatchQuery query;  // the numeric options write into it
  int neurons = 10;  // ranking rows to print
  int threads = 1;
};

void run_match(const MatchArgs& a) {
  MatchQuery query = a.query;
  query.top_neurons = std::max(query.top_neurons, a.neurons);
  const CharRange range = parse_char_range(a.range);
  query.begin = range.begin;
  query.end = range.end;
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  query.quantity = quantity_or_default(a.quantity, in.model->config().cell);
  Probe probe(*in.model, in.ids);
  PassProgress progress("match", probe.size());
  SigintGuard guard;
  const MatchResult r = match_ranges(probe, query, progress.fn());
  progress.finish();
  if (SigintGuard::stopped()) interrupted("no result");
  std::printf(
      "selected %zu neuron(s) with %s >= %g inside %lld:%lld (after a lead-in of %lld) and "
      "below it around it (%d either side), separation >= %g:",
      r.selected.size(), to_string(query.quantity).c_str(), static_cast<double>(query.threshold),
      static_cast<long long>(r.inside_begin), static_cast<long long>(query.end),
      static_cast<long long>(r.inside_begin - query.begin), query.off, query.min_separation);
  for (const NeuronRef& s : r.selected) std::printf(" %d:%d", s.layer, s.neuron);
  std::printf("\nquery text: %s\n", text_snippet(in.text, query.begin, query.end, 60).c_str());
  if (r.best) {
    std::printf("best: %d:%d\n", r.best->layer, r.best->neuron);
  } else {
    std::printf("best: none (no neuron is on more inside than around)\n");
  }
  std::printf("neuron  separation inside_on outside_on   margin\n");
  for (std::size_t i = 0; i < r.neurons.size() && static_cast<int>(i) < a.neurons; ++i) {
    const NeuronMatch& n = r.neurons[i];
    char name[32];
    std::snprintf(name, sizeof name, "%d:%d", n.ref.layer, n.ref.neuron);
    std::printf("%-7s %+10.4f %9.4f %10.4f %+8.4f\n", name, n.separation, n.inside_on,
                n.outside_on, n.margin);
  }
  if (r.selected.empty()) return;
  std::printf("rank    begin      end  score shared extra text\n");
  for (std::size_t i = 0; i < r.matches.size(); ++i) {
    const RangeMatch& m = r.matches[i];
    std::printf("%4zu %8lld %8lld %6.3f %6d %5d %s\n", i + 1, static_cast<long long>(m.begin),
                static_cast<long long>(m.end), m.score, m.shared, m.extra,
                text_snippet(in.text, m.begin, m.end, 60).c_str());
  }
}

}  // namespace

void add_match_command(CLI::App& app) {
  auto a = std::make_shared<MatchArgs>();
  MatchQuery& q = a->query;
  CLI::App* sub = app.add_subcommand(
      "match", "LSTMVis: the neurons on through a span and off around it, and the other places "
               "where they switch on");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--range", a->range, "A:B, character positions [A, B), 0-based")->required();
  sub->add_option("--threshold", q.threshold, "On means value >= this");
  add_quantity_option(sub, a->quantity);
  sub->add_option("--layer", q.layer, "Only this layer (-1: every layer)")
      ->check(CLI::Range(-1, 1 << 20));
  sub->add_option("--lead-in", q.lead_in,
                  "The span's first N positions may still be off (a neuron needs a step or two "
                  "to switch on)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--off", q.off, "Positions before and after the span where a neuron should be off")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--min-separation", q.min_separation,
                  "Choose neurons with inside_on - outside_on >= this")
      ->check(CLI::Range(-1.0, 1.0));
  sub->add_option("--max-neurons", q.max_neurons, "Choose at most this many (the cleanest)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--neurons", a->neurons, "Ranked neurons to print")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--top", q.top, "Places to print")->check(CLI::NonNegativeNumber);
  sub->footer(
      "Neurons: inside = the span after the lead-in, outside = --off positions either side. "
      "separation = (fraction of inside positions on) - (fraction of outside positions on); "
      "ties by margin = mean inside - mean outside. Chosen: separation >= --min-separation, "
      "the --max-neurons cleanest; best = the first chosen (else the top neuron if its "
      "separation > 0). Places: maximal runs where at least half of the chosen neurons are on; "
      "score = mean over chosen neurons of min(steps on there, inside length) / inside length "
      "(1: all on at least as long as in the span); shared = chosen neurons on for at least "
      "half the run; extra = other neurons on throughout it.");
  sub->callback([a] { run_match(*a); });
}

}  // namespace cellscope::cli
