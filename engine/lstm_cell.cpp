// LSTM forward/backward over a chunk. Per step t (columns [tB+b0, tB+b0+nb)), with gates stored
// after their nonlinearity: dc = dc_next + dh∘o∘(1-tanh²c); di = dc∘g; df = dc∘c_prev;
// do = dh∘tanh c; dg = dc∘i; then through the nonlinearities; dh_prev = Uᵀ dpre; dc_prev = dc∘f.
#include "lstm_cell.h"

#include "gemm.h"

namespace cellscope {

template <typename S>
void LstmCell<S>::forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
                          LayerCache<S>& cache) const {
  const int H = static_cast<int>(Wh.cols());
  for (int t = t0; t < t1; ++t) {
    const int col = t * B + b0;
    auto pre = cache.gates.middleCols(col, nb);  // (4H × nb)
    matmul<S>(pre, Wh, false, cache.h.middleCols(col, nb), false, true);
    pre.topRows(3 * H) = sigmoid(pre.topRows(3 * H).array()).matrix();
    pre.bottomRows(H) = pre.bottomRows(H).array().tanh().matrix();
    const auto i = pre.topRows(H).array();
    const auto f = pre.middleRows(H, H).array();
    const auto o = pre.middleRows(2 * H, H).array();
    const auto g = pre.bottomRows(H).array();
    auto c = cache.c.middleCols(col + B, nb).array();
    c = f * cache.c.middleCols(col, nb).array() + i * g;
    auto tc = cache.aux.middleCols(col, nb).array();
    tc = c.tanh();
    cache.h.middleCols(col + B, nb).array() = o * tc;
  }
}

template <typename S>
void LstmCell<S>::backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0,
                           int nb, const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry,
                           Mat<S>& dc_carry, CellScratch<S>& scratch, double* dh_sq) const {
  const int H = static_cast<int>(Wh.cols());
  auto dh = scratch.dh.leftCols(nb);
  auto dc = scratch.dc.leftCols(nb);
  auto dh_next = dh_carry.middleCols(b0, nb);
  auto dc_next = dc_carry.middleCols(b0, nb);
  for (int t = T - 1; t >= 0; --t) {
    const int col = t * B + b0;
    dh = dh_above.middleCols(col, nb) + dh_next;
    if (dh_sq) dh_sq[t] += static_cast<double>(dh.squaredNorm());
    const auto gates = cache.gates.middleCols(col, nb);
    const auto i = gates.topRows(H).array();
    const auto f = gates.middleRows(H, H).array();
    const auto o = gates.middleRows(2 * H, H).array();
    const auto g = gates.bottomRows(H).array();
    const auto tc = cache.aux.middleCols(col, nb).array();
    const auto c_prev = cache.c.middleCols(col, nb).array();
    dc.array() = dc_next.array() + dh.array() * o * (S(1) - tc * tc);
    auto d = dpre.middleCols(col, nb);
    d.topRows(H).array() = dc.array() * g * i * (S(1) - i);
    d.middleRows(H, H).array() = dc.array() * c_prev * f * (S(1) - f);
    d.middleRows(2 * H, H).array() = dh.array() * tc * o * (S(1) - o);
    d.bottomRows(H).array() = dc.array() * i * (S(1) - g * g);
    dc_next.array() = dc.array() * f;
    matmul<S>(dh_next, Wh, true, d, false);
  }
}

template <typename S>
void LstmCell<S>::accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B,
                                 MatMap<S> dWh, int r0, int nr) const {
  matmul<S>(dWh.middleRows(r0, nr), dpre.middleRows(r0, nr), false, cache.h.leftCols(T * B), true,
            true);
}

template class LstmCell<float>;
template class LstmCell<double>;

}  // namespace cellscope
