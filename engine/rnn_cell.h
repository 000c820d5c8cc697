// Vanilla RNN cell (Elman): h = tanh(W x + U h + b), or relu(...) in the relu form (PyTorch's
// nn.RNN(nonlinearity='relu')). One gate row block: [0,H) = h.
#pragma once

#include "cell.h"

namespace cellscope {

template <typename S>
class RnnCell final : public Cell<S> {
 public:
  explicit RnnCell(bool relu = false) : relu_(relu) {}
  bool relu() const { return relu_; }
  CellType type() const override { return CellType::kRnn; }
  int gate_count() const override { return 1; }
  void forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
               LayerCache<S>& cache) const override;
  void backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0, int nb,
                const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry, Mat<S>& dc_carry,
                CellScratch<S>& scratch, double* dh_sq) const override;
  void accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B, MatMap<S> dWh,
                      int r0, int nr) const override;

 private:
  bool relu_;
};

}  // namespace cellscope
