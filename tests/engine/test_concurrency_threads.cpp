// The thread pool and the engine under concurrent callers, for ThreadSanitizer (tsan preset) as
// much as for the normal build: several threads run jobs on the one pool while another resizes
// it, a StepCounter hands data from task to task, two trainings run at once, and a training, a
// probe (the explorer's and finder's work) and a sampler (the generator's) run at once as the
// app's worker threads run them; each ends bit for bit as when run alone.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "probe.h"
#include "sampler.h"
#include "test_helpers.h"
#include "threads.h"
#include "trainer.h"

namespace cellscope {
namespace {

using testing_util::encode_text;
using testing_util::vocab_of;

// Restores one thread whatever a test ends with, so other tests keep their setting.
struct OneThreadAfter {
  ~OneThreadAfter() { set_thread_count(1); }
};

TEST(ConcurrencyThreads, ConcurrentCallersEachGetTheirWholeJob) {
  OneThreadAfter restore;
  set_thread_count(2);
  constexpr int kCallers = 4, kRounds = 150;
  std::vector<int64_t> sums(kCallers, 0);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&sums, c] {
      for (int round = 0; round < kRounds; ++round) {
        const int64_t total = 17 + round % 50;
        std::vector<int64_t> seen(static_cast<std::size_t>(total), 0);  // this caller's own
        parallel_ranges(total, 1, [&](int64_t b, int64_t e, int) {
          for (int64_t i = b; i < e; ++i) seen[static_cast<std::size_t>(i)] += i + 1;
        });
        for (int64_t v : seen) sums[static_cast<std::size_t>(c)] += v;
      }
    });
  }
  for (auto& t : callers) t.join();
  int64_t expected = 0;
  for (int round = 0; round < kRounds; ++round) {
    const int64_t total = 17 + round % 50;
    expected += total * (total + 1) / 2;
  }
  for (int c = 0; c < kCallers; ++c) EXPECT_EQ(sums[static_cast<std::size_t>(c)], expected) << c;
}

TEST(ConcurrencyThreads, ResizingWhileOthersRunJobsLosesNoTask) {
  OneThreadAfter restore;
  set_thread_count(2);
  std::atomic<bool> done{false};
  std::atomic<int64_t> covered{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 2; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 100; ++round) {
        std::atomic<int64_t> here{0};
        parallel_ranges(64, 1, [&](int64_t b, int64_t e, int) { here += e - b; });
        covered += here.load();
      }
    });
  }
  std::thread resizer([&] {
    for (int round = 0; !done.load(); ++round) set_thread_count(1 + round % 3);
  });
  for (auto& t : callers) t.join();
  done.store(true);
  resizer.join();
  EXPECT_EQ(covered.load(), 2 * 100 * 64);
}

TEST(ConcurrencyThreads, StepCounterPublishesWhatWasWrittenBeforeIt) {
  OneThreadAfter restore;
  set_thread_count(2);
  if (!tasks_run_concurrently(2)) GTEST_SKIP() << "the pool does not run two tasks at once";
  constexpr int kSteps = 2000;
  std::vector<int> data(kSteps, 0);  // plain ints: the counter's release/acquire orders them
  std::vector<int> read(kSteps, -1);
  StepCounter counter;
  counter.reset();
  auto task = [&](int t) {
    for (int step = 0; step < kSteps; ++step) {
      if (t == 0) {
        data[static_cast<std::size_t>(step)] = step * 3;
        counter.publish(step + 1);
      } else {
        counter.wait_for(step + 1);
        read[static_cast<std::size_t>(step)] = data[static_cast<std::size_t>(step)];
      }
    }
  };
  run_tasks(2, TaskRef(task));
  for (int step = 0; step < kSteps; ++step) {
    ASSERT_EQ(read[static_cast<std::size_t>(step)], step * 3) << step;
  }
}

// A small text of our own, its vocabulary, and its last 100 characters as the validation split.
struct SplitText {
  Vocabulary v;
  EncodedText all, train, val;
};

SplitText training_text() {
  std::string text;
  for (int i = 0; i < 80; ++i) text += (i % 3 ? "the cat (sat) " : "a \"dog\" ran; ");
  SplitText s;
  s.v = vocab_of(text);
  s.all = encode_text(s.v, text);
  s.train = s.all.slice(0, s.all.size() - 100);
  s.val = s.all.slice(s.all.size() - 100, s.all.size());
  return s;
}

ModelConfig small_model(CellType cell) {
  ModelConfig mc;
  mc.cell = cell;
  mc.hidden_size = 12;
  mc.num_layers = 2;
  return mc;
}

TrainConfig short_training() {
  TrainConfig tc;
  tc.batch_size = 4;
  tc.seq_length = 12;
  tc.max_epochs = 0;
  tc.max_iters = 12;
  tc.eval_every = 6;
  tc.checkpoint_every = 0;
  tc.val_frac = 0.1;
  return tc;
}

