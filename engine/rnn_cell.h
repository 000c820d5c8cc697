// Vanilla RNN cell (Elman): h = tanh(W x + U h + b). One gate row block: [0,H) = h.
#pragma once

#include "cell.h"

namespace cellscope {

template <typename S>
class RnnCell final : public Cell<S> {
 public:
  CellType type() const override { return CellType::kRnn; }
  int gate_count() const override { return 1; }
  void forward(const ConstMatMap<S>& Wh, int T, int B, LayerCache<S>& cache) const override;
  void backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B,
                const LayerCache<S>& cache, Mat<S>& dpre, MatMap<S> dWh, Mat<S>& dh_carry,
                Mat<S>& dc_carry, CellScratch<S>& scratch,
                std::vector<double>* dh_norms) const override;
};

}  // namespace cellscope
