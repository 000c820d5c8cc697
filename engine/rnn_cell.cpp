// Vanilla RNN forward/backward over a chunk: dpre_t = (dh_above_t + dh_next)∘(1 - h_t²)
// (relu form: ∘[h_t > 0]),
// dh_prev = Uᵀ dpre_t. The gates cache holds h_t too (post-tanh), kept for uniformity.
#include "rnn_cell.h"

#include "gemm.h"

namespace cellscope {

template <typename S>
void RnnCell<S>::forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
                         LayerCache<S>& cache) const {
  for (int t = t0; t < t1; ++t) {
    const int col = t * B + b0;
    auto pre = cache.gates.middleCols(col, nb);  // (H × nb)
    matmul<S>(pre, Wh, false, cache.h.middleCols(col, nb), false, true);
    if (relu_) {
      pre = pre.array().max(S(0)).matrix();
    } else {
      pre = pre.array().tanh().matrix();
    }
    cache.h.middleCols(col + B, nb) = pre;
  }
}

template <typename S>
void RnnCell<S>::backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0,
                          int nb, const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry,
                          Mat<S>& /*dc_carry*/, CellScratch<S>& scratch, double* dh_sq) const {
  auto dh = scratch.dh.leftCols(nb);
  auto dh_next = dh_carry.middleCols(b0, nb);
  for (int t = T - 1; t >= 0; --t) {
    const int col = t * B + b0;
    dh = dh_above.middleCols(col, nb) + dh_next;
    if (dh_sq) dh_sq[t] += static_cast<double>(dh.squaredNorm());
    const auto h = cache.gates.middleCols(col, nb).array();
    auto d = dpre.middleCols(col, nb);
    if (relu_) {
      d.array() = (h > S(0)).select(dh.array(), S(0));
    } else {
      d.array() = dh.array() * (S(1) - h * h);
    }
    matmul<S>(dh_next, Wh, true, d, false);
  }
}

template <typename S>
void RnnCell<S>::accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B,
                                MatMap<S> dWh, int r0, int nr) const {
  matmul<S>(dWh.middleRows(r0, nr), dpre.middleRows(r0, nr), false, cache.h.leftCols(T * B), true,
            true);
}

template class RnnCell<float>;
template class RnnCell<double>;

}  // namespace cellscope
