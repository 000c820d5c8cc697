// Detectors: each on hand-made texts whose expected marks were worked out by hand from the
// documented rules (detectors.h), one character per mark; plus the registry and its errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "detectors.h"
#include "error.h"
#include "utf8.h"

namespace cellscope {
namespace {

// The signal as one digit per character ("0110"); UTF-8 in.
std::string marks(const std::string& spec, const std::string& text) {
  const Signal s = detect(spec, utf8_decode(text));
  std::string out;
  for (float v : s.values) out += static_cast<char>('0' + static_cast<int>(v));
  return out;
}

TEST(Detectors, DoubleQuotesTypographic) {
  EXPECT_EQ(marks("double-quote", "say \"hi\" ok"), "00001110000");
  EXPECT_EQ(marks("double-quote", "a \"b\nc\" d"), "001111000");  // spans a line break
  EXPECT_EQ(marks("double-quote", "a \u201Cb\u201D c"), "0011000");
  // A speech over two paragraphs: the first is not closed, the blank line ends it, the second
  // opens again and closes ("11110" "111" "000"). The toggle would invert everything after.
  EXPECT_EQ(marks("double-quote", "\"ab\n\n\"cd\" e"), "11110111000");
  EXPECT_EQ(marks("double-quote-toggle", "\"ab\n\n\"cd\" e"), "11111000111");
  EXPECT_EQ(marks("double-quote", "\"a\n \t\nb"), "1111100");      // a blank line of spaces/tabs
  EXPECT_EQ(marks("double-quote", "a 5\" pipe"), "000000000");     // only a closer: ignored
  EXPECT_EQ(marks("double-quote", "[\"T\", x]"), "01100000");      // after [ opens, before , closes
  EXPECT_EQ(marks("double-quote", "said \"no.\""), "0000011110");  // closes at the text's end
  EXPECT_EQ(marks("double-quote", "x=\"ab\" y"), "00111000");      // between = and a: toggles
  EXPECT_EQ(marks("double-quote", "\"a \" b"), "111000");          // spaced " inside: closes
  // Inside, a " that can only open keeps the quote open (a second speech never closed).
  EXPECT_EQ(marks("double-quote", "\"a \"b\" c"), "11111000");
  EXPECT_EQ(marks("double-quote", "(\"{x}\")"), "0111100");
}

TEST(Detectors, DoubleQuotesToggle) {
  EXPECT_EQ(marks("double-quote-toggle", "say \"hi\" ok"), "00001110000");
  EXPECT_EQ(marks("double-quote-toggle", "a\"b\nc\"d"), "0111100");  // spans lines
  EXPECT_EQ(marks("double-quote-toggle", "a 5\" p"), "000111");      // every " toggles
  EXPECT_EQ(marks("double-quote-toggle", "a \u201Cb\u201D c"), "0011000");
}

TEST(Detectors, SingleQuotesSkipApostrophes) {
  EXPECT_EQ(marks("single-quote", "don't 'x' y"), "00000011000");
  EXPECT_EQ(marks("single-quote", "'ab\ncd"), "111000");
  EXPECT_EQ(marks("single-quote", "\u2018it\u2019s\u2019 z"), "11111000");
}

TEST(Detectors, Urls) {
  const std::string text = "see http://a.com/x). ok";
  EXPECT_EQ(marks("url", text), "0000" + std::string(14, '1') + std::string(5, '0'));
  EXPECT_EQ(marks("url", "(www.ab.org/(c)), x"), "0" + std::string(14, '1') + "0000");
  EXPECT_EQ(marks("url", "xhttp://a.b HTTPS://q"), std::string(12, '0') + std::string(9, '1'));
  EXPECT_EQ(marks("url", "http:// www."), std::string(12, '0'));  // nothing after the prefix
  EXPECT_EQ(marks("url", "<https://é.fr>"), "0" + std::string(12, '1') + "0");
  // FOLDOC's style: the unmatched ')' and '}' and the full stop are not part of it.
  EXPECT_EQ(marks("url", "{(ftp://ftp.x.org/pub/)}."), "00" + std::string(20, '1') + "000");
  EXPECT_EQ(marks("url", "mail mailto:dh@x.org."), "00000" + std::string(15, '1') + "0");
  EXPECT_EQ(marks("url", "{news:comp.lang.c}"), "0" + std::string(16, '1') + "0");
  EXPECT_EQ(marks("url", "at WWW.x.org, or gopher://g.net"),
            "000" + std::string(9, '1') + "00000" + std::string(14, '1'));
  EXPECT_EQ(marks("url", "std::x mailto: ftp.x"), std::string(20, '0'));  // no scheme, empty
}

TEST(Detectors, CComments) {
  EXPECT_EQ(marks("c-comment", "a/*b*/c//d\ne"), "011100011100");
  EXPECT_EQ(marks("c-comment", "\"/*\"x"), "00000");           // in a string
  EXPECT_EQ(marks("c-comment", "'\"'/*x*/"), "00011100");      // '"' is a char literal
  EXPECT_EQ(marks("c-comment", "/* a\n b */"), "1111111100");  // spans lines
  EXPECT_EQ(marks("c-comment", "a/b*c"), "00000");             // division
}

TEST(Detectors, StringLiterals) {
  EXPECT_EQ(marks("string-literal", "\"/*\"x"), "11100");
  EXPECT_EQ(marks("string-literal", "\"a\\\"b\"c"), "1111100");  // \" does not close
  EXPECT_EQ(marks("string-literal", "'\"'x\"y\""), "0000110");   // char literal, then string
  EXPECT_EQ(marks("string-literal", "\"ab\ncd"), "111000");      // unterminated: newline ends it
  EXPECT_EQ(marks("string-literal", "/*\"*/\"q\""),
            "0000011"
            "0");
}

TEST(Detectors, IfConditions) {
  EXPECT_EQ(marks("if-condition", "if (a(b)) c; iff (d); if(e)"),
            "0001111100000"
            "000000000"
            "00110");
  EXPECT_EQ(marks("if-condition", "if /*(*/ (x)"), "000000000110");
  EXPECT_EQ(marks("if-condition", "if (s == \")\") y"), "000111111111000");
  EXPECT_EQ(marks("if-condition", "elif (x) else if\n(y)"), std::string(16, '0') + "0110");
  EXPECT_EQ(marks("if-condition", "if x (y)"), "00000000");  // no '(' right after
}

TEST(Detectors, Depths) {
  EXPECT_EQ(marks("bracket-depth", "a(b[c]{d})e)"), "011221221000");
  EXPECT_EQ(marks("brace-depth", "{a{b}c}}(x)"), "11221100000");
  // C lexing: braces in comments, strings and character literals do not count.
  EXPECT_EQ(marks("brace-depth", "{/*{*/\"{\"'}'}"), "1111111111110");
  EXPECT_EQ(marks("bracket-depth", "{/*{*/"), "111222");  // raw text
  EXPECT_FALSE(detect("bracket-depth", U"x").binary);
}

TEST(Detectors, LinePosition) {
  EXPECT_EQ(marks("line-position", "ab\ncde\n\nf"), "120123001");
  const Signal s = detect("line-position", std::u32string(300, U'x'));
  EXPECT_EQ(s.values.back(), 300.0f);
  EXPECT_FALSE(s.binary);
}

TEST(Detectors, LatexEnvironments) {
  EXPECT_EQ(marks("latex-env", "x\\begin{eq}a\\end{eq}y"),
            "0" + std::string(10, '1') + "1" + std::string(8, '0') + "0");
  EXPECT_EQ(marks("latex-env", "\\begin{a}\\begin{b}x\\end{b}\\end{a}"),
            std::string(9 + 9 + 1 + 7, '1') + std::string(7, '0'));
  EXPECT_EQ(marks("latex-env", "\\begin{document}x\\end{document}"), std::string(31, '0'));
  EXPECT_EQ(marks("latex-env", "\\end{q}x"), std::string(8, '0'));
  EXPECT_EQ(marks("latex-env", "\\\\begin{q}x"), std::string(11, '0'));  // \\ is a line break
}

TEST(Detectors, LatexMath) {
  EXPECT_EQ(marks("latex-math", "a$b$c$$d$$e\\(f\\)g\\[h\\]i\\$j"), "01100111000111000111000000");
  EXPECT_EQ(marks("latex-math", "$a\n\nb"), "11100");  // a blank line ends an open $
  EXPECT_EQ(marks("latex", "\\begin{x}$a$\\end{x}"), std::string(12, '1') + std::string(7, '0'));
}

TEST(Detectors, RegexMatchesMapToCodePoints) {
  EXPECT_EQ(marks("regex:b+", "abbc\nbb"), "0110011");
  EXPECT_EQ(marks("regex:x", "\u00E9x\u00E9"), "010");
  EXPECT_EQ(marks("regex:\u00E9", "\u00E9x\u00E9"), "101");         // a two-byte pattern
  EXPECT_EQ(marks("regex:.", "\u00E9\u4E2D\n\U0001F600"), "1101");  // '.' is a byte here
  EXPECT_EQ(marks("regex:z*", "abc"), "000");                       // empty matches mark nothing
  EXPECT_EQ(marks("regex:[^\"]+", "a\"b"), "101");
}

TEST(Detectors, RegexMatchesAcrossLines) {
  EXPECT_EQ(marks("regex:\"[^\"]*\"", "a \"b\nc\" d"), "001111100");  // [^"] takes the newline
  EXPECT_EQ(marks("regex:b\\nc", "ab\ncd"), "01110");
  EXPECT_EQ(marks("regex:b\\sc", "ab\ncd"), "01110");
  EXPECT_EQ(marks("regex:b.c", "ab\ncd bxc"), "000000111");  // '.' stops at a newline
  EXPECT_EQ(marks("regex:b[\\s\\S]*d", "ab\ncd"), "01111");
  EXPECT_EQ(marks("regex:^b", "ab\nba"), "00010");       // ^ at every line start
  EXPECT_EQ(marks("regex:a$", "ba\nab\na"), "0100001");  // $ at every line end
  EXPECT_EQ(marks("regex:a|ab", "xab"), "011");          // the longest alternative
  // A match far longer than the backtracking matcher's stack allows (it crashes at ~30,000).
  const std::string big = "<" + std::string(200000, 'x') + "\n" + std::string(100000, 'y') + ">";
  const Signal s = detect("regex:<[^>]*>", utf8_decode(big));
  EXPECT_EQ(std::count(s.values.begin(), s.values.end(), 1.0f),
            static_cast<std::ptrdiff_t>(big.size()));
  EXPECT_EQ(marks("regex:(?s)b.d", "ab\nd"), "0111");  // (?s): '.' takes the newline
}

// Patterns that make a backtracking matcher exponential (and one std::regex accepted and then
// ran for minutes on 19 characters, found by fuzzing: tests/fuzz/regressions/detectors/) end
// at once: RE2 is linear in the text. Under std::regex this test hung until ctest's timeout.
TEST(Detectors, RegexIsLinearOnPatternsThatMakeBacktrackingExplode) {
  const std::string as(30000, 'a');
  EXPECT_EQ(marks("regex:(a*)*b", as + "b"), std::string(30001, '1'));
  EXPECT_EQ(marks("regex:(a|a)*c", as), std::string(30000, '0'));
  EXPECT_EQ(marks("regex:(a+a+)+y", as + "x"), std::string(30001, '0'));
  EXPECT_EQ(marks("regex:(.*a){20}z", as), std::string(30000, '0'));
  // What stays slow: every match scanning on to the text's end (one linear scan per match). Such
  // a search reports progress and stops when asked.
  const std::u32string many(20000, U'a');
  std::vector<double> fractions;
  EXPECT_EQ(detect("regex:a[\\s\\S]*b|a", many, [&](double f) {
              fractions.push_back(f);
              return true;
            }).values,
            std::vector<float>(20000, 1.0f));
  ASSERT_GE(fractions.size(), 20000u / 64 - 1);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_GT(fractions.front(), 0.0);
  EXPECT_LT(fractions.back(), 1.0);
  int asked = 0;
  try {
    detect("regex:a[\\s\\S]*b|a", many, [&](double) { return ++asked < 3; });
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("was stopped"), std::string::npos) << e.what();
  }
  EXPECT_EQ(asked, 3);
  // Stacked quantifiers are a syntax error, as the standards say (libstdc++ accepted them).
  try {
    detect("regex:a****????", U"aaaaaaaaaaaaaaaaaaa");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad repetition operator"), std::string::npos) << e.what();
  }
}

TEST(Detectors, ErrorsNameTheProblem) {
  try {
    detect("regex:(", U"abc");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("invalid regular expression '('"), std::string::npos)
        << e.what();
  }
  try {
    detect("quote", U"abc");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown detector 'quote'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("double-quote"), std::string::npos);
  }
  EXPECT_THROW(detect("regex:", U"abc"), Error);
  // Back-references and look-around are refused with the reason, not just RE2's message.
  for (const char* pattern : {"regex:(a)\\1", "regex:a(?=b)", "regex:(?<!x)a"}) {
    try {
      detect(pattern, U"aab");
      FAIL() << pattern;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("back-references and look-around"), std::string::npos)
          << e.what();
    }
  }
  // Repeat counts stop at 1000 (a 100-digit one overflowed libstdc++'s compiler: fuzzing).
  EXPECT_EQ(detect("regex:a{1,12}", U"aa").values.size(), 2u);
  // A count too large to read is no repeat at all but literal text, as in Perl.
  EXPECT_EQ(marks("regex:a{1,12345678901}", "aa a{1,12345678901}"), "000" + std::string(16, '1'));
  try {
    detect("regex:a{1,1001}", U"aa");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'a{1,1001}'"), std::string::npos) << e.what();
  }
}

