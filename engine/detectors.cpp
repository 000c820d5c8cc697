// Detectors over code points: the C-like and LaTeX ones and the registry (the text ones are in
// detectors_text.cpp). Each is one left-to-right scan (the LaTeX ones look a few characters
// ahead); the C-like ones share one lexer (code, comments, string and character literals).
// Values are written for every position, so a signal always has the text's length.
#include "detectors.h"

#include <algorithm>

#include "detectors_text.h"
#include "error.h"

namespace cellscope {
namespace {

using detectors::at;
using detectors::is_alnum;
using detectors::is_space;
using detectors::starts_with;
using Text = std::u32string;
using Values = std::vector<float>;

bool is_ident(char32_t c) {
  return c == '_' || is_alnum(c);
}
// An odd number of backslashes right before i: the character at i is escaped.
bool escaped(const Text& t, std::size_t i) {
  std::size_t k = 0;
  while (k < i && t[i - 1 - k] == '\\') ++k;
  return k % 2 == 1;
}

// ---- C lexing ----------------------------------------------------------------------------------

enum class Lex : unsigned char { kCode, kLineComment, kBlockComment, kString, kChar };

// The lexer state after reading each character (opening delimiters inside, closing outside).
// `closing` (optional) marks the characters of closing delimiters ("*/", '"', '\'', newline).
std::vector<Lex> lex_c(const Text& t, std::vector<bool>* closing = nullptr) {
  std::vector<Lex> out(t.size(), Lex::kCode);
  if (closing) closing->assign(t.size(), false);
  const auto close = [&](std::size_t i) {
    if (closing) (*closing)[i] = true;
  };
  Lex st = Lex::kCode;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i], next = at(t, i + 1);
    switch (st) {
      case Lex::kCode:
        if (c == '/' && (next == '/' || next == '*')) {
          st = next == '/' ? Lex::kLineComment : Lex::kBlockComment;
          out[i] = out[i + 1] = st;
          ++i;
          continue;
        }
        if (c == '"') st = Lex::kString;
        if (c == '\'') st = Lex::kChar;
        break;
      case Lex::kLineComment:
        if (c == '\n') {
          st = Lex::kCode;
          close(i);
        }
        break;
      case Lex::kBlockComment:
        if (c == '*' && next == '/') {
          st = Lex::kCode;
          out[i] = out[i + 1] = st;
          close(i);
          close(i + 1);
          ++i;
          continue;
        }
        break;
      case Lex::kString:
      case Lex::kChar:
        if (c == '\\' && i + 1 < t.size()) {
          out[i] = out[i + 1] = st;
          ++i;
          continue;
        }
        if (c == '\n' || c == (st == Lex::kString ? U'"' : U'\'')) {
          st = Lex::kCode;
          close(i);
        }
        break;
    }
    out[i] = st;
  }
  return out;
}

Values c_comment(const Text& t) {
  const std::vector<Lex> lex = lex_c(t);
  Values v(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    v[i] = lex[i] == Lex::kLineComment || lex[i] == Lex::kBlockComment ? 1.0f : 0.0f;
  }
  return v;
}

Values string_literal(const Text& t) {
  const std::vector<Lex> lex = lex_c(t);
  Values v(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) v[i] = lex[i] == Lex::kString ? 1.0f : 0.0f;
  return v;
}

Values if_condition(const Text& t) {
  std::vector<bool> closing;
  const std::vector<Lex> lex = lex_c(t, &closing);
  Values v(t.size(), 0.0f);
  bool in = false, pending = false;  // pending: read "if", waiting for "("
  int depth = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i];
    if (lex[i] != Lex::kCode || closing[i]) {  // comments and literals: transparent
      v[i] = in ? 1.0f : 0.0f;
      continue;
    }
    if (in) {
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) in = false;
      v[i] = in ? 1.0f : 0.0f;
      continue;
    }
    if (pending) {
      if (c == '(') {
        in = true;
        pending = false;
        depth = 1;
        v[i] = 1.0f;
        continue;
      }
      if (!is_space(c)) pending = false;
    }
    if (c == 'i' && at(t, i + 1) == 'f' && (i == 0 || !is_ident(t[i - 1])) &&
        !is_ident(at(t, i + 2)) && lex[i + 1] == Lex::kCode) {
      pending = true;
      ++i;
    }
  }
  return v;
}

