// Strict UTF-8 (RFC 3629) decoding and encoding. A sequence is valid only in its shortest form,
// never a surrogate (U+D800-U+DFFF), never above U+10FFFF; everything else is invalid, and in
// replacement mode each maximal invalid subpart (WHATWG / Unicode "U+FFFD substitution of maximal
// subparts") becomes exactly one U+FFFD. Encoding writes U+FFFD for a code point that has no
// UTF-8 form (surrogate or > U+10FFFF), so the output is always valid UTF-8.
#include "utf8.h"

namespace cellscope {

namespace {

bool is_continuation(unsigned char b) {
  return (b & 0xC0) == 0x80;
}

// For a lead byte in C2..F4: the number of bytes of its sequence and the allowed range of the
// second byte (the ranges that exclude overlongs, surrogates and > U+10FFFF). 0 for other bytes.
struct LeadInfo {
  int length;
  unsigned char second_lo;
  unsigned char second_hi;
};

LeadInfo lead_info(unsigned char b0) {
  if (b0 < 0xC2) return {0, 0, 0};  // ASCII is handled by callers; 80..C1 never lead
  if (b0 < 0xE0) return {2, 0x80, 0xBF};
  if (b0 == 0xE0) return {3, 0xA0, 0xBF};  // no overlongs below U+0800
  if (b0 == 0xED) return {3, 0x80, 0x9F};  // no surrogates
  if (b0 < 0xF0) return {3, 0x80, 0xBF};
  if (b0 == 0xF0) return {4, 0x90, 0xBF};  // no overlongs below U+10000
  if (b0 < 0xF4) return {4, 0x80, 0xBF};
  if (b0 == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {0, 0, 0};                        // F5..FF
}

}  // namespace

int utf8_decode_one(const unsigned char* text, std::size_t size, std::size_t pos, char32_t* cp) {
  const unsigned char b0 = text[pos];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  const LeadInfo info = lead_info(b0);
  if (info.length == 0 || size - pos < static_cast<std::size_t>(info.length)) return 0;
  const unsigned char b1 = text[pos + 1];
  if (b1 < info.second_lo || b1 > info.second_hi) return 0;
  if (info.length == 2) {
    *cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | (b1 & 0x3F);
    return 2;
  }
  const unsigned char b2 = text[pos + 2];
  if (!is_continuation(b2)) return 0;
  if (info.length == 3) {
    *cp = (static_cast<char32_t>(b0 & 0x0F) << 12) | (static_cast<char32_t>(b1 & 0x3F) << 6) |
          (b2 & 0x3F);
    return 3;
  }
  const unsigned char b3 = text[pos + 3];
  if (!is_continuation(b3)) return 0;
  *cp = (static_cast<char32_t>(b0 & 0x07) << 18) | (static_cast<char32_t>(b1 & 0x3F) << 12) |
        (static_cast<char32_t>(b2 & 0x3F) << 6) | (b3 & 0x3F);
  return 4;
}

std::size_t utf8_invalid_length(const unsigned char* text, std::size_t size, std::size_t pos) {
  const LeadInfo info = lead_info(text[pos]);
  if (info.length == 0) return 1;  // stray continuation, C0/C1, F5..FF (or ASCII: not invalid)
  std::size_t n = 1;
  if (pos + n >= size) return n;
  const unsigned char b1 = text[pos + n];
  if (b1 < info.second_lo || b1 > info.second_hi) return n;
  ++n;
  while (n < static_cast<std::size_t>(info.length) && pos + n < size &&
         is_continuation(text[pos + n])) {
    ++n;
  }
  // A complete sequence would have been valid; callers only ask about invalid positions.
  return n < static_cast<std::size_t>(info.length) ? n : n - 1;
}

std::u32string utf8_decode(std::string_view text, bool replace_invalid, const std::string& source) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::u32string out;
  out.reserve(size);  // at most one code point per byte
  std::size_t pos = 0;
  while (pos < size) {
    if (bytes[pos] < 0x80) {  // ASCII fast path
      out.push_back(bytes[pos]);
      ++pos;
      continue;
    }
    char32_t cp = 0;
    const int length = utf8_decode_one(bytes, size, pos, &cp);
    if (length > 0) {
      out.push_back(cp);
      pos += static_cast<std::size_t>(length);
      continue;
    }
    if (!replace_invalid) {
      throw Utf8Error(source + ": invalid UTF-8 at byte " + std::to_string(pos), pos);
    }
    out.push_back(kReplacementChar);
    pos += utf8_invalid_length(bytes, size, pos);
  }
  return out;
}

void utf8_append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = kReplacementChar;
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    utf8_append(out, kReplacementChar);
  }
}

std::string utf8_encode(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) utf8_append(out, cp);
  return out;
}

std::string format_code_point(char32_t cp) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (char32_t v = cp; v != 0; v >>= 4) digits.insert(digits.begin(), kHex[v & 0xF]);
  while (digits.size() < 4) digits.insert(digits.begin(), '0');
  return "U+" + digits;
}

}  // namespace cellscope
