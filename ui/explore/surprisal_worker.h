// SurprisalWorker: per-character surprisal and entropy (engine/surprisal_models.h) of the
// explorer's model (slot A) and of a second model (slot B: a .csm, a kept checkpoint or an
// n-gram file) on the same text, on its own QThread, then compare_scores() over both. Each slot
// has an atomic wanted job id: a scoring pass stops between chunks once its job is no longer
// wanted (the probe's chunks are the slices), and results for stale jobs are dropped by the GUI.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <string>

#include "compare.h"
#include "surprisal.h"

struct WorkerModel;
namespace cellscope {
struct ModelFile;
class ScoringModel;
}  // namespace cellscope

// One slot's scores over one text. `scores` is null when the job failed (then `error` names the
// file and the cause) or was cancelled.
struct SurprisalResult {
  quint64 jobId = 0;
  int slot = 0;         // 0: the explorer's model, 1: the second model
  QString path;         // slot B's file (empty for A)
  QString description;  // "lstm 2x256", "8-gram (Kneser-Ney)"
  std::shared_ptr<const cellscope::CharScores> scores;
  qint64 unknown = 0;  // characters outside that model's vocabulary
  QString error;
};

struct ComparisonResult {
  quint64 jobId = 0;
  std::shared_ptr<const cellscope::Comparison> comparison;
  QString error;
};

Q_DECLARE_METATYPE(SurprisalResult)
Q_DECLARE_METATYPE(ComparisonResult)

class SurprisalWorker : public QObject {
  Q_OBJECT

 public:
  explicit SurprisalWorker(QObject* parent = nullptr);
  ~SurprisalWorker() override;

  // Thread-safe: a pass of `slot` for another job stops at its next chunk (0 stops it).
  void want(int slot, quint64 jobId) { wanted_[slot].store(jobId, std::memory_order_relaxed); }
  quint64 wanted(int slot) const { return wanted_[slot].load(std::memory_order_relaxed); }

 public slots:
  // Builds slot A's own network from `file` (a copy of the explorer's model).
  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  // Loads slot B from `path` (null `text`: load only) and scores `text` with it. A file that
  // cannot be read ends in scored() with an error and leaves the previous second model as it was.
  void loadSecond(quint64 jobId, const QString& path, std::shared_ptr<const std::u32string> text);
  // Forgets slot B.
  void closeSecond();
  // Scores `text` with slot `slot`'s model (B must have been loaded).
  void score(quint64 jobId, int slot, std::shared_ptr<const std::u32string> text);
  // compare_scores over every registry detector; emits compared().
  void compare(quint64 jobId, std::shared_ptr<const cellscope::CharScores> a,
               std::shared_ptr<const cellscope::CharScores> b,
               std::shared_ptr<const std::u32string> text);

 signals:
  void progress(quint64 jobId, int slot, double fraction);
  void scored(const SurprisalResult& result);
  void compared(const ComparisonResult& result);

 private:
  std::unique_ptr<WorkerModel> engine_;  // slot A's own network (never shared between threads)
  std::unique_ptr<cellscope::ScoringModel> models_[2];
  QString modelError_;
  QString secondPath_;
  std::atomic<quint64> wanted_[2] = {0, 0};
};
