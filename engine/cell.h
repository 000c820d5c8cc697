// Cell: one recurrent layer's time loop, forward and backward over a chunk of T steps for B
// streams. The model computes the input projection (W x_t + b for all t at once) into
// cache.gates; the cell adds the recurrent term, applies its nonlinearities in place and fills
// the rest of the cache; backward reads that cache and returns dL/d(pre-activation) so the model
// can form dW, db and dx with whole-chunk GEMMs. Cells hold no parameters and no state.
#pragma once

#include <vector>

#include "config.h"
#include "tensor.h"

namespace cellscope {

// Threading: forward and backward work on the streams [b0, b0+nb) of the batch only, so the
// model runs disjoint stream ranges on different threads; accumulate_dWh works on a row range.

// Per-layer activations of one chunk, reused across chunks of the same shape.
template <typename S>
struct LayerCache {
  Mat<S> gates;  // (G*H × T*B) after forward: post-nonlinearity gates (order: see each cell)
  Mat<S> h;      // (H × (T+1)*B) columns [0,B): initial h; [(t+1)B, (t+2)B): h_t
  Mat<S> c;      // LSTM only, like h: initial c, then c_t
  Mat<S> aux;    // (H × T*B) LSTM: tanh(c_t); GRU: r_t ∘ h_{t-1}; RNN: unused
};

// Scratch for backward, reused across chunks.
template <typename S>
struct CellScratch {
  Mat<S> dh;   // (H × B) total dL/dh_t at the current step
  Mat<S> dc;   // (H × B) LSTM: dL/dc_t
  Mat<S> tmp;  // (H × B)
};

template <typename S>
class Cell {
 public:
  virtual ~Cell() = default;
  virtual CellType type() const = 0;
  virtual int gate_count() const = 0;  // G
  bool has_cell_state() const { return type() == CellType::kLstm; }

  // Steps [t0, t1) for streams [b0, b0+nb). In: cache.gates holds the input projection of
  // those steps, cache.h (and .c) the state before step t0. Out: the cache for those steps.
  // Wh: (G*H × H).
  virtual void forward(const ConstMatMap<S>& Wh, int t0, int t1, int B, int b0, int nb,
                       LayerCache<S>& cache) const = 0;

  // For streams [b0, b0+nb): dh_above (H × T*B) dL/dh_t from the layer above or the output
  // (not including the recurrent path). dh_carry / dc_carry (H × B), in: dL/d(final h, c)
  // from beyond the chunk; out: dL/d(initial h, c). dpre (G*H × T*B) out: dL/d(pre-activation).
  // dh_sq (optional, T values): += ||dL/dh_t||² over these streams.
  virtual void backward(const Mat<S>& dh_above, const ConstMatMap<S>& Wh, int T, int B, int b0,
                        int nb, const LayerCache<S>& cache, Mat<S>& dpre, Mat<S>& dh_carry,
                        Mat<S>& dc_carry, CellScratch<S>& scratch, double* dh_sq) const = 0;

  // Rows [r0, r0+nr) of dWh += the chunk's recurrent weight gradient (after backward()).
  virtual void accumulate_dWh(const Mat<S>& dpre, const LayerCache<S>& cache, int T, int B,
                              MatMap<S> dWh, int r0, int nr) const = 0;
};

// Vectorised logistic function: sigmoid(x) = 0.5 * tanh(0.5 x) + 0.5.
template <typename Derived>
auto sigmoid(const Eigen::ArrayBase<Derived>& x) {
  using S = typename Derived::Scalar;
  return (x * S(0.5)).tanh() * S(0.5) + S(0.5);
}

}  // namespace cellscope
