// TrainingWorker across threads, as the Train tab drives it: the run on its own QThread, Pause,
// Resume and Stop called from the GUI thread while it trains. Stop lands at an exact iteration (the
// worker is held inside an iteration's event while the GUI thread stops it); Stop during a pause
// ends at the paused iteration; hundreds of pause/resume races neither lose an iteration nor
// deadlock; a TrainingPane destroyed while paused wakes its worker and writes that iteration; a
// training and a generation at once each give what they give alone. Each test has its own temp dir.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QFile>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "checkpoint.h"
#include "common/worker_thread.h"
#include "generate/generation_worker.h"
#include "random_model.h"
#include "train/training_pane.h"
#include "train/training_worker.h"
#include "ui_test_util.h"

namespace {

using ui_test::waitFor;

// A 1x16 LSTM, batch 4, seq 16 (~90 iterations an epoch), no validation, sample or checkpoint
// during the run: only iteration events until it is stopped or reaches `maxIters`.
TrainingRequest tinyRequest(const QTemporaryDir& dir, const char* output, int64_t maxIters = 0) {
  TrainingRequest request;
  request.corpusPaths = {ui_test::writeWordCorpus(dir).toStdString()};
  request.model.hidden_size = 16;
  request.model.num_layers = 1;
  request.train.seq_length = 16;
  request.train.batch_size = 4;
  request.train.max_epochs = 0;
  request.train.max_iters = maxIters;
  request.train.eval_every = 0;
  request.train.sample_every = 0;
  request.train.checkpoint_every = 0;
  request.outputPath = dir.filePath(QString::fromLatin1(output)).toStdString();
  return request;
}

// A TrainingWorker on its own QThread; what it emits is collected on the GUI thread.
struct TrainingRun {
  QObject context;  // the GUI-thread receiver, and the thread's owner
  TrainingWorker* worker = new TrainingWorker;
  QThread* thread = nullptr;
  std::vector<qint64> delivered;  // every iteration, in the order the GUI got them
  std::vector<double> losses;
  std::vector<qint64> paused;
  int pausedOutOfOrder = 0;  // paused(P) received while the last delivered iteration was not P
  int eventsAfterFinished = 0;
  std::optional<TrainingFinished> finished;

  TrainingRun() {
    thread = startWorkerThread(&context, worker, QStringLiteral("testTrainingThread"));
    QObject::connect(worker, &TrainingWorker::iterations, &context,
                     [this](const TrainingIterations& events) {
                       if (finished) ++eventsAfterFinished;
                       delivered.insert(delivered.end(), events.iterations.begin(),
                                        events.iterations.end());
                       losses.insert(losses.end(), events.losses.begin(), events.losses.end());
                     });
    QObject::connect(worker, &TrainingWorker::paused, &context, [this](qint64 iteration) {
      if (finished) ++eventsAfterFinished;
      if (last() != iteration) ++pausedOutOfOrder;
      paused.push_back(iteration);
    });
    QObject::connect(worker, &TrainingWorker::finished, &context,
                     [this](const TrainingFinished& result) { finished = result; });
  }
  ~TrainingRun() {
    worker->stop();
    joinWorkerThread(thread, worker);
  }
  void start(const TrainingRequest& request) {
    worker->prepare();
    TrainingWorker* w = worker;
    QMetaObject::invokeMethod(w, [w, request] { w->train(request); }, Qt::QueuedConnection);
  }
  qint64 last() const { return delivered.empty() ? 0 : delivered.back(); }
  bool waitFinished() { return waitFor([&] { return finished.has_value(); }, 20000); }
  // Every iteration from 1 to the last exactly once, in order.
  bool contiguous() const {
    for (std::size_t i = 0; i < delivered.size(); ++i) {
      if (delivered[i] != static_cast<qint64>(i) + 1) return false;
    }
    return true;
  }
};

// A GenerationWorker on its own QThread (joined, its run cancelled, when this goes).
struct GenerationOnThread {
  QObject context;
  GenerationWorker* worker = new GenerationWorker;
  QThread* thread = startWorkerThread(&context, worker, QStringLiteral("testGenerationThread"));
  ~GenerationOnThread() {
    worker->want(0);
    joinWorkerThread(thread, worker);
  }
};

}  // namespace

