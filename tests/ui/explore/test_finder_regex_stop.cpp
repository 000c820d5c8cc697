// The finder on a regex whose search is slow (every match scans on to the text's end, see
// engine/detectors.h): the search reports progress in the first tenth of the bar, and a job
// superseded during the search ends cancelled, not failed, without reaching the neuron pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "explore/analysis_worker.h"
#include "random_model.h"

namespace {

using cellscope::Quantity;

std::shared_ptr<const cellscope::ModelFile> smallModel() {
  return std::make_shared<const cellscope::ModelFile>(
      ui_test::randomModel(U"\n ab\"", 16, 1, 31, 3.0f));
}

FindRequest regexFind(quint64 jobId, const std::string& pattern) {
  FindRequest request;
  request.textId = 1;
  request.jobId = jobId;
  request.detector = "regex:" + pattern;
  request.quantity = Quantity::kHidden;
  return request;
}

struct FindRun {
  std::vector<FindResult> found;
  std::vector<double> fractions;  // job 1's progress reports, in order
};

// Runs job 1 on this thread; `onProgress` is called inside each of its progress reports.
FindRun runFind(const std::u32string& text, const std::string& pattern,
            const std::function<void(AnalysisWorker&, double)>& onProgress) {
  AnalysisWorker worker;
  worker.setModel(smallModel());
  worker.setText(1, text);
  worker.wantText(1);
  worker.wantJob(AnalysisWorker::Kind::kFind, 1);
  FindRun run;
  QObject::connect(&worker, &AnalysisWorker::progress, [&](quint64 jobId, double fraction) {
    if (jobId != 1) return;
    run.fractions.push_back(fraction);
    onProgress(worker, fraction);
  });
  QObject::connect(&worker, &AnalysisWorker::found,
                   [&](const FindResult& r) { run.found.push_back(r); });
  worker.find(regexFind(1, pattern));
  return run;
}

}  // namespace

TEST(FinderRegexStop, ASlowSearchSupersededWhileSearchingEndsCancelledNotFailed) {
  // 40,000 characters of "a": about 2 s of searching for a[\s\S]*b|a (quadratic), ~0.05 s to
  // the first report (every 64 matches, throttled to one per 30 ms).
  const std::u32string text(40000, U'a');
  const FindRun run = runFind(text, "a[\\s\\S]*b|a", [](AnalysisWorker& worker, double) {
    worker.wantJob(AnalysisWorker::Kind::kFind, 2);  // the user started another find
  });
  ASSERT_EQ(run.found.size(), 1u);
  EXPECT_TRUE(run.found[0].cancelled);
  EXPECT_TRUE(run.found[0].error.isEmpty()) << run.found[0].error.toStdString();
  EXPECT_TRUE(run.found[0].scores.empty());
  EXPECT_EQ(run.found[0].positions, 0) << "the search ran to its end before the job stopped";
  ASSERT_FALSE(run.fractions.empty()) << "the search never reported progress";
  EXPECT_LT(*std::max_element(run.fractions.begin(), run.fractions.end()), 0.1)
      << "the job went on past the search";
}

TEST(FinderRegexStop, ARegexFindReportsTheSearchThenThePassInOrder) {
  std::u32string text;
  while (text.size() < 30000) text += U"ab \"ba\" a\n";
  const FindRun run = runFind(text, "\"[^\"]*\"", [](AnalysisWorker&, double) {});
  ASSERT_EQ(run.found.size(), 1u);
  EXPECT_FALSE(run.found[0].cancelled);
  EXPECT_TRUE(run.found[0].error.isEmpty()) << run.found[0].error.toStdString();
  EXPECT_FALSE(run.found[0].scores.empty());
  EXPECT_TRUE(std::is_sorted(run.fractions.begin(), run.fractions.end()));
  ASSERT_FALSE(run.fractions.empty());
  EXPECT_EQ(run.fractions.back(), 1.0);
}