TEST(Detectors, RegistryIsCompleteAndEveryDetectorCoversTheText) {
  const std::u32string text = utf8_decode(
      "if (a) { /* \"q\" */ x = 'c'; s = \"t\"; } // see http://x.org\n\\begin{eq} $y$ \\end{eq} "
      "\u00E9");
  std::set<std::string> names;
  for (const DetectorInfo& d : detector_list()) {
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_FALSE(d.description.empty()) << d.name;
    EXPECT_EQ(d.description.find('\n'), std::string::npos) << d.name;
    const Signal s = detect(d.name, text);
    EXPECT_EQ(s.values.size(), text.size()) << d.name;
    EXPECT_EQ(s.binary, d.binary) << d.name;
    bool any = false;
    for (float v : s.values) {
      if (d.binary) {
        EXPECT_TRUE(v == 0.0f || v == 1.0f) << d.name;
      }
      any = any || v > 0.0f;
    }
    EXPECT_TRUE(any) << d.name << " never fires on a text made to trigger it";
  }
  for (const char* n : {"double-quote", "double-quote-toggle", "single-quote", "url", "c-comment",
                        "string-literal", "if-condition", "bracket-depth", "brace-depth",
                        "line-position", "latex-env", "latex-math", "latex"}) {
    EXPECT_EQ(names.count(n), 1u) << n;
  }
  EXPECT_TRUE(detect("url", U"").values.empty());
}

}  // namespace
}  // namespace cellscope
