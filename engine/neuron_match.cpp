// The match query. Invariants: each position is counted once per neuron (the replay's chunks
// may extend beyond the span and the pass sees every position once, in order); the ranking and
// the places depend only on the values, never on how the text was cut into chunks.
#include "neuron_match.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.h"

namespace cellscope {
namespace {

void set_bit(std::vector<uint64_t>& bits, std::size_t i) {
  bits[i / 64] |= uint64_t{1} << (i % 64);
}
bool has_bit(const std::vector<uint64_t>& bits, std::size_t i) {
  return (bits[i / 64] >> (i % 64)) & 1;
}

// Rows of a chunk for the query's neurons: (N × T), in query_neurons() order.
Mat<float> gather(const ChunkView& chunk, const MatchQuery& q, int layers, int hidden) {
  const int first = q.layer < 0 ? 0 : q.layer, last = q.layer < 0 ? layers - 1 : q.layer;
  Mat<float> out((last - first + 1) * hidden, chunk.steps());
  for (int l = first; l <= last; ++l)
    out.middleRows((l - first) * hidden, hidden) = chunk.values(l, q.quantity);
  return out;
}

bool better(const RangeMatch& a, const RangeMatch& b, int64_t length) {
  if (a.score != b.score) return a.score > b.score;
  if (a.shared != b.shared) return a.shared > b.shared;
  const int64_t da = std::llabs((a.end - a.begin) - length),
                db = std::llabs((b.end - b.begin) - length);
  if (da != db) return da < db;
  return a.begin < b.begin;
}

bool cleaner(const NeuronMatch& a, const NeuronMatch& b) {
  if (a.separation != b.separation) return a.separation > b.separation;
  if (a.margin != b.margin) return a.margin > b.margin;
  if (a.ref.layer != b.ref.layer) return a.ref.layer < b.ref.layer;
  return a.ref.neuron < b.ref.neuron;
}

}  // namespace

Quantity default_quantity(CellType cell) {
  return cell == CellType::kLstm ? Quantity::kTanhCell : Quantity::kHidden;
}

int64_t inside_begin(const MatchQuery& q) {
  const int64_t lead = std::max<int64_t>(q.lead_in, 0);
  return std::max(q.begin, std::min(q.begin + lead, q.end - 1));
}

// ---- SeparationCounter -------------------------------------------------------------------------

SeparationCounter::SeparationCounter(const std::vector<NeuronRef>& neurons,
                                     const MatchQuery& query, int64_t text_length)
    : neurons_(neurons),
      query_(query),
      inside_begin_(inside_begin(query)),
      outside_begin_(std::max<int64_t>(query.begin - std::max(query.off, 0), 0)),
      outside_end_(std::min<int64_t>(query.end + std::max(query.off, 0), text_length)),
      inside_on_(neurons.size(), 0),
      outside_on_(neurons.size(), 0),
      inside_sum_(neurons.size(), 0.0),
      outside_sum_(neurons.size(), 0.0) {}

void SeparationCounter::add(int64_t begin, const Eigen::Ref<const Mat<float>>& values) {
  for (Eigen::Index t = 0; t < values.cols(); ++t) {
    const int64_t pos = begin + t;
    const bool inside = pos >= inside_begin_ && pos < query_.end;
    const bool outside =
        (pos >= outside_begin_ && pos < query_.begin) || (pos >= query_.end && pos < outside_end_);
    if (!inside && !outside) continue;
    std::vector<int64_t>& on = inside ? inside_on_ : outside_on_;
    std::vector<double>& sum = inside ? inside_sum_ : outside_sum_;
    ++(inside ? inside_count_ : outside_count_);
    for (std::size_t i = 0; i < neurons_.size(); ++i) {
      const float v = values(static_cast<Eigen::Index>(i), t);
      on[i] += v >= query_.threshold;
      sum[i] += static_cast<double>(v);
    }
  }
}

std::vector<NeuronMatch> SeparationCounter::ranking() const {
  std::vector<NeuronMatch> out(neurons_.size());
  const double in_n = static_cast<double>(std::max<int64_t>(inside_count_, 1));
  const double out_n = static_cast<double>(std::max<int64_t>(outside_count_, 1));
  for (std::size_t i = 0; i < neurons_.size(); ++i) {
    NeuronMatch& m = out[i];
    m.ref = neurons_[i];
    m.inside_on = static_cast<double>(inside_on_[i]) / in_n;
    m.outside_on = static_cast<double>(outside_on_[i]) / out_n;
    m.separation = m.inside_on - m.outside_on;
    m.mean_inside = inside_sum_[i] / in_n;
    m.margin = m.mean_inside - (outside_count_ > 0 ? outside_sum_[i] / out_n : 0.0);
    if (std::isnan(m.margin)) m.margin = -HUGE_VAL;  // a NaN activation ranks last
  }
  std::sort(out.begin(), out.end(), cleaner);
  return out;
}

std::vector<NeuronRef> choose_neurons(const std::vector<NeuronMatch>& ranking,
                                      const MatchQuery& query) {
  std::vector<NeuronRef> out;
  for (const NeuronMatch& m : ranking) {
    if (static_cast<int>(out.size()) >= query.max_neurons) break;
    if (m.separation >= query.min_separation) out.push_back(m.ref);
  }
  return out;
}

// ---- RangeMatcher ------------------------------------------------------------------------------

RangeMatcher::RangeMatcher(const std::vector<NeuronRef>& neurons,
                           const std::vector<NeuronRef>& selected, const MatchQuery& query)
    : selected_bits_((neurons.size() + 63) / 64, 0),
      run_and_(selected_bits_.size(), 0),
      on_(selected_bits_.size(), 0),
      inside_length_(std::max<int64_t>(query.end - inside_begin(query), 1)),
      query_(query) {
  for (const NeuronRef& s : selected) {
    const auto it = std::find(neurons.begin(), neurons.end(), s);
    if (it == neurons.end()) throw Error("a selected neuron is not among the query's neurons");
    const auto row = static_cast<std::size_t>(it - neurons.begin());
    if (has_bit(selected_bits_, row)) continue;
    set_bit(selected_bits_, row);
    selected_rows_.push_back(static_cast<int>(row));
  }
  selected_count_ = static_cast<int>(selected_rows_.size());
  steps_on_.assign(selected_rows_.size(), 0);
  min_on_ = std::max(1, (selected_count_ + 1) / 2);
}

void RangeMatcher::close_run() {
  if (run_begin_ < 0) return;
  const int64_t b = run_begin_, e = run_end_;
  run_begin_ = -1;
  if (b < query_.end && e > query_.begin) return;  // the query itself
  double covered = 0.0;
  int shared = 0;
  for (int64_t steps : steps_on_) {
    covered += static_cast<double>(std::min(steps, inside_length_)) /
               static_cast<double>(inside_length_);
    shared += 2 * steps >= e - b;
  }
  int extra = 0;
  for (std::size_t w = 0; w < run_and_.size(); ++w) {
    extra += __builtin_popcountll(run_and_[w] & ~selected_bits_[w]);
  }
  RangeMatch m{b, e, covered / selected_count_, shared, extra};
  const int64_t length = query_.end - query_.begin;
  const auto cmp = [length](const RangeMatch& x, const RangeMatch& y) {
    return better(x, y, length);
  };
  if (static_cast<int>(best_.size()) < query_.top) {
    best_.push_back(m);
    std::push_heap(best_.begin(), best_.end(), cmp);
  } else if (!best_.empty() && better(m, best_.front(), length)) {
    std::pop_heap(best_.begin(), best_.end(), cmp);
    best_.back() = m;
    std::push_heap(best_.begin(), best_.end(), cmp);
  }
}

void RangeMatcher::add(int64_t begin, const Eigen::Ref<const Mat<float>>& values) {
  if (selected_count_ == 0) return;
  for (Eigen::Index t = 0; t < values.cols(); ++t) {
    std::fill(on_.begin(), on_.end(), 0);
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
      if (values(i, t) >= query_.threshold) set_bit(on_, static_cast<std::size_t>(i));
    }
    int selected_on = 0;
    for (std::size_t w = 0; w < on_.size(); ++w) {
      selected_on += __builtin_popcountll(on_[w] & selected_bits_[w]);
    }
    const int64_t pos = begin + t;
    if (selected_on < min_on_) {
      close_run();
      continue;
    }
    if (run_begin_ < 0) {
      run_begin_ = pos;
      run_and_ = on_;
      std::fill(steps_on_.begin(), steps_on_.end(), 0);
    } else {
      for (std::size_t w = 0; w < on_.size(); ++w) run_and_[w] &= on_[w];
    }
    for (std::size_t k = 0; k < selected_rows_.size(); ++k) {
      steps_on_[k] += has_bit(on_, static_cast<std::size_t>(selected_rows_[k]));
    }
    run_end_ = pos + 1;
  }
}