// ---- depth and position ------------------------------------------------------------------------

Values nesting_depth(const Text& t, std::u32string_view open, std::u32string_view close) {
  Values v(t.size());
  int depth = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (open.find(t[i]) != std::u32string_view::npos) ++depth;
    if (close.find(t[i]) != std::u32string_view::npos && depth > 0) --depth;
    v[i] = static_cast<float>(depth);
  }
  return v;
}
Values bracket_depth(const Text& t) {
  return nesting_depth(t, U"([{", U")]}");
}
// In C code only: braces in comments, string and character literals do not count (they would
// make the depth drift over a long source text).
Values brace_depth(const Text& t) {
  std::vector<bool> closing;
  const std::vector<Lex> lex = lex_c(t, &closing);
  Text code(t);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (lex[i] != Lex::kCode || closing[i]) code[i] = ' ';
  }
  return nesting_depth(code, U"{", U"}");
}

Values line_position(const Text& t) {
  Values v(t.size());
  float column = 0.0f;
  for (std::size_t i = 0; i < t.size(); ++i) {
    column = t[i] == '\n' ? 0.0f : column + 1.0f;
    v[i] = column;
  }
  return v;
}

// ---- LaTeX -------------------------------------------------------------------------------------

// At text[i] = '\' starting "\<word>{name}": the name and the index of the '}' (0 if not).
std::size_t latex_group(const Text& t, std::size_t i, const char* word, Text* name) {
  if (t[i] != '\\' || escaped(t, i) || !starts_with(t, i + 1, word)) return 0;
  std::size_t j = i + 1 + std::char_traits<char>::length(word);
  if (at(t, j) != '{') return 0;
  const std::size_t start = ++j;
  while (j < t.size() && t[j] != '}' && t[j] != '\n' && j - start < 64) ++j;
  if (at(t, j) != '}' || j == start) return 0;
  *name = t.substr(start, j - start);
  return j;
}

Values latex_env(const Text& t) {
  Values v(t.size());
  std::vector<Text> open;
  Text name;
  for (std::size_t i = 0; i < t.size(); ++i) {
    std::size_t end = latex_group(t, i, "begin", &name);
    if (end > 0) {
      if (name != U"document") open.push_back(name);
    } else if ((end = latex_group(t, i, "end", &name)) > 0) {
      const auto it = std::find(open.rbegin(), open.rend(), name);
      if (it != open.rend()) open.erase(std::next(it).base(), open.end());
    } else {
      end = i;
    }
    for (; i <= end; ++i) v[i] = open.empty() ? 0.0f : 1.0f;
    i = end;
  }
  return v;
}

Values latex_math(const Text& t) {
  enum Mode { kNone, kInline, kDisplay, kParen, kBracket };
  Values v(t.size());
  Mode mode = kNone;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i], next = at(t, i + 1);
    std::size_t width = 1;  // characters of this token
    if (c == '$' && !escaped(t, i)) {
      if (mode == kNone) {
        mode = next == '$' ? kDisplay : kInline;
        width = mode == kDisplay ? 2 : 1;
      } else if (mode == kInline) {
        mode = kNone;
      } else if (mode == kDisplay && next == '$') {
        mode = kNone;
        width = 2;
      }
    } else if (c == '\\' && !escaped(t, i) && (next == '(' || next == '[') && mode == kNone) {
      mode = next == '(' ? kParen : kBracket;
      width = 2;
    } else if (c == '\\' && !escaped(t, i) &&
               ((next == ')' && mode == kParen) || (next == ']' && mode == kBracket))) {
      mode = kNone;
      width = 2;
    } else if (c == '\n' && i > 0 && t[i - 1] == '\n' && (mode == kInline || mode == kDisplay)) {
      mode = kNone;
    }
    for (std::size_t k = 0; k < width && i + k < t.size(); ++k) {
      v[i + k] = mode == kNone ? 0.0f : 1.0f;
    }
    i += width - 1;
  }
  return v;
}