std::vector<float> train_alone(CellType cell, const Vocabulary& v, const EncodedText& train,
                               const EncodedText& val) {
  Trainer trainer(small_model(cell), short_training(), v);
  trainer.run(train, val, nullptr, nullptr, "");
  const auto& p = trainer.model().params();
  return std::vector<float>(p.data(), p.data() + p.size());
}

TEST(ConcurrencyThreads, TwoTrainingsAtOnceEndAsWhenRunAlone) {
  OneThreadAfter restore;
  set_thread_count(2);
  const SplitText s = training_text();
  const Vocabulary& v = s.v;
  const EncodedText &train = s.train, &val = s.val;
  const std::vector<float> lstm = train_alone(CellType::kLstm, v, train, val);
  const std::vector<float> gru = train_alone(CellType::kGru, v, train, val);
  std::vector<float> lstm_together, gru_together;
  std::thread a([&] { lstm_together = train_alone(CellType::kLstm, v, train, val); });
  std::thread b([&] { gru_together = train_alone(CellType::kGru, v, train, val); });
  a.join();
  b.join();
  ASSERT_EQ(lstm_together.size(), lstm.size());
  ASSERT_EQ(gru_together.size(), gru.size());
  EXPECT_EQ(std::memcmp(lstm.data(), lstm_together.data(), lstm.size() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(gru.data(), gru_together.data(), gru.size() * sizeof(float)), 0);
}

// What the app's workers do with their own models: explore (a probe and a neuron's track) and
// generate (a sampler). Each returns what it computed.
std::vector<float> probe_alone(const Vocabulary& v, const EncodedText& text) {
  ModelConfig mc = small_model(CellType::kGru);
  mc.vocab_size = v.size();
  Model<float> model(mc);
  model.init_params(7);
  ProbeOptions options;
  options.chunk = 40;  // several chunks and kept states over the 1,100-character text
  options.checkpoint_every = 80;
  Probe probe(model, text, options);
  EXPECT_TRUE(probe.run());
  return probe.track(1, 3, Quantity::kHidden);
}

std::string sample_alone(const Vocabulary& v) {
  ModelConfig mc = small_model(CellType::kLstm);
  mc.vocab_size = v.size();
  Model<float> model(mc);
  model.init_params(11);
  Sampler sampler(model, v);
  SampleOptions options;
  options.seed = 5;
  return sampler.generate("the ", 300, options);
}

TEST(ConcurrencyThreads, TrainingProbingAndSamplingAtOnceEndAsWhenRunAlone) {
  OneThreadAfter restore;
  set_thread_count(2);
  const SplitText s = training_text();
  const Vocabulary& v = s.v;
  const EncodedText &all = s.all, &train = s.train, &val = s.val;
  const std::vector<float> trained = train_alone(CellType::kRnn, v, train, val);
  const std::vector<float> track = probe_alone(v, all);
  const std::string sample = sample_alone(v);
  std::vector<float> trained_together, track_together;
  std::string sample_together;
  std::thread trainer([&] { trained_together = train_alone(CellType::kRnn, v, train, val); });
  std::thread explorer([&] { track_together = probe_alone(v, all); });
  std::thread generator([&] { sample_together = sample_alone(v); });
  trainer.join();
  explorer.join();
  generator.join();
  ASSERT_EQ(trained_together.size(), trained.size());
  EXPECT_EQ(std::memcmp(trained.data(), trained_together.data(), trained.size() * sizeof(float)),
            0);
  ASSERT_EQ(track_together.size(), all.size());
  EXPECT_EQ(std::memcmp(track.data(), track_together.data(), track.size() * sizeof(float)), 0);
  EXPECT_EQ(sample_together, sample);
}

TEST(ConcurrencyThreads, ACancelFromAnotherThreadStopsTrainingCleanly) {
  OneThreadAfter restore;
  set_thread_count(2);
  const SplitText s = training_text();
  const Vocabulary& v = s.v;
  TrainConfig tc = short_training();
  tc.max_iters = 0;  // runs until cancelled
  tc.max_epochs = 0;
  std::atomic<bool> cancel{false};
  struct Started : TrainingObserver {
    std::atomic<int64_t> iterations{0};
    void on_iteration(const IterationEvent& e) override { iterations.store(e.iteration); }
  } observer;
  Trainer trainer(small_model(CellType::kLstm), tc, v);
  TrainResult result;
  std::thread worker(
      [&] { result = trainer.run(s.all, EncodedText(), &observer, &cancel, ""); });
  while (observer.iterations.load() < 3) std::this_thread::yield();
  cancel.store(true);
  worker.join();
  EXPECT_EQ(result.reason, StopReason::kCancelled);
  EXPECT_GE(result.iterations, 3);
}

}  // namespace
}  // namespace cellscope
