// AnalysisWorker: the neuron finder's engine side, on its own QThread. It owns a Model<float>
// built from a ModelFile and one Probe over the current text; each job (find, match, saturation)
// is one full probe pass. A job runs while its text id and its job id (per kind) are the wanted
// ones (std::atomics, set from any thread) and stops at the next chunk otherwise. Results leave
// as value types; errors come back as a message in them, never as an exception.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "neuron_search.h"
#include "probe.h"
#include "saturation.h"

namespace cellscope {
struct ModelFile;
}

// What every job carries: the text it is for and its own id (ids increase over all kinds).
struct AnalysisJob {
  quint64 textId = 0;
  quint64 jobId = 0;
};

// Rank neurons against a detector ("double-quote", "regex:...") or, when `detector` is empty,
// a 0/1 target that is 1 inside the spans [begin, end).
struct FindRequest : AnalysisJob {
  std::string detector;
  std::vector<std::pair<qint64, qint64>> spans;
  cellscope::Quantity quantity = cellscope::Quantity::kHidden;
  int top = 100;
};

struct FindResult : AnalysisJob {
  cellscope::Quantity quantity = cellscope::Quantity::kHidden;
  QString target;                              // the detector spec, or "selection"
  std::vector<cellscope::NeuronScore> scores;  // by |r| descending, at most request.top
  qint64 positives = 0, positions = 0;         // AUC positives of the target, text length
  bool cancelled = false;
  QString error;
};

struct MatchRequest : AnalysisJob {
  cellscope::MatchQuery query;
};

struct MatchJobResult : AnalysisJob {
  cellscope::MatchQuery query;
  cellscope::MatchResult result;
  bool cancelled = false;
  QString error;
};

using SaturationRequest = AnalysisJob;

struct SaturationResult : AnalysisJob {
  int layers = 0, hidden = 0;
  std::vector<cellscope::Quantity> gates;     // the cell's sigmoid gates, in cell order
  std::vector<cellscope::NeuronStats> stats;  // gates only: by layer, gate, neuron
  bool cancelled = false;
  QString error;
};

Q_DECLARE_METATYPE(FindResult)
Q_DECLARE_METATYPE(MatchJobResult)
Q_DECLARE_METATYPE(SaturationResult)

class AnalysisWorker : public QObject {
  Q_OBJECT

 public:
  enum class Kind { kFind = 0, kMatch = 1, kSaturation = 2 };

  explicit AnalysisWorker(QObject* parent = nullptr);
  ~AnalysisWorker() override;

  // Thread-safe. Jobs for other texts stop at their next chunk (0 stops every job).
  void wantText(quint64 textId) { wantedText_.store(textId, std::memory_order_relaxed); }
  // Thread-safe. Jobs of `kind` other than `jobId` stop at their next chunk.
  void wantJob(Kind kind, quint64 jobId) {
    wantedJob_[static_cast<std::size_t>(kind)].store(jobId, std::memory_order_relaxed);
  }

  static constexpr int kProgressMilliseconds = 30;

 public slots:
  // Builds this worker's own model (and forgets the text); an invalid file is reported by jobs.
  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  // Encodes `text` with the model's vocabulary (unknown characters: its fallback id).
  void setText(quint64 textId, const std::u32string& text);
  void find(const FindRequest& request);
  void match(const MatchRequest& request);
  void saturation(const SaturationRequest& request);

 signals:
  void progress(quint64 jobId, double fraction);
  void found(const FindResult& result);
  void matched(const MatchJobResult& result);
  void saturationReady(const SaturationResult& result);

 private:
  struct Engine;
  struct Text;
  bool wanted(Kind kind, const AnalysisJob& job) const;
  // The probe for `job`'s text; throws cellscope::Error with a readable message when none.
  cellscope::Probe& probeFor(const AnalysisJob& job);
  cellscope::ProgressFn progressFn(Kind kind, const AnalysisJob& job);
  // Runs work(probe, progress) for `job`, filling in result's ids, cancelled and error.
  template <typename Result, typename Work>
  void runJob(Kind kind, const AnalysisJob& job, Result* result, Work work);

  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Text> text_;
  QString modelError_;
  std::atomic<quint64> wantedText_{0};
  std::array<std::atomic<quint64>, 3> wantedJob_{};
};