std::vector<RangeMatch> RangeMatcher::finish() {
  close_run();
  std::vector<RangeMatch> out = best_;
  const int64_t length = query_.end - query_.begin;
  std::sort(out.begin(), out.end(),
            [length](const RangeMatch& a, const RangeMatch& b) { return better(a, b, length); });
  return out;
}

// ---- match_ranges ------------------------------------------------------------------------------

std::vector<NeuronRef> query_neurons(const ModelConfig& config, const MatchQuery& query) {
  std::vector<NeuronRef> out;
  for (int l = 0; l < config.num_layers; ++l) {
    if (query.layer >= 0 && l != query.layer) continue;
    for (int h = 0; h < config.hidden_size; ++h) out.push_back({l, h});
  }
  return out;
}

MatchResult match_ranges(Probe& probe, const MatchQuery& query, const ProgressFn& progress) {
  const ModelConfig& config = probe.model().config();
  if (query.layer >= 0) check_neuron(config, query.layer, 0, query.quantity);
  require_quantity(config.cell, query.quantity);
  const int64_t n = probe.size(), a = query.begin, b = query.end;
  if (a < 0 || b > n || a >= b) {
    throw Error("range " + std::to_string(a) + ":" + std::to_string(b) +
                " is not a non-empty range inside the text (0:" + std::to_string(n) + ")");
  }
  if (query.lead_in < 0 || query.off < 0 || query.max_neurons < 1 || query.top < 0 ||
      query.top_neurons < 0 || !(std::fabs(query.min_separation) <= 1.0)) {
    throw Error("match: lead-in, off, top and top-neurons must be >= 0, max-neurons >= 1 and "
                "min-separation in [-1, 1]");
  }
  const std::vector<NeuronRef> neurons = query_neurons(config, query);
  SeparationCounter counter(neurons, query, n);
  // Without kept states this replays from the start: cancellable (progress reads 0 meanwhile).
  const ProgressFn cancellable =
      progress ? ProgressFn([&progress](double) { return progress(0.0); }) : ProgressFn();
  const int64_t off = query.off;
  const bool replayed = probe.replay(
      std::max<int64_t>(a - off, 0), std::min(b + off, n),
      [&](const ChunkView& chunk) {
        counter.add(chunk.begin(), gather(chunk, query, config.num_layers, config.hidden_size));
      },
      cancellable);
  MatchResult result;
  if (!replayed) return result;
  result.inside_begin = inside_begin(query);
  result.neurons = counter.ranking();
  result.selected = choose_neurons(result.neurons, query);
  if (!result.selected.empty()) {
    result.best = result.selected.front();
  } else if (!result.neurons.empty() && result.neurons.front().separation > 0) {
    result.best = result.neurons.front().ref;
  }
  if (static_cast<int>(result.neurons.size()) > query.top_neurons)
    result.neurons.resize(static_cast<std::size_t>(query.top_neurons));
  if (result.selected.empty() || query.top == 0) return result;
  RangeMatcher matcher(neurons, result.selected, query);
  const bool done = probe.run(
      [&](const ChunkView& chunk) {
        matcher.add(chunk.begin(), gather(chunk, query, config.num_layers, config.hidden_size));
      },
      progress);
  if (done) result.matches = matcher.finish();
  return result;
}

}  // namespace cellscope
