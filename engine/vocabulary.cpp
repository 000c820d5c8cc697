// Vocabulary: sorted, unique Unicode scalar values; a character's id is its index. Lookups are
// O(1): a 128-entry table for ASCII, a hash map for the rest; both always agree with
// code_points_. Unknown characters map to fallback_id() (U+FFFD, else space, else 0).
#include "vocabulary.h"

#include <algorithm>

#include "error.h"
#include "utf8.h"

namespace cellscope {

Vocabulary::Vocabulary(std::vector<char32_t> code_points) : code_points_(std::move(code_points)) {
  std::sort(code_points_.begin(), code_points_.end());
  code_points_.erase(std::unique(code_points_.begin(), code_points_.end()), code_points_.end());
  ascii_.assign(128, -1);
  for (std::size_t i = 0; i < code_points_.size(); ++i) {
    const char32_t cp = code_points_[i];
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw Error("vocabulary: " + format_code_point(cp) + " is not a valid Unicode character");
    }
    if (cp < 128) {
      ascii_[cp] = static_cast<int32_t>(i);
    } else {
      others_.emplace(cp, static_cast<int32_t>(i));
    }
  }
}

int Vocabulary::id_of(char32_t cp) const {
  if (cp < 128) return cp < ascii_.size() ? ascii_[cp] : -1;  // ascii_ is empty when default-made
  const auto it = others_.find(cp);
  return it == others_.end() ? -1 : it->second;
}

int Vocabulary::fallback_id() const {
  const int replacement = id_of(kReplacementChar);
  if (replacement >= 0) return replacement;
  const int space = id_of(U' ');
  return space >= 0 ? space : 0;
}

std::vector<int32_t> Vocabulary::encode(std::string_view utf8, int64_t* unknown) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t size = utf8.size();
  const int32_t fallback = fallback_id();
  std::vector<int32_t> ids;
  ids.reserve(size);
  int64_t unknown_count = 0;
  std::size_t pos = 0;
  while (pos < size) {
    char32_t cp = 0;
    int length = utf8_decode_one(bytes, size, pos, &cp);
    if (length == 0) {
      cp = kReplacementChar;
      length = static_cast<int>(utf8_invalid_length(bytes, size, pos));
    }
    pos += static_cast<std::size_t>(length);
    int32_t id = id_of(cp);
    if (id < 0) {
      id = fallback;
      ++unknown_count;
    }
    ids.push_back(id);
  }
  if (unknown != nullptr) *unknown = unknown_count;
  return ids;
}

std::string Vocabulary::decode(int id) const {
  if (id < 0 || id >= size()) {
    throw Error("vocabulary: id " + std::to_string(id) + " is out of range [0, " +
                std::to_string(size()) + ")");
  }
  std::string out;
  utf8_append(out, code_points_[static_cast<std::size_t>(id)]);
  return out;
}

std::string Vocabulary::decode(const std::vector<int32_t>& ids) const {
  std::string out;
  out.reserve(ids.size());
  for (int32_t id : ids) {
    if (id < 0 || id >= size()) {
      throw Error("vocabulary: id " + std::to_string(id) + " is out of range [0, " +
                  std::to_string(size()) + ")");
    }
    utf8_append(out, code_points_[static_cast<std::size_t>(id)]);
  }
  return out;
}

std::string Vocabulary::display(char32_t cp) {
  if (cp == U'\n') return "\\n";
  if (cp == U'\t') return "\\t";
  const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
  const bool invisible = cp == 0x00AD || (cp >= 0x200B && cp <= 0x200F) ||
                         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
                         cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
  const bool not_a_character = cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
  if (control || invisible || not_a_character) return format_code_point(cp);
  std::string out;
  utf8_append(out, cp);
  return out;
}

}  // namespace cellscope
