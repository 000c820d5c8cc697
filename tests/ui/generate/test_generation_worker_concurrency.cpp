// GenerationWorker across threads, as the Generate tab drives it: runs on the worker's QThread,
// cancelled from the GUI thread by a newer run id. A run cancelled mid-stream sends nothing after
// the next run's first event and leaves no trace in it (its text equals a solo run's); two
// workers sampling one shared model file at once each equal their solo runs; twenty restarts of a
// column end with only the last run complete; a column destroyed mid-run joins promptly.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QTest>
#include <QThread>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "checkpoint.h"
#include "common/worker_thread.h"
#include "generate/generation_column.h"
#include "generate/generation_worker.h"
#include "random_model.h"
#include "ui_test_util.h"

namespace {

using ui_test::waitFor;

std::shared_ptr<const cellscope::ModelFile> sharedModel() {
  return std::make_shared<const cellscope::ModelFile>(ui_test::randomModel(
      U"\n !',.:;?ABCabcdefghijklmnopqrstuvwxyz", 24, 2, 17, 3.0f));
}

GenerationRequest request(quint64 runId, int length, uint64_t seed) {
  GenerationRequest r;
  r.runId = runId;
  r.prime = "The ";
  r.length = length;
  r.options.seed = seed;
  r.neuron = {1, 5, cellscope::Quantity::kTanhCell};
  return r;
}

// The worker alone, synchronously on this thread: the text and activations of `r`.
struct Solo {
  std::u32string text;
  std::vector<float> activations;
};
Solo soloRun(const std::shared_ptr<const cellscope::ModelFile>& model, const GenerationRequest& r) {
  GenerationWorker worker;
  worker.setModel(model);
  worker.want(r.runId);
  Solo solo;
  QObject::connect(&worker, &GenerationWorker::chunkReady, [&](const GenerationChunk& c) {
    solo.text += c.text;
    solo.activations.insert(solo.activations.end(), c.activations.begin(), c.activations.end());
  });
  worker.generate(r);
  return solo;
}

// A GenerationWorker on its own QThread; every event is logged on the GUI thread in arrival order.
struct GenerationThread {
  struct Event {
    quint64 runId;
    bool finished;
  };
  QObject context;
  GenerationWorker* worker = new GenerationWorker;
  QThread* thread = startWorkerThread(&context, worker, QStringLiteral("testGenerationThread"));
  std::vector<Event> events;
  std::map<quint64, Solo> runs;
  std::map<quint64, GenerationSummary> summaries;

  GenerationThread() {
    QObject::connect(worker, &GenerationWorker::chunkReady, &context,
                     [this](const GenerationChunk& c) {
                       events.push_back({c.runId, false});
                       Solo& run = runs[c.runId];
                       run.text += c.text;
                       run.activations.insert(run.activations.end(), c.activations.begin(),
                                              c.activations.end());
                     });
    QObject::connect(worker, &GenerationWorker::finished, &context,
                     [this](const GenerationSummary& s) {
                       events.push_back({s.runId, true});
                       summaries[s.runId] = s;
                     });
  }
  ~GenerationThread() {
    worker->want(0);
    joinWorkerThread(thread, worker);
  }
  void setModel(std::shared_ptr<const cellscope::ModelFile> model) {
    GenerationWorker* w = worker;
    QMetaObject::invokeMethod(w, [w, model] { w->setModel(model); }, Qt::QueuedConnection);
  }
  void start(const GenerationRequest& r) {
    worker->want(r.runId);  // as GenerationColumn: the previous run stops at its next character
    GenerationWorker* w = worker;
    QMetaObject::invokeMethod(w, [w, r] { w->generate(r); }, Qt::QueuedConnection);
  }
  bool waitFinished(quint64 runId) {
    return waitFor([&] { return summaries.count(runId) > 0; }, 20000);
  }
};

}  // namespace

