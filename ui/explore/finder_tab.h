// FinderSession and FinderTab: what the finder's Find, Match and Saturation tabs share — the
// AnalysisWorker (reached only through queued calls carrying copies), the model, the text with
// its id and the user's selection — and the job bookkeeping each tab repeats: one running job at
// a time, a progress bar and a status line. A result counts only if its job id is the tab's
// running one and its text id the session's current one; anything else is stale and dropped.
#pragma once

#include <QLabel>
#include <QMetaObject>
#include <QProgressBar>
#include <QString>
#include <QWidget>
#include <memory>
#include <string>

#include "analysis_worker.h"
#include "config.h"

namespace cellscope {
struct ModelFile;
}

// Owned by NeuronFinderPanel, which outlives its tabs; tabs read it and bump nextJob only.
struct FinderSession {
  AnalysisWorker* worker = nullptr;
  std::shared_ptr<const cellscope::ModelFile> model;
  cellscope::ModelConfig config;
  std::u32string text;
  quint64 textId = 0;
  quint64 nextJob = 0;  // job ids increase over all kinds
  qint64 selectionBegin = 0, selectionEnd = 0;

  bool hasSelection() const { return selectionEnd > selectionBegin; }
  // The text [begin, end) as one line (↵ newline, → tab), cut with … after maxChars.
  QString excerpt(qint64 begin, qint64 end, int maxChars) const;
};

class FinderTab : public QWidget {
  Q_OBJECT

 public:
  FinderTab(FinderSession* session, const QString& progressName, const QString& statusName,
            QWidget* parent = nullptr);

  bool isBusy() const { return running_ != 0; }
  QString status() const { return status_->text(); }
  // A new model or text: the running job (if any) is forgotten, its result will be dropped.
  void reset();
  void showProgress(quint64 jobId, double fraction);

 protected:
  virtual void clearResults() = 0;
  // False (with a hint in the status line) without a model or a text.
  bool checkReady();
  // Sends `request` (ids filled in) to the worker's `slot` as this tab's running job.
  template <typename Request>
  void startJob(Request request, void (AnalysisWorker::*slot)(const Request&),
                AnalysisWorker::Kind kind);
  // True when `result` is this tab's running job (then ended) and succeeded; shows its error or
  // cancellation in the status line.
  template <typename Result>
  bool finishJob(const Result& result);

  FinderSession* session_;
  QProgressBar* progress_;
  QLabel* status_;

 private:
  quint64 running_ = 0;  // 0: none
};

template <typename Request>
void FinderTab::startJob(Request request, void (AnalysisWorker::*slot)(const Request&),
                         AnalysisWorker::Kind kind) {
  request.textId = session_->textId;
  request.jobId = running_ = ++session_->nextJob;
  session_->worker->wantJob(kind, request.jobId);
  progress_->setValue(0);
  progress_->show();
  status_->setText(tr("Reading the text…"));
  AnalysisWorker* worker = session_->worker;
  QMetaObject::invokeMethod(
      worker, [worker, slot, request] { (worker->*slot)(request); }, Qt::QueuedConnection);
}

template <typename Result>
bool FinderTab::finishJob(const Result& result) {
  if (result.jobId != running_ || result.textId != session_->textId) return false;  // stale
  running_ = 0;
  progress_->hide();
  if (!result.error.isEmpty()) {
    status_->setText(tr("Error: %1").arg(result.error));
  } else if (result.cancelled) {
    status_->setText(tr("Cancelled."));
  }
  return result.error.isEmpty() && !result.cancelled;
}
