// gemm: C = alpha · op(A) · op(B) + beta · C on column-major views (blocks of matrices or maps),
// through Eigen's own GEBP kernel but with a caller-owned packing workspace that persists across
// calls. Eigen's product expressions malloc their packing buffers for every large product;
// routing the engine's products through here makes the steady-state training step
// allocation-free. Single-threaded: the engine parallelises above this level (see threads.h).
// Uses Eigen::internal (Eigen 3.4, as pinned by the build).
#pragma once

#include <vector>

#include "tensor.h"

namespace cellscope {

template <typename S>
using ConstRef = Eigen::Ref<const Mat<S>, 0, Eigen::OuterStride<>>;
template <typename S>
using MutRef = Eigen::Ref<Mat<S>, 0, Eigen::OuterStride<>>;

// Packing buffers; grows on first use of a larger shape, never shrinks.
template <typename S>
class GemmWorkspace {
 public:
  S* reserve(std::size_t count) {
    if (buffer_.size() < count) buffer_.resize(count);
    return buffer_.data();
  }

 private:
  std::vector<S, Eigen::aligned_allocator<S>> buffer_;
};

// op(X) = X, or Xᵀ when trans_x. Shapes: C (m×n), op(A) (m×k), op(B) (k×n).
template <typename S>
void gemm(MutRef<S> C, const ConstRef<S>& A, bool trans_a, const ConstRef<S>& B, bool trans_b,
          S alpha, S beta, GemmWorkspace<S>& workspace);

// The workspace of the calling thread (one per thread, kept for the thread's life).
template <typename S>
GemmWorkspace<S>& thread_gemm_workspace();

// Shorthand: C = op(A)·op(B) (+ C when accumulate) with this thread's workspace.
template <typename S>
void matmul(MutRef<S> C, const ConstRef<S>& A, bool trans_a, const ConstRef<S>& B, bool trans_b,
            bool accumulate = false) {
  gemm<S>(C, A, trans_a, B, trans_b, S(1), accumulate ? S(1) : S(0), thread_gemm_workspace<S>());
}

}  // namespace cellscope
