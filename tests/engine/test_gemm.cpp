// gemm (engine/gemm.h) against Eigen's own products: every transpose combination, strided
// blocks, alpha/beta, tiny and blocked sizes, in float and double.
#include <gtest/gtest.h>

#include "gemm.h"

namespace cellscope {
namespace {

template <typename S>
void check_all(int m, int n, int k, double tol) {
  GemmWorkspace<S> ws;
  for (int ta = 0; ta < 2; ++ta) {
    for (int tb = 0; tb < 2; ++tb) {
      // Operands live inside larger matrices so the views have outer strides != rows.
      Mat<S> A_big = Mat<S>::Random((ta ? k : m) + 3, (ta ? m : k) + 2);
      Mat<S> B_big = Mat<S>::Random((tb ? n : k) + 5, (tb ? k : n) + 1);
      auto A = A_big.block(1, 1, ta ? k : m, ta ? m : k);
      auto B = B_big.block(2, 0, tb ? n : k, tb ? k : n);
      Mat<S> C_big = Mat<S>::Random(m + 4, n + 2);
      Mat<S> expected = C_big;
      const Mat<S> opA = ta ? Mat<S>(A.transpose()) : Mat<S>(A);
      const Mat<S> opB = tb ? Mat<S>(B.transpose()) : Mat<S>(B);
      expected.block(2, 1, m, n) = S(0.5) * expected.block(2, 1, m, n) + S(1.5) * opA * opB;
      gemm<S>(C_big.block(2, 1, m, n), A, ta != 0, B, tb != 0, S(1.5), S(0.5), ws);
      EXPECT_LE((C_big - expected).cwiseAbs().maxCoeff(), tol)
          << m << "x" << n << "x" << k << " ta=" << ta << " tb=" << tb;
    }
  }
}

TEST(Gemm, MatchesEigenOnEveryPath) {
  for (auto [m, n, k] : {std::tuple{3, 4, 5},
                         {1, 40, 30},
                         {40, 1, 30},
                         {64, 33, 70},
                         {300, 20, 257},
                         {65, 100, 512}}) {
    check_all<float>(m, n, k, 1e-3);
    check_all<double>(m, n, k, 1e-10);
  }
}

TEST(Gemm, ShapeMismatchThrows) {
  GemmWorkspace<float> ws;
  Mat<float> A(3, 4), B(5, 2), C(3, 2);
  EXPECT_THROW(gemm<float>(C, A, false, B, false, 1.0f, 0.0f, ws), std::exception);
}

}  // namespace
}  // namespace cellscope
