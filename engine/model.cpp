// Model forward/backward over a chunk. Invariants: caches_ are sized for (T_, B_) of the last
// forward; backward() must follow the forward whose loss it differentiates; grads() is
// overwritten, never accumulated across calls.
#include "model.h"

#include <cmath>

#include "error.h"
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
    blocks->Wh.push_back(layout.add(p + "Wh", G * H, H));
    blocks->b.push_back(layout.add(p + "b", G * H, 1));
  }
  blocks->out_W = layout.add("out.W", c.vocab_size, H);
  blocks->out_b = layout.add("out.b", c.vocab_size, 1);
  return layout;
}

template <typename S>
std::unique_ptr<Cell<S>> make_cell(CellType type) {
  switch (type) {
    case CellType::kRnn:
      return std::make_unique<RnnCell<S>>();
    case CellType::kGru:
      return std::make_unique<GruCell<S>>();
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
  cell_ = make_cell<S>(config_.cell);
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
  if (T == T_ && B == B_) return;
  T_ = T;
  B_ = B;
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
  scratch_.dh.resize(H, B);
  scratch_.dc.resize(H, B);
  scratch_.tmp.resize(H, B);
  dstate_init_ = zero_state(B);
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

  for (int l = 0; l < config_.num_layers; ++l) {
    const auto& lb = blocks_[static_cast<std::size_t>(l)];
    auto& cache = caches_[static_cast<std::size_t>(l)];
    const auto Wx = param(lb.Wx);
    const auto b = param(lb.b);
    cache.h.leftCols(B) = state.h[static_cast<std::size_t>(l)];
    if (cell_->has_cell_state()) cache.c.leftCols(B) = state.c[static_cast<std::size_t>(l)];
    if (l == 0) {
      for (int j = 0; j < TB; ++j)
        cache.gates.col(j) = Wx.col(inputs_[static_cast<std::size_t>(j)]) + b;
    } else {
      cache.gates.noalias() = Wx * ups_[static_cast<std::size_t>(l - 1)];
      cache.gates.colwise() += b.col(0);
    }
    const ConstMatMap<S> Wh(param(lb.Wh).data(), param(lb.Wh).rows(), param(lb.Wh).cols());
    cell_->forward(Wh, T, B, cache);
    auto& up = ups_[static_cast<std::size_t>(l)];
    up = cache.h.rightCols(TB);
    if (dropout_active_) {
      auto& mask = masks_[static_cast<std::size_t>(l)];
      mask.resize(up.rows(), up.cols());
      for (Eigen::Index k = 0; k < mask.size(); ++k) {
        mask.data()[k] = uniform01(*rng) < p ? S(0) : keep_scale;
      }
      up.array() *= mask.array();
    }
    state.h[static_cast<std::size_t>(l)] = cache.h.middleCols(carry_at * B, B);
    if (cell_->has_cell_state())
      state.c[static_cast<std::size_t>(l)] = cache.c.middleCols(carry_at * B, B);
  }

  logits_.noalias() = param(out_W_) * ups_.back();
  logits_.colwise() += param(out_b_).col(0);
  if (!targets) return S(0);

  // Softmax in place: with targets, logits_ holds the probabilities from here on.
  double loss = 0.0;
  const int from = spec.loss_from * B;
  for (int j = 0; j < TB; ++j) {
    auto col = logits_.col(j);
    const S m = col.maxCoeff();
    col.array() = (col.array() - m).exp();
    const S sum = col.sum();
    col /= sum;
    if (j >= from) {
      const S pt = col(targets_[static_cast<std::size_t>(j)]);
      loss -= std::log(static_cast<double>(std::max(pt, std::numeric_limits<S>::min())));
    }
  }
  return static_cast<S>(loss / static_cast<double>(TB - from));
}

template <typename S>
void Model<S>::backward(std::vector<std::vector<double>>* dh_norms) {
  if (!has_targets_) throw Error("backward() needs a forward() with targets");
  const int T = spec_.T, B = spec_.B, TB = T * B;
  const int from = spec_.loss_from * B;
  const S scale = S(1) / static_cast<S>(TB - from);
  grads_.set_zero();
  // dlogits, in place: logits_ holds the softmax probabilities after forward().
  Mat<S>& dlogits = logits_;
  dlogits.leftCols(from).setZero();
  for (int j = from; j < TB; ++j) dlogits(targets_[static_cast<std::size_t>(j)], j) -= S(1);
  dlogits.rightCols(TB - from) *= scale;

  grad(out_W_).noalias() = dlogits * ups_.back().transpose();
  grad(out_b_) = dlogits.rowwise().sum();
  dup_.noalias() = param(out_W_).transpose() * dlogits;
  has_targets_ = false;  // logits_ no longer holds probabilities

  if (dh_norms)
    dh_norms->assign(static_cast<std::size_t>(config_.num_layers),
                     std::vector<double>(static_cast<std::size_t>(T)));
  for (int l = config_.num_layers - 1; l >= 0; --l) {
    const auto& lb = blocks_[static_cast<std::size_t>(l)];
    const auto& cache = caches_[static_cast<std::size_t>(l)];
    if (dropout_active_) {
      dh_.array() = dup_.array() * masks_[static_cast<std::size_t>(l)].array();
    } else {
      dh_.swap(dup_);
    }
    auto& dh_carry = dstate_init_.h[static_cast<std::size_t>(l)];
    auto& dc_carry = dstate_init_.c[static_cast<std::size_t>(l)];
    dh_carry.setZero();
    if (cell_->has_cell_state()) dc_carry.setZero();
    const ConstMatMap<S> Wh(param(lb.Wh).data(), param(lb.Wh).rows(), param(lb.Wh).cols());
    cell_->backward(dh_, Wh, T, B, cache, dpre_, grad(lb.Wh), dh_carry, dc_carry, scratch_,
                    dh_norms ? &(*dh_norms)[static_cast<std::size_t>(l)] : nullptr);
    grad(lb.b) = dpre_.rowwise().sum();
    auto dWx = grad(lb.Wx);
    if (l == 0) {
      for (int j = 0; j < TB; ++j) dWx.col(inputs_[static_cast<std::size_t>(j)]) += dpre_.col(j);
    } else {
      dWx.noalias() = dpre_ * ups_[static_cast<std::size_t>(l - 1)].transpose();
      if (dup_.rows() != dh_.rows() || dup_.cols() != dh_.cols())
        dup_.resize(dh_.rows(), dh_.cols());
      dup_.noalias() = param(lb.Wx).transpose() * dpre_;
    }
  }
}

template class Model<float>;
template class Model<double>;

}  // namespace cellscope
