// Neuron search and the match query. Invariants: statistics see each position exactly once,
// in order; histogram bins are a monotone function of the value, so the only AUC error comes
// from positive/negative pairs within one bin (each counted as half).
#include "neuron_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "error.h"

namespace cellscope {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_target_length(const Probe& probe, const std::vector<float>& target) {
  if (static_cast<int64_t>(target.size()) != probe.size()) {
    throw Error("the target has " + std::to_string(target.size()) + " values for a text of " +
                std::to_string(probe.size()) + " characters");
  }
}

}  // namespace

double auc_threshold(const std::vector<float>& target, bool binary) {
  if (binary || target.empty()) return 0.5;
  std::vector<float> copy(target);
  const auto mid = copy.begin() + static_cast<std::ptrdiff_t>(copy.size() / 2);
  std::nth_element(copy.begin(), mid, copy.end());
  return static_cast<double>(*mid);
}

double exact_auc(const std::vector<float>& values, const std::vector<bool>& positive) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  // Mann-Whitney: for each group of equal values, positives beat all negatives below it and tie
  // with the negatives inside it.
  double wins = 0.0, negatives_below = 0.0, P = 0.0, N = 0.0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    double pos = 0.0, neg = 0.0;
    while (j < order.size() && values[order[j]] == values[order[i]]) {
      (positive[order[j]] ? pos : neg) += 1.0;
      ++j;
    }
    wins += pos * (negatives_below + 0.5 * neg);
    negatives_below += neg;
    P += pos;
    N += neg;
    i = j;
  }
  return P > 0 && N > 0 ? wins / (P * N) : kNaN;
}

// ---- NeuronSearch ------------------------------------------------------------------------------

NeuronSearch::NeuronSearch(int layers, int hidden, Quantity q, const std::vector<float>& target,
                           double auc_threshold, int bins)
    : hidden_(hidden),
      bins_(std::max(bins, 2)),
      quantity_(q),
      target_(target),
      threshold_(auc_threshold),
      moments_(static_cast<std::size_t>(layers), RowMoments(hidden)),
      counts_(static_cast<std::size_t>(layers) * static_cast<std::size_t>(hidden) * 2 *
                  static_cast<std::size_t>(bins_),
              0) {}

int NeuronSearch::bin_of(Quantity q, float x, int bins) {
  double u = 0.0;  // x mapped monotonically into [0, 1]
  switch (quantity_range(q)) {
    case QuantityRange::kUnit:
      u = static_cast<double>(x);
      break;
    case QuantityRange::kSigned:
      u = 0.5 * (static_cast<double>(x) + 1.0);
      break;
    case QuantityRange::kUnbounded: {
      const double s = std::copysign(std::log1p(std::fabs(static_cast<double>(x))), x);
      u = 0.5 * (s / std::log1p(1000.0) + 1.0);
      break;
    }
  }
  if (!(u > 0.0)) return 0;  // also NaN
  return std::min(bins - 1, static_cast<int>(u * bins));
}

void NeuronSearch::add(int layer, int64_t begin, const Eigen::Ref<const Mat<float>>& values) {
  const auto T = values.cols();
  if (begin < 0 || begin + T > static_cast<int64_t>(target_.size())) {
    throw Error("neuron search: positions beyond the target");
  }
  const float* y = target_.data() + begin;
  moments_[static_cast<std::size_t>(layer)].add(values, y);
  const std::size_t layer_base =
      static_cast<std::size_t>(layer) * static_cast<std::size_t>(hidden_) * 2;
  for (Eigen::Index t = 0; t < T; ++t) {
    const std::size_t cls = static_cast<double>(y[t]) > threshold_ ? 1 : 0;
    for (int h = 0; h < hidden_; ++h) {
      const std::size_t row = layer_base + static_cast<std::size_t>(h) * 2 + cls;
      ++counts_[row * static_cast<std::size_t>(bins_) +
                static_cast<std::size_t>(bin_of(quantity_, values(h, t), bins_))];
    }
  }
}

void NeuronSearch::add(const ChunkView& chunk) {
  for (int l = 0; l < static_cast<int>(moments_.size()); ++l) {
    add(l, chunk.begin(), chunk.values(l, quantity_));
  }
}

