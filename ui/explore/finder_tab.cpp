// FinderTab's non-template half: reset, progress and the "load a model / open a text" check.
// A reset never touches the worker: the session's new text id is what makes old results stale.
#include "finder_tab.h"

#include <cmath>

#include "finder_widgets.h"

QString FinderSession::excerpt(qint64 begin, qint64 end, int maxChars) const {
  QString out;
  for (qint64 i = begin; i < end && i < static_cast<qint64>(text.size()); ++i) {
    if (i - begin == maxChars) return out + QStringLiteral("…");
    const char32_t c = text[static_cast<std::size_t>(i)];
    if (c == U'\n') {
      out += QStringLiteral("↵");
    } else if (c == U'\t') {
      out += QStringLiteral("→");
    } else {
      out += QString::fromUcs4(&c, 1);
    }
  }
  return out;
}

FinderTab::FinderTab(FinderSession* session, const QString& progressName,
                     const QString& statusName, QWidget* parent)
    : QWidget(parent),
      session_(session),
      progress_(finder::makeProgress(progressName)),
      status_(finder::makeStatus(statusName)) {}

void FinderTab::reset() {
  running_ = 0;  // its result will be stale: dropped
  progress_->hide();
  status_->clear();
  clearResults();
}

void FinderTab::showProgress(quint64 jobId, double fraction) {
  if (jobId == 0 || jobId != running_) return;
  progress_->setValue(static_cast<int>(std::lround(fraction * finder::kProgressSteps)));
}

bool FinderTab::checkReady() {
  if (!session_->model) {
    status_->setText(tr("Load a model first."));
  } else if (session_->text.empty()) {
    status_->setText(tr("Open a text first."));
  } else {
    return true;
  }
  return false;
}
