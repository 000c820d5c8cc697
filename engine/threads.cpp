// Thread count: one knob for Eigen and OpenMP, so GEMM threading is set in one place.
#include "threads.h"

#include <omp.h>

#include <Eigen/Core>
#include <thread>

namespace cellscope {

int set_thread_count(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  omp_set_num_threads(n);
  Eigen::setNbThreads(n);
  return Eigen::nbThreads();
}

int thread_count() {
  return Eigen::nbThreads();
}

}  // namespace cellscope
