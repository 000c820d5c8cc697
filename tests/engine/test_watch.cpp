// Watching neurons emerge: a tiny LSTM trained for a few seconds on a synthetic quoted language
// made here must show the best |r| for double-quote rising above 0.8 in the trainer's watch
// events; the records agree with find_neurons; watching never changes what training computes.
// The language needs a quote memory: words inside "..." are joined by '_' instead of ' ', so
// after a word only "inside a quote?" tells which comes next.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <random>

#include "../common/quoted_language.h"
#include "checkpoint.h"
#include "detectors.h"
#include "error.h"
#include "neuron_search.h"
#include "test_helpers.h"
#include "threads.h"
#include "trainer.h"
#include "utf8.h"
#include "watch.h"

namespace cellscope {
namespace {

using testing_util::encode_text;

using test_data::quoted_language;

struct Recorder : TrainingObserver {
  std::vector<WatchEvent> events;
  void on_watch(const WatchEvent& e) override { events.push_back(e); }
};

struct QuotedRun {
  Vocabulary vocab;
  EncodedText train;
  std::u32string probe;
  ModelConfig model;
  TrainConfig train_config;
};

QuotedRun tiny_setup(int64_t iterations) {
  QuotedRun s;
  const std::string train_text = quoted_language(40000, 1);
  const std::string probe_text = quoted_language(4000, 2);
  s.vocab = testing_util::vocab_of(train_text + probe_text);
  s.train = encode_text(s.vocab, train_text);
  s.probe = utf8_decode(probe_text);
  s.model.cell = CellType::kLstm;
  s.model.hidden_size = 16;
  s.model.num_layers = 1;
  TrainConfig& tc = s.train_config;
  tc.batch_size = 16;
  tc.seq_length = 48;
  tc.learning_rate = 1e-2;
  tc.max_iters = iterations;
  tc.max_epochs = 0;
  tc.eval_every = 0;
  tc.checkpoint_every = 0;
  tc.seed = 5;
  return s;
}

TEST(Watch, BestQuoteNeuronRisesAbovePointEightWhileTraining) {
  const auto start = std::chrono::steady_clock::now();
  set_thread_count(1);
  const QuotedRun s = tiny_setup(500);
  Trainer trainer(s.model, s.train_config, s.vocab);
  auto watch = std::make_shared<const NeuronWatch>(std::vector<std::string>{"double-quote", "url"},
                                                   s.probe, s.vocab);
  EXPECT_EQ(watch->constant_detectors(), std::vector<std::string>{"url"});  // no URL here
  trainer.set_watch(watch, 100);
  Recorder recorder;
  const TrainResult r = trainer.run(s.train, EncodedText(), &recorder, nullptr, "");
  ASSERT_EQ(r.reason, StopReason::kMaxIters) << r.message;

  // At the start, every 100 iterations, and (already measured) at the end: 0, 100, ..., 500.
  ASSERT_EQ(recorder.events.size(), 6u);
  std::vector<double> best;
  for (std::size_t k = 0; k < recorder.events.size(); ++k) {
    const WatchEvent& e = recorder.events[k];
    EXPECT_EQ(e.iteration, static_cast<int64_t>(k) * 100);
    EXPECT_GE(e.watch_seconds, 0.0);
    ASSERT_EQ(e.records.size(), 2u);
    const WatchRecord& quote = e.records[0];
    EXPECT_EQ(quote.detector, "double-quote");
    EXPECT_EQ(quote.iteration, e.iteration);
    EXPECT_EQ(quote.layer, 0);
    EXPECT_GE(quote.neuron, 0);
    EXPECT_LT(quote.neuron, 16);
    EXPECT_NO_THROW(parse_quantity(quote.quantity));
    EXPECT_GT(quote.auc, 0.0);
    best.push_back(std::fabs(quote.correlation));
    const WatchRecord& url = e.records[1];  // constant target: no neuron
    EXPECT_EQ(url.layer, -1);
    EXPECT_TRUE(std::isnan(url.correlation));
  }
  std::cout << "[ measured ] best |r| for double-quote by iteration:";
  for (double b : best) std::cout << " " << b;
  std::cout << "; "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  EXPECT_LT(best.front(), 0.8);  // not there at initialisation...
  EXPECT_GT(best.back(), 0.8);   // ...grown by training
  EXPECT_EQ(trainer.watch_history().size(), 12u);

  // The last record is what `find` says about the final model on the probe text.
  const WatchRecord& last = recorder.events.back().records[0];
  const Signal signal = detect("double-quote", s.probe);
  const EncodedText ids = encode_text(s.vocab, utf8_encode(s.probe));
  Probe probe(trainer.model(), ids);
  const auto scores = find_neurons(probe, parse_quantity(last.quantity), signal.values, 0.5);
  EXPECT_EQ(scores.front().layer, last.layer);
  EXPECT_EQ(scores.front().neuron, last.neuron);
  EXPECT_DOUBLE_EQ(scores.front().correlation, last.correlation);
  EXPECT_DOUBLE_EQ(scores.front().auc, last.auc);
}

TEST(Watch, WatchingDoesNotChangeTraining) {
  set_thread_count(1);
  const QuotedRun s = tiny_setup(60);
  Trainer plain(s.model, s.train_config, s.vocab);
  plain.run(s.train, EncodedText(), nullptr, nullptr, "");
  Trainer watched(s.model, s.train_config, s.vocab);
  watched.set_watch(std::make_shared<const NeuronWatch>(std::vector<std::string>{"double-quote"},
                                                        s.probe, s.vocab),
                    7);
  watched.run(s.train, EncodedText(), nullptr, nullptr, "");
  EXPECT_EQ(plain.model().params().to_vector(), watched.model().params().to_vector());
  // 0, 7, ..., 56, then the end (60).
  EXPECT_EQ(watched.watch_history().size(), 10u);
  EXPECT_EQ(watched.watch_history().back().iteration, 60);
}

// The records live in the model file's optional WTCH section and a resumed run continues them.
TEST(Watch, RecordsAreKeptInTheModelFileAndContinueOnResume) {
  set_thread_count(1);
  QuotedRun s = tiny_setup(30);
  auto watch = std::make_shared<const NeuronWatch>(std::vector<std::string>{"double-quote", "url"},
                                                   s.probe, s.vocab);
  Trainer first(s.model, s.train_config, s.vocab);
  first.set_watch(watch, 10);
  const std::string path = testing_util::temp_path("m.csm");
  first.run(s.train, EncodedText(), nullptr, nullptr, path);
  const ModelFile saved = load_model_file(path);
  ASSERT_EQ(saved.watch.size(), 8u);  // 0, 10, 20, 30 × two detectors
  for (std::size_t i = 0; i < saved.watch.size(); ++i) {
    const WatchRecord &a = saved.watch[i], &b = first.watch_history()[i];
    EXPECT_EQ(a.iteration, b.iteration);
    EXPECT_EQ(a.detector, b.detector);
    EXPECT_EQ(a.layer, b.layer);
    EXPECT_EQ(a.neuron, b.neuron);
    EXPECT_EQ(a.quantity, b.quantity);
    EXPECT_TRUE(a.correlation == b.correlation ||
                (std::isnan(a.correlation) && std::isnan(b.correlation)));
    EXPECT_TRUE(a.auc == b.auc || (std::isnan(a.auc) && std::isnan(b.auc)));
  }
  EXPECT_EQ(saved.watch[1].detector, "url");
  EXPECT_EQ(saved.watch[1].layer, -1);

  TrainConfig more = s.train_config;
  more.max_iters = 50;
  Trainer resumed(saved, more);
  // One more detector: at 30 only it is measured (the others have their record there).
  resumed.set_watch(
      std::make_shared<const NeuronWatch>(
          std::vector<std::string>{"double-quote", "url", "single-quote"}, s.probe, s.vocab),
      10);
  Recorder recorder;
  resumed.run(s.train, EncodedText(), &recorder, nullptr, "");
  ASSERT_EQ(recorder.events.size(), 3u);  // 30, 40, 50
  ASSERT_EQ(recorder.events[0].records.size(), 1u);
  EXPECT_EQ(recorder.events[0].iteration, 30);
  EXPECT_EQ(recorder.events[0].records[0].detector, "single-quote");
  EXPECT_EQ(recorder.events[1].records.size(), 3u);
  EXPECT_EQ(resumed.watch_history().size(), 8u + 1u + 3u + 3u);
  std::vector<int64_t> iterations;
  for (const WatchRecord& r : resumed.watch_history()) {
    if (r.detector == "double-quote") iterations.push_back(r.iteration);
  }
  EXPECT_EQ(iterations, (std::vector<int64_t>{0, 10, 20, 30, 40, 50}));  // 30 not measured twice

  // Without records there is no WTCH section: such files are byte for byte what builds before
  // it wrote.
  ModelFile plain = saved;
  plain.watch.clear();
  EXPECT_EQ(detail::serialize_model(plain).find("WTCH"), std::string::npos);
  EXPECT_NE(detail::serialize_model(saved).find("WTCH"), std::string::npos);
}

TEST(Watch, BadSetupsAreRefusedWithTheReason) {
  const Vocabulary vocab = testing_util::vocab_of("ab \"");
  try {
    NeuronWatch({"quotes"}, U"ab ab", vocab);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown detector 'quotes'"), std::string::npos);
  }
  EXPECT_THROW(NeuronWatch({}, U"ab ab", vocab), Error);
  EXPECT_THROW(NeuronWatch({"url"}, U"a", vocab), Error);
  // Characters outside the vocabulary read as its fallback, counted.
  EXPECT_EQ(NeuronWatch({"double-quote"}, U"ab \"xy\"", vocab).unknown_characters(), 2);
  // A quantity the cell lacks fails when measured.
  ModelConfig gru;
  gru.cell = CellType::kGru;
  gru.vocab_size = vocab.size();
  gru.hidden_size = 4;
  gru.num_layers = 1;
  Model<float> model(gru);
  model.init_params(1);
  const NeuronWatch cells({"double-quote"}, U"ab \"ab\"", vocab, {Quantity::kCell});
  EXPECT_THROW(cells.measure(model, 0), Error);
  const NeuronWatch hidden({"double-quote"}, U"ab \"ab\"", vocab);
  const std::vector<WatchRecord> records = hidden.measure(model, 3);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].quantity, "hidden");
  EXPECT_EQ(records[0].iteration, 3);
}

}  // namespace
}  // namespace cellscope
