// Option values CLI11 cannot check (see arg_values.h). Invariant: nothing here reads a file or
// keeps state, and every failure is an Error whose message names the option and the text.
#include "arg_values.h"

#include <sstream>

#include "error.h"

namespace cellscope::cli {

CharRange parse_char_range(const std::string& text) {
  std::istringstream in(text);
  CharRange r;
  char colon = 0;
  std::string rest;
  if (!(in >> r.begin >> colon >> r.end) || colon != ':' || (in >> rest)) {
    throw Error("--range must be A:B (character positions, 0-based, B exclusive), not '" + text +
                "'");
  }
  return r;
}

std::vector<std::string> split_detectors(const std::vector<std::string>& lists) {
  std::vector<std::string> out;
  for (const std::string& list : lists) {
    std::size_t at = 0;
    while (at <= list.size()) {
      const bool regex = list.compare(at, 6, "regex:") == 0;
      const std::size_t comma = regex ? std::string::npos : list.find(',', at);
      const std::string name = list.substr(at, comma == std::string::npos ? comma : comma - at);
      if (name.empty()) throw Error("--watch '" + list + "' has an empty detector name");
      out.push_back(name);
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
  }
  return out;
}

}  // namespace cellscope::cli
