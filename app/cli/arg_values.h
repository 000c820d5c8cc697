// The values of cellscope-cli options that CLI11 cannot check by itself: `match --range A:B` and
// `--watch` detector lists. Pure functions of the text (no files, no state), so the cli_args
// fuzz target can feed them anything; each returns a value or throws Error naming the option.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cellscope::cli {

struct CharRange {
  int64_t begin = 0, end = 0;  // [begin, end), 0-based character positions
};
// "A:B" with optional spaces around the numbers; anything else throws naming the text. Whether
// A < B fits a text is checked where the text is known.
CharRange parse_char_range(const std::string& text);

// "url,double-quote,regex:a{1,3}" -> url, double-quote, regex:a{1,3}: comma-separated names,
// and a regex: entry takes the rest of its list (commas included). An empty name throws.
std::vector<std::string> split_detectors(const std::vector<std::string>& lists);

}  // namespace cellscope::cli