TEST(GenerationWorkerConcurrency, ARunCancelledMidStreamLeavesNoTraceInTheNext) {
  const auto model = sharedModel();
  const GenerationRequest second = request(2, 1500, 4);
  const Solo expected = soloRun(model, second);

  GenerationThread gen;
  gen.setModel(model);
  gen.start(request(1, 5000000, 3));  // far longer than the test: it must be cancelled
  ASSERT_TRUE(waitFor([&] { return gen.runs[1].text.size() > 200; }));
  gen.start(second);
  ASSERT_TRUE(gen.waitFinished(2));
  ASSERT_TRUE(gen.waitFinished(1));

  const GenerationSummary& first = gen.summaries[1];
  EXPECT_TRUE(first.cancelled);
  EXPECT_LT(first.characters, 5000000);
  EXPECT_FALSE(gen.summaries[2].cancelled);
  // Every event of run 1 (its summary included) came before the first of run 2.
  bool secondSeen = false;
  for (const auto& event : gen.events) {
    if (event.runId == 2) secondSeen = true;
    EXPECT_FALSE(secondSeen && event.runId == 1) << "run 1 sent an event after run 2 began";
  }
  EXPECT_TRUE(gen.runs[2].text == expected.text) << "the cancelled run disturbed the next one";
  EXPECT_EQ(gen.runs[2].activations, expected.activations);
}

TEST(GenerationWorkerConcurrency, TwoWorkersSamplingOneSharedModelEqualTheirSoloRuns) {
  const auto model = sharedModel();
  const GenerationRequest a = request(7, 20000, 11), b = request(8, 20000, 12);
  const Solo soloA = soloRun(model, a), soloB = soloRun(model, b);
  ASSERT_FALSE(soloA.text == soloB.text);

  GenerationThread first, second;
  first.setModel(model);
  second.setModel(model);
  first.start(a);
  second.start(b);
  ASSERT_TRUE(first.waitFinished(7));
  ASSERT_TRUE(second.waitFinished(8));
  EXPECT_FALSE(first.summaries[7].cancelled);
  EXPECT_FALSE(second.summaries[8].cancelled);
  EXPECT_TRUE(first.runs[7].text == soloA.text);
  EXPECT_TRUE(second.runs[8].text == soloB.text);
  EXPECT_EQ(first.runs[7].activations, soloA.activations);
  EXPECT_EQ(second.runs[8].activations, soloB.activations);
}

// Twenty restarts without waiting (a dragged temperature slider): every run reports its end, all
// but the last cancelled, and the column shows exactly the last run's text.
TEST(GenerationWorkerConcurrency, RapidRestartsOfAColumnEndWithOnlyTheLastRun) {
  const auto model = sharedModel();
  GenerationColumn column(QStringLiteral("testColumn"));
  column.setTemperature(1.0);
  column.setModel(model);
  std::vector<GenerationSummary> ends;
  QObject::connect(&column, &GenerationColumn::runFinished,
                   [&](const GenerationSummary& s) { ends.push_back(s); });
  std::vector<quint64> ids;
  GenerationRequest r = request(0, 20000, 21);
  for (int i = 0; i < 20; ++i) {
    ids.push_back(column.start(r));
    if (i % 4 == 0) QTest::qWait(5);  // let some runs stream a little first
  }
  ASSERT_TRUE(waitFor([&] { return ends.size() == 20; }, 20000)) << ends.size() << " ends";
  EXPECT_FALSE(column.isRunning());
  for (const GenerationSummary& s : ends) {
    EXPECT_EQ(s.cancelled, s.runId != ids.back()) << "run " << s.runId;
  }
  EXPECT_EQ(column.lastSummary().runId, ids.back());
  r.runId = ids.back();
  r.options.temperature = column.temperature();
  const Solo expected = soloRun(model, r);
  EXPECT_EQ(column.generatedText(), QString::fromStdU32String(expected.text));
}

TEST(GenerationWorkerConcurrency, DestroyingTwoColumnsMidRunJoinsPromptly) {
  const auto model = sharedModel();
  auto left = std::make_unique<GenerationColumn>(QStringLiteral("testLeft"));
  auto right = std::make_unique<GenerationColumn>(QStringLiteral("testRight"));
  left->setModel(model);
  right->setModel(model);
  left->start(request(0, 5000000, 1));
  right->start(request(0, 5000000, 2));
  ASSERT_TRUE(waitFor([&] {
    return left->generatedText().size() > 100 && right->generatedText().size() > 100;
  }));
  QElapsedTimer timer;
  timer.start();
  left.reset();
  right.reset();
  EXPECT_LT(timer.elapsed(), 3000) << "a run kept going after its column was closed";
}
