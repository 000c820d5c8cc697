// Thread count for the engine's linear algebra (Eigen's GEMM runs on OpenMP threads).
#pragma once

namespace cellscope {

// n <= 0: all hardware threads. Returns the count now in effect.
int set_thread_count(int n);
int thread_count();

}  // namespace cellscope