// The worker is held inside iteration L's event (a direct connection, on its own thread) while the
// GUI thread calls stop(): the trainer must not start iteration L+1, and the file it writes is L's.
TEST(TrainingWorkerConcurrency, StopFromTheGuiThreadEndsTheRunAtTheCurrentIteration) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  QSemaphore reached, release;  // declared first: they must outlive the worker thread
  std::atomic<qint64> heldAt{0};
  std::atomic<bool> armed{true};
  TrainingRun run;
  QObject::connect(
      run.worker, &TrainingWorker::iterations, run.worker,
      [&](const TrainingIterations& events) {
        if (events.lastIteration() < 30 || !armed.exchange(false)) return;
        heldAt.store(events.lastIteration());
        reached.release();
        release.tryAcquire(1, 20000);  // never hang the suite if the test thread is gone
      },
      Qt::DirectConnection);
  const TrainingRequest request = tinyRequest(dir, "stopped.csm");
  run.start(request);
  ASSERT_TRUE(reached.tryAcquire(1, 20000)) << "the run never reached iteration 30";
  run.worker->stop();  // from the GUI thread, while the worker thread is inside iteration L
  release.release();

  ASSERT_TRUE(run.waitFinished());
  const qint64 stoppedAt = heldAt.load();
  EXPECT_TRUE(run.finished->ok) << run.finished->message.toStdString();
  EXPECT_TRUE(run.finished->cancelled);
  EXPECT_EQ(run.finished->iterations, stoppedAt);
  EXPECT_EQ(run.last(), stoppedAt);
  EXPECT_TRUE(run.contiguous());
  QTest::qWait(100);
  EXPECT_EQ(run.eventsAfterFinished, 0);
  EXPECT_EQ(cellscope::load_model_file(request.outputPath).progress.iteration, stoppedAt);
}

// Pause and resume from the GUI thread: each pause holds the iteration; hundreds of pause/resume
// pairs racing the worker lose no iteration and never deadlock; stop during a pause ends there.
TEST(TrainingWorkerConcurrency, PauseResumeRacesKeepEveryIterationAndStopEndsAtThePause) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  TrainingRun run;
  const TrainingRequest request = tinyRequest(dir, "paused.csm");
  run.start(request);
  ASSERT_TRUE(waitFor([&] { return run.last() >= 20; }));

  for (int cycle = 0; cycle < 5; ++cycle) {
    const std::size_t pauses = run.paused.size();
    run.worker->setPaused(true);
    ASSERT_TRUE(waitFor([&] { return run.paused.size() > pauses; })) << "cycle " << cycle;
    const qint64 pausedAt = run.paused.back();
    QTest::qWait(30);
    EXPECT_EQ(run.last(), pausedAt) << "trained on while paused, cycle " << cycle;
    EXPECT_TRUE(run.worker->isPaused());
    run.worker->setPaused(false);
    ASSERT_TRUE(waitFor([&] { return run.last() > pausedAt; })) << "no resume, cycle " << cycle;
  }

  for (int i = 0; i < 400; ++i) {  // no event processing: the worker sees them as they land
    run.worker->setPaused(true);
    if (i % 3 == 0) QThread::usleep(50);
    run.worker->setPaused(false);
  }
  // What the races sent is delivered first; progress after that is the worker running again.
  QTest::qWait(60);
  const qint64 afterRaces = run.last();
  ASSERT_TRUE(waitFor([&] { return run.last() > afterRaces + 20; })) << "stuck after the races";

  const std::size_t pauses = run.paused.size();
  run.worker->setPaused(true);
  ASSERT_TRUE(waitFor([&] { return run.paused.size() > pauses; }));
  const qint64 finalPause = run.paused.back();
  run.worker->stop();
  ASSERT_TRUE(run.waitFinished());
  EXPECT_TRUE(run.finished->cancelled);
  EXPECT_EQ(run.finished->iterations, finalPause);
  EXPECT_EQ(run.last(), finalPause);
  EXPECT_TRUE(run.contiguous());
  EXPECT_EQ(run.pausedOutOfOrder, 0) << "a paused() overtook the iterations before it";
  EXPECT_EQ(run.eventsAfterFinished, 0);
  EXPECT_EQ(cellscope::load_model_file(request.outputPath).progress.iteration, finalPause);
}

// A resume and a new pause, both before the paused worker wakes up: the second pause must be
// answered with paused() as well, or the Train tab would say "Pausing…" for ever.
TEST(TrainingWorkerConcurrency, APauseRightAfterAResumeIsAnsweredEvenIfTheWorkerNeverWoke) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  TrainingRun run;
  run.start(tinyRequest(dir, "repaused.csm"));
  ASSERT_TRUE(waitFor([&] { return run.last() >= 5; }));
  std::size_t pauses = run.paused.size();
  run.worker->setPaused(true);
  ASSERT_TRUE(waitFor([&] { return run.paused.size() > pauses; }));
  for (int cycle = 0; cycle < 20; ++cycle) {
    pauses = run.paused.size();
    run.worker->setPaused(false);  // no event processing between the two: microseconds apart
    run.worker->setPaused(true);
    ASSERT_TRUE(waitFor([&] { return run.paused.size() > pauses; }, 5000))
        << "a pause after a resume was never answered, cycle " << cycle;
    EXPECT_EQ(run.paused.back(), run.last()) << "cycle " << cycle;
  }
  EXPECT_TRUE(run.worker->isPaused());
  EXPECT_EQ(run.pausedOutOfOrder, 0);
}

