// Vanilla RNN forward/backward over a chunk: dpre_t = (dh_above_t + dh_next)∘(1 - h_t²),
// dh_prev = Uᵀ dpre_t. The gates cache holds h_t too (post-tanh), kept for uniformity.
#include "rnn_cell.h"

namespace cellscope {

template <typename S>
void RnnCell<S>::forward(const ConstMatMap<S>& Wh, int T, int B, LayerCache<S>& cache) const {
  for (int t = 0; t < T; ++t) {
    auto pre = cache.gates.middleCols(t * B, B);  // (H × B)
    pre.noalias() += Wh * cache.h.middleCols(t * B, B);
    pre = pre.array().tanh().matrix();
    cache.h.middleCols((t + 1) * B, B) = pre;
  }
}

template <typename S>
void RnnCell<S>::backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B,
                          const LayerCache<S>& cache, Mat<S>& dpre, MatMap<S> dWh, Mat<S>& dh_carry,
                          Mat<S>& /*dc_carry*/, CellScratch<S>& scratch,
                          std::vector<double>* dh_norms) const {
  auto& dh = scratch.dh;
  for (int t = T - 1; t >= 0; --t) {
    dh.noalias() = dh_above.middleCols(t * B, B) + dh_carry;
    if (dh_norms) (*dh_norms)[static_cast<std::size_t>(t)] = static_cast<double>(dh.norm());
    const auto h = cache.gates.middleCols(t * B, B).array();
    auto d = dpre.middleCols(t * B, B);
    d.array() = dh.array() * (S(1) - h * h);
    dh_carry.noalias() = Wh.transpose() * d;
  }
  dWh.noalias() += dpre * cache.h.leftCols(T * B).transpose();
}

template class RnnCell<float>;
template class RnnCell<double>;

}  // namespace cellscope
