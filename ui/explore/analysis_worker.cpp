// AnalysisWorker: one Probe per text, kept between jobs (its checkpoints make match's replay of
// the selected range cheap). Every engine call is wrapped: an exception becomes the result's
// error. Progress goes out at most every ~30 ms, then 1.0 at the end of a completed pass.
#include "analysis_worker.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "checkpoint.h"
#include "detectors.h"
#include "error.h"
#include "trainer.h"
#include "vocabulary.h"
#include "common/worker_model.h"

struct AnalysisWorker::Engine : WorkerModel {};

struct AnalysisWorker::Text {
  quint64 id = 0;
  std::u32string chars;
  cellscope::EncodedText encoded;
  std::unique_ptr<cellscope::Probe> probe;  // refers to `encoded` and the engine's model
};

AnalysisWorker::AnalysisWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<FindResult>();
  qRegisterMetaType<MatchJobResult>();
  qRegisterMetaType<SaturationResult>();
}

AnalysisWorker::~AnalysisWorker() = default;

void AnalysisWorker::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  text_.reset();  // its probe refers to the old model
  modelError_ = reloadWorkerModel(engine_, file.get());
}

void AnalysisWorker::setText(quint64 textId, const std::u32string& text) {
  text_.reset();
  if (!engine_ || text.empty()) return;  // jobs report why
  auto t = std::make_unique<Text>();
  t->id = textId;
  t->chars = text;
  t->encoded = engine_->encode(text);
  t->probe = std::make_unique<cellscope::Probe>(*engine_->model, t->encoded);
  text_ = std::move(t);
}

bool AnalysisWorker::wanted(Kind kind, const AnalysisJob& job) const {
  return wantedText_.load(std::memory_order_relaxed) == job.textId &&
         wantedJob_[static_cast<std::size_t>(kind)].load(std::memory_order_relaxed) == job.jobId;
}

cellscope::Probe& AnalysisWorker::probeFor(const AnalysisJob& job) {
  if (!engine_) {
    throw cellscope::Error(modelError_.isEmpty() ? "no model is loaded"
                                                 : modelError_.toStdString());
  }
  if (!text_ || text_->id != job.textId) throw cellscope::Error("no text is open");
  return *text_->probe;
}

cellscope::ProgressFn AnalysisWorker::progressFn(Kind kind, const AnalysisJob& job) {
  using Clock = std::chrono::steady_clock;
  auto last = std::make_shared<Clock::time_point>(Clock::now());
  return [this, kind, job, last](double fraction) {
    if (Clock::now() - *last >= std::chrono::milliseconds(kProgressMilliseconds)) {
      emit progress(job.jobId, fraction);
      *last = Clock::now();
    }
    return wanted(kind, job);
  };
}

template <typename Result, typename Work>
void AnalysisWorker::runJob(Kind kind, const AnalysisJob& job, Result* result, Work work) {
  static_cast<AnalysisJob&>(*result) = job;
  result->cancelled = !wanted(kind, job);
  if (result->cancelled) return;
  try {
    work(probeFor(job), progressFn(kind, job));
    result->cancelled = !wanted(kind, job);  // an unwanted job's pass has stopped early
    if (!result->cancelled) emit progress(job.jobId, 1.0);
  } catch (const std::exception& error) {
    // A job stopped because it is no longer wanted (a regex search throws when stopped) is
    // cancelled, not failed.
    result->cancelled = !wanted(kind, job);
    if (!result->cancelled) result->error = QString::fromUtf8(error.what());
  }
}

namespace {

// The 0/1 target of a span selection; throws Error when it selects nothing.
cellscope::Signal spanTarget(const std::vector<std::pair<qint64, qint64>>& spans,
                             std::size_t length) {
  cellscope::Signal signal;
  signal.name = "selection";
  signal.values.assign(length, 0.0f);
  const auto n = static_cast<qint64>(length);
  for (const auto& [begin, end] : spans) {
    for (qint64 i = std::max<qint64>(begin, 0); i < std::min(end, n); ++i)
      signal.values[static_cast<std::size_t>(i)] = 1.0f;
  }
  if (std::find(signal.values.begin(), signal.values.end(), 1.0f) == signal.values.end()) {
    throw cellscope::Error(
        "the selection is empty: select a span of the text first (the target is 1 inside it, "
        "0 elsewhere)");
  }
  return signal;
}

}  // namespace

void AnalysisWorker::find(const FindRequest& request) {
  FindResult result;
  result.quantity = request.quantity;
  result.target = request.detector.empty() ? QStringLiteral("selection")
                                           : QString::fromStdString(request.detector);
  runJob(Kind::kFind, request, &result,
         [&](cellscope::Probe& probe, const cellscope::ProgressFn& progress) {
           cellscope::require_quantity(probe.model().config().cell, request.quantity);
           // A regex search can take long (detectors.h): the first tenth of the bar, and
           // Cancel stops it.
           const bool regex = request.detector.rfind("regex:", 0) == 0;
           const double searchShare = regex ? 0.1 : 0.0;
           const cellscope::Signal target =
               request.detector.empty()
                   ? spanTarget(request.spans, text_->chars.size())
                   : cellscope::detect(request.detector, text_->chars,
                                       [&](double f) { return progress(searchShare * f); });
           const double threshold = cellscope::auc_threshold(target.values, target.binary);
           result.positions = static_cast<qint64>(target.values.size());
           for (float v : target.values) result.positives += static_cast<double>(v) > threshold;
           if (result.positives == 0 || result.positives == result.positions) {
             throw cellscope::Error(result.target.toStdString() +
                                    (result.positives == 0 ? " finds nothing in this text"
                                                           : " covers the whole text") +
                                    ": nothing to correlate with");
           }
           result.scores = cellscope::find_neurons(
               probe, request.quantity, target.values, threshold,
               [&](double f) { return progress(searchShare + (1.0 - searchShare) * f); });
           if (static_cast<int>(result.scores.size()) > request.top)
             result.scores.resize(static_cast<std::size_t>(request.top));
         });
  emit found(result);
}

void AnalysisWorker::match(const MatchRequest& request) {
  MatchJobResult result;
  result.query = request.query;
  runJob(Kind::kMatch, request, &result,
         [&](cellscope::Probe& probe, const cellscope::ProgressFn& progress) {
           result.result = cellscope::match_ranges(probe, request.query, progress);
         });
  emit matched(result);
}

void AnalysisWorker::saturation(const SaturationRequest& request) {
  SaturationResult result;
  runJob(Kind::kSaturation, request, &result,
         [&](cellscope::Probe& probe, const cellscope::ProgressFn& progress) {
           const cellscope::ModelConfig& config = probe.model().config();
           result.layers = config.num_layers;
           result.hidden = config.hidden_size;
           for (cellscope::Quantity q : cellscope::cell_quantities(config.cell)) {
             if (cellscope::quantity_range(q) == cellscope::QuantityRange::kUnit)
               result.gates.push_back(q);
           }
           if (result.gates.empty())
             throw cellscope::Error("a vanilla RNN has no gates to saturate");
           for (const cellscope::NeuronStats& s : cellscope::saturation(probe, progress)) {
             if (cellscope::quantity_range(s.quantity) == cellscope::QuantityRange::kUnit)
               result.stats.push_back(s);
           }
         });
  emit saturationReady(result);
}
