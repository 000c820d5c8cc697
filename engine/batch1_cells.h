// One recurrent step of one layer at batch 1 (B = 1), for every cell type: a matrix-vector
// product straight into Eigen's GEMV (no GEBP packing, no gemm() wrapper), then the gate
// nonlinearities, state update and output fused in one pass over the neurons in tiles of 16.
// Invariant: fills the same LayerCache entries as the cells' forward() (see cell.h), with the
// same products in the same order, so backward() and the probe read it unchanged.
#pragma once

#include "cell.h"
#include "config.h"

namespace cellscope {

// Step t of a layer (H neurons). In: cache.gates column t holds the input projection
// W x_t + b (G·H), cache.h (and .c) column t the state before the step. Out: gates column t
// after the nonlinearities, h (and c) column t+1, aux column t. Wh: (G·H × H), or (3H × (H+1))
// for the reset-after GRU.
template <typename S>
void batch1_step(const ModelConfig& config, const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache);

// The second half of a step for neurons [n0, n1) (LSTM and RNN only): gates column t already
// holds the finished pre-activations (projection and recurrent product summed elsewhere, as
// the split step of batch1_forward.cpp does); runs their nonlinearities, state and output. n0
// a multiple of 16. A GRU step has two dependent products and cannot be finished so: Error.
template <typename S>
void batch1_finish_part(const ModelConfig& config, int t, LayerCache<S>& cache, int n0, int n1);

}  // namespace cellscope
