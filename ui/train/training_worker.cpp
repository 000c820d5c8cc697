// TrainingWorker's run: the corpus read (with the resumed file's vocabulary when resuming), a
// Trainer reporting dL/dh norms and keeping every checkpoint in its own file, and an Observer that
// batches iteration events for at most kIterationMilliseconds and flushes them before every other
// event, before a pause and at the end, so the GUI never sees events out of order.
#include "training_worker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <random>

#include "checkpoint.h"
#include "corpus.h"
#include "error.h"
#include "memory_limit.h"
#include "trainer.h"
#include "watch.h"

class TrainingWorker::Observer : public cellscope::TrainingObserver {
 public:
  explicit Observer(TrainingWorker& worker) : worker_(worker) {}

  void on_iteration(const cellscope::IterationEvent& ev) override {
    pending_.iterations.push_back(ev.iteration);
    pending_.epochs.push_back(ev.epoch);
    pending_.times.push_back(ev.seconds);
    pending_.losses.push_back(ev.loss);
    pending_.gradNorms.push_back(ev.grad_norm);
    pending_.learningRates.push_back(ev.learning_rate);
    pending_.throughputs.push_back(ev.chars_per_sec);
    if (ev.clipped) ++clipped_;
    pending_.epoch = ev.epoch;
    pending_.learningRate = ev.learning_rate;
    pending_.charsPerSecond = ev.chars_per_sec;
    pending_.seconds = ev.seconds;
    pending_.etaSeconds = ev.eta_seconds;
    pending_.progress = ev.progress;
    pending_.dhNorms = ev.dh_norms;
    lastIteration_ = ev.iteration;
    if (Clock::now() - lastEmit_ >= std::chrono::milliseconds(kIterationMilliseconds)) flush();
    worker_.waitWhilePaused(*this);
  }
  void on_validation(const cellscope::ValidationEvent& ev) override {
    flush();
    emit worker_.validation({ev.iteration, ev.epoch, ev.seconds, ev.val_loss});
  }
  void on_sample(const cellscope::SampleRecord& record) override {
    flush();
    emit worker_.sample({record.iteration, record.val_loss, record.temperature,
                         QString::fromStdString(record.text)});
  }
  void on_checkpoint(const cellscope::CheckpointEvent& ev) override {
    flush();
    TrainingCheckpoint event;
    event.path = QString::fromStdString(ev.path);
    event.iteration = ev.iteration;
    event.valLoss = ev.val_loss;
    for (const std::string& path : ev.removed) event.removed << QString::fromStdString(path);
    event.kept = ev.kept;
    event.final = ev.final;
    emit worker_.checkpoint(event);
  }
  void on_watch(const cellscope::WatchEvent& ev) override {
    flush();
    emit worker_.watch({ev.iteration, ev.seconds, ev.watch_seconds, ev.records});
  }
  void on_message(const std::string& message) override {
    flush();
    emit worker_.status(QString::fromStdString(message));
  }

  void flush() {
    lastEmit_ = Clock::now();
    if (pending_.iterations.empty()) return;
    pending_.clippedTotal = clipped_;
    emit worker_.iterations(pending_);
    pending_ = TrainingIterations();
  }
  qint64 lastIteration() const { return lastIteration_; }

 private:
  using Clock = std::chrono::steady_clock;
  TrainingWorker& worker_;
  TrainingIterations pending_;
  Clock::time_point lastEmit_ = Clock::now();
  qint64 clipped_ = 0;
  qint64 lastIteration_ = 0;
};