std::vector<NeuronScore> NeuronSearch::results() const {
  std::vector<NeuronScore> out;
  const auto B = static_cast<std::size_t>(bins_);
  for (int l = 0; l < static_cast<int>(moments_.size()); ++l) {
    const Vec<double> r = moments_[static_cast<std::size_t>(l)].correlation();
    for (int h = 0; h < hidden_; ++h) {
      const std::size_t row = (static_cast<std::size_t>(l) * static_cast<std::size_t>(hidden_) +
                               static_cast<std::size_t>(h)) *
                              2;
      const uint32_t* neg = counts_.data() + row * B;
      const uint32_t* pos = neg + B;
      double wins = 0.0, below = 0.0, P = 0.0, N = 0.0;
      for (std::size_t k = 0; k < B; ++k) {
        wins += pos[k] * (below + 0.5 * neg[k]);
        below += neg[k];
        P += pos[k];
        N += neg[k];
      }
      out.push_back({l, h, r(h), P > 0 && N > 0 ? wins / (P * N) : kNaN});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const NeuronScore& a, const NeuronScore& b) {
    const bool na = std::isnan(a.correlation), nb = std::isnan(b.correlation);
    if (na != nb) return nb;
    return !na && std::fabs(a.correlation) > std::fabs(b.correlation);
  });
  return out;
}

std::vector<NeuronScore> find_neurons(Probe& probe, Quantity q, const std::vector<float>& target,
                                      double auc_threshold, const ProgressFn& progress) {
  const ModelConfig& config = probe.model().config();
  require_quantity(config.cell, q);
  check_target_length(probe, target);
  NeuronSearch search(config.num_layers, config.hidden_size, q, target, auc_threshold);
  if (!probe.run([&](const ChunkView& chunk) { search.add(chunk); }, progress)) return {};
  return search.results();
}

// ---- match -------------------------------------------------------------------------------------

namespace {

int popcount(const std::vector<uint64_t>& bits) {
  int n = 0;
  for (uint64_t w : bits) n += __builtin_popcountll(w);
  return n;
}

void set_bit(std::vector<uint64_t>& bits, std::size_t i) {
  bits[i / 64] |= uint64_t{1} << (i % 64);
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

}  // namespace

RangeMatcher::RangeMatcher(const std::vector<NeuronRef>& neurons,
                           const std::vector<NeuronRef>& selected, const MatchQuery& query)
    : selected_bits_((neurons.size() + 63) / 64, 0),
      run_and_(selected_bits_.size(), 0),
      on_(selected_bits_.size(), 0),
      query_(query) {
  for (const NeuronRef& s : selected) {
    const auto it = std::find(neurons.begin(), neurons.end(), s);
    if (it == neurons.end()) throw Error("a selected neuron is not among the query's neurons");
    set_bit(selected_bits_, static_cast<std::size_t>(it - neurons.begin()));
  }
  selected_count_ = popcount(selected_bits_);
  min_on_ = std::max(1, (selected_count_ + 1) / 2);
}

void RangeMatcher::close_run() {
  if (run_begin_ < 0) return;
  const int64_t b = run_begin_, e = run_end_;
  run_begin_ = -1;
  if (b < query_.end && e > query_.begin) return;  // the query itself
  int shared = 0, all = 0;
  for (std::size_t w = 0; w < run_and_.size(); ++w) {
    shared += __builtin_popcountll(run_and_[w] & selected_bits_[w]);
    all += __builtin_popcountll(run_and_[w] | selected_bits_[w]);
  }
  const int extra = all - selected_count_;
  RangeMatch m{b, e, all > 0 ? static_cast<double>(shared) / all : 0.0, shared, extra};
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
    if (selected_count_ > 0 && selected_on >= min_on_) {
      if (run_begin_ < 0) {
        run_begin_ = pos;
        run_and_ = on_;
      } else {
        for (std::size_t w = 0; w < on_.size(); ++w) run_and_[w] &= on_[w];
      }
      run_end_ = pos + 1;
    } else {
      close_run();
    }
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
  const std::vector<NeuronRef> neurons = query_neurons(config, query);
  // S: on at every position of [a, b), off at a-1 and b where those exist.
  std::vector<char> keep(neurons.size(), 1);
  // Without kept states this replays from the start: cancellable (progress reads 0 meanwhile).
  const ProgressFn cancellable =
      progress ? ProgressFn([&progress](double) { return progress(0.0); }) : ProgressFn();
  const bool replayed = probe.replay(
      std::max<int64_t>(a - 1, 0), std::min(b + 1, n),
      [&](const ChunkView& chunk) {
        const Mat<float> v = gather(chunk, query, config.num_layers, config.hidden_size);
        for (int t = 0; t < chunk.steps(); ++t) {
          const int64_t pos = chunk.begin() + t;
          const bool inside = pos >= a && pos < b, edge = pos == a - 1 || pos == b;
          if (!inside && !edge) continue;
          for (std::size_t i = 0; i < neurons.size(); ++i) {
            const bool on = v(static_cast<Eigen::Index>(i), t) >= query.threshold;
            if (on != inside) keep[i] = 0;
          }
        }
      },
      cancellable);
  MatchResult result;
  if (!replayed) return result;
  for (std::size_t i = 0; i < neurons.size(); ++i) {
    if (keep[i]) result.selected.push_back(neurons[i]);
  }
  if (result.selected.empty() || query.top <= 0) return result;
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
