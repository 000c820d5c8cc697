// Optimizers and gradient clipping over flat buffers (parameters, gradients and moments share
// one layout, so every update is a single pass over contiguous memory).
//   Adam:    m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  p -= lr m̂ / (sqrt(v̂) + eps)
//   RMSProp: v = a v + (1-a) g²;  p -= lr g / (sqrt(v) + eps)        (char-rnn: a = 0.95)
//   SGD:     u = mu u - lr g;  p += u                                  (momentum 0.9)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "config.h"

namespace cellscope {

template <typename S>
class Optimizer {
 public:
  Optimizer(OptimizerType type, std::size_t size);

  OptimizerType type() const { return type_; }
  void step(S* params, const S* grads, double learning_rate);

  // The moments as one flat vector (Adam: m then v; RMSProp: v; SGD: u), for the model file.
  const std::vector<S>& state() const { return state_; }
  int64_t steps() const { return steps_; }
  // Restores a saved state; throws Error when its size does not fit this optimizer.
  void restore(const std::vector<S>& state, int64_t steps);

  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // Adam
  double rms_alpha = 0.95, rms_epsilon = 1e-8;        // RMSProp
  double momentum = 0.9;                              // SGD

 private:
  OptimizerType type_;
  std::size_t size_;
  std::vector<S> state_;
  int64_t steps_ = 0;
};

// The Euclidean norm of a flat buffer, accumulated in double.
template <typename S>
double global_norm(const S* values, std::size_t size);

// Clips gradients in place; returns true when anything was clipped.
//   kValue: clamp every element to [-threshold, threshold] (char-rnn's grad_clip).
//   kNorm:  scale all by threshold / norm when the global norm exceeds threshold.
// `norm` is the buffer's global norm (pass global_norm(...)); threshold <= 0 disables.
template <typename S>
bool clip_gradients(S* grads, std::size_t size, ClipMode mode, double threshold, double norm);

}  // namespace cellscope
