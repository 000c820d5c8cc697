// Detectors: a target signal per character computed from the text alone (one float per code
// point, aligned with the probe's positions), to correlate with neurons. Span detectors are
// 0/1 and follow one rule: an opening delimiter counts as inside, a closing one as outside (the
// state after reading that character), unless the detector says otherwise. The registry names
// each with the one-line description the CLI's --help prints.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace cellscope {

struct DetectorInfo {
  std::string name;
  std::string description;  // one line
  // 0/1 values: AUC positives are values > 0.5. Otherwise (depth, line position) positives
  // are values above the text's median (see auc_threshold in neuron_search.h).
  bool binary = true;
};

// Every named detector, in --help order:
//   double-quote   typographic double quotes, for prose: inside "..." or “...”. A " opens at
//                  the text's start, after whitespace, ( [ { < or an opening quote; it closes
//                  at the end, before whitespace, . , ; : ! ? ) ] } > ' ’ ” - – — or …. Outside,
//                  a " that can only close (5" pipe) is ignored; inside, one that can only open
//                  (a paragraph reopening a speech) keeps the quote open; any other " (between
//                  letters: x="a", or spaced " alone) toggles. A blank line (only spaces, tabs
//                  or CRs between two newlines) ends an open quote; its second newline is
//                  outside. “ always opens, ” always closes.
//   double-quote-toggle  every " toggles (no reset at newlines or blank lines), “ opens, ” closes:
//                  for data and code, where quotes pair up exactly.
//   single-quote   inside '...' or ‘...’: ' toggles, except an apostrophe between two letters
//                  or digits (don't); an open span ends at a newline (the newline is outside).
//   url            every character of a URL: http:// https:// ftp:// ftps:// sftp:// file://
//                  ssh:// git:// gopher:// telnet:// mailto: news: or www. (any case) at a word
//                  start, up to whitespace or one of <>"'`; trailing .,;:!? and unmatched ) ] }
//                  are not part of it ("{(http://a.org/)}." ends at the '/'). All of it is
//                  inside, the scheme included; nothing after the prefix: no URL.
//   c-comment      inside /* ... */ or // ... to the end of the line (the newline is outside),
//                  with C lexing: not inside string or character literals. "/*" and "//" are
//                  inside, "*/" outside. No line splicing (backslash-newline).
//   string-literal inside a C string literal "...": backslash escapes (\" does not close);
//                  an unescaped newline ends it; not in comments or character literals.
//   if-condition   inside the parentheses of if (...): the keyword if (as a whole word, in C
//                  code), optional whitespace, then a balanced (...). "(" inside, matching ")"
//                  outside; parentheses in strings, characters and comments do not count.
//   bracket-depth  nesting depth of ( [ { together after reading the character (an opening
//                  bracket has the new depth, a closing one the reduced depth); an unmatched
//                  closer is ignored (never below 0). Raw text: no lexing.
//   brace-depth    the same for { } only, in C code: braces in comments, string and character
//                  literals do not count (with C lexing, as c-comment).
//   line-position  characters read since the last newline: a newline is 0, the next
//                  character 1, ... (the text's start counts as a newline).
//   latex-env      inside \begin{name} ... \end{name}, nested, any name but "document":
//                  "\begin{name}" inside, "\end{name}" outside; an \end without its \begin is
//                  ignored.
//   latex-math     inside $...$, $$...$$, \(...\) or \[...\]: opening delimiter inside,
//                  closing outside; \$ is no delimiter; an open $ or $$ ends at a blank line.
//   latex          latex-env or latex-math.
// And "regex:PATTERN": RE2 (Perl-like syntax, multiline) searched in the whole UTF-8 text, every
// character of a non-empty match is 1. Matches may span lines: \n, \s and [^x] match newlines;
// '.' does not (use [\s\S] or (?s) for any character); ^ and $ match at every line start and end
// as well as at the text's ends. Leftmost-longest: an alternation takes the longest alternative
// (a|ab marks "ab"), which only widens a mask. RE2 runs in time linear in the text for every
// pattern, so it leaves out back-references (\1) and look-around; repeat counts stop at 1000.
const std::vector<DetectorInfo>& detector_list();

// The regex: entry for help texts (three lines, each indented like the registry's descriptions).
const char* regex_detector_help();

struct Signal {
  std::string name;           // as given ("double-quote", "regex:...")
  bool binary = true;         // see DetectorInfo
  std::vector<float> values;  // one per code point of the text
};

// Called with the fraction of the text searched so far; returning false stops the search.
using DetectProgress = std::function<bool(double)>;

// `spec`: a registry name or "regex:PATTERN". Throws Error for an unknown name (listing the
// known ones), an invalid pattern (with RE2's reason), or a regex search that `progress` stopped.
// Only a regex search can take long (one linear scan per match: a pattern like a[\s\S]*b|a,
// whose every match scans on to the text's end, costs 15 s on 100,000 characters), so only it
// reports progress (every 64 matches).
Signal detect(const std::string& spec, const std::u32string& text,
              const DetectProgress& progress = {});

}  // namespace cellscope
