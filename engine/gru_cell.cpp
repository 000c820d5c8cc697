// GRU forward/backward over a chunk (both forms, see gru_cell.h). Reset-before, per step:
// dh~ = dh∘z, dz = dh∘(h~ - h_prev), dh_prev = dh∘(1-z) + (U_hᵀ dpre_h)∘r + U_zrᵀ dpre_zr,
// dr = (U_hᵀ dpre_h)∘h_prev; cache.aux keeps r∘h_prev so dU_h is one product over the chunk.
// Reset-after: a = U_n h_prev + c_n (kept in cache.aux); dn_pre = dh∘z∘(1-n²), dr = dn_pre∘a,
// da = dn_pre∘r, dh_prev = dh∘(1-z) + U_zrᵀ dpre_zr + U_nᵀ da.
#include "gru_cell.h"

#include <algorithm>

#include "gemm.h"

namespace cellscope {

template <typename S>
void GruCell<S>::forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
                         LayerCache<S>& cache) const {
  if (reset_after_) return forward_reset_after(Wh, t0, t1, B, b0, nb, cache);
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
  if (reset_after_) {
    return backward_reset_after(dh_above, Wh, T, B, b0, nb, cache, dpre, dh_carry, scratch, dh_sq);
  }
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
  if (reset_after_) return accumulate_dWh_reset_after(dpre, cache, T, B, dWh, r0, nr);
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

template <typename S>
void GruCell<S>::forward_reset_after(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0,
                                     int nb, LayerCache<S>& cache) const {
  const int H = static_cast<int>(Wh.cols()) - 1;
  const auto U = Wh.leftCols(H);  // (3H × H)
  const auto c = Wh.col(H);       // (3H) recurrent bias
  for (int t = t0; t < t1; ++t) {
    const int col = t * B + b0;
    auto pre = cache.gates.middleCols(col, nb);  // (3H × nb)
    const auto h_prev = cache.h.middleCols(col, nb);
    matmul<S>(pre.topRows(2 * H), U.topRows(2 * H), false, h_prev, false, true);
    pre.topRows(2 * H).colwise() += c.head(2 * H);
    pre.topRows(2 * H) = sigmoid(pre.topRows(2 * H).array()).matrix();
    auto a = cache.aux.middleCols(col, nb);  // (H × nb) U_n h_prev + c_n
    matmul<S>(a, U.bottomRows(H), false, h_prev, false);
    a.colwise() += c.tail(H);
    pre.bottomRows(H) =
        (pre.bottomRows(H).array() + pre.middleRows(H, H).array() * a.array()).tanh().matrix();
    const auto z = pre.topRows(H).array();
    const auto n = pre.bottomRows(H).array();
    cache.h.middleCols(col + B, nb).array() = h_prev.array() + z * (n - h_prev.array());
  }
}

template <typename S>
void GruCell<S>::backward_reset_after(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T,
                                      int B, int b0, int nb, const LayerCache<S>& cache,
                                      Mat<S>& dpre, Mat<S>& dh_carry, CellScratch<S>& scratch,
                                      double* dh_sq) const {
  const int H = static_cast<int>(Wh.cols()) - 1;
  const auto U = Wh.leftCols(H);
  auto dh = scratch.dh.leftCols(nb);
  auto da = scratch.tmp.leftCols(nb);
  auto dh_next = dh_carry.middleCols(b0, nb);
  for (int t = T - 1; t >= 0; --t) {
    const int col = t * B + b0;
    dh = dh_above.middleCols(col, nb) + dh_next;
    if (dh_sq) dh_sq[t] += static_cast<double>(dh.squaredNorm());
    const auto gates = cache.gates.middleCols(col, nb);
    const auto z = gates.topRows(H).array();
    const auto r = gates.middleRows(H, H).array();
    const auto n = gates.bottomRows(H).array();
    const auto a = cache.aux.middleCols(col, nb).array();
    const auto h_prev = cache.h.middleCols(col, nb).array();
    auto d = dpre.middleCols(col, nb);
    d.bottomRows(H).array() = dh.array() * z * (S(1) - n * n);
    d.topRows(H).array() = dh.array() * (n - h_prev) * z * (S(1) - z);
    d.middleRows(H, H).array() = d.bottomRows(H).array() * a * r * (S(1) - r);
    da.array() = d.bottomRows(H).array() * r;
    dh_next.array() = dh.array() * (S(1) - z);
    matmul<S>(dh_next, U.topRows(2 * H), true, d.topRows(2 * H), false, true);
    matmul<S>(dh_next, U.bottomRows(H), true, da, false, true);
  }
}

template <typename S>
void GruCell<S>::accumulate_dWh_reset_after(const Mat<S>& dpre, const LayerCache<S>& cache, int T,
                                            int B, MatMap<S> dWh, int r0, int nr) const {
  // Rows [0, 2H): the recurrent gradient is dpre itself; rows [2H, 3H): dpre_n∘r. Either way
  // the first H columns multiply h_prev and the last column the constant 1.
  const int H = static_cast<int>(dWh.cols()) - 1;
  const int split = 2 * H;
  const auto h_prev = cache.h.leftCols(T * B);
  if (r0 < split) {
    const int n = std::min(r0 + nr, split) - r0;
    matmul<S>(dWh.block(r0, 0, n, H), dpre.middleRows(r0, n), false, h_prev, true, true);
    dWh.block(r0, H, n, 1) += dpre.middleRows(r0, n).rowwise().sum();
  }
  if (r0 + nr > split) {
    const int begin = std::max(r0, split);
    const int n = r0 + nr - begin;
    thread_local Mat<S> da;  // (n × T*B), reused across chunks on this thread
    da.resize(n, T * B);
    da.array() = dpre.middleRows(begin, n).array() * cache.gates.middleRows(begin - H, n).array();
    matmul<S>(dWh.block(begin, 0, n, H), da, false, h_prev, true, true);
    dWh.block(begin, H, n, 1) += da.rowwise().sum();
  }
}

template class GruCell<float>;
template class GruCell<double>;

}  // namespace cellscope
