// Finds a sanitizer's report in a child process's output (cellscope-cli run by a test). Under the
// asan and tsan presets a child that leaks or races can still exit with the status its test
// expects (a refused file exits 1 either way), so the tests that start children also look here.
// Empty when there is none; in a normal build nothing prints these lines.
#pragma once

#include <string>

#include <gtest/gtest.h>

namespace cellscope::testing_util {

inline std::string sanitizer_report(const std::string& output) {
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                             "WARNING: ThreadSanitizer", ": runtime error: "}) {
    const std::size_t at = output.find(marker);
    if (at == std::string::npos) continue;
    const std::size_t line = output.rfind('\n', at);
    return output.substr(line == std::string::npos ? 0 : line + 1);
  }
  return {};
}

// Fails the calling test with the report, naming the child (`what`), when `output` holds one.
inline void expect_no_sanitizer_report(const std::string& output, const std::string& what) {
  const std::string report = sanitizer_report(output);
  if (!report.empty()) ADD_FAILURE() << what << "\n" << report;
}

}  // namespace cellscope::testing_util
