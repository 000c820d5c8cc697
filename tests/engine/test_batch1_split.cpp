// The batch-1 forward's two-thread forms against the one-thread general path, bit for bit: the
// one-step split by columns (the sampler's path: LSTM and RNN from 128 units, an uneven split,
// 1-3 layers, float and double; GRUs take one thread), the sampler's text for a seed on 1
// and 2 threads, the layer pipeline at 3 layers on 2 threads without forcing, chunks shorter
// than a block, the pool's and StepCounter's waits that the split step leans on, and the
// choice between one and two threads by time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "batch1_choice.h"
#include "batch1_test_support.h"
#include "model.h"
#include "sampler.h"
#include "threads.h"

namespace cellscope {
namespace {

using namespace batch1_test;

TEST(Batch1Split, OneStepSplitByColumnsEqualsGeneralPathForEveryCell) {
  // 128 units: 8 blocks of 16 columns, 4 per thread, neurons 64 + 64; 136: 9 blocks (the last of
  // 8 columns), 4 + 5, neurons 80 + 56 (a part ending in a short tile). 1-3 layers; single steps
  // as the sampler feeds them, between longer chunks that take the other paths.
  const std::vector<int> chunks = {1, 1, 1, 9, 1, 1, 40, 1};
  for (const Variant& v : kVariants) {
    for (int layers : {1, 2, 3}) {
      for (int hidden : {128, 136}) {
        Model<float> fast(config_of(v, 13, hidden, layers)), ref(config_of(v, 13, hidden, layers));
        make_pair(11u + static_cast<uint64_t>(hidden), true, 8, fast, ref);
        EXPECT_EQ(compare_chunks(fast, ref, chunks, 2, true, 3), 0.0)
            << v.name << " layers " << layers << " H " << hidden;
      }
    }
  }
}

TEST(Batch1Split, OneStepSplitInDoubleAndAtTheBundledShapeWithoutForcing) {
  for (const Variant& v : kVariants) {
    Model<double> fast(config_of(v, 7, 128, 2)), ref(config_of(v, 7, 128, 2));
    make_pair(12, true, 16, fast, ref);
    EXPECT_EQ(compare_chunks(fast, ref, {1, 1, 5, 1}, 2, true, 4), 0.0) << v.name;
  }
  // 2 x 256 LSTM, 101 characters: 3 MB of weights per step, so the split runs by default.
  const Variant lstm = kVariants[0];
  Model<float> fast(config_of(lstm, 101, 256, 2)), ref(config_of(lstm, 101, 256, 2));
  make_pair(13, false, 64, fast, ref);
  EXPECT_EQ(compare_chunks(fast, ref, std::vector<int>(40, 1), 2, true, 5), 0.0);
}

TEST(Batch1Split, SamplerWritesTheSameTextOnOneAndTwoThreadsAndOnTheGeneralPath) {
  ModelConfig cfg = config_of(kVariants[0], 40, 256, 2);
  Model<float> model(cfg);
  model.init_params(21);
  for (auto& v : model.params().values()) v *= 4.0f;  // a peaky distribution: a varied text
  std::vector<char32_t> cps;
  for (int i = 0; i < cfg.vocab_size - 1; ++i) cps.push_back(static_cast<char32_t>('A' + i));
  cps.push_back(U'\n');
  const Vocabulary vocab(cps);
  SampleOptions o;
  o.seed = 99;
  o.temperature = 0.8;
  auto sample = [&](int threads, bool batch1) {
    Batch1Settings settings;
    settings.enabled = batch1;
    model.set_batch1_settings(settings);
    set_thread_count(threads);
    Sampler sampler(model, vocab);
    const std::string text = sampler.generate("ABC", 400, o);
    set_thread_count(1);
    return text;
  };
  const std::string one = sample(1, true);
  EXPECT_EQ(one.size(), 400u);
  EXPECT_EQ(sample(2, true), one);
  EXPECT_EQ(sample(1, false), one);
  o.seed = 100;
  EXPECT_NE(sample(2, true), one);  // the comparison can fail
}

TEST(Batch1Split, PipelineOfThreeLayersOnTwoThreadsEqualsGeneralPath) {
  // Not forced: 3 x 64 LSTM over 256-step chunks is past the pipeline's threshold. Blocks of
  // 64 and of 8 (many hand-offs); chunks shorter than a block and ending inside one.
  for (int block : {64, 8}) {
    const Variant lstm = kVariants[0];
    Model<float> fast(config_of(lstm, 30, 64, 3)), ref(config_of(lstm, 30, 64, 3));
    make_pair(14, false, block, fast, ref);
    EXPECT_EQ(compare_chunks(fast, ref, {256, 256, 100, 7, 256}, 2, true, 6), 0.0)
        << "block " << block;
  }
  for (const Variant& v : kVariants) {  // every cell, forced, tiny blocks and chunks
    Model<float> fast(config_of(v, 9, 24, 3)), ref(config_of(v, 9, 24, 3));
    make_pair(15, true, 8, fast, ref);
    EXPECT_EQ(compare_chunks(fast, ref, {17, 8, 9, 2, 33}, 2, true, 7), 0.0) << v.name;
  }
}

TEST(Batch1Split, ManySplitStepsAllFinish) {
  // Steps of a tiny model dispatched back to back, with pauses longer than the pool's spin now
  // and then (the worker asleep): a lost wake-up would hang here (ctest's timeout).
  Model<float> model(config_of(kVariants[3], 5, 128, 3));  // RNN: 6 hand-offs a step
  model.init_params(3);
  Batch1Settings on;
  on.force_wavefront = true;
  model.set_batch1_settings(on);
  set_thread_count(2);
  ModelState<float> state = model.zero_state(1);
  const int32_t in = 2;
  for (int i = 0; i < 4000; ++i) {
    model.forward(&in, nullptr, ChunkSpec{1, 1, 0, 1}, state, false, nullptr);
    if (i % 500 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
  set_thread_count(1);
  EXPECT_TRUE(state.h[2].allFinite());
}

TEST(Batch1Split, PoolRunsJobsBackToBackAndAfterItsWorkersSlept) {
  set_thread_count(2);
  std::atomic<int> ran{0};
  std::vector<int> seen(2, 0);
  auto job = [&](int t) {
    seen[static_cast<std::size_t>(t)]++;
    ran++;
  };
  for (int i = 0; i < 3000; ++i) {
    run_tasks(2, TaskRef(job));
    if (i % 300 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  set_thread_count(1);
  EXPECT_EQ(ran.load(), 6000);
  EXPECT_EQ(seen[0], 3000);
  EXPECT_EQ(seen[1], 3000);
}

TEST(Batch1Split, StepCounterWaitWithPatienceGivesUpOrSeesThePublish) {
  StepCounter counter;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(counter.wait_for(1, std::chrono::microseconds(2000)));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::microseconds(2000));
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    counter.publish(1);
  });
  EXPECT_TRUE(counter.wait_for(1, std::chrono::microseconds(5'000'000)));
  publisher.join();
  EXPECT_TRUE(counter.wait_for(1, std::chrono::microseconds(0)));
}

TEST(Batch1Split, ChoiceTriesBothWaysKeepsTheFasterAndFollowsAChangeOfLoad) {
  constexpr int kRetryCalls = Batch1Choice::kRetryCalls;
  Batch1Choice choice;
  ASSERT_EQ(choice.next(), 1);  // two threads first
  choice.record(1, 2e-6);
  ASSERT_EQ(choice.next(), 0);
  choice.record(0, 1e-6);
  // One thread is twice as fast (a loaded machine): it runs; two threads are retried for
  // kRetryCalls calls once every 2 × kRetryEvery calls.
  const int cycle = 2 * Batch1Choice::kRetryEvery + kRetryCalls - 1;
  const int calls = 20 * cycle;
  int two = 0;
  for (int i = 0; i < calls; ++i) {
    const int way = choice.next();
    two += way;
    choice.record(way, way == 1 ? 2e-6 : 1e-6);
  }
  EXPECT_EQ(two, 20 * kRetryCalls);
  // Two threads 100 times slower (a partner thread that rarely gets a core): retried
  // kMaxSlower times less often, not 100.
  Batch1Choice slow;
  slow.record(1, 1e-4);
  slow.record(0, 1e-6);
  const int slow_cycle =
      static_cast<int>(Batch1Choice::kMaxSlower) * Batch1Choice::kRetryEvery + kRetryCalls - 1;
  two = 0;
  for (int i = 0; i < 3 * slow_cycle; ++i) two += slow.next();
  EXPECT_EQ(two, 3 * kRetryCalls);
  // The load goes: two threads now take half the time. Within some retries they are chosen.
  for (int i = 0; i < 60 * Batch1Choice::kRetryEvery; ++i) {
    const int way = choice.next();
    choice.record(way, way == 1 ? 0.5e-6 : 1e-6);
  }
  two = 0;
  for (int i = 0; i < calls; ++i) {
    const int way = choice.next();
    two += way;
    choice.record(way, way == 1 ? 0.5e-6 : 1e-6);
  }
  EXPECT_GE(two, calls - 20 * kRetryCalls - kRetryCalls);
  EXPECT_LE(two, calls - 19 * kRetryCalls);
  EXPECT_LT(choice.seconds_per_step(1), choice.seconds_per_step(0));
}

// The first call after a switch of way is cold: on two threads the pool's thread has gone to
// sleep meanwhile (here 10x a warm step). Were it counted, a retry of two threads after a busy
// spell would always look slow, and one thread would be kept after the load has gone (what the
// sampler did on an idle machine: 11.5k-18k chars/s chosen against 24k always on two threads).
TEST(Batch1Split, ChoiceDoesNotCountTheColdFirstCallAfterASwitch) {
  Batch1Choice choice;
  int last_way = -1;
  auto run = [&](int calls, double two_threads_warm) {
    int two = 0;
    for (int i = 0; i < calls; ++i) {
      const int way = choice.next();
      const double cold = way == 1 && last_way == 0 ? 10.0 : 1.0;
      choice.record(way, way == 1 ? two_threads_warm * cold : 1e-6);
      last_way = way;
      two += way;
    }
    return two;
  };
  run(40 * Batch1Choice::kRetryEvery, 2e-6);  // loaded: one thread wins
  EXPECT_GT(choice.seconds_per_step(1), choice.seconds_per_step(0));
  run(100 * Batch1Choice::kRetryEvery, 0.5e-6);  // the load has gone
  const int calls = 40 * Batch1Choice::kRetryEvery;
  EXPECT_GT(run(calls, 0.5e-6), calls * 9 / 10) << "two threads not chosen back";
  EXPECT_LT(choice.seconds_per_step(1), choice.seconds_per_step(0));
}

}  // namespace
}  // namespace cellscope
