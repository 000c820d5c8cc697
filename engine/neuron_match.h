// LSTMVis's "match" query: from a selected span, the neurons that are on inside it and off
// around it (ranked by how cleanly they separate the two), then the other places where those
// neurons switch on together (ranked by how many of them are on there and for how long).
// Streaming: one replay of the selection and its surroundings, one pass over the text; memory
// bounded by the neuron count (never × length).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "probe.h"

namespace cellscope {

struct NeuronRef {
  int layer = 0, neuron = 0;
  bool operator==(const NeuronRef& o) const { return layer == o.layer && neuron == o.neuron; }
  bool operator!=(const NeuronRef& o) const { return !(*this == o); }
};

// The quantity the explorer colours by, and the CLI's default: tanh(c) for an LSTM (bounded,
// so one threshold reads the same for every neuron), the hidden state for a GRU or an RNN.
Quantity default_quantity(CellType cell);

struct MatchQuery {
  int64_t begin = 0, end = 0;  // the selected span [begin, end)
  float threshold = 0.5f;      // "on" means value >= threshold
  Quantity quantity = Quantity::kHidden;  // every cell has it; see default_quantity()
  int layer = -1;                         // -1: every layer
  int top = 50;                           // places to keep
  // A neuron takes a step or two to switch on: the first `lead_in` positions of the span are
  // neither inside nor outside (at least the span's last position always counts as inside).
  int lead_in = 2;
  // Positions just before and just after the span where a neuron should be off (clipped at the
  // text's ends; 0: no outside, the ranking is then by the inside alone).
  int off = 3;
  // The chosen neurons: separation >= min_separation, the `max_neurons` cleanest.
  double min_separation = 0.75;
  int max_neurons = 10;
  int top_neurons = 50;  // how many ranked neurons MatchResult::neurons keeps
};

// How cleanly one neuron separates the span's inside from its surroundings.
struct NeuronMatch {
  NeuronRef ref;
  double separation = 0.0;   // inside_on − outside_on, in [−1, 1]; the ranking key
  double inside_on = 0.0;    // fraction of inside positions >= threshold
  double outside_on = 0.0;   // fraction of outside positions >= threshold (0 without outside)
  double margin = 0.0;       // mean inside − mean outside: the tie-break (mean inside alone
                             // without outside positions)
  double mean_inside = 0.0;  // mean value over the inside positions
};

// One other place: a maximal run of positions where at least half of the chosen neurons
// (rounded up, at least 1) are on.
struct RangeMatch {
  int64_t begin = 0, end = 0;
  // Mean over the chosen neurons of min(steps on in the run, L) / L, L = the span's inside
  // length: 1 when every chosen neuron is on there for at least as long as in the span.
  double score = 0.0;
  int shared = 0;  // chosen neurons on for at least half of the run
  int extra = 0;   // other neurons of the query on at every position of the run
};

struct MatchResult {
  std::vector<NeuronRef> selected;  // the chosen neurons, cleanest first
  std::vector<NeuronMatch> neurons; // every neuron by separation (then margin), best first,
                                    // at most query.top_neurons
  std::optional<NeuronRef> best;    // to colour by: selected[0], else the top neuron if its
                                    // separation > 0, else none
  int64_t inside_begin = 0;         // first inside position (begin + the lead-in used)
  std::vector<RangeMatch> matches;  // best first: score, shared, closeness of length, position
};

// The inside positions of a query: [inside_begin(q), q.end).
int64_t inside_begin(const MatchQuery& q);

// Accumulates each neuron's inside/outside statistics from chunks covering the span and its
// surroundings (positions elsewhere are ignored), then ranks them.
class SeparationCounter {
 public:
  SeparationCounter(const std::vector<NeuronRef>& neurons, const MatchQuery& query,
                    int64_t text_length);
  // values: (N × T) for positions [begin, begin + T), rows as `neurons`.
  void add(int64_t begin, const Eigen::Ref<const Mat<float>>& values);
  std::vector<NeuronMatch> ranking() const;  // every neuron, best first

 private:
  std::vector<NeuronRef> neurons_;
  MatchQuery query_;
  int64_t inside_begin_, outside_begin_, outside_end_;
  std::vector<int64_t> inside_on_, outside_on_;
  std::vector<double> inside_sum_, outside_sum_;
  int64_t inside_count_ = 0, outside_count_ = 0;
};

// The chosen neurons of a ranking: separation >= query.min_separation, at most max_neurons.
std::vector<NeuronRef> choose_neurons(const std::vector<NeuronMatch>& ranking,
                                      const MatchQuery& query);

// Scans positions in order and keeps the `top` best places (see RangeMatch). Runs overlapping
// the span are skipped.
class RangeMatcher {
 public:
  // `neurons`: the rows of the values passed to add(), in order; `selected` ⊆ neurons.
  RangeMatcher(const std::vector<NeuronRef>& neurons, const std::vector<NeuronRef>& selected,
               const MatchQuery& query);
  // values: (N × T) for positions [begin, begin + T), rows as `neurons`; positions in order.
  void add(int64_t begin, const Eigen::Ref<const Mat<float>>& values);
  std::vector<RangeMatch> finish();  // closes an open run; best first

 private:
  void close_run();
  std::vector<uint64_t> selected_bits_;
  std::vector<uint64_t> run_and_;  // neurons on at every position of the current run
  std::vector<uint64_t> on_;
  std::vector<int> selected_rows_;  // row of each chosen neuron
  std::vector<int64_t> steps_on_;   // per chosen neuron, in the current run
  int selected_count_ = 0, min_on_ = 1;
  int64_t inside_length_ = 1;
  MatchQuery query_;
  int64_t run_begin_ = -1, run_end_ = -1;
  std::vector<RangeMatch> best_;  // a heap, worst on top, at most query.top
};

// The neurons considered by a query, in (layer, neuron) order.
std::vector<NeuronRef> query_neurons(const ModelConfig& config, const MatchQuery& query);

// The ranking from a replay of the span and `off` positions either side, then one pass for the
// places. Throws Error for a bad range, layer, quantity or option. Cancelled (progress returned
// false): the neurons without places, or an empty result if cancelled during the replay.
MatchResult match_ranges(Probe& probe, const MatchQuery& query, const ProgressFn& progress = {});

}  // namespace cellscope
