// LSTM cell (Hochreiter & Schmidhuber; torch-rnn's fused layout). Gate rows, stated once:
//   [0,H) input i, [H,2H) forget f, [2H,3H) output o, [3H,4H) candidate g.
//   i,f,o = sigmoid(W x + U h + b);  g = tanh(...);  c = f∘c_prev + i∘g;  h = o∘tanh(c).
// The forget bias is initialised to 1 by the model (see model.cpp).
#pragma once

#include "cell.h"

namespace cellscope {

template <typename S>
class LstmCell final : public Cell<S> {
 public:
  CellType type() const override { return CellType::kLstm; }
  int gate_count() const override { return 4; }
  void forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
               LayerCache<S>& cache) const override;
  void backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0, int nb,
                const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry, Mat<S>& dc_carry,
                CellScratch<S>& scratch, double* dh_sq) const override;
  void accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B, MatMap<S> dWh,
                      int r0, int nr) const override;
};

}  // namespace cellscope
