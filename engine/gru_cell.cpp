// GRU forward/backward over a chunk. Backward per step: dh~ = dh∘z, dz = dh∘(h~ - h_prev),
// dh_prev = dh∘(1-z) + (U_hᵀ dpre_h)∘r + U_zrᵀ dpre_zr, dr = (U_hᵀ dpre_h)∘h_prev.
// cache.aux keeps r∘h_prev so dU_h is one GEMM over the chunk.
#include "gru_cell.h"

namespace cellscope {

template <typename S>
void GruCell<S>::forward(const ConstMatMap<S>& Wh, int T, int B, LayerCache<S>& cache) const {
  const int H = static_cast<int>(Wh.cols());
  const auto U_zr = Wh.topRows(2 * H);
  const auto U_h = Wh.bottomRows(H);
  for (int t = 0; t < T; ++t) {
    auto pre = cache.gates.middleCols(t * B, B);  // (3H × B)
    const auto h_prev = cache.h.middleCols(t * B, B);
    pre.topRows(2 * H).noalias() += U_zr * h_prev;
    pre.topRows(2 * H) = sigmoid(pre.topRows(2 * H).array()).matrix();
    auto rh = cache.aux.middleCols(t * B, B);
    rh.array() = pre.middleRows(H, H).array() * h_prev.array();
    pre.bottomRows(H).noalias() += U_h * rh;
    pre.bottomRows(H) = pre.bottomRows(H).array().tanh().matrix();
    const auto z = pre.topRows(H).array();
    const auto hh = pre.bottomRows(H).array();
    cache.h.middleCols((t + 1) * B, B).array() = h_prev.array() + z * (hh - h_prev.array());
  }
}

template <typename S>
void GruCell<S>::backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B,
                          const LayerCache<S>& cache, Mat<S>& dpre, MatMap<S> dWh, Mat<S>& dh_carry,
                          Mat<S>& /*dc_carry*/, CellScratch<S>& scratch,
                          std::vector<double>* dh_norms) const {
  const int H = static_cast<int>(Wh.cols());
  const auto U_zr = Wh.topRows(2 * H);
  const auto U_h = Wh.bottomRows(H);
  auto& dh = scratch.dh;
  auto& drh = scratch.tmp;
  for (int t = T - 1; t >= 0; --t) {
    dh.noalias() = dh_above.middleCols(t * B, B) + dh_carry;
    if (dh_norms) (*dh_norms)[static_cast<std::size_t>(t)] = static_cast<double>(dh.norm());
    const auto gates = cache.gates.middleCols(t * B, B);
    const auto z = gates.topRows(H).array();
    const auto r = gates.middleRows(H, H).array();
    const auto hh = gates.bottomRows(H).array();
    const auto h_prev = cache.h.middleCols(t * B, B).array();
    auto d = dpre.middleCols(t * B, B);
    d.bottomRows(H).array() = dh.array() * z * (S(1) - hh * hh);
    drh.noalias() = U_h.transpose() * d.bottomRows(H);
    d.topRows(H).array() = dh.array() * (hh - h_prev) * z * (S(1) - z);
    d.middleRows(H, H).array() = drh.array() * h_prev * r * (S(1) - r);
    dh_carry.array() = dh.array() * (S(1) - z) + drh.array() * r;
    dh_carry.noalias() += U_zr.transpose() * d.topRows(2 * H);
  }
  dWh.topRows(2 * H).noalias() += dpre.topRows(2 * H) * cache.h.leftCols(T * B).transpose();
  dWh.bottomRows(H).noalias() += dpre.bottomRows(H) * cache.aux.transpose();
}

template class GruCell<float>;
template class GruCell<double>;

}  // namespace cellscope
