// Detectors on plain text (prose or anything): double quotes (typographic and toggling), single
// quotes, URLs and regular expressions. Each returns one value per code point (0/1) and is
// registered by name in detectors.cpp, whose header documents the rules the user sees. The
// small character classes here are shared with the C and LaTeX detectors.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace cellscope::detectors {

using Text = std::u32string;
using Values = std::vector<float>;

// Letters and digits, roughly (ASCII exactly; beyond it, anything from U+00C0 on that is not
// general punctuation).
bool is_alnum(char32_t c);
bool is_space(char32_t c);  // ASCII controls and blanks, NEL, NBSP, Unicode spaces
inline char32_t at(const Text& t, std::size_t i) {
  return i < t.size() ? t[i] : 0;
}
// text[i..] starts with `s` (ASCII), case-insensitively when `fold`.
bool starts_with(const Text& t, std::size_t i, const char* s, bool fold = false);

Values double_quote(const Text& t);         // typographic: see detectors.h
Values double_quote_toggle(const Text& t);  // every " toggles
Values single_quote(const Text& t);
Values url(const Text& t);
// Throws Error for an invalid pattern, or when `progress` (fraction of the text searched; may
// be empty) returns false.
Values regex_matches(const std::string& pattern, const Text& t,
                     const std::function<bool(double)>& progress);

}  // namespace cellscope::detectors
