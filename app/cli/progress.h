// ProgressLine: one live status line on stderr. On a terminal it is redrawn in place (\r) at
// most 5 times a second; when stderr is a file or pipe, a full line is written every 10 s so
// logs stay readable. finish() ends the line.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace cellscope::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::FILE* out = stderr);
  ~ProgressLine();
  void update(const std::string& text, bool force = false);
  void finish();
  // Prints a message on its own line without breaking the progress line.
  void message(const std::string& text);

 private:
  std::FILE* out_;
  bool tty_;
  bool open_ = false;
  std::size_t last_width_ = 0;
  std::chrono::steady_clock::time_point last_;
  bool has_last_ = false;
};

// "45s", "3m12s", "1h02m"; "?" for negative values.
std::string format_duration(double seconds);
// 12345.6 -> "12,346"
std::string format_count(double value);

}  // namespace cellscope::cli
