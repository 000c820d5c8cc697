// Proves the steady-state training step allocates nothing: malloc and friends (which Eigen's
// aligned allocator and operator new both reach) are interposed and counted while steps run.
// A separate executable, so the interposition touches no other test. Under ASan or TSan the
// sanitizer owns malloc (interposing it too crashes: libc's blocks reach the sanitizer's free),
// so there the sanitizer's own allocation hook counts instead — the test runs in every preset.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <random>

#include "model.h"
#include "optimizer.h"
#include "threads.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CELLSCOPE_SANITIZED_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CELLSCOPE_SANITIZED_MALLOC 1
#endif

#if defined(CELLSCOPE_SANITIZED_MALLOC)
// From <sanitizer/allocator_interface.h>, which clang ships and GCC 12 does not; libasan and
// libtsan both export it.
extern "C" int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void*, size_t), void (*free_hook)(const volatile void*));
#else
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}
#endif

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
inline void count() {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
}
#if defined(CELLSCOPE_SANITIZED_MALLOC)
void on_sanitizer_malloc(const volatile void*, size_t) { count(); }
void on_sanitizer_free(const volatile void*) {}
// Installed before main(), so every allocation a test makes goes through the hook.
[[maybe_unused]] const int g_hook_installed =
    __sanitizer_install_malloc_and_free_hooks(&on_sanitizer_malloc, &on_sanitizer_free);
#endif
}  // namespace

#if !defined(CELLSCOPE_SANITIZED_MALLOC)
extern "C" {
void* malloc(size_t n) {
  count();
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t m) {
  count();
  return __libc_calloc(n, m);
}
void* realloc(void* p, size_t n) {
  count();
  return __libc_realloc(p, n);
}
void* memalign(size_t a, size_t n) {
  count();
  return __libc_memalign(a, n);
}
void* aligned_alloc(size_t a, size_t n) {
  count();
  return __libc_memalign(a, n);
}
int posix_memalign(void** out, size_t a, size_t n) {
  count();
  *out = __libc_memalign(a, n);
  return *out ? 0 : ENOMEM;
}
}
#endif  // !CELLSCOPE_SANITIZED_MALLOC

namespace cellscope {
namespace {

struct Shape {
  CellType cell;
  int H, L, T, B, threads;
  double dropout;
};

class NoAllocation : public ::testing::TestWithParam<Shape> {};

TEST_P(NoAllocation, SteadyStateTrainingStep) {
  const Shape s = GetParam();
  set_thread_count(s.threads);
  ModelConfig mc;
  mc.cell = s.cell;
  mc.vocab_size = 65;
  mc.hidden_size = s.H;
  mc.num_layers = s.L;
  mc.dropout = s.dropout;
  Model<float> model(mc);
  model.init_params(1);
  Optimizer<float> adam(OptimizerType::kAdam, model.params().size());
  std::mt19937_64 rng(2);
  std::vector<int32_t> in(static_cast<std::size_t>(s.T) * s.B), tg(in.size());
  for (auto& v : in) v = static_cast<int32_t>(rng() % 65);
  for (auto& v : tg) v = static_cast<int32_t>(rng() % 65);
  ModelState<float> state = model.zero_state(s.B);
  auto step = [&] {
    model.forward(in.data(), tg.data(), ChunkSpec{s.T, s.B, 0, s.T}, state, true, &rng);
    model.backward();
    const double n = global_norm(model.grads().data(), model.grads().size());
    clip_gradients(model.grads().data(), model.grads().size(), ClipMode::kNorm, 5.0, n);
    adam.step(model.params().data(), model.grads().data(), 1e-3);
  };
  step();
  step();
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 3; ++i) step();
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  // The interposer works: an allocation is seen. Through a volatile pointer, or the compiler
  // may drop the unused malloc/free pair (GCC does under -O2 with the sanitizers).
  g_counting = true;
  void* volatile p = std::malloc(64);
  g_counting = false;
  std::free(p);
  EXPECT_GE(g_allocations.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, NoAllocation,
    ::testing::Values(Shape{CellType::kLstm, 32, 2, 10, 4, 1, 0.0},
                      Shape{CellType::kGru, 32, 2, 10, 4, 1, 0.3},
                      Shape{CellType::kRnn, 32, 2, 10, 4, 1, 0.0},
                      Shape{CellType::kLstm, 512, 2, 10, 64, 2, 0.0},
                      Shape{CellType::kGru, 256, 2, 10, 64, 2, 0.2}),
    [](const auto& info) {
      const Shape& s = info.param;
      return to_string(s.cell) + "_" + std::to_string(s.L) + "x" + std::to_string(s.H) + "_t" +
             std::to_string(s.threads);
    });

}  // namespace
}  // namespace cellscope
