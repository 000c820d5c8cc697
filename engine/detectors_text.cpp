// Text detectors (quotes, URLs, regex). One left-to-right scan each; the URL scan looks ahead
// to the end of a URL. The regex runs RE2 (Debian's libre2): linear in the text for any pattern,
// with bounded memory, because a pattern is typed by a user or read from a file. std::regex was
// not: stacked quantifiers (a**??) ran for minutes on 19 characters, and its backtracking matcher
// overflows the stack at ~30,000-character matches (both found by fuzzing and tests).
#include "detectors_text.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <re2/re2.h>

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

// Why RE2 refused `pattern`, in the user's terms: RE2 names the fragment, and a pattern written
// for a backtracking engine most often fails on the two things RE2 leaves out by design.
std::string refusal(const std::string& pattern, const RE2& re) {
  std::string why = "invalid regular expression '" + pattern + "': " + re.error();
  const bool backref = re.error_code() == RE2::ErrorBadEscape &&
                       re.error_arg().size() == 2 && re.error_arg()[1] >= '1' &&
                       re.error_arg()[1] <= '9';
  const bool lookaround = pattern.find("(?=") != std::string::npos ||
                          pattern.find("(?!") != std::string::npos ||
                          pattern.find("(?<=") != std::string::npos ||
                          pattern.find("(?<!") != std::string::npos;
  if (backref || lookaround) {
    why += " (RE2 syntax: back-references and look-around are left out, so that every pattern "
           "runs in time linear in the text)";
  }
  return why;
}

}  // namespace

Values regex_matches(const std::string& pattern, const Text& t,
                     const std::function<bool(double)>& progress) {
  RE2::Options options;
  options.set_log_errors(false);
  // Leftmost-longest: an alternation takes its longest alternative (a|ab marks "ab"), so a mask
  // only widens; the order of alternatives does not matter.
  options.set_longest_match(true);
  // (?m): ^ and $ at every line start and end. Perl classes and [^x] match a newline; '.' not.
  const RE2 re("(?m)" + pattern, options);
  if (!re.ok()) throw Error(refusal(pattern, re));

  std::string bytes;
  bytes.reserve(t.size());
  for (char32_t c : t) utf8_append(bytes, c);
  Values v(t.size(), 0.0f);
  const re2::StringPiece text(bytes);
  std::size_t byte = 0, cp = 0;  // byte: where code point cp starts; only moves forward
  auto advance_one = [&] {
    byte += utf8_length(static_cast<unsigned char>(bytes[byte]));
    ++cp;
  };
  for (std::size_t from = 0, searches = 0; from < bytes.size(); ++searches) {
    // Each search is linear but may scan to the text's end: ask often enough that a stop
    // lands within a fraction of a second even then.
    if (progress && searches % 64 == 63 &&
        !progress(static_cast<double>(from) / static_cast<double>(bytes.size()))) {
      throw Error("the search for regular expression '" + pattern + "' was stopped");
    }
    re2::StringPiece m;
    if (!re.Match(text, from, bytes.size(), RE2::UNANCHORED, &m, 1)) break;
    const auto b = static_cast<std::size_t>(m.data() - bytes.data());
    const std::size_t e = b + m.size();
    while (byte < b) advance_one();
    if (e == b) {  // an empty match marks nothing; look again one character on
      if (byte < bytes.size()) advance_one();
      from = byte;
      continue;
    }
    while (byte < e) {
      v[cp] = 1.0f;
      advance_one();
    }
    from = e;
  }
  return v;
}

}  // namespace cellscope::detectors
