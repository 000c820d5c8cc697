// Eigen aliases shared by the engine, and the dimension legend used in every shape comment.
//   B  batch: independent streams run side by side      T  time steps in a chunk
//   H  hidden size of a layer                           V  vocabulary size
//   D  input size of a layer (V for layer 0, else H)    G  gate count (RNN 1, GRU 3, LSTM 4)
//   L  number of layers
// Matrices are column-major; one column is one stream at one step, columns ordered t*B + b.
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace cellscope {

template <typename S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <typename S>
using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <typename S>
using MatMap = Eigen::Map<Mat<S>>;
template <typename S>
using ConstMatMap = Eigen::Map<const Mat<S>>;
template <typename S>
using VecMap = Eigen::Map<Vec<S>>;

}  // namespace cellscope
