// Finds a sanitizer's report in a child process's output (cellscope-cli run by a test). Under the
// asan and tsan presets a child that leaks or races can still exit with the status its test
// expects (a refused file exits 1 either way), so the tests that start children also look here.
// Empty when there is none; in a normal build nothing prints these lines.
#pragma once

#include <string>

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

}  // namespace cellscope::testing_util
