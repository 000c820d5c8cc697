// gemm through Eigen's GEBP with persistent packing buffers. Invariant: the blocking sizes are
// Eigen's own (computeProductBlockingSizes), so results equal Eigen's single-threaded product.
#include "gemm.h"

#include <Eigen/Core>

#include "error.h"

namespace cellscope {
namespace {

template <typename S>
class PersistentBlocking : public Eigen::internal::level3_blocking<S, S> {
 public:
  PersistentBlocking(Eigen::Index m, Eigen::Index n, Eigen::Index k, GemmWorkspace<S>& ws) {
    this->m_mc = m;
    this->m_nc = n;
    this->m_kc = k;
    Eigen::internal::computeProductBlockingSizes<S, S, 1, Eigen::Index>(this->m_kc, this->m_mc, this->m_nc,
                                                                       Eigen::Index(1));
    const std::size_t a = static_cast<std::size_t>(this->m_kc * this->m_mc);
    const std::size_t b = static_cast<std::size_t>(this->m_kc * this->m_nc);
    const std::size_t a_padded = (a + 63) / 64 * 64;  // keep blockB 256-byte aligned
    S* buffer = ws.reserve(a_padded + b);
    this->m_blockA = buffer;
    this->m_blockB = buffer + a_padded;
  }
};

template <typename S, int LhsOrder, int RhsOrder>
void run_gebp(MutRef<S>& C, const ConstRef<S>& A, const ConstRef<S>& B, Eigen::Index k, S alpha,
              GemmWorkspace<S>& ws) {
  PersistentBlocking<S> blocking(C.rows(), C.cols(), k, ws);
  Eigen::internal::general_matrix_matrix_product<Eigen::Index, S, LhsOrder, false, S, RhsOrder,
                                                 false, Eigen::ColMajor, 1>::
      run(C.rows(), C.cols(), k, A.data(), A.outerStride(), B.data(), B.outerStride(), C.data(),
          1, C.outerStride(), alpha, blocking, nullptr);
}

}  // namespace

template <typename S>
void gemm(MutRef<S> C, const ConstRef<S>& A, bool trans_a, const ConstRef<S>& B, bool trans_b,
          S alpha, S beta, GemmWorkspace<S>& workspace) {
  const Eigen::Index m = C.rows(), n = C.cols();
  const Eigen::Index k = trans_a ? A.rows() : A.cols();
  if ((trans_a ? A.cols() : A.rows()) != m || (trans_b ? B.cols() : B.rows()) != k ||
      (trans_b ? B.rows() : B.cols()) != n) {
    throw Error("gemm: shapes do not match");
  }
  if (beta == S(0)) {
    C.setZero();
  } else if (beta != S(1)) {
    C *= beta;
  }
  if (m == 0 || n == 0 || k == 0) return;
  if (m == 1 || n == 1 || m + n + k < 48) {
    // Matrix-vector and tiny products: Eigen's expressions, which need no packing buffers.
    if (!trans_a && !trans_b) {
      C.noalias() += alpha * A * B;
    } else if (trans_a && !trans_b) {
      C.noalias() += alpha * A.transpose() * B;
    } else if (!trans_a && trans_b) {
      C.noalias() += alpha * A * B.transpose();
    } else {
      C.noalias() += alpha * A.transpose() * B.transpose();
    }
    return;
  }
  constexpr int kCol = Eigen::ColMajor, kRow = Eigen::RowMajor;
  if (!trans_a && !trans_b) {
    run_gebp<S, kCol, kCol>(C, A, B, k, alpha, workspace);
  } else if (trans_a && !trans_b) {
    run_gebp<S, kRow, kCol>(C, A, B, k, alpha, workspace);
  } else if (!trans_a && trans_b) {
    run_gebp<S, kCol, kRow>(C, A, B, k, alpha, workspace);
  } else {
    run_gebp<S, kRow, kRow>(C, A, B, k, alpha, workspace);
  }
}

template <typename S>
GemmWorkspace<S>& thread_gemm_workspace() {
  thread_local GemmWorkspace<S> workspace;
  return workspace;
}

template void gemm<float>(MutRef<float>, const ConstRef<float>&, bool, const ConstRef<float>&,
                          bool, float, float, GemmWorkspace<float>&);
template void gemm<double>(MutRef<double>, const ConstRef<double>&, bool, const ConstRef<double>&,
                           bool, double, double, GemmWorkspace<double>&);
template GemmWorkspace<float>& thread_gemm_workspace<float>();
template GemmWorkspace<double>& thread_gemm_workspace<double>();

}  // namespace cellscope
