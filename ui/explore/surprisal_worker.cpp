// SurprisalWorker: every call runs on the worker's thread; the GUI only touches the atomics.
// Scores are handed over as shared immutable arrays, so the GUI keeps them without copying and
// a recolour (a subtraction, a unit change) never waits for this thread.
#include "surprisal_worker.h"

#include <QFileInfo>
#include <chrono>
#include <exception>

#include "checkpoint.h"
#include "common/worker_model.h"
#include "surprisal_models.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

SurprisalWorker::SurprisalWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<SurprisalResult>();
  qRegisterMetaType<ComparisonResult>();
}

SurprisalWorker::~SurprisalWorker() = default;

void SurprisalWorker::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  models_[0].reset();  // it refers to the old network
  modelError_ = reloadWorkerModel(engine_, file.get());
  if (engine_) {
    models_[0] = cellscope::ScoringModel::of_network(*engine_->model, engine_->vocabulary,
                                                     "explorer model");
  }
}

void SurprisalWorker::loadSecond(quint64 jobId, const QString& path,
                                 std::shared_ptr<const std::u32string> text) {
  if (wanted(1) != jobId) return;
  SurprisalResult result;
  result.jobId = jobId;
  result.slot = 1;
  result.path = path;
  try {
    if (!QFileInfo::exists(path)) throw std::runtime_error("no such file");
    auto loaded = cellscope::ScoringModel::load(path.toStdString());
    models_[1] = std::move(loaded);
    secondPath_ = path;
  } catch (const std::exception& error) {
    QString cause = QString::fromUtf8(error.what());
    // The engine's messages usually name the file already; say it once either way.
    if (!cause.contains(path)) cause = tr("%1: %2").arg(path, cause);
    result.error = tr("Cannot open %1 as a second model: %2")
                       .arg(QFileInfo(path).fileName(), cause);
    emit scored(result);
    return;
  }
  if (text) {
    score(jobId, 1, std::move(text));
  } else {
    result.description = QString::fromStdString(models_[1]->description());
    emit scored(result);
  }
}

void SurprisalWorker::closeSecond() {
  models_[1].reset();
  secondPath_.clear();
}

void SurprisalWorker::score(quint64 jobId, int slot, std::shared_ptr<const std::u32string> text) {
  if (wanted(slot) != jobId) return;
  SurprisalResult result;
  result.jobId = jobId;
  result.slot = slot;
  result.path = slot == 1 ? secondPath_ : QString();
  cellscope::ScoringModel* model = models_[slot].get();
  if (!model) {
    result.error = slot == 0 ? (modelError_.isEmpty() ? tr("Open a model first.") : modelError_)
                             : tr("No second model is open.");
    emit scored(result);
    return;
  }
  result.description = QString::fromStdString(model->description());
  auto lastReport = Clock::now();
  const cellscope::ProgressFn keepGoing = [&](double fraction) {
    if (wanted(slot) != jobId) return false;
    if (Clock::now() - lastReport > std::chrono::milliseconds(50)) {
      lastReport = Clock::now();
      emit progress(jobId, slot, fraction);
    }
    return true;
  };
  try {
    int64_t unknown = 0;
    // The explorer shows entropy for its own model only: an n-gram B skips its distributions.
    cellscope::CharScores scores = model->score(*text, slot == 0, keepGoing, &unknown);
    if (scores.size() == 0) return;  // cancelled: a newer job follows
    result.unknown = unknown;
    result.scores = std::make_shared<const cellscope::CharScores>(std::move(scores));
  } catch (const std::exception& error) {
    result.error = tr("Cannot score the text with %1: %2")
                       .arg(slot == 1 ? QFileInfo(secondPath_).fileName() : tr("the model"),
                            QString::fromUtf8(error.what()));
  }
  emit scored(result);
}

void SurprisalWorker::compare(quint64 jobId, std::shared_ptr<const cellscope::CharScores> a,
                              std::shared_ptr<const cellscope::CharScores> b,
                              std::shared_ptr<const std::u32string> text) {
  if (wanted(1) != jobId) return;
  ComparisonResult result;
  result.jobId = jobId;
  try {
    result.comparison = std::make_shared<const cellscope::Comparison>(
        cellscope::compare_scores(*a, *b, *text, cellscope::all_detector_names()));
  } catch (const std::exception& error) {
    result.error = QString::fromUtf8(error.what());
  }
  emit compared(result);
}
