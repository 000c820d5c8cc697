// GRU cell (Cho et al.) in two forms. Gate rows, stated once (PyTorch's r,z,n order is permuted
// to this one in pytorch_import.cpp only):  [0,H) update z, [H,2H) reset r, [2H,3H) candidate n.
// Both forms: z, r = sigmoid(W x + b + U h (+ c));  h = (1-z)∘h_prev + z∘n.
//   reset-before (the seed's):  n = tanh(W_n x + b_n + U_n (r∘h_prev));      Wh: (3H × H)
//   reset-after  (PyTorch's):   n = tanh(W_n x + b_n + r∘(U_n h_prev + c_n)); Wh: (3H × (H+1))
// In the reset-after form Wh's last column multiplies a constant 1: it is the recurrent bias c
// (PyTorch's b_hh), needed because c_n sits inside r∘(...). PyTorch's z is our 1-z.
#pragma once

#include "cell.h"

namespace cellscope {

template <typename S>
class GruCell final : public Cell<S> {
 public:
  explicit GruCell(bool reset_after = false) : reset_after_(reset_after) {}
  CellType type() const override { return CellType::kGru; }
  int gate_count() const override { return 3; }
  bool reset_after() const { return reset_after_; }
  void forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
               LayerCache<S>& cache) const override;
  void backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0, int nb,
                const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry, Mat<S>& dc_carry,
                CellScratch<S>& scratch, double* dh_sq) const override;
  void accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B, MatMap<S> dWh,
                      int r0, int nr) const override;

 private:
  void forward_reset_after(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
                           LayerCache<S>& cache) const;
  void backward_reset_after(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B,
                            int b0, int nb, const LayerCache<S>& cache, Mat<S>& dpre,
                            Mat<S>& dh_carry, CellScratch<S>& scratch, double* dh_sq) const;
  void accumulate_dWh_reset_after(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B,
                                  MatMap<S> dWh, int r0, int nr) const;
  bool reset_after_;
};

// Columns of a layer's recurrent matrix Wh for a configuration: H, or H+1 for the reset-after
// GRU (its recurrent bias column).
inline int recurrent_cols(const ModelConfig& c) {
  return c.cell == CellType::kGru && c.gru_reset_after ? c.hidden_size + 1 : c.hidden_size;
}

}  // namespace cellscope
