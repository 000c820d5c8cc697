// GRU cell (Cho et al.), in the seed's form. Gate rows, stated once:
//   [0,H) update z, [H,2H) reset r, [2H,3H) candidate h~.
//   z, r = sigmoid(W x + U h + b);  h~ = tanh(W x + U_h (r∘h) + b);  h = (1-z)∘h + z∘h~.
// U's rows [0,2H) multiply h, rows [2H,3H) multiply r∘h, so the recurrent GEMM is split in two.
#pragma once

#include "cell.h"

namespace cellscope {

template <typename S>
class GruCell final : public Cell<S> {
 public:
  CellType type() const override { return CellType::kGru; }
  int gate_count() const override { return 3; }
  void forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
               LayerCache<S>& cache) const override;
  void backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0, int nb,
                const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry, Mat<S>& dc_carry,
                CellScratch<S>& scratch, double* dh_sq) const override;
  void accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B, MatMap<S> dWh,
                      int r0, int nr) const override;
};

}  // namespace cellscope
