// Training end to end on tiny texts: the batcher's layout, overfitting, exact resume through
// a model file, and the divergence stop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "batcher.h"
#include "checkpoint.h"
#include "error.h"
#include "test_helpers.h"
#include "threads.h"
#include "trainer.h"

namespace cellscope {
namespace {

using testing_util::encode_text;
using testing_util::temp_path;
using testing_util::vocab_of;

TEST(Batcher, CharRnnLayoutWithCarriedStreams) {
  const std::string text = "abcdefghijklmnopqrstuvwxyz";  // N = 26
  const Vocabulary v = vocab_of(text);
  const EncodedText enc = encode_text(v, text);
  Batcher b(enc, 2, 3, 3);  // streams of S = 12: "abcdefghijkl" + next, "mnopqrstuvwx" + next
  EXPECT_EQ(b.iterations_per_epoch(), 4);
  std::vector<int32_t> in, tg;
  ChunkSpec spec = b.fill(1, in, tg);
  EXPECT_EQ(spec.T, 3);
  EXPECT_EQ(spec.B, 2);
  EXPECT_EQ(spec.loss_from, 0);
  // t-major: (t0,b0) (t0,b1) (t1,b0) ...; iteration 1 starts 3 characters into each stream.
  EXPECT_EQ(v.decode(in), "dpeqfr");
  EXPECT_EQ(v.decode(tg), "eqfrgs");
}

TEST(Batcher, BpttK1K2WindowsOverlap) {
  const std::string text = "abcdefghijklmnopqrstuvwxyz";
  const Vocabulary v = vocab_of(text);
  const EncodedText enc = encode_text(v, text);
  Batcher b(enc, 1, 2, 5);  // advance 2, look back 5
  std::vector<int32_t> in, tg;
  ChunkSpec s0 = b.fill(0, in, tg);
  EXPECT_EQ(v.decode(in), "abcde");
  EXPECT_EQ(s0.loss_from, 0);
  EXPECT_EQ(s0.carry_at, 2);
  ChunkSpec s1 = b.fill(1, in, tg);
  EXPECT_EQ(v.decode(in), "cdefg");  // starts where the carried state (after 2 steps) is
  EXPECT_EQ(s1.loss_from, 3);        // only "fg" -> "gh" are new predictions
  EXPECT_THROW(Batcher(enc, 1, 6, 5), Error);
  EXPECT_THROW(Batcher(enc, 10, 5, 5), Error);  // 10 streams of 2 characters: too short
}

TEST(Training, OverfitsA200CharacterText) {
  set_thread_count(1);
  std::string text;
  const char* words[] = {"alpha ", "beta ", "gamma ", "delta ", "(eps) ", "\"zeta\" "};
  for (int i = 0; text.size() < 200; ++i) text += words[(i * 7 + i / 3) % 6];
  text.resize(200);
  const Vocabulary v = vocab_of(text);
  const EncodedText enc = encode_text(v, text);
  ModelConfig mc;
  mc.hidden_size = 64;
  mc.num_layers = 2;
  TrainConfig tc;
  tc.batch_size = 1;
  tc.seq_length = 50;
  tc.learning_rate = 1e-2;
  tc.max_iters = 600;
  tc.max_epochs = 0;
  tc.eval_every = 0;
  tc.checkpoint_every = 0;
  tc.lr_decay_after = 1000;
  Trainer trainer(mc, tc, v);
  const TrainResult r = trainer.run(enc, EncodedText(), nullptr, nullptr, "");
  EXPECT_EQ(r.reason, StopReason::kMaxIters);
  // The whole text, read in order from a zero state: the model must know it by heart.
  const double loss = [&] {
    ModelState<float> s = trainer.model().zero_state(1);
    std::vector<int32_t> in, tg;
    for (std::size_t i = 0; i + 1 < enc.size(); ++i) {
      in.push_back(enc[i]);
      tg.push_back(enc[i + 1]);
    }
    const int T = static_cast<int>(in.size());
    return trainer.model().forward(in.data(), tg.data(), ChunkSpec{T, 1, 0, T}, s, false, nullptr);
  }();
  EXPECT_LT(loss, 0.05);
}

std::string resume_text() {
  std::string text;
  for (int i = 0; i < 120; ++i) text += (i % 3 ? "the cat (sat) " : "a \"dog\" ran; ");
  return text;
}

TEST(Training, ResumeIsBitExact) {
  set_thread_count(1);
  const std::string text = resume_text();
  const Vocabulary v = vocab_of(text);
  const EncodedText train = encode_text(v, text.substr(0, 1500));
  const EncodedText val = encode_text(v, text.substr(1500));
  for (CellType cell : {CellType::kLstm, CellType::kGru}) {
    ModelConfig mc;
    mc.cell = cell;
    mc.hidden_size = 16;
    mc.num_layers = 2;
    mc.dropout = 0.2;  // exercises the RNG state too
    TrainConfig tc;
    tc.batch_size = 4;
    tc.seq_length = 10;
    tc.max_epochs = 0;
    tc.eval_every = 7;
    tc.sample_every = 9;
    tc.sample_length = 20;
    tc.checkpoint_every = 0;
    tc.lr_decay_after = 1;  // epochs end every 37 iterations: decay in play
    tc.lr_decay = 0.9;

    tc.max_iters = 100;
    Trainer straight(mc, tc, v);
    straight.run(train, val, nullptr, nullptr, "");

    tc.max_iters = 60;
    Trainer first(mc, tc, v);
    const std::string path = temp_path(to_string(cell) + ".csm");
    first.run(train, val, nullptr, nullptr, path);
    const ModelFile saved = load_model_file(path);
    tc.max_iters = 100;
    Trainer second(saved, tc);
    second.run(train, val, nullptr, nullptr, "");

    EXPECT_EQ(straight.progress().iteration, 100);
    EXPECT_EQ(second.progress().iteration, 100);
    EXPECT_EQ(straight.model().params().values(), second.model().params().values())
        << to_string(cell) << ": resumed parameters differ";
    EXPECT_EQ(straight.progress().learning_rate, second.progress().learning_rate);
    const ModelFile a = straight.to_model_file(), b = second.to_model_file();
    EXPECT_EQ(a.optimizer_state, b.optimizer_state);
    // The split run validates once more (each run ends with a validation); every point of the
    // straight run must appear in it with the same loss.
    EXPECT_EQ(b.val_history.size(), a.val_history.size() + 1);
    for (const LossPoint& p : a.val_history) {
      const auto it = std::find_if(b.val_history.begin(), b.val_history.end(),
                                   [&](const LossPoint& q) { return q.iteration == p.iteration; });
      ASSERT_NE(it, b.val_history.end()) << p.iteration;
      EXPECT_EQ(it->loss, p.loss);
    }
    ASSERT_EQ(a.samples.size(), b.samples.size());
    EXPECT_EQ(a.samples.back().text, b.samples.back().text);
  }
}

TEST(Training, DivergenceStopsWithoutOverwritingTheLastCheckpoint) {
  set_thread_count(1);
  const std::string text = resume_text();
  const Vocabulary v = vocab_of(text);
  const EncodedText train = encode_text(v, text);
  ModelConfig mc;
  mc.cell = CellType::kRnn;
  mc.hidden_size = 8;
  mc.num_layers = 1;
  TrainConfig tc;
  tc.batch_size = 2;
  tc.seq_length = 10;
  tc.max_epochs = 0;
  tc.max_iters = 10;
  tc.eval_every = 0;
  tc.checkpoint_every = 0;
  const std::string path = temp_path("good.csm");
  Trainer good(mc, tc, v);
  good.run(train, EncodedText(), nullptr, nullptr, path);
  const ModelFile before = load_model_file(path);

  // SGD with an absurd rate and no clipping blows the weights up within a few steps.
  ModelFile file = before;
  TrainConfig wild = tc;
  wild.optimizer = OptimizerType::kSgd;
  wild.learning_rate = 1e38;
  wild.grad_clip = 0;
  wild.max_iters = 1000;
  wild.checkpoint_every = 1000;
  file.progress.learning_rate = wild.learning_rate;
  Trainer bad(file, wild);
  const TrainResult r = bad.run(train, EncodedText(), nullptr, nullptr, path);
  EXPECT_EQ(r.reason, StopReason::kDiverged);
  EXPECT_NE(r.message.find("not finite"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find(path), std::string::npos) << r.message;
  EXPECT_LT(r.iterations, 1000);
  EXPECT_EQ(load_model_file(path).parameters, before.parameters);
}

// A 1x8 LSTM trained in chunks of 2x10 with no epoch limit and no validation.
ModelConfig tiny_model() {
  ModelConfig mc;
  mc.hidden_size = 8;
  mc.num_layers = 1;
  return mc;
}
TrainConfig tiny_training() {
  TrainConfig tc;
  tc.batch_size = 2;
  tc.seq_length = 10;
  tc.max_epochs = 0;
  tc.eval_every = 0;
  return tc;
}

TEST(Training, CancelFlagStopsAndWritesTheModel) {
  set_thread_count(1);
  const std::string text = resume_text();
  const Vocabulary v = vocab_of(text);
  const ModelConfig mc = tiny_model();
  const TrainConfig tc = tiny_training();
  std::atomic<bool> cancel{false};
  struct StopAt5 : TrainingObserver {
    std::atomic<bool>* flag;
    int checkpoints = 0;
    void on_iteration(const IterationEvent& e) override {
      if (e.iteration == 5) flag->store(true);
    }
    void on_checkpoint(const CheckpointEvent&) override { ++checkpoints; }
  } observer;
  observer.flag = &cancel;
  const std::string path = temp_path("cancel.csm");
  Trainer trainer(mc, tc, v);
  const TrainResult r = trainer.run(encode_text(v, text), EncodedText(), &observer, &cancel, path);
  EXPECT_EQ(r.reason, StopReason::kCancelled);
  EXPECT_EQ(r.iterations, 5);
  EXPECT_EQ(observer.checkpoints, 1);
  EXPECT_EQ(load_model_file(path).progress.iteration, 5);
}

TEST(Training, KeepCheckpointsLeavesOneLoadableFilePerCheckpoint) {
  set_thread_count(1);
  EXPECT_EQ(checkpoint_file_path("/d/m.csm", 7), "/d/m.iter7.csm");
  EXPECT_EQ(checkpoint_file_path("/d/m.bin", 7), "/d/m.bin.iter7.csm");
  const std::string text = resume_text();
  const Vocabulary v = vocab_of(text);
  const ModelConfig mc = tiny_model();
  TrainConfig tc = tiny_training();
  tc.max_iters = 6;
  tc.checkpoint_every = 3;
  struct Paths : TrainingObserver {
    std::vector<CheckpointEvent> events;
    void on_checkpoint(const CheckpointEvent& e) override { events.push_back(e); }
  } observer;
  const std::string path = temp_path("kept.csm");
  Trainer trainer(mc, tc, v);
  trainer.set_keep_checkpoints(true);
  trainer.run(encode_text(v, text), EncodedText(), &observer, nullptr, path);
  ASSERT_EQ(observer.events.size(), 2u);
  for (const CheckpointEvent& e : observer.events) {
    EXPECT_EQ(load_model_file(e.path).progress.iteration, e.iteration);
    EXPECT_TRUE(e.removed.empty());
  }
  EXPECT_EQ(observer.events[0].iteration, 3);
  EXPECT_EQ(observer.events[0].path, checkpoint_file_path(path, 3));
  EXPECT_FALSE(observer.events[0].final);
  // The end of the run is the output itself, not a "kept.iter6.csm" beside it.
  EXPECT_EQ(observer.events[1].iteration, 6);
  EXPECT_EQ(observer.events[1].path, path);
  EXPECT_TRUE(observer.events[1].final);
  EXPECT_EQ(observer.events[1].kept, 2);
  EXPECT_FALSE(std::filesystem::exists(checkpoint_file_path(path, 6)));
}

TEST(Training, KeptCheckpointsStayBoundedAndTheListMatchesTheDisk) {
  set_thread_count(1);
  const std::string text = resume_text();
  const Vocabulary v = vocab_of(text);
  TrainConfig tc = tiny_training();
  tc.max_iters = 41;  // the end is off the cadence
  tc.checkpoint_every = 1;
  tc.eval_every = 1;
  tc.val_frac = 0.1;
  struct Files : TrainingObserver {
    std::set<std::string> listed;
    int events = 0, last_kept = 0;
    void on_checkpoint(const CheckpointEvent& e) override {
      ++events;
      for (const std::string& r : e.removed) listed.erase(r);
      listed.insert(e.path);
      last_kept = e.kept;
    }
  } observer;
  const std::filesystem::path dir = temp_path("bounded");
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "tiny.csm").string();
  Trainer trainer(tiny_model(), tc, v);
  trainer.set_keep_checkpoints(true);
  const EncodedText all = encode_text(v, text);
  const EncodedText val = encode_text(v, text.substr(0, text.size() / 10));
  trainer.run(all, val, &observer, nullptr, path);
  EXPECT_EQ(observer.events, 41);
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    on_disk.insert(entry.path().string());
  EXPECT_EQ(on_disk, observer.listed);  // the list names exactly the files left
  // 3 last (the output among them) + best + log-spaced 1, 2, 4, 8, 16, 32: at most 10, not 41.
  EXPECT_LE(on_disk.size(), 10u);
  EXPECT_GE(on_disk.size(), 7u);
  EXPECT_EQ(observer.last_kept, static_cast<int>(on_disk.size()));
  for (int64_t it : {1, 2, 4, 8, 16, 32, 39, 40})
    EXPECT_TRUE(on_disk.count(checkpoint_file_path(path, it))) << it;
  EXPECT_TRUE(on_disk.count(path));
  EXPECT_EQ(load_model_file(path).progress.iteration, 41);
}

}  // namespace
}  // namespace cellscope
