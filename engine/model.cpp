// Model forward/backward over a chunk. Invariants: caches_ are sized for (T_, B_) of the last
// forward; backward() must follow the forward whose loss it differentiates; grads() is
// overwritten, never accumulated across calls.
#include "model.h"

#include <cmath>

#include "error.h"
#include "gemm.h"
#include "threads.h"
#include "gru_cell.h"
#include "lstm_cell.h"
#include "rnn_cell.h"

namespace cellscope {
namespace {

int gate_count(CellType type) {
  switch (type) {
    case CellType::kRnn:
      return 1;
    case CellType::kGru:
      return 3;
    case CellType::kLstm:
      return 4;
  }
  return 1;
}

struct Blocks {
  std::vector<int> Wx, Wh, b;
  int out_W = -1, out_b = -1;
};

ParamLayout build_layout(const ModelConfig& c, Blocks* blocks) {
  if (c.vocab_size < 1 || c.hidden_size < 1 || c.num_layers < 1) {
    throw Error("invalid model size: vocabulary " + std::to_string(c.vocab_size) + ", rnn-size " +
                std::to_string(c.hidden_size) + ", layers " + std::to_string(c.num_layers));
  }
  if (!(c.dropout >= 0.0 && c.dropout < 1.0)) throw Error("dropout must be in [0, 1)");
  ParamLayout layout;
  const int G = gate_count(c.cell), H = c.hidden_size;
  for (int l = 0; l < c.num_layers; ++l) {
    const int D = l == 0 ? c.vocab_size : H;
    const std::string p = "l" + std::to_string(l) + ".";
    blocks->Wx.push_back(layout.add(p + "Wx", G * H, D));
    blocks->Wh.push_back(layout.add(p + "Wh", G * H, recurrent_cols(c)));
    blocks->b.push_back(layout.add(p + "b", G * H, 1));
  }
  blocks->out_W = layout.add("out.W", c.vocab_size, H);
  blocks->out_b = layout.add("out.b", c.vocab_size, 1);
  return layout;
}

template <typename S>
std::unique_ptr<Cell<S>> make_cell(const ModelConfig& config) {
  switch (config.cell) {
    case CellType::kRnn:
      return std::make_unique<RnnCell<S>>(config.rnn_relu);
    case CellType::kGru:
      return std::make_unique<GruCell<S>>(config.gru_reset_after);
    case CellType::kLstm:
      return std::make_unique<LstmCell<S>>();
  }
  throw Error("unknown cell type");
}

// Uniform in [0, 1) from 53 random bits: the same on every platform, unlike std distributions.
inline double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace

std::size_t parameter_count(const ModelConfig& config) {
  Blocks blocks;
  return build_layout(config, &blocks).size();
}

double forward_flops_per_char(const ModelConfig& c) {
  const double G = gate_count(c.cell), H = c.hidden_size, V = c.vocab_size;
  double flops = 2.0 * V * H;
  for (int l = 0; l < c.num_layers; ++l) flops += 2.0 * G * H * (H + (l == 0 ? 0.0 : H));
  return flops;
}

double training_flops_per_char(const ModelConfig& c) { return 3.0 * forward_flops_per_char(c); }

template <typename S>
Model<S>::Model(const ModelConfig& config) : config_(config) {
  Blocks blocks;
  layout_ = build_layout(config_, &blocks);
  for (int l = 0; l < config_.num_layers; ++l) {
    blocks_.push_back({blocks.Wx[static_cast<std::size_t>(l)],
                       blocks.Wh[static_cast<std::size_t>(l)],
                       blocks.b[static_cast<std::size_t>(l)]});
  }
  out_W_ = blocks.out_W;
  out_b_ = blocks.out_b;
  params_ = FlatBuffer<S>(layout_);
  grads_ = FlatBuffer<S>(layout_);
  cell_ = make_cell<S>(config_);
}

template <typename S>
void Model<S>::init_params(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const double k = 1.0 / std::sqrt(static_cast<double>(config_.hidden_size));
  for (auto& v : params_.values()) v = static_cast<S>((2.0 * uniform01(rng) - 1.0) * k);
  const int H = config_.hidden_size;
  for (const auto& lb : blocks_) {
    auto b = param(lb.b);
    b.setZero();
    if (config_.cell == CellType::kLstm) b.middleRows(H, H).setConstant(S(1));
    if (recurrent_cols(config_) > H) param(lb.Wh).col(H).setZero();  // a bias too
  }
  param(out_b_).setZero();
}

template <typename S>
ModelState<S> Model<S>::zero_state(int B) const {
  ModelState<S> s;
  const int H = config_.hidden_size;
  for (int l = 0; l < config_.num_layers; ++l) {
    s.h.push_back(Mat<S>::Zero(H, B));
    s.c.push_back(cell_->has_cell_state() ? Mat<S>::Zero(H, B) : Mat<S>());
  }
  return s;
}

template <typename S>
void Model<S>::reserve(int T, int B) {
  const int threads = thread_count();
  if (T == T_ && B == B_ && threads == threads_) return;
  T_ = T;
  B_ = B;
  threads_ = threads;
  const int L = config_.num_layers, H = config_.hidden_size, V = config_.vocab_size;
  const int GH = cell_->gate_count() * H, TB = T * B;
  caches_.assign(static_cast<std::size_t>(L), LayerCache<S>());
  masks_.assign(static_cast<std::size_t>(L), Mat<S>());
  ups_.assign(static_cast<std::size_t>(L), Mat<S>());
  for (auto& c : caches_) {
    c.gates.resize(GH, TB);
    c.h.resize(H, TB + B);
    if (cell_->has_cell_state()) c.c.resize(H, TB + B);
    if (config_.cell != CellType::kRnn) c.aux.resize(H, TB);
  }
  for (auto& u : ups_) u.resize(H, TB);
  logits_.resize(V, TB);
  inputs_.resize(static_cast<std::size_t>(TB));
  targets_.resize(static_cast<std::size_t>(TB));
  dup_.resize(H, TB);
  dh_.resize(H, TB);
  dpre_.resize(GH, TB);
  const int per_thread = (B + threads - 1) / threads;
  scratch_.assign(static_cast<std::size_t>(threads), CellScratch<S>());
  for (auto& sc : scratch_) {
    sc.dh.resize(H, per_thread);
    sc.dc.resize(H, per_thread);
    sc.tmp.resize(H, per_thread);
  }
  loss_parts_.assign(static_cast<std::size_t>(threads), 0.0);
  dh_sq_.assign(static_cast<std::size_t>(threads), std::vector<double>(static_cast<std::size_t>(T)));
  dstate_init_ = zero_state(B);
}

template <typename S>
void Model<S>::forward_layer(int l, int t0, int t1, int B, bool split) {
  const std::size_t ul = static_cast<std::size_t>(l);
  const auto& lb = blocks_[ul];
  auto& cache = caches_[ul];
  const ConstMatMap<S> Wx(param(lb.Wx).data(), param(lb.Wx).rows(), param(lb.Wx).cols());
  const ConstMatMap<S> Wh(param(lb.Wh).data(), param(lb.Wh).rows(), param(lb.Wh).cols());
  const auto b = param(lb.b).col(0);
  const int64_t c0 = static_cast<int64_t>(t0) * B, cols = static_cast<int64_t>(t1 - t0) * B;
  const int64_t col_grain = split ? 16 : cols;  // unsplit: one range, on the calling thread
  // Input projection for the steps: a column gather (layer 0) or one product.
  parallel_ranges(cols, col_grain, [&](int64_t j0, int64_t j1, int) {
    const Eigen::Index n = j1 - j0;
    if (l == 0) {
      for (int64_t j = c0 + j0; j < c0 + j1; ++j) {
        cache.gates.col(j) = Wx.col(inputs_[static_cast<std::size_t>(j)]) + b;
      }
    } else {
      auto g = cache.gates.middleCols(c0 + j0, n);
      matmul<S>(g, Wx, false, ups_[ul - 1].middleCols(c0 + j0, n), false);
      g.colwise() += b;
    }
  });
  // The recurrence: streams split over threads.
  parallel_ranges(B, split ? 1 : B, [&](int64_t b0, int64_t b1, int) {
    cell_->forward(Wh, t0, t1, B, static_cast<int>(b0), static_cast<int>(b1 - b0), cache);
  });
  // The layer's output on its way up (dropout masks drawn before, in a fixed order).
  parallel_ranges(cols, col_grain, [&](int64_t j0, int64_t j1, int) {
    const Eigen::Index n = j1 - j0;
    auto up = ups_[ul].middleCols(c0 + j0, n);
    if (dropout_active_) {
      up.array() =
          cache.h.middleCols(B + c0 + j0, n).array() * masks_[ul].middleCols(c0 + j0, n).array();
    } else {
      up = cache.h.middleCols(B + c0 + j0, n);
    }
  });
}

template <typename S>
S Model<S>::forward(const int32_t* inputs, const int32_t* targets, const ChunkSpec& spec,
                    ModelState<S>& state, bool train, std::mt19937_64* rng) {
  const int T = spec.T, B = spec.B, TB = T * B;
  const int carry_at = spec.carry_at > 0 ? spec.carry_at : T;
  if (T < 1 || B < 1 || spec.loss_from < 0 || spec.loss_from >= T || carry_at > T) {
    throw Error("invalid chunk shape");
  }
  if (state.batch() != B || static_cast<int>(state.h.size()) != config_.num_layers) {
    throw Error("state batch does not match the chunk");
  }
  reserve(T, B);
  spec_ = spec;
  spec_.carry_at = carry_at;
  has_targets_ = targets != nullptr;
  const int V = config_.vocab_size;
  for (int j = 0; j < TB; ++j) {
    if (inputs[j] < 0 || inputs[j] >= V) throw Error("input id out of range");
    inputs_[static_cast<std::size_t>(j)] = inputs[j];
    if (targets) {
      if (targets[j] < 0 || targets[j] >= V) throw Error("target id out of range");
      targets_[static_cast<std::size_t>(j)] = targets[j];
    }
  }
  const double p = config_.dropout;
  dropout_active_ = train && p > 0.0 && rng != nullptr;
  const S keep_scale = static_cast<S>(1.0 / (1.0 - p));
  const int64_t col_grain = 16;

  for (int l = 0; l < config_.num_layers; ++l) {
    const std::size_t ul = static_cast<std::size_t>(l);
    caches_[ul].h.leftCols(B) = state.h[ul];
    if (cell_->has_cell_state()) caches_[ul].c.leftCols(B) = state.c[ul];
    if (dropout_active_) {
      auto& mask = masks_[ul];
      mask.resize(config_.hidden_size, TB);
      for (Eigen::Index k = 0; k < mask.size(); ++k) {
        mask.data()[k] = uniform01(*rng) < p ? S(0) : keep_scale;
      }
    }
  }
  const int L = config_.num_layers;
  const int sub = 16;  // steps per block of the layer wavefront
  // The wavefront pays a thread hand-off per block: worth it only for layers of some weight.
  const double macs_per_step = static_cast<double>(cell_->gate_count()) * config_.hidden_size *
                               config_.hidden_size;
  bool logits_done = false;  // the batch-1 path computes the logits itself
  if (B == 1 && batch1_settings_.enabled && !dropout_active_) {
    forward_batch1(T);  // the explorer, find, the sampler: see batch1_forward.cpp
    logits_done = true;
  } else if (B >= thread_count() || L == 1 || T < 2 * sub || macs_per_step < 131072.0) {
    // Enough streams for every thread (or nothing to overlap): layer by layer, each split.
    for (int l = 0; l < L; ++l) forward_layer(l, 0, T, B, /*split=*/true);
  } else {
    // Too few streams to split (batch 1: the explorer and the sampler): a wavefront over layers
    // and blocks of steps. In wave w, layer l runs block w - l; its inputs (layer l-1's block
    // and its own previous block) were finished in wave w-1, so a wave's tasks are independent.
    const int blocks = (T + sub - 1) / sub;
    for (int wave = 0; wave < blocks + L - 1; ++wave) {
      const int l_first = std::max(0, wave - blocks + 1), l_last = std::min(L - 1, wave);
      parallel_ranges(l_last - l_first + 1, 1, [&](int64_t i0, int64_t i1, int) {
        for (int64_t i = i0; i < i1; ++i) {
          const int l = l_first + static_cast<int>(i), block = wave - l;
          forward_layer(l, block * sub, std::min(T, (block + 1) * sub), B, /*split=*/false);
        }
      });
    }
  }
  for (int l = 0; l < L; ++l) {
    const std::size_t ul = static_cast<std::size_t>(l);
    state.h[ul] = caches_[ul].h.middleCols(carry_at * B, B);
    if (cell_->has_cell_state()) state.c[ul] = caches_[ul].c.middleCols(carry_at * B, B);
  }

  // Output layer and, with targets, softmax in place (logits_ then holds probabilities) and
  // the loss; per-thread partial sums are added in a fixed order.
  const ConstMatMap<S> Wy(param(out_W_).data(), V, config_.hidden_size);
  const auto by = param(out_b_).col(0);
  const int from = spec.loss_from * B;
  std::fill(loss_parts_.begin(), loss_parts_.end(), 0.0);
  if (logits_done && !targets) return S(0);
  // After the batch-1 path, one range: the loss is then the same for any thread count.
  parallel_ranges(TB, logits_done ? TB : col_grain, [&](int64_t j0, int64_t j1, int part) {
    const Eigen::Index n = j1 - j0;
    if (!logits_done) {
      auto lg = logits_.middleCols(j0, n);
      matmul<S>(lg, Wy, false, ups_.back().middleCols(j0, n), false);
      lg.colwise() += by;
    }
    if (!targets) return;
    double loss = 0.0;
    for (int64_t j = j0; j < j1; ++j) {
      auto col = logits_.col(j);
      const S m = col.maxCoeff();
      col.array() = (col.array() - m).exp();
      col /= col.sum();
      if (j >= from) {
        const S pt = col(targets_[static_cast<std::size_t>(j)]);
        loss -= std::log(static_cast<double>(std::max(pt, std::numeric_limits<S>::min())));
      }
    }
    loss_parts_[static_cast<std::size_t>(part)] = loss;
  });
  if (!targets) return S(0);
  double loss = 0.0;
  for (double part : loss_parts_) loss += part;
  return static_cast<S>(loss / static_cast<double>(TB - from));
}

template <typename S>
void Model<S>::backward(std::vector<std::vector<double>>* dh_norms) {
  if (!has_targets_) throw Error("backward() needs a forward() with targets");
  const int T = spec_.T, B = spec_.B, TB = T * B;
  const int H = config_.hidden_size, V = config_.vocab_size;
  const int GH = cell_->gate_count() * H;
  const int from = spec_.loss_from * B;
  const S scale = S(1) / static_cast<S>(TB - from);
  const int64_t col_grain = 16, row_grain = 8;
  grads_.set_zero();
  // dlogits, in place: logits_ holds the softmax probabilities after forward().
  Mat<S>& dlogits = logits_;
  parallel_ranges(TB, col_grain, [&](int64_t j0, int64_t j1, int) {
    for (int64_t j = j0; j < j1; ++j) {
      if (j < from) {
        dlogits.col(j).setZero();
      } else {
        dlogits(targets_[static_cast<std::size_t>(j)], j) -= S(1);
        dlogits.col(j) *= scale;
      }
    }
  });
  has_targets_ = false;  // logits_ no longer holds probabilities
  const ConstMatMap<S> Wy(param(out_W_).data(), V, H);
  parallel_ranges(V, row_grain, [&](int64_t r0, int64_t r1, int) {
    const Eigen::Index n = r1 - r0;
    matmul<S>(grad(out_W_).middleRows(r0, n), dlogits.middleRows(r0, n), false, ups_.back(), true);
    grad(out_b_).middleRows(r0, n) = dlogits.middleRows(r0, n).rowwise().sum();
  });
  parallel_ranges(TB, col_grain, [&](int64_t j0, int64_t j1, int) {
    matmul<S>(dup_.middleCols(j0, j1 - j0), Wy, true, dlogits.middleCols(j0, j1 - j0), false);
  });

  if (dh_norms) {
    dh_norms->assign(static_cast<std::size_t>(config_.num_layers),
                     std::vector<double>(static_cast<std::size_t>(T)));
  }
  for (int l = config_.num_layers - 1; l >= 0; --l) {
    const std::size_t ul = static_cast<std::size_t>(l);
    const auto& lb = blocks_[ul];
    const auto& cache = caches_[ul];
    if (dropout_active_) {
      parallel_ranges(TB, col_grain, [&](int64_t j0, int64_t j1, int) {
        dh_.middleCols(j0, j1 - j0).array() =
            dup_.middleCols(j0, j1 - j0).array() * masks_[ul].middleCols(j0, j1 - j0).array();
      });
    } else {
      dh_.swap(dup_);
    }
    auto& dh_carry = dstate_init_.h[ul];
    auto& dc_carry = dstate_init_.c[ul];
    dh_carry.setZero();
    if (cell_->has_cell_state()) dc_carry.setZero();
    const ConstMatMap<S> Wh(param(lb.Wh).data(), GH, param(lb.Wh).cols());
    const ConstMatMap<S> Wx(param(lb.Wx).data(), GH, param(lb.Wx).cols());
    for (auto& v : dh_sq_) std::fill(v.begin(), v.end(), 0.0);
    parallel_ranges(B, 1, [&](int64_t b0, int64_t b1, int part) {
      const std::size_t up = static_cast<std::size_t>(part);
      cell_->backward(dh_, Wh, T, B, static_cast<int>(b0), static_cast<int>(b1 - b0), cache, dpre_,
                      dh_carry, dc_carry, scratch_[up], dh_norms ? dh_sq_[up].data() : nullptr);
    });
    if (dh_norms) {
      auto& out = (*dh_norms)[ul];
      for (int t = 0; t < T; ++t) {
        double sq = 0.0;
        for (const auto& v : dh_sq_) sq += v[static_cast<std::size_t>(t)];
        out[static_cast<std::size_t>(t)] = std::sqrt(sq);
      }
    }
    // Weight gradients over the whole chunk, split by rows.
    parallel_ranges(GH, row_grain, [&](int64_t r0, int64_t r1, int) {
      const int nr = static_cast<int>(r1 - r0);
      cell_->accumulate_dWh(dpre_, cache, T, B, grad(lb.Wh), static_cast<int>(r0), nr);
      grad(lb.b).middleRows(r0, nr) = dpre_.middleRows(r0, nr).rowwise().sum();
      auto dWx = grad(lb.Wx).middleRows(r0, nr);
      if (l == 0) {
        for (int j = 0; j < TB; ++j) {
          dWx.col(inputs_[static_cast<std::size_t>(j)]) += dpre_.col(j).segment(r0, nr);
        }
      } else {
        matmul<S>(dWx, dpre_.middleRows(r0, nr), false, ups_[ul - 1], true);
      }
    });
    if (l > 0) {
      parallel_ranges(TB, col_grain, [&](int64_t j0, int64_t j1, int) {
        matmul<S>(dup_.middleCols(j0, j1 - j0), Wx, true, dpre_.middleCols(j0, j1 - j0), false);
      });
    }
  }
}

template class Model<float>;
template class Model<double>;

}  // namespace cellscope
