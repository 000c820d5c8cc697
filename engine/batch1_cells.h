// One recurrent step of one layer at batch 1 (B = 1), for every cell type: a matrix-vector
// product straight into Eigen's GEMV (no GEBP packing, no gemm() wrapper), then the gate
// nonlinearities, state update and output fused in one pass over the neurons in tiles of 16.
// Invariant: fills the same LayerCache entries as the cells' forward() (see cell.h), with the
// same products in the same order, so backward() and the probe read it unchanged. A step may
// be split by neurons over threads (batch1_step_part): each row of a GEMV is summed alike
// whatever rows it is computed with (see batch1_cells.cpp), so the split changes no value.
#pragma once

#include "cell.h"
#include "config.h"
#include "threads.h"

namespace cellscope {

// Step t of a layer (H neurons). In: cache.gates column t holds the input projection
// W x_t + b (G·H), cache.h (and .c) column t the state before the step. Out: gates column t
// after the nonlinearities, h (and c) column t+1, aux column t. Wh: (G·H × H), or (3H × (H+1))
// for the reset-after GRU.
template <typename S>
void batch1_step(const ModelConfig& config, const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache);

// The same step for neurons [n0, n1) only: their rows of every gate, their h (and c, aux).
// n0 and n1 - n0 multiples of 16 (or n1 = H), H a multiple of 16 when n1 - n0 < H. The
// reset-before GRU needs every neuron's r∘h before its second product: it calls
// `all_reset_ready` (every thread's part must have reached it) in between; other cells never do.
template <typename S>
void batch1_step_part(const ModelConfig& config, const ConstMatMap<S>& Wh, int t,
                      LayerCache<S>& cache, int n0, int n1, const TaskRef& all_reset_ready);

}  // namespace cellscope
