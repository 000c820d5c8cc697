// LSTM forward/backward over a chunk. Per step t (columns [tB, tB+B)), with gates stored after
// their nonlinearity: dc = dc_next + dh∘o∘(1-tanh²c); di = dc∘g; df = dc∘c_prev; do = dh∘tanh c;
// dg = dc∘i; then through the nonlinearities; dh_prev = Uᵀ dpre; dc_prev = dc∘f.
#include "lstm_cell.h"

namespace cellscope {

template <typename S>
void LstmCell<S>::forward(const ConstMatMap<S>& Wh, int T, int B, LayerCache<S>& cache) const {
  const int H = static_cast<int>(Wh.cols());
  for (int t = 0; t < T; ++t) {
    auto pre = cache.gates.middleCols(t * B, B);  // (4H × B)
    const auto h_prev = cache.h.middleCols(t * B, B);
    pre.noalias() += Wh * h_prev;
    pre.topRows(3 * H) = sigmoid(pre.topRows(3 * H).array()).matrix();
    pre.bottomRows(H) = pre.bottomRows(H).array().tanh().matrix();
    const auto i = pre.topRows(H).array();
    const auto f = pre.middleRows(H, H).array();
    const auto o = pre.middleRows(2 * H, H).array();
    const auto g = pre.bottomRows(H).array();
    auto c = cache.c.middleCols((t + 1) * B, B).array();
    c = f * cache.c.middleCols(t * B, B).array() + i * g;
    auto tc = cache.aux.middleCols(t * B, B).array();
    tc = c.tanh();
    cache.h.middleCols((t + 1) * B, B).array() = o * tc;
  }
}

template <typename S>
void LstmCell<S>::backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B,
                           const LayerCache<S>& cache, Mat<S>& dpre, MatMap<S> dWh,
                           Mat<S>& dh_carry, Mat<S>& dc_carry, CellScratch<S>& scratch,
                           std::vector<double>* dh_norms) const {
  const int H = static_cast<int>(Wh.cols());
  auto& dh = scratch.dh;
  auto& dc = scratch.dc;
  for (int t = T - 1; t >= 0; --t) {
    dh.noalias() = dh_above.middleCols(t * B, B) + dh_carry;
    if (dh_norms) (*dh_norms)[static_cast<std::size_t>(t)] = static_cast<double>(dh.norm());
    const auto gates = cache.gates.middleCols(t * B, B);
    const auto i = gates.topRows(H).array();
    const auto f = gates.middleRows(H, H).array();
    const auto o = gates.middleRows(2 * H, H).array();
    const auto g = gates.bottomRows(H).array();
    const auto tc = cache.aux.middleCols(t * B, B).array();
    const auto c_prev = cache.c.middleCols(t * B, B).array();
    dc.array() = dc_carry.array() + dh.array() * o * (S(1) - tc * tc);
    auto d = dpre.middleCols(t * B, B);
    d.topRows(H).array() = dc.array() * g * i * (S(1) - i);
    d.middleRows(H, H).array() = dc.array() * c_prev * f * (S(1) - f);
    d.middleRows(2 * H, H).array() = dh.array() * tc * o * (S(1) - o);
    d.bottomRows(H).array() = dc.array() * i * (S(1) - g * g);
    dc_carry.array() = dc.array() * f;
    dh_carry.noalias() = Wh.transpose() * d;
  }
  dWh.noalias() += dpre * cache.h.leftCols(T * B).transpose();
}

template class LstmCell<float>;
template class LstmCell<double>;

}  // namespace cellscope