double measureTrainingThroughput(const cellscope::ModelConfig& model,
                                 const cellscope::TrainConfig& train,
                                 const std::atomic<bool>* cancel, int steps) {
  struct Times : cellscope::TrainingObserver {
    std::vector<double> seconds;
    void on_iteration(const cellscope::IterationEvent& ev) override {
      seconds.push_back(ev.seconds);
    }
  } times;
  try {
    const int V = std::max(2, model.vocab_size);
    std::vector<char32_t> codePoints;
    for (int i = 0; i < V; ++i) codePoints.push_back(static_cast<char32_t>(0x10000 + i));
    cellscope::TrainConfig t = train;
    t.max_iters = steps;
    t.max_epochs = 0;
    t.max_seconds = 0;
    t.eval_every = 0;
    t.sample_every = 0;
    t.checkpoint_every = 0;
    // Enough text for `steps` iterations in one epoch, whatever the batcher's layout.
    const auto length = static_cast<std::size_t>(t.batch_size) *
                            static_cast<std::size_t>(t.k1() * (steps + 2) + t.k2() + 1) +
                        1;
    cellscope::EncodedText text(V, length);
    std::mt19937 rng(1);
    std::uniform_int_distribution<int32_t> id(0, V - 1);
    for (std::size_t i = 0; i < length; ++i) text.set(i, id(rng));
    cellscope::Trainer trainer(model, t, cellscope::Vocabulary(std::move(codePoints)));
    trainer.run(text, cellscope::EncodedText(), &times, cancel, std::string());
  } catch (const std::exception&) {
    return -1.0;
  }
  if ((cancel && cancel->load()) || times.seconds.size() < 2) return -1.0;
  const double elapsed = times.seconds.back() - times.seconds.front();
  const double chars = static_cast<double>(train.batch_size) * train.k1() *
                       static_cast<double>(times.seconds.size() - 1);
  return elapsed > 0 ? chars / elapsed : -1.0;
}

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<TrainingRequest>();
  qRegisterMetaType<TrainingCorpusInfo>();
  qRegisterMetaType<TrainingIterations>();
  qRegisterMetaType<TrainingValidation>();
  qRegisterMetaType<TrainingSample>();
  qRegisterMetaType<TrainingCheckpoint>();
  qRegisterMetaType<TrainingFinished>();
  qRegisterMetaType<TrainingWatch>();
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::prepare() {
  const std::lock_guard<std::mutex> lock(mutex_);
  cancel_.store(false);
  paused_.store(false);
}

void TrainingWorker::setPaused(bool paused) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!paused && paused_.load()) ++resumes_;
    paused_.store(paused);
  }
  wake_.notify_all();
}

void TrainingWorker::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    cancel_.store(true);
  }
  wake_.notify_all();
}

void TrainingWorker::waitWhilePaused(Observer& observer) {
  if (!paused_.load() || cancel_.load()) return;
  observer.flush();
  std::unique_lock<std::mutex> lock(mutex_);
  // A resume and the next pause can both land before this thread wakes: the GUI waits for a
  // paused() after each pause (its "Pausing…"), so that pause is answered too.
  while (paused_.load() && !cancel_.load()) {
    const std::uint64_t resumesBefore = resumes_;
    lock.unlock();
    emit paused(observer.lastIteration());
    lock.lock();
    wake_.wait(lock, [&] {
      return !paused_.load() || cancel_.load() || resumes_ != resumesBefore;
    });
  }
}

