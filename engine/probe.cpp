// Probe implementation. Invariant: every forward covers [p, min(p + chunk, n)) with p a
// multiple of chunk, whether in run(), replay() or window(), and starts from the state the pass
// had at p; so equal inputs meet equal GEMM shapes and give bit-identical activations.
#include "probe.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"

namespace cellscope {
namespace {

struct QuantityName {
  Quantity q;
  const char* name;
};
constexpr QuantityName kNames[] = {
    {Quantity::kCell, "cell"},           {Quantity::kTanhCell, "tanh-cell"},
    {Quantity::kHidden, "hidden"},       {Quantity::kInput, "input"},
    {Quantity::kForget, "forget"},       {Quantity::kOutput, "output"},
    {Quantity::kCandidate, "candidate"}, {Quantity::kUpdate, "update"},
    {Quantity::kReset, "reset"},
};

std::string join(const std::vector<Quantity>& qs, const char* sep) {
  std::string out;
  for (Quantity q : qs) out += (out.empty() ? "" : sep) + to_string(q);
  return out;
}

// Gate row block of q in the cell's fused gate matrix (see lstm_cell.h, gru_cell.h), or -1.
int gate_block(CellType cell, Quantity q) {
  if (cell == CellType::kLstm) {
    switch (q) {
      case Quantity::kInput:
        return 0;
      case Quantity::kForget:
        return 1;
      case Quantity::kOutput:
        return 2;
      case Quantity::kCandidate:
        return 3;
      default:
        return -1;
    }
  }
  if (cell == CellType::kGru) {
    switch (q) {
      case Quantity::kUpdate:
        return 0;
      case Quantity::kReset:
        return 1;
      case Quantity::kCandidate:
        return 2;
      default:
        return -1;
    }
  }
  return -1;
}

std::size_t state_floats(const ModelConfig& c) {
  return static_cast<std::size_t>(c.num_layers) * static_cast<std::size_t>(c.hidden_size) *
         (c.cell == CellType::kLstm ? 2 : 1);
}

}  // namespace

std::string to_string(Quantity q) {
  for (const auto& n : kNames) {
    if (n.q == q) return n.name;
  }
  return "?";
}

Quantity parse_quantity(const std::string& name) {
  for (const auto& n : kNames) {
    if (name == n.name) return n.q;
  }
  throw Error("unknown quantity '" + name + "' (expected one of: " + quantity_names() + ")");
}

std::string quantity_names() {
  std::string out;
  for (const auto& n : kNames) out += (out.empty() ? "" : "|") + std::string(n.name);
  return out;
}

QuantityRange quantity_range(Quantity q) {
  switch (q) {
    case Quantity::kInput:
    case Quantity::kForget:
    case Quantity::kOutput:
    case Quantity::kUpdate:
    case Quantity::kReset:
      return QuantityRange::kUnit;
    case Quantity::kCell:
      return QuantityRange::kUnbounded;
    default:
      return QuantityRange::kSigned;
  }
}

const std::vector<Quantity>& cell_quantities(CellType cell) {
  static const std::vector<Quantity> lstm = {
      Quantity::kCell,   Quantity::kTanhCell, Quantity::kHidden,   Quantity::kInput,
      Quantity::kForget, Quantity::kOutput,   Quantity::kCandidate};
  static const std::vector<Quantity> gru = {Quantity::kHidden, Quantity::kCandidate,
                                            Quantity::kUpdate, Quantity::kReset};
  static const std::vector<Quantity> rnn = {Quantity::kHidden};
  switch (cell) {
    case CellType::kLstm:
      return lstm;
    case CellType::kGru:
      return gru;
    case CellType::kRnn:
      return rnn;
  }
  return rnn;
}

bool has_quantity(CellType cell, Quantity q) {
  const auto& qs = cell_quantities(cell);
  return std::find(qs.begin(), qs.end(), q) != qs.end();
}

void require_quantity(CellType cell, Quantity q) {
  if (!has_quantity(cell, q)) {
    throw Error("a " + to_string(cell) + " model has no '" + to_string(q) +
                "' (it has: " + join(cell_quantities(cell), ", ") + ")");
  }
}

void check_neuron(const ModelConfig& config, int layer, int neuron, Quantity q) {
  if (layer < 0 || layer >= config.num_layers) {
    throw Error("layer " + std::to_string(layer) + " is out of range (the model has " +
                std::to_string(config.num_layers) + " layer(s), numbered from 0)");
  }
  if (neuron < 0 || neuron >= config.hidden_size) {
    throw Error("neuron " + std::to_string(neuron) + " is out of range (layers have " +
                std::to_string(config.hidden_size) + " neurons, numbered from 0)");
  }
  require_quantity(config.cell, q);
}

// ---- ChunkView -------------------------------------------------------------------------------

ChunkView::ChunkView(const Model<float>& model, int64_t begin, int steps)
    : model_(model), begin_(begin), steps_(steps) {}

Eigen::Block<const Mat<float>> ChunkView::values(int layer, Quantity q) const {
  const CellType cell = model_.config().cell;
  require_quantity(cell, q);
  const LayerCache<float>& cache = model_.layer_cache(layer);
  const int H = model_.hidden_size(), T = steps_;
  // Batch 1: cache.h / cache.c column 0 is the initial state, column t + 1 the state after t.
  switch (q) {
    case Quantity::kHidden:
      return cache.h.block(0, 1, H, T);
    case Quantity::kCell:
      return cache.c.block(0, 1, H, T);
    case Quantity::kTanhCell:
      return cache.aux.block(0, 0, H, T);
    default:
      return cache.gates.block(gate_block(cell, q) * H, 0, H, T);
  }
}

Eigen::Block<const Mat<float>> ChunkView::logits() const {
  return model_.logits().block(0, 0, model_.vocab_size(), steps_);
}

// ---- Window ----------------------------------------------------------------------------------

const Mat<float>& Window::of(int layer, Quantity q) const {
  const auto it = std::find(quantities.begin(), quantities.end(), q);
  if (it == quantities.end() || layer < 0 || layer >= layers) {
    throw Error("the window has no '" + to_string(q) + "' for layer " + std::to_string(layer));
  }
  const auto qi = static_cast<std::size_t>(it - quantities.begin());
  return values[static_cast<std::size_t>(layer) * quantities.size() + qi];
}

// ---- Probe -----------------------------------------------------------------------------------

Probe::Probe(Model<float>& model, const EncodedText& text, ProbeOptions options)
    : model_(model), text_(text), options_(options) {
  if (text.empty()) throw Error("the text to probe is empty");
  if (options_.chunk < 1 || options_.checkpoint_every < options_.chunk ||
      options_.checkpoint_every % options_.chunk != 0) {
    throw Error("probe checkpoints (every " + std::to_string(options_.checkpoint_every) +
                ") must be a positive multiple of the chunk (" + std::to_string(options_.chunk) +
                ")");
  }
}

int64_t Probe::checkpoint_count() const {
  return (size() - 1) / options_.checkpoint_every + 1;
}

void Probe::keep_state(const ModelState<float>& state) {
  for (int l = 0; l < model_.num_layers(); ++l) {
    const auto& h = state.h[static_cast<std::size_t>(l)];
    states_.insert(states_.end(), h.data(), h.data() + h.size());
    if (model_.cell().has_cell_state()) {
      const auto& c = state.c[static_cast<std::size_t>(l)];
      states_.insert(states_.end(), c.data(), c.data() + c.size());
    }
  }
  ++kept_;
}

ModelState<float> Probe::kept_state(int64_t index) const {
  ModelState<float> state = model_.zero_state(1);
  const int H = model_.hidden_size();
  const float* p = states_.data() + static_cast<std::size_t>(index) * state_floats(model_.config());
  for (int l = 0; l < model_.num_layers(); ++l) {
    state.h[static_cast<std::size_t>(l)] = Eigen::Map<const Mat<float>>(p, H, 1);
    p += H;
    if (model_.cell().has_cell_state()) {
      state.c[static_cast<std::size_t>(l)] = Eigen::Map<const Mat<float>>(p, H, 1);
      p += H;
    }
  }
  return state;
}

bool Probe::stream(int64_t from, int64_t to, const ChunkFn& on_chunk, const ProgressFn& progress) {
  const int64_t n = size(), every = options_.checkpoint_every;
  const int64_t index = std::min(from / every, kept_ - 1);  // kept_ >= 1 here
  int64_t pos = index * every;
  ModelState<float> state = kept_state(index);
  const int64_t start = pos;
  while (pos < to) {
    const int T = static_cast<int>(std::min<int64_t>(options_.chunk, n - pos));
    inputs_.resize(static_cast<std::size_t>(T));
    for (int t = 0; t < T; ++t)
      inputs_[static_cast<std::size_t>(t)] = text_[static_cast<std::size_t>(pos + t)];
    model_.forward(inputs_.data(), nullptr, ChunkSpec{T, 1, 0, T}, state, false, nullptr);
    if (on_chunk) on_chunk(ChunkView(model_, pos, T));
    pos += T;
    if (pos < n && pos % every == 0 && pos / every == kept_) keep_state(state);
    const double done = static_cast<double>(pos - start) / static_cast<double>(to - start);
    if (progress && !progress(std::min(done, 1.0))) return false;
  }
  return true;
}

bool Probe::run(const ChunkFn& on_chunk, const ProgressFn& progress) {
  if (kept_ == 0) keep_state(model_.zero_state(1));
  return stream(0, size(), on_chunk, progress);
}

bool Probe::replay(int64_t begin, int64_t end, const ChunkFn& on_chunk,
                   const ProgressFn& progress) {
  if (begin < 0 || end > size() || begin >= end) {
    throw Error("range [" + std::to_string(begin) + ", " + std::to_string(end) +
                ") is not inside the text (0 to " + std::to_string(size()) + ")");
  }
  if (kept_ == 0) keep_state(model_.zero_state(1));
  return stream(begin, end, on_chunk, progress);
}

Window Probe::window(int64_t begin, int64_t end, int top_k) {
  const ModelConfig& config = model_.config();
  Window w;
  w.begin = begin;
  w.end = end;
  w.layers = config.num_layers;
  w.hidden = config.hidden_size;
  w.top_k = std::max(0, std::min(top_k, config.vocab_size));
  w.quantities = cell_quantities(config.cell);
  const auto n = static_cast<std::size_t>(std::max<int64_t>(end - begin, 0));
  const std::size_t per_position = static_cast<std::size_t>(w.layers) *
                                       static_cast<std::size_t>(w.hidden) * w.quantities.size() +
                                   static_cast<std::size_t>(w.top_k) * 2 + 1;
  const std::size_t bytes = n * per_position * sizeof(float);
  if (bytes > kMaxWindowBytes) {
    throw Error("a window of " + std::to_string(n) + " characters would need " +
                std::to_string(bytes >> 20) + " MB; choose a smaller range");
  }
  w.values.assign(static_cast<std::size_t>(w.layers) * w.quantities.size(),
                  Mat<float>(w.hidden, static_cast<Eigen::Index>(n)));
  w.top.resize(n * static_cast<std::size_t>(w.top_k));
  w.next_probability.assign(n, std::numeric_limits<float>::quiet_NaN());

  std::vector<double> probs;
  std::vector<int32_t> order(static_cast<std::size_t>(config.vocab_size));
  replay(begin, end, [&](const ChunkView& chunk) {
    const int64_t lo = std::max(begin, chunk.begin());
    const int64_t hi = std::min(end, chunk.begin() + chunk.steps());
    if (lo >= hi) return;
    const auto src = static_cast<Eigen::Index>(lo - chunk.begin());
    const auto dst = static_cast<Eigen::Index>(lo - begin);
    const auto len = static_cast<Eigen::Index>(hi - lo);
    for (int l = 0; l < w.layers; ++l) {
      for (std::size_t qi = 0; qi < w.quantities.size(); ++qi) {
        w.values[static_cast<std::size_t>(l) * w.quantities.size() + qi].middleCols(dst, len) =
            chunk.values(l, w.quantities[qi]).middleCols(src, len);
      }
    }
    const auto logits = chunk.logits();
    for (Eigen::Index j = 0; j < len; ++j) {
      const auto col = logits.col(src + j);
      const double m = static_cast<double>(col.maxCoeff());
      probs.resize(static_cast<std::size_t>(col.size()));
      double sum = 0.0;
      for (Eigen::Index v = 0; v < col.size(); ++v) {
        probs[static_cast<std::size_t>(v)] = std::exp(static_cast<double>(col(v)) - m);
        sum += probs[static_cast<std::size_t>(v)];
      }
      for (double& p : probs) p /= sum;
      const int64_t pos = lo + j;
      const std::size_t k = static_cast<std::size_t>(pos - begin);
      if (pos + 1 < size()) {
        w.next_probability[k] = static_cast<float>(
            probs[static_cast<std::size_t>(text_[static_cast<std::size_t>(pos + 1)])]);
      }
      for (std::size_t v = 0; v < order.size(); ++v) order[v] = static_cast<int32_t>(v);
      std::partial_sort(order.begin(), order.begin() + w.top_k, order.end(),
                        [&](int32_t a, int32_t b) {
                          const double pa = probs[static_cast<std::size_t>(a)];
                          const double pb = probs[static_cast<std::size_t>(b)];
                          return pa > pb || (pa == pb && a < b);
                        });
      for (int r = 0; r < w.top_k; ++r) {
        const int32_t id = order[static_cast<std::size_t>(r)];
        w.top[k * static_cast<std::size_t>(w.top_k) + static_cast<std::size_t>(r)] = {
            id, static_cast<float>(probs[static_cast<std::size_t>(id)])};
      }
    }
  });
  return w;
}

ChunkFn track_recorder(int layer, int neuron, Quantity q, int64_t length, std::vector<float>* out) {
  out->assign(static_cast<std::size_t>(length), 0.0f);
  return [=](const ChunkView& chunk) {
    const auto row = chunk.values(layer, q).row(neuron);
    for (int t = 0; t < chunk.steps(); ++t) {
      (*out)[static_cast<std::size_t>(chunk.begin() + t)] = row(t);
    }
  };
}

std::vector<float> Probe::track(int layer, int neuron, Quantity q, const ProgressFn& progress) {
  check_neuron(model_.config(), layer, neuron, q);
  std::vector<float> out;
  if (!run(track_recorder(layer, neuron, q, size(), &out), progress)) return {};
  return out;
}

}  // namespace cellscope
