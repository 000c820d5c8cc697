// GRU forward/backward over a chunk. Backward per step: dh~ = dh∘z, dz = dh∘(h~ - h_prev),
// dh_prev = dh∘(1-z) + (U_hᵀ dpre_h)∘r + U_zrᵀ dpre_zr, dr = (U_hᵀ dpre_h)∘h_prev.
// cache.aux keeps r∘h_prev so dU_h is one product over the chunk.
#include "gru_cell.h"

#include "gemm.h"

namespace cellscope {

template <typename S>
void GruCell<S>::forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
                         LayerCache<S>& cache) const {
  const int H = static_cast<int>(Wh.cols());
  const auto U_zr = Wh.topRows(2 * H);
  const auto U_h = Wh.bottomRows(H);
  for (int t = t0; t < t1; ++t) {
    const int col = t * B + b0;
    auto pre = cache.gates.middleCols(col, nb);  // (3H × nb)
    const auto h_prev = cache.h.middleCols(col, nb);
    matmul<S>(pre.topRows(2 * H), U_zr, false, h_prev, false, true);
    pre.topRows(2 * H) = sigmoid(pre.topRows(2 * H).array()).matrix();
    auto rh = cache.aux.middleCols(col, nb);
    rh.array() = pre.middleRows(H, H).array() * h_prev.array();
    matmul<S>(pre.bottomRows(H), U_h, false, rh, false, true);
    pre.bottomRows(H) = pre.bottomRows(H).array().tanh().matrix();
    const auto z = pre.topRows(H).array();
    const auto hh = pre.bottomRows(H).array();
    cache.h.middleCols(col + B, nb).array() = h_prev.array() + z * (hh - h_prev.array());
  }
}

template <typename S>
void GruCell<S>::backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0,
                          int nb, const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry,
                          Mat<S>& /*dc_carry*/, CellScratch<S>& scratch, double* dh_sq) const {
  const int H = static_cast<int>(Wh.cols());
  const auto U_zr = Wh.topRows(2 * H);
  const auto U_h = Wh.bottomRows(H);
  auto dh = scratch.dh.leftCols(nb);
  auto drh = scratch.tmp.leftCols(nb);
  auto dh_next = dh_carry.middleCols(b0, nb);
  for (int t = T - 1; t >= 0; --t) {
    const int col = t * B + b0;
    dh = dh_above.middleCols(col, nb) + dh_next;
    if (dh_sq) dh_sq[t] += static_cast<double>(dh.squaredNorm());
    const auto gates = cache.gates.middleCols(col, nb);
    const auto z = gates.topRows(H).array();
    const auto r = gates.middleRows(H, H).array();
    const auto hh = gates.bottomRows(H).array();
    const auto h_prev = cache.h.middleCols(col, nb).array();
    auto d = dpre.middleCols(col, nb);
    d.bottomRows(H).array() = dh.array() * z * (S(1) - hh * hh);
    matmul<S>(drh, U_h, true, d.bottomRows(H), false);
    d.topRows(H).array() = dh.array() * (hh - h_prev) * z * (S(1) - z);
    d.middleRows(H, H).array() = drh.array() * h_prev * r * (S(1) - r);
    dh_next.array() = dh.array() * (S(1) - z) + drh.array() * r;
    matmul<S>(dh_next, U_zr, true, d.topRows(2 * H), false, true);
  }
}

template <typename S>
void GruCell<S>::accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B,
                                MatMap<S> dWh, int r0, int nr) const {
  // Rows [0, 2H) multiply h_prev; rows [2H, 3H) multiply r∘h_prev (cache.aux).
  const int H = static_cast<int>(dWh.cols());
  const int split = 2 * H;
  if (r0 < split) {
    const int n = std::min(r0 + nr, split) - r0;
    matmul<S>(dWh.middleRows(r0, n), dpre.middleRows(r0, n), false, cache.h.leftCols(T * B), true,
              true);
  }
  if (r0 + nr > split) {
    const int begin = std::max(r0, split);
    const int n = r0 + nr - begin;
    matmul<S>(dWh.middleRows(begin, n), dpre.middleRows(begin, n), false, cache.aux, true, true);
  }
}

template class GruCell<float>;
template class GruCell<double>;

}  // namespace cellscope
