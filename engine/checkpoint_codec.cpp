// Names and number formats for .csm error messages, and the CRC-32 that closes every file.
// The CRC is zlib's (IEEE 802.3, reflected 0xEDB88320), so files can be checked with any tool.
#include "checkpoint_codec.h"

#include <array>
#include <cstdio>

#include "checkpoint.h"

namespace cellscope {

namespace csm {

std::string tag_name(uint32_t tag) {
  std::string name;
  for (int i = 0; i < 4; ++i) {
    const char c = char((tag >> (8 * i)) & 0xFF);
    if (c < 0x20 || c > 0x7E) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%08X", unsigned(tag));
      return hex;
    }
    name += c;
  }
  return name;
}

std::string format_double(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string format_code_point(char32_t cp) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04X", unsigned(cp));
  return text;
}

}  // namespace csm

namespace {

constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = make_crc_table();

}  // namespace

uint32_t crc32(const void* data, std::size_t size, uint32_t crc) {
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = kCrcTable[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace cellscope
