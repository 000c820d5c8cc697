// Text detectors (quotes, URLs, regex). One left-to-right scan each; the URL scan looks ahead
// to the end of a URL. The regex runs libstdc++'s non-backtracking (Thompson NFA) matcher on the
// whole text, so a long match cannot overflow the stack (the backtracking one recurses once per
// character and crashes at ~30,000 characters on an 8 MB stack, measured).
#include "detectors_text.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string_view>

#include "error.h"
#include "utf8.h"

namespace cellscope::detectors {

bool is_alnum(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  return c >= 0xC0 && !(c >= 0x2000 && c <= 0x206F);
}
bool is_space(char32_t c) {
  return c <= 0x20 || c == 0x85 || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x3000;
}
bool starts_with(const Text& t, std::size_t i, const char* s, bool fold) {
  for (std::size_t k = 0; s[k] != 0; ++k, ++i) {
    char32_t c = at(t, i);
    if (fold && c < 0x80) c = static_cast<char32_t>(std::tolower(static_cast<int>(c)));
    if (c != static_cast<unsigned char>(s[k])) return false;
  }
  return true;
}

namespace {

bool one_of(char32_t c, std::u32string_view set) {
  return set.find(c) != std::u32string_view::npos;
}

// A '"' at i may open a quote: at the text's start, after whitespace, an opening bracket or an
// opening quote.
bool may_open(const Text& t, std::size_t i) {
  return i == 0 || is_space(t[i - 1]) || one_of(t[i - 1], U"([{<\u2018\u201C");
}
// A '"' at i may close one: at the text's end, before whitespace, sentence punctuation, a
// closing bracket or quote, a dash or an ellipsis.
bool may_close(const Text& t, std::size_t i) {
  return i + 1 >= t.size() || is_space(t[i + 1]) ||
         one_of(t[i + 1], U".,;:!?)]}>'\u2019\u201D-\u2013\u2014\u2026");
}
// The newline at i ends a blank line: only spaces, tabs or CRs since the previous newline.
bool ends_blank_line(const Text& t, std::size_t i) {
  std::size_t k = i;
  while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\r')) --k;
  return k > 0 && t[k - 1] == '\n';
}

}  // namespace

Values double_quote(const Text& t) {
  Values v(t.size());
  bool in = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i];
    if (c == '"') {
      const bool open = may_open(t, i), close = may_close(t, i);
      // Only-a-closer outside and only-an-opener inside change nothing; the rest toggles (a '"'
      // between two letters, or one with space on both sides).
      in = in ? (open && !close) : (open || !close);
    } else if (c == U'\u201C') {
      in = true;
    } else if (c == U'\u201D') {
      in = false;
    } else if (c == '\n' && in && ends_blank_line(t, i)) {
      in = false;
    }
    v[i] = in ? 1.0f : 0.0f;
  }
  return v;
}

Values double_quote_toggle(const Text& t) {
  Values v(t.size());
  bool in = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i];
    if (c == '"') in = !in;
    if (c == U'\u201C') in = true;
    if (c == U'\u201D') in = false;
    v[i] = in ? 1.0f : 0.0f;
  }
  return v;
}

Values single_quote(const Text& t) {
  Values v(t.size());
  bool in = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i];
    if (c == '\'' || c == U'\u2018' || c == U'\u2019') {
      const bool apostrophe = i > 0 && is_alnum(t[i - 1]) && is_alnum(at(t, i + 1));
      if (c == U'\u2018') {
        in = true;
      } else if (!apostrophe) {
        in = c == '\'' ? !in : false;
      }
    } else if (c == '\n') {
      in = false;
    }
    v[i] = in ? 1.0f : 0.0f;
  }
  return v;
}

// ---- URLs --------------------------------------------------------------------------------------

namespace {

// The length of a URL prefix at text[i] (0: none). Known schemes only, so "xhttp://" or a
// C++ "std::" is no URL.
std::size_t url_prefix(const Text& t, std::size_t i) {
  static const char* const kPrefixes[] = {"http://", "https://", "ftp://", "ftps://",   "sftp://",
                                          "file://", "ssh://",   "git://", "gopher://", "telnet://",
                                          "mailto:", "news:",    "www."};
  for (const char* p : kPrefixes) {
    if (starts_with(t, i, p, /*fold=*/true)) return std::char_traits<char>::length(p);
  }
  return 0;
}

}  // namespace

