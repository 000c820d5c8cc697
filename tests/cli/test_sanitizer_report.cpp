// The check that fails a CLI or robustness test when its cellscope-cli child printed a sanitizer
// report (tests/common/sanitizer_report.h): each sanitizer's first line is found, with what
// follows it, and an ordinary error message is not mistaken for one.
#include <gtest/gtest.h>

#include <string>

#include "../common/sanitizer_report.h"

namespace cellscope::testing_util {
namespace {

TEST(SanitizerReport, FindsEachSanitizersReportFromItsFirstLine) {
  const std::string reports[] = {
      "==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602",
      "==12==ERROR: LeakSanitizer: detected memory leaks",
      "WARNING: ThreadSanitizer: data race (pid=12)",
      "engine/corpus.cpp:41:7: runtime error: signed integer overflow"};
  for (const std::string& report : reports) {
    const std::string err = "cellscope-cli: training on x.txt\n" + report + "\n    #0 0x4 in main\n";
    EXPECT_EQ(sanitizer_report(err), report + "\n    #0 0x4 in main\n") << report;
  }
}

TEST(SanitizerReport, AnOrdinaryErrorIsNotAReport) {
  EXPECT_EQ(sanitizer_report(""), "");
  EXPECT_EQ(sanitizer_report("error: bad.csm: the file ends inside the header (runtime: 3 s)\n"),
            "");
  EXPECT_EQ(sanitizer_report("error: x.txt: an AddressSanitizer build is not needed\n"), "");
}

}  // namespace
}  // namespace cellscope::testing_util
