// Optimizer steps and clipping. Invariant: state_ holds (Adam) 2, (RMSProp, SGD) 1 moment per
// parameter, in the parameters' layout order; steps_ counts updates (Adam's bias correction).
#include "optimizer.h"

#include <algorithm>
#include <cmath>

#include "error.h"

namespace cellscope {

template <typename S>
Optimizer<S>::Optimizer(OptimizerType type, std::size_t size) : type_(type), size_(size) {
  const std::size_t moments = type == OptimizerType::kAdam ? 2 : 1;
  state_.assign(moments * size, S(0));
}

template <typename S>
void Optimizer<S>::restore(const std::vector<S>& state, int64_t steps) {
  if (state.size() != state_.size()) {
    throw Error("optimizer state has " + std::to_string(state.size()) + " values, " +
                to_string(type_) + " needs " + std::to_string(state_.size()));
  }
  state_ = state;
  steps_ = steps;
}

template <typename S>
void Optimizer<S>::step(S* params, const S* grads, double learning_rate) {
  ++steps_;
  const std::size_t n = size_;
  switch (type_) {
    case OptimizerType::kAdam: {
      S* m = state_.data();
      S* v = state_.data() + n;
      const S b1 = static_cast<S>(beta1), b2 = static_cast<S>(beta2);
      const double t = static_cast<double>(steps_);
      // Fold both bias corrections into the step size and epsilon (as PyTorch does).
      const double c1 = 1.0 - std::pow(beta1, t), c2 = 1.0 - std::pow(beta2, t);
      const S step_size = static_cast<S>(learning_rate / c1);
      const S sqrt_c2 = static_cast<S>(std::sqrt(c2));
      const S eps = static_cast<S>(epsilon);
      for (std::size_t i = 0; i < n; ++i) {
        const S g = grads[i];
        m[i] = b1 * m[i] + (S(1) - b1) * g;
        v[i] = b2 * v[i] + (S(1) - b2) * g * g;
        params[i] -= step_size * m[i] / (std::sqrt(v[i]) / sqrt_c2 + eps);
      }
      break;
    }
    case OptimizerType::kRmsProp: {
      S* v = state_.data();
      const S a = static_cast<S>(rms_alpha), eps = static_cast<S>(rms_epsilon);
      const S lr = static_cast<S>(learning_rate);
      for (std::size_t i = 0; i < n; ++i) {
        const S g = grads[i];
        v[i] = a * v[i] + (S(1) - a) * g * g;
        params[i] -= lr * g / (std::sqrt(v[i]) + eps);
      }
      break;
    }
    case OptimizerType::kSgd: {
      S* u = state_.data();
      const S mu = static_cast<S>(momentum), lr = static_cast<S>(learning_rate);
      for (std::size_t i = 0; i < n; ++i) {
        u[i] = mu * u[i] - lr * grads[i];
        params[i] += u[i];
      }
      break;
    }
  }
}

template <typename S>
double global_norm(const S* values, std::size_t size) {
  double sum = 0.0;
  for (std::size_t i = 0; i < size; ++i) sum += static_cast<double>(values[i]) * values[i];
  return std::sqrt(sum);
}

template <typename S>
bool clip_gradients(S* grads, std::size_t size, ClipMode mode, double threshold, double norm) {
  if (threshold <= 0.0) return false;
  if (mode == ClipMode::kNorm) {
    if (norm <= threshold) return false;
    const S scale = static_cast<S>(threshold / norm);
    for (std::size_t i = 0; i < size; ++i) grads[i] *= scale;
    return true;
  }
  const S c = static_cast<S>(threshold);
  bool clipped = false;
  for (std::size_t i = 0; i < size; ++i) {
    if (grads[i] > c || grads[i] < -c) {
      grads[i] = std::clamp(grads[i], -c, c);
      clipped = true;
    }
  }
  return clipped;
}

template class Optimizer<float>;
template class Optimizer<double>;
template double global_norm<float>(const float*, std::size_t);
template double global_norm<double>(const double*, std::size_t);
template bool clip_gradients<float>(float*, std::size_t, ClipMode, double, double);
template bool clip_gradients<double>(double*, std::size_t, ClipMode, double, double);

}  // namespace cellscope