Values url(const Text& t) {
  Values v(t.size(), 0.0f);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && is_alnum(t[i - 1])) continue;
    const std::size_t prefix = url_prefix(t, i);
    if (prefix == 0) continue;
    std::size_t j = i;
    while (j < t.size() && !is_space(t[j]) && !one_of(t[j], U"<>\"'`")) ++j;
    // Trailing sentence punctuation and unmatched closers are not part of the URL:
    // "(see http://a.org/x)." or FOLDOC's "{(http://a.org/)}." end at the '/'.
    const auto count = [&](char32_t x) { return std::count(t.begin() + i, t.begin() + j, x); };
    while (j > i + prefix) {
      const char32_t c = t[j - 1];
      if (one_of(c, U".,;:!?") || (c == ')' && count('(') < count(')')) ||
          (c == ']' && count('[') < count(']')) || (c == '}' && count('{') < count('}'))) {
        --j;
      } else {
        break;
      }
    }
    if (j <= i + prefix) continue;
    std::fill(v.begin() + static_cast<std::ptrdiff_t>(i),
              v.begin() + static_cast<std::ptrdiff_t>(j), 1.0f);
    i = j - 1;
  }
  return v;
}

// ---- regex -------------------------------------------------------------------------------------

namespace {

std::size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Marks every code point overlapping a non-empty match of `re` in `bytes` (the UTF-8 of the
// code points from `first_cp` on). Matches come in increasing order, so one cursor maps bytes to
// code points.
void mark_matches(const std::regex& re, const std::string& bytes, std::size_t first_cp, Values& v) {
  std::size_t byte = 0, cp = first_cp;   // byte: where code point cp starts
  auto seek = [&](std::size_t target) {  // to the code point holding byte `target`
    while (byte + utf8_length(static_cast<unsigned char>(bytes[byte])) <= target) {
      byte += utf8_length(static_cast<unsigned char>(bytes[byte]));
      ++cp;
    }
  };
  for (auto it = std::sregex_iterator(bytes.begin(), bytes.end(), re); it != std::sregex_iterator();
       ++it) {
    const auto b = static_cast<std::size_t>(it->position(0));
    const std::size_t e = b + static_cast<std::size_t>(it->length(0));
    if (e == b) continue;
    seek(b);
    v[cp] = 1.0f;
    while (byte + utf8_length(static_cast<unsigned char>(bytes[byte])) < e) {
      byte += utf8_length(static_cast<unsigned char>(bytes[byte]));
      v[++cp] = 1.0f;
    }
  }
}

}  // namespace

Values regex_matches(const std::string& pattern, const Text& t) {
  const auto flags = std::regex::ECMAScript | std::regex::multiline;
  std::regex re;
  bool whole_text = true;
  try {
#if defined(__GLIBCXX__)
    re = std::regex(pattern, flags | std::regex_constants::__polynomial);
#else
    whole_text = false;  // no non-backtracking matcher known: bound the recursion by lines
    re = std::regex(pattern, flags);
#endif
  } catch (const std::regex_error&) {
    whole_text = false;  // back-references need the backtracking matcher (or the pattern is bad)
    try {
      re = std::regex(pattern, flags);
    } catch (const std::regex_error& e) {
      throw Error("invalid regular expression '" + pattern + "': " + e.what());
    }
  }
  Values v(t.size(), 0.0f);
  std::string bytes;
  try {
    if (whole_text) {
      bytes.reserve(t.size());
      for (char32_t c : t) utf8_append(bytes, c);
      mark_matches(re, bytes, 0, v);
      return v;
    }
    for (std::size_t first = 0; first < t.size();) {
      std::size_t last = first;
      while (last < t.size() && t[last] != '\n') ++last;
      bytes.clear();
      for (std::size_t i = first; i < last; ++i) utf8_append(bytes, t[i]);
      mark_matches(re, bytes, first, v);
      first = last + 1;
    }
  } catch (const std::regex_error& e) {
    throw Error("regular expression '" + pattern + "' failed: " + e.what());
  }
  return v;
}

}  // namespace cellscope::detectors
