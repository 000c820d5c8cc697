// The explorer's workers across threads, as the Explore tab drives them: each on its own QThread,
// cancelled from the GUI thread through its atomics while a job runs. A job is cancelled at a
// known point mid-pass by holding the worker inside its own progress signal (a direct connection)
// while the GUI thread moves on; the next job must then equal a run of the same worker alone.
// Also: finder and surprisal at once on one model, superseded saliency clicks skipped, and an
// ExplorerPane closed while its pass and a finder job run. Models and texts are made here.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "checkpoint.h"
#include "common/worker_thread.h"
#include "explore/analysis_worker.h"
#include "explore/explorer_pane.h"
#include "explore/explorer_worker.h"
#include "explore/neuron_finder_panel.h"
#include "explore/saliency_worker.h"
#include "explore/surprisal_worker.h"
#include "random_model.h"
#include "ui_test_util.h"

namespace {

using cellscope::Quantity;
using ui_test::waitFor;

constexpr int kLongWaitMs = 30000;  // a TSan build runs these passes ~10x slower

const std::u32string kChars = U"\n \"'(),.;abcdefghijklmnopqrstuvwxyz";

std::u32string mixedText(std::size_t length, uint64_t seed) {
  return ui_test::piecesText({U"she said ", U"\"hi there\" ", U"(a, b) ", U"it was\n",
                              U"if we go. ", U"z; ", U"'q' ", U"\"no\", ", U"ab cd\n"},
                             length, seed);
}

std::shared_ptr<const cellscope::ModelFile> sharedModel(int hidden = 32) {
  return std::make_shared<const cellscope::ModelFile>(
      ui_test::randomModel(kChars, hidden, 2, 23, 3.0f));
}

// Equal element by element, NaN equal to NaN (a position with no value).
bool sameValues(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) return false;
    if (!std::isnan(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}
bool sameValues(const std::vector<double>& a, const std::vector<double>& b) {
  return sameValues(std::vector<float>(a.begin(), a.end()), std::vector<float>(b.begin(), b.end()));
}

// `Worker` on its own QThread, owned here: joined (after `stop`) when this goes.
template <typename Worker>
struct OnThread {
  QObject context;  // GUI-thread receiver of the worker's signals
  Worker* worker = new Worker;
  QThread* thread = startWorkerThread(&context, worker, QStringLiteral("testWorkerThread"));
  std::function<void(Worker*)> stop;
  ~OnThread() {
    if (stop) stop(worker);
    joinWorkerThread(thread, worker);
  }
  template <typename F>
  void post(F f) {
    Worker* w = worker;
    QMetaObject::invokeMethod(w, [w, f] { f(w); }, Qt::QueuedConnection);
  }
};

// Holds the worker thread inside one of its own signals (connect hold() directly) until the GUI
// thread has done what it must do at that point, then lets it go.
struct Hold {
  QSemaphore reached, released;
  std::atomic<bool> armed{true};
  void hold() {
    if (!armed.exchange(false)) return;
    reached.release();
    released.tryAcquire(1, kLongWaitMs);  // never hang the suite
  }
  bool waitReached() { return reached.tryAcquire(1, kLongWaitMs); }
  void release() { released.release(); }
};

FindRequest findRequest(quint64 jobId) {
  FindRequest request;
  request.textId = 1;
  request.jobId = jobId;
  request.detector = "double-quote";
  request.quantity = Quantity::kTanhCell;
  request.top = 1000;  // every neuron
  return request;
}

FindResult soloFind(const std::shared_ptr<const cellscope::ModelFile>& model,
                    const std::u32string& text) {
  AnalysisWorker worker;
  worker.setModel(model);
  worker.setText(1, text);
  worker.wantText(1);
  worker.wantJob(AnalysisWorker::Kind::kFind, 9);
  FindResult result;
  QObject::connect(&worker, &AnalysisWorker::found, [&](const FindResult& r) { result = r; });
  worker.find(findRequest(9));
  return result;
}

void expectSameScores(const FindResult& actual, const FindResult& expected) {
  EXPECT_TRUE(actual.error.isEmpty()) << actual.error.toStdString();
  ASSERT_EQ(actual.scores.size(), expected.scores.size());
  ASSERT_FALSE(expected.scores.empty());
  for (std::size_t i = 0; i < expected.scores.size(); ++i) {
    EXPECT_EQ(actual.scores[i].layer, expected.scores[i].layer) << i;
    EXPECT_EQ(actual.scores[i].neuron, expected.scores[i].neuron) << i;
    EXPECT_EQ(actual.scores[i].correlation, expected.scores[i].correlation) << i;
    EXPECT_EQ(actual.scores[i].auc, expected.scores[i].auc) << i;
  }
}

// Applies an explorer track event to `values` (the whole text); returns whether it is complete.
bool applyTrack(const ExplorerTrack& track, std::vector<float>* values) {
  if (track.reset) {
    *values = track.values;
  } else {
    std::copy(track.values.begin(), track.values.end(), values->begin() + track.begin);
  }
  return track.complete;
}

}  // namespace

// Find job 1 is held at its first progress report while the GUI thread supersedes it with job 2:
// job 1 ends cancelled before job 2's result, and job 2 ranks as a worker that never saw job 1.
TEST(ExplorerWorkersConcurrency, AFindCancelledMidPassLeavesTheNextFindAsASoloRunsIs) {
  const auto model = sharedModel();
  const std::u32string text = mixedText(60000, 5);
  const FindResult expected = soloFind(model, text);

  Hold hold;  // declared first: it must outlive the worker thread that calls it
  std::vector<FindResult> found;
  OnThread<AnalysisWorker> analysis;
  analysis.stop = [](AnalysisWorker* w) { w->wantText(0); };
  QObject::connect(
      analysis.worker, &AnalysisWorker::progress, analysis.worker,
      [&](quint64 jobId, double fraction) {
        if (jobId == 1 && fraction < 1.0) hold.hold();
      },
      Qt::DirectConnection);
  QObject::connect(analysis.worker, &AnalysisWorker::found, &analysis.context,
                   [&](const FindResult& r) { found.push_back(r); });
  analysis.post([model](AnalysisWorker* w) { w->setModel(model); });
  analysis.post([text](AnalysisWorker* w) { w->setText(1, text); });
  analysis.worker->wantText(1);
  analysis.worker->wantJob(AnalysisWorker::Kind::kFind, 1);
  analysis.post([](AnalysisWorker* w) { w->find(findRequest(1)); });

  ASSERT_TRUE(hold.waitReached()) << "job 1 never reported progress";
  analysis.worker->wantJob(AnalysisWorker::Kind::kFind, 2);
  analysis.post([](AnalysisWorker* w) { w->find(findRequest(2)); });
  hold.release();

  ASSERT_TRUE(waitFor([&] { return found.size() == 2; }, kLongWaitMs));
  QTest::qWait(50);
  ASSERT_EQ(found.size(), 2u) << "a late result";
  EXPECT_EQ(found[0].jobId, 1u);
  EXPECT_TRUE(found[0].cancelled);
  EXPECT_EQ(found[1].jobId, 2u);
  EXPECT_FALSE(found[1].cancelled);
  expectSameScores(found[1], expected);
}

// The explorer's pass over text 1 is held at its first progress while the GUI thread opens
// text 2: nothing about text 1 arrives after text 2 is loaded, and text 2's track equals a solo
// worker's.
TEST(ExplorerWorkersConcurrency, ANewTextMidPassDropsTheOldOneAndTracksAsASoloRun) {
  const auto model = sharedModel();
  const std::u32string first = mixedText(120000, 7), second = mixedText(9000, 8);
  const NeuronSelection neuron{1, 4, Quantity::kCell};

  struct Log {
    std::vector<quint64> ids;  // text id of every event, in arrival order
    std::vector<float> track;
    bool complete = false;
    std::map<quint64, ExplorerProbeSummary> probed;
    std::map<quint64, ExplorerText> loaded;
  };
  const auto watch = [&neuron](OnThread<ExplorerWorker>& e, Log& log) {
    e.stop = [](ExplorerWorker* w) { w->want(0); };
    QObject::connect(e.worker, &ExplorerWorker::textLoaded, &e.context,
                     [&log](const ExplorerText& t) {
                       log.ids.push_back(t.textId);
                       log.loaded[t.textId] = t;
                     });
    QObject::connect(e.worker, &ExplorerWorker::progress, &e.context,
                     [&log](quint64 id, double) { log.ids.push_back(id); });
    QObject::connect(e.worker, &ExplorerWorker::trackReady, &e.context,
                     [&log, neuron](const ExplorerTrack& t) {
                       log.ids.push_back(t.textId);
                       EXPECT_TRUE(t.error.isEmpty()) << t.error.toStdString();
                       if (t.textId == 2 && t.neuron == neuron)
                         log.complete = applyTrack(t, &log.track);
                     });
    QObject::connect(e.worker, &ExplorerWorker::probed, &e.context,
                     [&log](const ExplorerProbeSummary& s) {
                       log.ids.push_back(s.textId);
                       log.probed[s.textId] = s;
                     });
    e.worker->select(neuron);
  };

  Log solo;
  {
    OnThread<ExplorerWorker> alone;
    watch(alone, solo);
    alone.worker->want(2);
    alone.post([model](ExplorerWorker* w) { w->setModel(model); });
    alone.post([second](ExplorerWorker* w) { w->openContent(2, QStringLiteral("two"), second); });
    ASSERT_TRUE(waitFor([&] { return solo.complete && solo.probed.count(2); }, kLongWaitMs));
  }
  ASSERT_EQ(solo.track.size(), second.size());

  Hold hold;  // declared first: it must outlive the worker thread that calls it
  Log log;
  OnThread<ExplorerWorker> explorer;
  watch(explorer, log);
  QObject::connect(
      explorer.worker, &ExplorerWorker::progress, explorer.worker,
      [&](quint64 id, double fraction) {
        if (id == 1 && fraction < 1.0) hold.hold();
      },
      Qt::DirectConnection);
  explorer.worker->want(1);
  explorer.post([model](ExplorerWorker* w) { w->setModel(model); });
  explorer.post([first](ExplorerWorker* w) { w->openContent(1, QStringLiteral("one"), first); });
  ASSERT_TRUE(hold.waitReached()) << "text 1's pass never reported progress";
  explorer.worker->want(2);
  explorer.post([second](ExplorerWorker* w) { w->openContent(2, QStringLiteral("two"), second); });
  hold.release();

  ASSERT_TRUE(waitFor([&] { return log.complete && log.probed.count(2); }, kLongWaitMs));
  QTest::qWait(50);
  EXPECT_EQ(log.probed.count(1), 0u) << "text 1's pass was not cut short";
  EXPECT_FALSE(log.probed[2].cancelled);
  EXPECT_TRUE(log.probed[2].error.isEmpty()) << log.probed[2].error.toStdString();
  const auto loadedSecond = std::find(log.ids.begin(), log.ids.end(), quint64{2});
  ASSERT_NE(loadedSecond, log.ids.end());
  EXPECT_EQ(std::count(loadedSecond, log.ids.end(), quint64{1}), 0)
      << "an event for text 1 arrived after text 2 began";
  EXPECT_TRUE(sameValues(log.track, solo.track)) << "text 2's track differs from a solo run's";
}

// The finder and the surprisal worker score one text on two threads at once, from one shared
// model file: each equals its own worker run alone.
TEST(ExplorerWorkersConcurrency, FinderAndSurprisalAtOnceEqualTheirSoloRuns) {
  const auto model = sharedModel();
  const auto text = std::make_shared<const std::u32string>(mixedText(40000, 9));
  const FindResult expectedFind = soloFind(model, *text);
  SurprisalResult expectedScores;
  {
    SurprisalWorker alone;
    QObject::connect(&alone, &SurprisalWorker::scored,
                     [&](const SurprisalResult& r) { expectedScores = r; });
    alone.setModel(model);
    alone.want(0, 1);
    alone.score(1, 0, text);
  }
  ASSERT_TRUE(expectedScores.scores) << expectedScores.error.toStdString();

  std::optional<FindResult> found;
  std::optional<SurprisalResult> scored;
  OnThread<AnalysisWorker> analysis;
  analysis.stop = [](AnalysisWorker* w) { w->wantText(0); };
  OnThread<SurprisalWorker> surprisal;
  surprisal.stop = [](SurprisalWorker* w) { w->want(0, 0); };
  QObject::connect(analysis.worker, &AnalysisWorker::found, &analysis.context,
                   [&](const FindResult& r) { found = r; });
  QObject::connect(surprisal.worker, &SurprisalWorker::scored, &surprisal.context,
                   [&](const SurprisalResult& r) { scored = r; });
  analysis.worker->wantText(1);
  analysis.worker->wantJob(AnalysisWorker::Kind::kFind, 3);
  surprisal.worker->want(0, 4);
  analysis.post([model](AnalysisWorker* w) { w->setModel(model); });
  surprisal.post([model](SurprisalWorker* w) { w->setModel(model); });
  analysis.post([text](AnalysisWorker* w) { w->setText(1, *text); });
  analysis.post([](AnalysisWorker* w) { w->find(findRequest(3)); });
  surprisal.post([text](SurprisalWorker* w) { w->score(4, 0, text); });
  ASSERT_TRUE(waitFor([&] { return found && scored; }, kLongWaitMs));

  EXPECT_FALSE(found->cancelled);
  expectSameScores(*found, expectedFind);
  ASSERT_TRUE(scored->scores) << scored->error.toStdString();
  EXPECT_EQ(scored->jobId, 4u);
  EXPECT_TRUE(sameValues(scored->scores->surprisal, expectedScores.scores->surprisal));
  EXPECT_TRUE(sameValues(scored->scores->entropy, expectedScores.scores->entropy));
}

// Ten clicks land while the saliency worker is busy: only the last is computed (the others are
// skipped, not answered late), and it equals a solo worker's answer. Then a horizon held at its
// first progress is superseded: it ends cancelled and the next one equals a solo horizon.
TEST(ExplorerWorkersConcurrency, SupersededSaliencyAndHorizonJobsGiveWayToTheLast) {
  const auto model = sharedModel(16);
  const std::u32string text = mixedText(3000, 11);
  const std::u32string longText = mixedText(150000, 12);
  SaliencyRequest click;
  click.jobId = 10;
  click.position = 2500;
  click.window = 150;
  HorizonRequest horizon;
  horizon.jobId = 2;
  horizon.window = 60;
  horizon.limit = 1500;
  horizon.stride = 40;
  horizon.models = {{QStringLiteral("a"), model}};

  SaliencyResult expectedClick;
  HorizonResult expectedHorizon;
  {
    SaliencyWorker alone;
    QObject::connect(&alone, &SaliencyWorker::saliencyReady,
                     [&](const SaliencyResult& r) { expectedClick = r; });
    QObject::connect(&alone, &SaliencyWorker::horizonReady,
                     [&](const HorizonResult& r) { expectedHorizon = r; });
    alone.setModel(model);
    alone.setText(text);
    alone.wantSaliency(10);
    alone.saliency(click);
    alone.setText(longText);
    alone.wantHorizon(2);
    alone.horizon(horizon);
  }
  ASSERT_TRUE(expectedClick.error.isEmpty()) << expectedClick.error.toStdString();
  ASSERT_EQ(expectedHorizon.lines.size(), 1u);

  Hold hold;  // declared first: they must outlive the worker thread that uses them
  QSemaphore busy;
  std::vector<SaliencyResult> clicks;
  std::vector<HorizonResult> horizons;
  OnThread<SaliencyWorker> memory;
  memory.stop = [](SaliencyWorker* w) {
    w->wantSaliency(0);
    w->wantHorizon(0);
  };
  QObject::connect(memory.worker, &SaliencyWorker::saliencyReady, &memory.context,
                   [&](const SaliencyResult& r) { clicks.push_back(r); });
  QObject::connect(memory.worker, &SaliencyWorker::horizonReady, &memory.context,
                   [&](const HorizonResult& r) { horizons.push_back(r); });
  memory.post([model](SaliencyWorker* w) { w->setModel(model); });
  memory.post([text](SaliencyWorker* w) { w->setText(text); });
  memory.post([&busy](SaliencyWorker*) { busy.tryAcquire(1, kLongWaitMs); });
  for (quint64 id = 1; id <= 10; ++id) {
    SaliencyRequest r = click;
    r.jobId = id;
    r.position = 2400 + static_cast<qint64>(id) * 10;
    memory.worker->wantSaliency(id);
    memory.post([r](SaliencyWorker* w) { w->saliency(r); });
  }
  busy.release();
  ASSERT_TRUE(waitFor([&] { return !clicks.empty(); }, kLongWaitMs));
  QTest::qWait(50);
  ASSERT_EQ(clicks.size(), 1u) << "a superseded click was answered";
  EXPECT_EQ(clicks[0].jobId, 10u);
  EXPECT_EQ(clicks[0].value, expectedClick.value);
  EXPECT_TRUE(sameValues(clicks[0].byDistance, expectedClick.byDistance));

  QObject::connect(
      memory.worker, &SaliencyWorker::horizonProgress, memory.worker,
      [&](quint64 jobId, double fraction) {
        if (jobId == 1 && fraction < 1.0) hold.hold();
      },
      Qt::DirectConnection);
  HorizonRequest first = horizon;
  first.jobId = 1;
  first.limit = 0;  // the whole long text: far longer than the test
  first.stride = 1;
  memory.post([longText](SaliencyWorker* w) { w->setText(longText); });
  memory.worker->wantHorizon(1);
  memory.post([first](SaliencyWorker* w) { w->horizon(first); });
  ASSERT_TRUE(hold.waitReached()) << "the first horizon never reported progress";
  memory.worker->wantHorizon(2);
  memory.post([horizon](SaliencyWorker* w) { w->horizon(horizon); });
  hold.release();
  ASSERT_TRUE(waitFor([&] { return horizons.size() == 2; }, kLongWaitMs));
  EXPECT_EQ(horizons[0].jobId, 1u);
  EXPECT_TRUE(horizons[0].cancelled);
  EXPECT_EQ(horizons[1].jobId, 2u);
  EXPECT_FALSE(horizons[1].cancelled);
  ASSERT_EQ(horizons[1].lines.size(), 1u);
  EXPECT_TRUE(horizons[1].lines[0].error.isEmpty()) << horizons[1].lines[0].error.toStdString();
  EXPECT_EQ(horizons[1].lines[0].positions, expectedHorizon.lines[0].positions);
  EXPECT_TRUE(sameValues(horizons[1].lines[0].mean, expectedHorizon.lines[0].mean));
}

// Closing an explorer while its pass and a finder job both run: every worker thread it owns
// stops at its next chunk and is joined, so the destructor returns promptly.
TEST(ExplorerWorkersConcurrency, ClosingAnExplorerMidPassAndMidFindJoinsPromptly) {
  auto pane = std::make_unique<ExplorerPane>();
  pane->resize(900, 500);
  pane->setModel(*sharedModel(64));
  pane->showText(QStringLiteral("long"), mixedText(400000, 13));
  ASSERT_TRUE(waitFor([&] { return pane->isProbing() && !pane->text().empty(); }, kLongWaitMs));
  pane->finder()->runFind();
  ASSERT_TRUE(pane->finder()->isBusy()) << pane->finder()->findStatus().toStdString();
  QTest::qWait(100);
  ASSERT_TRUE(pane->isProbing()) << "the pass ended too soon to be interrupted";
  ASSERT_TRUE(pane->finder()->isBusy()) << "the find ended too soon to be interrupted";

  QElapsedTimer timer;
  timer.start();
  pane.reset();
  EXPECT_LT(timer.elapsed(), 5000) << "a worker kept going after its pane was closed";
}