// Closing the Train tab while a run is paused: the destructor must wake the worker blocked on its
// condition variable, which then writes the paused iteration and ends.
TEST(TrainingWorkerConcurrency, DestroyingAPausedPaneWakesTheWorkerAndKeepsThePausedIteration) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  TrainingSettings s;
  s.corpusPaths = {ui_test::writeWordCorpus(dir)};
  s.layers = 1;
  s.hiddenSize = 16;
  s.seqLength = 16;
  s.batchSize = 4;
  s.maxEpochs = 0;
  s.evalEvery = 0;
  s.sampleEvery = 0;
  s.checkpointEvery = 0;
  s.watchDetectors.clear();
  s.outputPath = dir.filePath(QStringLiteral("pane.csm"));
  auto pane = std::make_unique<TrainingPane>();
  pane->applySettings(s);
  pane->start();
  ASSERT_TRUE(waitFor([&] { return pane->lastIteration() > 10; }));
  pane->pause();
  ASSERT_TRUE(waitFor([&] { return pane->state() == TrainingPane::State::kPaused; }));
  const qint64 pausedAt = pane->lastIteration();

  QElapsedTimer timer;
  timer.start();
  pane.reset();
  EXPECT_LT(timer.elapsed(), 10000);
  ASSERT_TRUE(QFile::exists(s.outputPath));
  EXPECT_EQ(cellscope::load_model_file(s.outputPath.toStdString()).progress.iteration, pausedAt);
}

// A training and a generation on two threads at once, the engine's thread pool shared: the
// training's losses and final parameters, and the generated text, equal each one's run alone.
TEST(TrainingWorkerConcurrency, ATrainingAndAGenerationAtOnceEachEqualTheirSoloRuns) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const auto model = std::make_shared<const cellscope::ModelFile>(ui_test::randomModel(
      U"\n !',.:;?abcdefghijklmnopqrstuvwxyz", 24, 2, 5, 3.0f));
  GenerationRequest generation;
  generation.runId = 1;
  generation.prime = "the ";
  generation.length = 30000;
  generation.options.seed = 99;
  generation.neuron = {1, 2, cellscope::Quantity::kHidden};

  // Alone, synchronously on this thread.
  std::vector<double> soloLosses;
  {
    TrainingWorker solo;
    QObject::connect(&solo, &TrainingWorker::iterations, [&](const TrainingIterations& e) {
      soloLosses.insert(soloLosses.end(), e.losses.begin(), e.losses.end());
    });
    solo.train(tinyRequest(dir, "solo.csm", 60));
  }
  std::u32string soloText;
  {
    GenerationWorker solo;
    solo.setModel(model);
    solo.want(1);
    QObject::connect(&solo, &GenerationWorker::chunkReady,
                     [&](const GenerationChunk& c) { soloText += c.text; });
    solo.generate(generation);
  }
  ASSERT_EQ(soloLosses.size(), 60u);
  ASSERT_EQ(soloText.size(), 30000u);

  // At once: the generation starts first, the training once its first chunk is here.
  std::u32string text;
  std::optional<GenerationSummary> generated;
  GenerationOnThread gen;
  QObject::connect(gen.worker, &GenerationWorker::chunkReady, &gen.context,
                   [&](const GenerationChunk& c) { text += c.text; });
  QObject::connect(gen.worker, &GenerationWorker::finished, &gen.context,
                   [&](const GenerationSummary& s) { generated = s; });
  gen.worker->want(1);
  GenerationWorker* generator = gen.worker;
  QMetaObject::invokeMethod(generator, [generator, model] { generator->setModel(model); },
                            Qt::QueuedConnection);
  QMetaObject::invokeMethod(generator, [generator, generation] { generator->generate(generation); },
                            Qt::QueuedConnection);
  bool overlapped = false;
  {
    TrainingRun run;
    ASSERT_TRUE(waitFor([&] { return !text.empty(); }));
    run.start(tinyRequest(dir, "together.csm", 60));
    ASSERT_TRUE(waitFor([&] { return run.last() > 0 || run.finished.has_value(); }, 20000));
    overlapped = !generated.has_value();
    ASSERT_TRUE(run.waitFinished());
    EXPECT_TRUE(run.finished->ok) << run.finished->message.toStdString();
    EXPECT_EQ(run.losses, soloLosses);
  }
  ASSERT_TRUE(waitFor([&] { return generated.has_value(); }, 20000));
  EXPECT_TRUE(overlapped) << "the generation ended before the training began: make it longer";
  EXPECT_FALSE(generated->cancelled);
  EXPECT_TRUE(text == soloText) << "the generated text differs from the solo run's";
  EXPECT_EQ(cellscope::load_model_file(dir.filePath("together.csm").toStdString()).parameters,
            cellscope::load_model_file(dir.filePath("solo.csm").toStdString()).parameters);
}