Values latex(const Text& t) {
  Values v = latex_env(t);
  const Values m = latex_math(t);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::max(v[i], m[i]);
  return v;
}

struct Entry {
  DetectorInfo info;
  Values (*fn)(const Text&);
};

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {{"double-quote",
        "inside \"...\" or \u201C...\u201D, typographic: a \" after a space or ( opens, one "
        "before a space or punctuation closes; a blank line ends a quote (prose)",
        true},
       detectors::double_quote},
      {{"double-quote-toggle",
        "inside \"...\" or \u201C...\u201D, every \" toggles, across blank lines (data, code)",
        true},
       detectors::double_quote_toggle},
      {{"single-quote",
        "inside '...' (apostrophes between letters, as in don't, ignored; ends at a newline)",
        true},
       detectors::single_quote},
      {{"url",
        "every character of a URL: http(s)://, ftp://, file://, www., mailto:, news: ... up to "
        "a space, minus trailing punctuation",
        true},
       detectors::url},
      {{"c-comment", "inside a C comment /* ... */ or // ... (not in strings)", true}, c_comment},
      {{"string-literal", "inside a C string literal \"...\" with \\ escapes", true},
       string_literal},
      {{"if-condition", "inside the parentheses of if (...), balanced, in C code", true},
       if_condition},
      {{"bracket-depth", "nesting depth of ( [ { together, anywhere in the text (not 0/1)", false},
       bracket_depth},
      {{"brace-depth", "nesting depth of { } in C code, not in comments or literals (not 0/1)",
        false},
       brace_depth},
      {{"line-position", "characters since the last newline (newline = 0; not 0/1)", false},
       line_position},
      {{"latex-env", "inside a LaTeX \\begin{name} ... \\end{name} (not document)", true},
       latex_env},
      {{"latex-math", "inside LaTeX math $...$, $$...$$, \\(...\\) or \\[...\\]", true},
       latex_math},
      {{"latex", "latex-env or latex-math", true}, latex},
  };
  return entries;
}

}  // namespace

const std::vector<DetectorInfo>& detector_list() {
  static const std::vector<DetectorInfo> list = [] {
    std::vector<DetectorInfo> out;
    for (const Entry& e : registry()) out.push_back(e.info);
    return out;
  }();
  return list;
}

const char* regex_detector_help() {
  // Aligned with the detector lines of `find --help` ("  %-19s %s").
  return "  regex:PATTERN       every character of a match of the regular expression (RE2\n"
         "                      syntax), across lines ('.' stops at a newline, [\\s\\S] does not;\n"
         "                      ^ and $ match at line ends)\n";
}

Signal detect(const std::string& spec, const std::u32string& text,
              const DetectProgress& progress) {
  Signal s;
  s.name = spec;
  const std::string kRegex = "regex:";
  if (spec.compare(0, kRegex.size(), kRegex) == 0) {
    if (spec.size() == kRegex.size()) throw Error("empty regular expression in '" + spec + "'");
    s.values = detectors::regex_matches(spec.substr(kRegex.size()), text, progress);
    return s;
  }
  std::string known;
  for (const Entry& e : registry()) {
    if (e.info.name == spec) {
      s.binary = e.info.binary;
      s.values = e.fn(text);
      return s;
    }
    known += (known.empty() ? "" : ", ") + e.info.name;
  }
  throw Error("unknown detector '" + spec + "' (known: " + known + ", or regex:PATTERN)");
}

}  // namespace cellscope
