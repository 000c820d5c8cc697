// UTF-8 decoding and encoding of Unicode code points. Decoding is strict (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF); on invalid input it either throws
// Utf8Error with the byte offset of the first bad byte, or substitutes U+FFFD per bad sequence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error.h"

namespace cellscope {

constexpr char32_t kReplacementChar = 0xFFFD;

class Utf8Error : public Error {
 public:
  Utf8Error(const std::string& message, std::size_t offset) : Error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// Decodes the code point at text[pos]; returns its length in bytes (1-4), or 0 when the bytes
// there are not valid UTF-8 (cp is then unspecified). `text` is size bytes long.
int utf8_decode_one(const unsigned char* text, std::size_t size, std::size_t pos, char32_t* cp);

// Length in bytes (1-3) of the maximal invalid subsequence starting at text[pos], where
// utf8_decode_one() returned 0: a valid lead byte followed by the longest run of bytes that could
// still continue it (a "maximal subpart", as in WHATWG / Unicode ch. 3), else the single bad byte.
std::size_t utf8_invalid_length(const unsigned char* text, std::size_t size, std::size_t pos);

// Decodes the whole text. With replace_invalid=false, throws Utf8Error("invalid UTF-8 at byte N")
// naming `source` (a file name or "text") and the offset. With true, each maximal invalid
// subsequence becomes U+FFFD (see utf8_invalid_length: "\xE2\x82A" -> U+FFFD 'A', while
// "\x80\x80" -> two U+FFFD). The offset is that of the first byte of the invalid subsequence.
std::u32string utf8_decode(std::string_view text, bool replace_invalid = false,
                           const std::string& source = "text");

void utf8_append(std::string& out, char32_t cp);
std::string utf8_encode(std::u32string_view text);

// "U+0041", "U+1F600": at least four upper-case hex digits.
std::string format_code_point(char32_t cp);

}  // namespace cellscope
