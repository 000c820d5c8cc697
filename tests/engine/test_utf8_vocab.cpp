// Tests for strict UTF-8 decoding/encoding (each invalid class, its byte offset, replacement
// semantics) and for Vocabulary (sorting, lookup, the unknown-character fallback policy).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "utf8.h"
#include "vocabulary.h"

namespace cellscope {
namespace {

// Expects utf8_decode(bytes) to throw Utf8Error at `offset`, with the offset in the message.
void expect_invalid_at(const std::string& bytes, std::size_t offset) {
  SCOPED_TRACE(::testing::PrintToString(bytes));
  try {
    utf8_decode(bytes, false, "sample.txt");
    FAIL() << "no Utf8Error";
  } catch (const Utf8Error& e) {
    EXPECT_EQ(e.offset(), offset);
    const std::string message = e.what();
    EXPECT_NE(message.find("sample.txt"), std::string::npos) << message;
    EXPECT_NE(message.find("byte " + std::to_string(offset)), std::string::npos) << message;
  }
}

TEST(Utf8, RoundTripMixedWidths) {
  const std::u32string text = U"a\u00E9\u20AC\U0001F600 z\n\u07FF\u0800\uFFFF\U00010000\U0010FFFF";
  const std::string bytes = utf8_encode(text);
  EXPECT_EQ(bytes,
            "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 z\n\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF"
            "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
  EXPECT_EQ(utf8_decode(bytes), text);
  EXPECT_EQ(utf8_decode(""), U"");
}

TEST(Utf8, DecodeOneReportsLength) {
  const std::string bytes = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  char32_t cp = 0;
  EXPECT_EQ(utf8_decode_one(p, bytes.size(), 0, &cp), 1);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(utf8_decode_one(p, bytes.size(), 1, &cp), 2);
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(utf8_decode_one(p, bytes.size(), 3, &cp), 3);
  EXPECT_EQ(cp, U'\u20AC');
  EXPECT_EQ(utf8_decode_one(p, bytes.size(), 6, &cp), 4);
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(utf8_decode_one(p, bytes.size(), 7, &cp), 0);  // continuation byte
  EXPECT_EQ(utf8_decode_one(p, 8, 6, &cp), 0);             // truncated by `size`
}

TEST(Utf8, RejectsStrayContinuationBytes) {
  expect_invalid_at("\x80", 0);
  expect_invalid_at("ab\xBF", 2);
  expect_invalid_at("\xC3\xA9\xA9", 2);
}

TEST(Utf8, RejectsOverlongs) {
  expect_invalid_at("x\xC0\x80", 1);         // U+0000 in two bytes
  expect_invalid_at("xy\xC1\xBF", 2);        // U+007F in two bytes
  expect_invalid_at("\xE0\x80\xAF", 0);      // '/' in three bytes
  expect_invalid_at("abc\xE0\x9F\xBF", 3);   // U+07FF in three bytes
  expect_invalid_at("\xF0\x8F\xBF\xBF", 0);  // U+FFFF in four bytes
}

TEST(Utf8, RejectsSurrogates) {
  expect_invalid_at("ok \xED\xA0\x80", 3);  // U+D800
  expect_invalid_at("\xED\xBF\xBF", 0);     // U+DFFF
  char32_t cp = 0;
  const unsigned char last_before[] = {0xED, 0x9F, 0xBF};  // U+D7FF is fine
  EXPECT_EQ(utf8_decode_one(last_before, 3, 0, &cp), 3);
  EXPECT_EQ(cp, U'\uD7FF');
}

TEST(Utf8, RejectsAboveMaxAndBadLeadBytes) {
  expect_invalid_at("\xF4\x90\x80\x80", 0);  // U+110000
  expect_invalid_at("12\xF5\x80\x80\x80", 2);
  expect_invalid_at("\xFE", 0);
  expect_invalid_at("\xFF", 0);
}

TEST(Utf8, RejectsTruncatedSequences) {
  expect_invalid_at("abc\xC3", 3);  // at end of text
  expect_invalid_at("\xE2\x82", 0);
  expect_invalid_at("\xF0\x9F\x98", 0);
  expect_invalid_at("a\xE2\x82x", 1);    // interrupted by ASCII
  expect_invalid_at("\xC3\xC3\xA9", 0);  // interrupted by a new lead byte
}

TEST(Utf8, ErrorMessageNamesSourceAndOffset) {
  try {
    utf8_decode("hello \xFF", false, "corpus.txt");
    FAIL() << "no Utf8Error";
  } catch (const Error& e) {  // Utf8Error is an Error
    EXPECT_EQ(std::string(e.what()), "corpus.txt: invalid UTF-8 at byte 6");
  }
}

TEST(Utf8, ReplacementUsesMaximalSubparts) {
  // A valid prefix of a sequence cut short is one U+FFFD; the byte that cut it is kept.
  EXPECT_EQ(utf8_decode("a\xE2\x82z", true), U"a\uFFFDz");
  EXPECT_EQ(utf8_decode("\xF0\x9F\x98", true), U"\uFFFD");
  // Bytes that cannot start or continue anything are one U+FFFD each.
  EXPECT_EQ(utf8_decode("\x80\x80", true), U"\uFFFD\uFFFD");
  EXPECT_EQ(utf8_decode("\xC0\x80", true), U"\uFFFD\uFFFD");
  // A lead byte whose second byte is out of range (overlong, surrogate, > U+10FFFF) is a subpart
  // of length one; the following bytes are then stray continuations.
  EXPECT_EQ(utf8_decode("\xED\xA0\x80", true), U"\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(utf8_decode("\xF4\x90\x80\x80", true), U"\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(utf8_decode("x\xFFy\xC3\xA9", true), U"x\uFFFDy\u00E9");
}

TEST(Utf8, InvalidLength) {
  const auto length = [](const std::string& s) {
    return utf8_invalid_length(reinterpret_cast<const unsigned char*>(s.data()), s.size(), 0);
  };
  EXPECT_EQ(length("\x80"), 1u);
  EXPECT_EQ(length("\xE2\x82z"), 2u);
  EXPECT_EQ(length("\xF0\x9F\x98"), 3u);
  EXPECT_EQ(length("\xE0\x80\x80"), 1u);
}

TEST(Utf8, EncodeReplacesNonCharacters) {
  std::string out;
  utf8_append(out, 0xD800);
  utf8_append(out, 0x110000);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8, FormatsCodePoints) {
  EXPECT_EQ(format_code_point(U'A'), "U+0041");
  EXPECT_EQ(format_code_point(0), "U+0000");
  EXPECT_EQ(format_code_point(0xFFFD), "U+FFFD");
  EXPECT_EQ(format_code_point(0x1F600), "U+1F600");
}

TEST(Vocabulary, SortsAndDeduplicates) {
  const Vocabulary vocab({U'z', U'\u00E9', U'a', U'\n', U'a', U'\U0001F600', U'z'});
  EXPECT_EQ(vocab.size(), 5);
  EXPECT_EQ(vocab.code_points(),
            (std::vector<char32_t>{U'\n', U'a', U'z', U'\u00E9', U'\U0001F600'}));
  for (int id = 0; id < vocab.size(); ++id) EXPECT_EQ(vocab.id_of(vocab.code_point(id)), id);
  EXPECT_EQ(vocab.id_of(U'b'), -1);
  EXPECT_EQ(vocab.id_of(U'\u00E8'), -1);
  EXPECT_EQ(vocab.decode(3), "\xC3\xA9");
  EXPECT_EQ(vocab.decode(std::vector<int32_t>{1, 3, 4, 0}), "a\xC3\xA9\xF0\x9F\x98\x80\n");
  EXPECT_THROW(vocab.decode(5), Error);
  EXPECT_THROW(vocab.decode(-1), Error);
}

TEST(Vocabulary, DefaultIsEmpty) {
  const Vocabulary vocab;
  EXPECT_EQ(vocab.size(), 0);
  EXPECT_EQ(vocab.id_of(U'a'), -1);
  EXPECT_EQ(vocab.id_of(U'\u00E9'), -1);
}

TEST(Vocabulary, RejectsNonCharacters) {
  EXPECT_THROW(Vocabulary({U'a', char32_t{0xD800}}), Error);
  EXPECT_THROW(Vocabulary({char32_t{0x110000}}), Error);
}

TEST(Vocabulary, FallbackPrefersReplacementCharacter) {
  const Vocabulary vocab({U'a', U' ', kReplacementChar, U'b'});
  EXPECT_EQ(vocab.fallback_id(), vocab.id_of(kReplacementChar));
  int64_t unknown = -1;
  const std::vector<int32_t> ids = vocab.encode("a?b\xC3\xA9", &unknown);
  const int32_t r = vocab.id_of(kReplacementChar);
  EXPECT_EQ(ids, (std::vector<int32_t>{vocab.id_of(U'a'), r, vocab.id_of(U'b'), r}));
  EXPECT_EQ(unknown, 2);
}

TEST(Vocabulary, FallbackThenSpace) {
  const Vocabulary vocab({U'x', U' ', U'y'});
  EXPECT_EQ(vocab.fallback_id(), vocab.id_of(U' '));
  int64_t unknown = -1;
  const std::vector<int32_t> ids = vocab.encode("x\xE2\x82\xACy", &unknown);
  EXPECT_EQ(ids, (std::vector<int32_t>{vocab.id_of(U'x'), vocab.id_of(U' '), vocab.id_of(U'y')}));
  EXPECT_EQ(unknown, 1);
}

TEST(Vocabulary, FallbackThenIdZero) {
  const Vocabulary vocab({U'q', U'p'});
  EXPECT_EQ(vocab.fallback_id(), 0);
  int64_t unknown = -1;
  EXPECT_EQ(vocab.encode("pq!", &unknown), (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(unknown, 1);
  EXPECT_EQ(vocab.encode("pq"), (std::vector<int32_t>{0, 1}));  // `unknown` is optional
}

TEST(Vocabulary, EncodeTreatsInvalidBytesAsReplacementCharacter) {
  // With U+FFFD in the vocabulary an invalid byte is a known character, not an unknown one.
  const Vocabulary with({U'x', kReplacementChar});
  int64_t unknown = -1;
  EXPECT_EQ(with.encode("x\xFF\xE2\x82x", &unknown), (std::vector<int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(unknown, 0);
  const Vocabulary without({U'x', U' '});
  EXPECT_EQ(without.encode("\xFFx", &unknown), (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(unknown, 1);
}

TEST(Vocabulary, DisplaysControlCharacters) {
  EXPECT_EQ(Vocabulary::display(U'\n'), "\\n");
  EXPECT_EQ(Vocabulary::display(U'\t'), "\\t");
  EXPECT_EQ(Vocabulary::display(U'\r'), "U+000D");
  EXPECT_EQ(Vocabulary::display(0), "U+0000");
  EXPECT_EQ(Vocabulary::display(0x7F), "U+007F");
  EXPECT_EQ(Vocabulary::display(0x85), "U+0085");
  EXPECT_EQ(Vocabulary::display(0x2028), "U+2028");
  EXPECT_EQ(Vocabulary::display(0xFEFF), "U+FEFF");
  EXPECT_EQ(Vocabulary::display(U'a'), "a");
  EXPECT_EQ(Vocabulary::display(U' '), " ");
  EXPECT_EQ(Vocabulary::display(U'\u00E9'), "\xC3\xA9");
  EXPECT_EQ(Vocabulary::display(U'\U0001F600'), "\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace cellscope