void TrainingWorker::train(const TrainingRequest& request) {
  TrainingFinished result;
  try {
    cellscope::ModelFile resumed;
    cellscope::TrainConfig train = request.train;
    if (!request.resumePath.empty()) {
      emit status(tr("Reading %1…").arg(QString::fromStdString(request.resumePath)));
      resumed = cellscope::load_model_file(request.resumePath);
      // The file fixes the architecture and the data layout; rates and intervals may change.
      train.seq_length = resumed.train.seq_length;
      train.bptt_every = resumed.train.bptt_every;
      train.bptt_length = resumed.train.bptt_length;
      train.batch_size = resumed.train.batch_size;
      train.reset_state = resumed.train.reset_state;
      train.optimizer = resumed.train.optimizer;
      train.seed = resumed.train.seed;
    }
    emit status(tr("Loading the corpus…"));
    cellscope::CorpusOptions options;
    options.paths = request.corpusPaths;
    options.glob = request.glob;
    options.val_frac = train.val_frac;
    const cellscope::Vocabulary resumeVocab(resumed.vocabulary);
    // A corpus or model that cannot fit in the memory the machine has is refused before its
    // ids are allocated, as `train` does by default (memory_limit.h).
    const uint64_t available = cellscope::available_memory_bytes();
    const cellscope::MemoryLimit limit{
        available, "the " + cellscope::format_memory_size(available) + " of memory available"};
    cellscope::ModelConfig planned = request.resumePath.empty() ? request.model : resumed.model;
    if (request.resumePath.empty()) planned.vocab_size = 1;  // not known before the scan
    cellscope::check_model_fits(planned, train, limit);
    const cellscope::CorpusScan scan =
        cellscope::scan_corpus(options, request.resumePath.empty() ? nullptr : &resumeVocab);
    cellscope::check_corpus_fits(scan, planned, train, limit);
    const cellscope::Corpus corpus = cellscope::encode_corpus(scan);

    std::unique_ptr<cellscope::Trainer> trainer;
    if (request.resumePath.empty()) {
      trainer = std::make_unique<cellscope::Trainer>(request.model, train, corpus.vocab);
    } else {
      cellscope::model_from_file(resumed, request.resumePath);  // names the file on mismatch
      trainer = std::make_unique<cellscope::Trainer>(resumed, train);
    }
    trainer->set_corpus(cellscope::absolute_paths(options.paths), options.glob);
    trainer->set_report_dh_norms(true);
    trainer->set_keep_checkpoints(true);  // a bounded set (checkpoint_retention.h), each resumable
    std::vector<std::string> constantDetectors;
    if (!request.watchDetectors.empty()) {
      const cellscope::EncodedText& probe = corpus.val.size() >= 2 ? corpus.val : corpus.train;
      auto watch = std::make_shared<const cellscope::NeuronWatch>(
          request.watchDetectors,
          cellscope::decode_prefix(probe, trainer->vocabulary(), cellscope::kDefaultWatchChars),
          trainer->vocabulary());
      constantDetectors = watch->constant_detectors();
      trainer->set_watch(std::move(watch), request.watchEvery);
    }

    TrainingWatch resumedWatch;
    TrainingCorpusInfo info;
    info.files = static_cast<int>(corpus.files.size());
    info.bytes = corpus.bytes;
    info.trainChars = static_cast<qint64>(corpus.train.size());
    info.valChars = static_cast<qint64>(corpus.val.size());
    info.vocabSize = corpus.vocab.size();
    info.startIteration = trainer->progress().iteration;
    info.model = trainer->model().config();
    info.train = trainer->train_config();
    emit corpusLoaded(info);
    // A resumed run's plot starts with the watch history its file keeps, one event per iteration.
    for (const cellscope::WatchRecord& record : trainer->watch_history()) {
      if (resumedWatch.records.empty() || resumedWatch.iteration != record.iteration) {
        if (!resumedWatch.records.empty()) emit watch(resumedWatch);
        resumedWatch = TrainingWatch{record.iteration, 0.0, 0.0, {}};
      }
      resumedWatch.records.push_back(record);
    }
    if (!resumedWatch.records.empty()) emit watch(resumedWatch);
    if (constantDetectors.empty()) {
      emit status(tr("Training…"));
    } else {
      QStringList names;
      for (const std::string& d : constantDetectors) names << QString::fromStdString(d);
      emit status(tr("Training… (not watched: %1 never or always on in the probe text)")
                      .arg(names.join(QStringLiteral(", "))));
    }

    Observer observer(*this);
    const cellscope::TrainResult run =
        trainer->run(corpus.train, corpus.val, &observer, &cancel_, request.outputPath);
    observer.flush();
    result.ok = run.reason != cellscope::StopReason::kDiverged;
    result.cancelled = run.reason == cellscope::StopReason::kCancelled;
    result.message = QString::fromStdString(run.message);
    result.iterations = run.iterations;
    result.valLoss = run.val_loss;
  } catch (const cellscope::Error& error) {
    result.message = QString::fromUtf8(error.what());
  } catch (const std::bad_alloc&) {
    result.message = tr("Not enough memory for this corpus and model.");
  } catch (const std::exception& error) {
    result.message = tr("Training failed: %1").arg(QString::fromUtf8(error.what()));
  }
  emit finished(result);
}
