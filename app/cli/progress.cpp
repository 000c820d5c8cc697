// Progress line implementation: throttled, terminal-aware, never interleaved with messages.
#include "progress.h"

#include <unistd.h>

#include <cmath>

namespace cellscope::cli {

ProgressLine::ProgressLine(std::FILE* out) : out_(out), tty_(isatty(fileno(out)) != 0) {}

ProgressLine::~ProgressLine() {
  finish();
}

void ProgressLine::update(const std::string& text, bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double min_gap = tty_ ? 0.2 : 10.0;
  if (!force && has_last_ && std::chrono::duration<double>(now - last_).count() < min_gap) return;
  last_ = now;
  has_last_ = true;
  if (tty_) {
    std::string line = "\r" + text;
    if (text.size() < last_width_) line += std::string(last_width_ - text.size(), ' ');
    last_width_ = text.size();
    std::fputs(line.c_str(), out_);
    open_ = true;
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

void ProgressLine::finish() {
  if (open_) {
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  open_ = false;
  last_width_ = 0;
}

void ProgressLine::message(const std::string& text) {
  finish();
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

std::string format_duration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

std::string format_count(double value) {
  const long long v = std::llround(value);
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

}  // namespace cellscope::cli
