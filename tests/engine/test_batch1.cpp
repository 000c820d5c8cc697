// The batch-1 forward (batch1_forward.cpp, batch1_cells.cpp) against the general path it
// replaces (Batch1Settings::enabled = false, one thread): every cache entry, the logits, the
// carried state, the loss and the gradients after it, for every cell variant, 1-3 layers,
// odd sizes, uneven chunks, 1 and 2 threads (the 2-thread wavefront forced on small models).
// Also the wavefront's hand-off counter. Results must be bit-identical: see the file headers.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "batch1_test_support.h"
#include "model.h"
#include "threads.h"

namespace cellscope {
namespace {

using namespace batch1_test;

TEST(Batch1, EqualsGeneralPathForEveryCellLayerCountSizeAndThreadCount) {
  // Odd hidden sizes (not multiples of 8 or 16), a vocabulary that is not either, and chunks
  // that end inside a wavefront block, shorter than a block, and of one step (the sampler).
  const std::vector<int> chunks = {37, 64, 5, 1, 50};
  for (const Variant& v : kVariants) {
    for (int layers : {1, 2, 3}) {
      for (int hidden : {13, 37}) {
        for (int threads : {1, 2}) {
          ModelConfig cfg;
          cfg.cell = v.cell;
          cfg.gru_reset_after = v.gru_reset_after;
          cfg.rnn_relu = v.rnn_relu;
          cfg.vocab_size = 11;
          cfg.hidden_size = hidden;
          cfg.num_layers = layers;
          Model<float> fast(cfg), ref(cfg);
          make_pair(7u + static_cast<uint64_t>(hidden), true, 8, fast, ref);
          const double d = compare_chunks(fast, ref, chunks, threads, true, 3);
          EXPECT_EQ(d, 0.0) << v.name << " layers " << layers << " H " << hidden << " threads "
                            << threads;
        }
      }
    }
  }
}

TEST(Batch1, EqualsGeneralPathAtTheBundledModelsShapeInDoubleAndFloat) {
  // 2 x 256 LSTM (the Linux model's shape) runs the wavefront without forcing; double covers
  // saliency's models.
  ModelConfig cfg;
  cfg.cell = CellType::kLstm;
  cfg.vocab_size = 101;
  cfg.hidden_size = 256;
  cfg.num_layers = 2;
  {
    Model<float> fast(cfg), ref(cfg);
    make_pair(5, true, 16, fast, ref);
    Batch1Settings on;  // default settings, as the app runs
    fast.set_batch1_settings(on);
    EXPECT_EQ(compare_chunks(fast, ref, {256, 256, 100}, 2, false, 4), 0.0);
  }
  cfg.hidden_size = 70;
  cfg.num_layers = 3;
  for (const Variant& v : kVariants) {
    cfg.cell = v.cell;
    cfg.gru_reset_after = v.gru_reset_after;
    cfg.rnn_relu = v.rnn_relu;
    Model<double> fast(cfg), ref(cfg);
    make_pair(6, true, 16, fast, ref);
    EXPECT_EQ(compare_chunks(fast, ref, {48, 31}, 2, true, 5), 0.0) << v.name;
  }
}

TEST(Batch1, BackwardAfterTheBatch1ForwardGivesTheSameGradients) {
  // Saliency and batch-1 training read the caches the batch-1 path fills.
  for (const Variant& v : kVariants) {
    ModelConfig cfg;
    cfg.cell = v.cell;
    cfg.gru_reset_after = v.gru_reset_after;
    cfg.rnn_relu = v.rnn_relu;
    cfg.vocab_size = 9;
    cfg.hidden_size = 21;
    cfg.num_layers = 2;
    Model<double> fast(cfg), ref(cfg);
    make_pair(9, true, 4, fast, ref);
    const int T = 23;
    std::vector<int32_t> in(T), tg(T);
    for (int t = 0; t < T; ++t) {
      in[static_cast<std::size_t>(t)] = (t * 5 + 1) % 9;
      tg[static_cast<std::size_t>(t)] = (t * 7 + 2) % 9;
    }
    set_thread_count(2);
    ModelState<double> sf = fast.zero_state(1);
    fast.forward(in.data(), tg.data(), ChunkSpec{T, 1, 3, T}, sf, true, nullptr);
    set_thread_count(1);  // backward's own splits depend on the thread count
    fast.backward();
    ModelState<double> sr = ref.zero_state(1);
    ref.forward(in.data(), tg.data(), ChunkSpec{T, 1, 3, T}, sr, true, nullptr);
    ref.backward();
    EXPECT_EQ((fast.grads().flat() - ref.grads().flat()).cwiseAbs().maxCoeff(), 0.0) << v.name;
    EXPECT_GT(ref.grads().flat().cwiseAbs().maxCoeff(), 0.0) << v.name;
  }
}

TEST(Batch1, ManyShortWavefrontsAllFinish) {
  // Tiny blocks end at nearly the same moment on both threads: the race at the end of a
  // wavefront (a thread that sees the last block finish while it looks for work) must not
  // leave it waiting. A hang here is a failure (ctest's timeout).
  ModelConfig cfg;
  cfg.cell = CellType::kGru;
  cfg.vocab_size = 5;
  cfg.hidden_size = 8;
  cfg.num_layers = 3;
  Model<float> model(cfg);
  model.init_params(2);
  Batch1Settings on;
  on.block_steps = 8;
  on.force_wavefront = true;
  model.set_batch1_settings(on);
  set_thread_count(2);
  std::vector<int32_t> in(24, 1);
  ModelState<float> state = model.zero_state(1);
  for (int i = 0; i < 3000; ++i) {
    model.forward(in.data(), nullptr, ChunkSpec{24, 1, 0, 24}, state, false, nullptr);
  }
  set_thread_count(1);
  EXPECT_TRUE(state.h[2].allFinite());
}

TEST(Batch1, StepCounterHandsOffAcrossThreads) {
  StepCounter counter;
  std::vector<int> data(1000, 0);
  std::atomic<bool> ok{true};
  std::thread consumer([&] {
    for (int k = 1; k <= 1000; ++k) {
      counter.wait_for(k);
      if (data[static_cast<std::size_t>(k - 1)] != k) ok = false;  // published before the count
    }
  });
  for (int k = 1; k <= 1000; ++k) {
    data[static_cast<std::size_t>(k - 1)] = k;
    counter.publish(k);
    if (k % 100 == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(300));  // the waiter's sleep path
    }
  }
  consumer.join();
  EXPECT_TRUE(ok.load());
  EXPECT_EQ(counter.get(), 1000);
}

TEST(Batch1, TasksRunConcurrentlyOnlyWithEnoughThreadsAndNotNested) {
  set_thread_count(1);
  EXPECT_FALSE(tasks_run_concurrently(2));
  set_thread_count(2);
  EXPECT_TRUE(tasks_run_concurrently(2));
  std::atomic<int> nested_true{0};
  parallel_ranges(2, 1, [&](int64_t, int64_t, int) {
    if (tasks_run_concurrently(2)) nested_true++;
  });
  EXPECT_EQ(nested_true.load(), 0);
  set_thread_count(1);
}

}  // namespace
}  // namespace cellscope
