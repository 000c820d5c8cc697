// Saliency by exact BPTT at batch 1: Model::forward over the window fills the cells' caches,
// then each layer's Cell::backward runs from the target down (top layer for log p, the neuron's
// layer otherwise), layer l's input gradient W_x^T·dpre feeding layer l-1 and, at layer 0, giving
// ∂target/∂x_t for the one-hot inputs. Dropout is off (inference), so layers pass h straight up.
#include "saliency.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"

namespace cellscope {

int64_t saliency_window_begin(int64_t position, const SaliencyOptions& options) {
  return std::max<int64_t>(0, position - options.window);
}

void check_saliency(const ModelConfig& config, int64_t text_length, int64_t position,
                    const SaliencyOptions& options) {
  if (options.window < 1 || options.window > kMaxSaliencyWindow) {
    throw Error("saliency window " + std::to_string(options.window) + " is out of range (1.." +
                std::to_string(kMaxSaliencyWindow) + ")");
  }
  const bool log_p = options.target == SaliencyTarget::kLogProbability;
  const int64_t lowest = log_p ? 1 : 0;
  if (position < lowest || position >= text_length) {
    throw Error("position " + std::to_string(position) + " is out of range (" +
                std::to_string(lowest) + ".." + std::to_string(text_length - 1) +
                (log_p ? "; character 0 has no prediction" : "") + ")");
  }
  if (!log_p) {
    check_neuron(config, options.layer, options.neuron, options.quantity);
    if (options.quantity != Quantity::kHidden && options.quantity != Quantity::kCell &&
        options.quantity != Quantity::kTanhCell) {
      throw Error("saliency of a neuron takes quantity hidden, cell or tanh-cell (not '" +
                  to_string(options.quantity) + "')");
    }
  }
}

template <typename S>
SaliencyComputer<S>::SaliencyComputer(Model<S>& model) : model_(model) {}

template <typename S>
Saliency SaliencyComputer<S>::compute(const int32_t* ids, int64_t n, int64_t position,
                                      const ModelState<S>& start, const SaliencyOptions& options) {
  const ModelConfig& config = model_.config();
  check_saliency(config, n, position, options);
  const bool log_p = options.target == SaliencyTarget::kLogProbability;
  const int64_t begin = saliency_window_begin(position, options);
  const int64_t last = log_p ? position - 1 : position;  // the last input read
  const int T = static_cast<int>(last - begin + 1);
  const int H = config.hidden_size, V = config.vocab_size, L = config.num_layers;
  const int top = log_p ? L - 1 : options.layer;

  state_ = start;
  model_.forward(ids + begin, nullptr, ChunkSpec{T, 1, 0, T}, state_, false, nullptr);

  dh_above_.resize(static_cast<std::size_t>(L));
  for (int l = 0; l <= top; ++l) dh_above_[static_cast<std::size_t>(l)].setZero(H, T);
  dh_carry_.setZero(H, 1);
  dc_carry_.setZero(H, 1);
  scratch_.dh.resize(H, 1);
  scratch_.dc.resize(H, 1);
  scratch_.tmp.resize(H, 1);

  Saliency result;
  result.position = position;
  const ParamLayout& layout = model_.layout();
  const auto view = [&](const std::string& name) {
    return model_.params().view(layout.block(layout.find(name)));
  };
  if (log_p) {
    // ∂ log p_y / ∂ logits = e_y − p; through the output layer: W_out^T (e_y − p).
    const auto logits = model_.logits().col(T - 1);
    const S m = logits.maxCoeff();
    probs_ = (logits.array() - m).exp().matrix();
    const S z = probs_.sum();
    probs_ /= z;
    const int32_t y = ids[position];
    result.value = static_cast<double>(logits(y) - m) - std::log(static_cast<double>(z));
    probs_ = -probs_;
    probs_(y) += S(1);
    dh_above_[static_cast<std::size_t>(top)].col(T - 1).noalias() =
        view("out.W").transpose() * probs_;
  } else {
    const LayerCache<S>& cache = model_.layer_cache(options.layer);
    const int k = options.neuron;
    switch (options.quantity) {
      case Quantity::kCell:
        result.value = static_cast<double>(cache.c(k, T));
        dc_carry_(k, 0) = S(1);
        break;
      case Quantity::kTanhCell: {
        const S tc = cache.aux(k, T - 1);
        result.value = static_cast<double>(tc);
        dc_carry_(k, 0) = S(1) - tc * tc;
        break;
      }
      default:
        result.value = static_cast<double>(cache.h(k, T));
        dh_carry_(k, 0) = S(1);
    }
  }

  for (int l = top; l >= 0; --l) {
    const std::string p = "l" + std::to_string(l) + ".";
    const auto Wh_block = view(p + "Wh");
    const ConstMatMap<S> Wh(Wh_block.data(), Wh_block.rows(), Wh_block.cols());
    const auto Wx = view(p + "Wx");
    dpre_.resize(Wh.rows(), T);
    model_.cell().backward(dh_above_[static_cast<std::size_t>(l)], Wh, T, 1, 0, 1,
                           model_.layer_cache(l), dpre_, dh_carry_, dc_carry_, scratch_, nullptr);
    if (l > 0) {
      dh_above_[static_cast<std::size_t>(l - 1)].noalias() = Wx.transpose() * dpre_;
      dh_carry_.setZero();
      dc_carry_.setZero();
    } else {
      dx_.noalias() = Wx.transpose() * dpre_;  // (V × T)
    }
  }

  const int K = options.window;
  result.by_distance.assign(static_cast<std::size_t>(K) + 1,
                            std::numeric_limits<double>::quiet_NaN());
  if (options.keep_gradients) result.gradients.setZero(V, K + 1);
  for (int t = 0; t < T; ++t) {
    const int64_t d = position - (begin + t);
    const auto g = dx_.col(t).template cast<double>();
    result.by_distance[static_cast<std::size_t>(d)] = g.norm();
    if (options.keep_gradients) result.gradients.col(d) = g;
  }
  return result;
}

template <typename S>
ModelState<S> state_after(Model<S>& model, const int32_t* ids, int64_t end, int chunk) {
  ModelState<S> state = model.zero_state(1);
  for (int64_t pos = 0; pos < end; pos += chunk) {
    const int T = static_cast<int>(std::min<int64_t>(chunk, end - pos));
    model.forward(ids + pos, nullptr, ChunkSpec{T, 1, 0, T}, state, false, nullptr);
  }
  return state;
}

ModelState<float> state_after(Probe& probe, int64_t end) {
  const ModelConfig& config = probe.model().config();
  ModelState<float> state = probe.model().zero_state(1);
  if (end <= 0) return state;
  const int64_t last = end - 1;  // the state after reading character `last`
  probe.replay(last, end, [&](const ChunkView& chunk) {
    if (last < chunk.begin() || last >= chunk.begin() + chunk.steps()) return;
    const auto t = static_cast<Eigen::Index>(last - chunk.begin());
    for (int l = 0; l < config.num_layers; ++l) {
      state.h[static_cast<std::size_t>(l)] = chunk.values(l, Quantity::kHidden).col(t);
      if (config.cell == CellType::kLstm) {
        state.c[static_cast<std::size_t>(l)] = chunk.values(l, Quantity::kCell).col(t);
      }
    }
  });
  return state;
}

namespace {

std::vector<int32_t> ids_of(const EncodedText& text) {
  std::vector<int32_t> ids(text.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = text[i];
  return ids;
}

}  // namespace

Saliency saliency_at(Model<float>& model, const EncodedText& text, int64_t position,
                     const SaliencyOptions& options) {
  const std::vector<int32_t> ids = ids_of(text);
  const int64_t n = static_cast<int64_t>(ids.size());
  check_saliency(model.config(), n, position, options);
  const ModelState<float> start =
      state_after(model, ids.data(), saliency_window_begin(position, options));
  SaliencyComputer<float> computer(model);
  return computer.compute(ids.data(), n, position, start, options);
}

MemoryHorizon memory_horizon(Model<float>& model, const EncodedText& text,
                             const SaliencyOptions& options, int64_t stride,
                             const ProgressFn& progress) {
  const std::vector<int32_t> ids = ids_of(text);
  const int64_t n = static_cast<int64_t>(ids.size());
  const int64_t first = options.target == SaliencyTarget::kLogProbability ? 1 : 0;
  check_saliency(model.config(), n, first, options);
  if (stride < 1) throw Error("the stride between positions must be at least 1");
  const std::size_t K1 = static_cast<std::size_t>(options.window) + 1;
  std::vector<double> sum(K1, 0.0);
  MemoryHorizon h;
  h.samples.assign(K1, 0);
  SaliencyComputer<float> computer(model);
  ModelState<float> running = model.zero_state(1);  // the state after reading [0, at)
  int64_t at = 0;
  for (int64_t p = first; p < n; p += stride) {
    const int64_t begin = saliency_window_begin(p, options);
    while (at < begin) {
      const int T = static_cast<int>(std::min<int64_t>(256, begin - at));
      model.forward(ids.data() + at, nullptr, ChunkSpec{T, 1, 0, T}, running, false, nullptr);
      at += T;
    }
    const Saliency s = computer.compute(ids.data(), n, p, running, options);
    for (std::size_t d = 0; d < K1; ++d) {
      if (std::isnan(s.by_distance[d])) continue;
      sum[d] += s.by_distance[d];
      ++h.samples[d];
    }
    ++h.positions;
    if (progress && !progress(static_cast<double>(p + 1) / static_cast<double>(n))) return {};
  }
  h.mean.resize(K1);
  for (std::size_t d = 0; d < K1; ++d) {
    h.mean[d] = h.samples[d] > 0 ? sum[d] / static_cast<double>(h.samples[d])
                                 : std::numeric_limits<double>::quiet_NaN();
  }
  return h;
}

template class SaliencyComputer<float>;
template class SaliencyComputer<double>;
template ModelState<float> state_after(Model<float>&, const int32_t*, int64_t, int);
template ModelState<double> state_after(Model<double>&, const int32_t*, int64_t, int);

}  // namespace cellscope
