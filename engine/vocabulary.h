// Vocabulary: the model's characters, Unicode code points sorted ascending, id = index.
// Unknown-character policy (sampling, probing, eval): a character the model never saw maps to
// the fallback id, which is U+FFFD's id if the vocabulary has it, else the space's, else id 0;
// encode() counts how many characters it mapped that way so callers can warn.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cellscope {

class Vocabulary {
 public:
  Vocabulary() = default;
  // `code_points` need not be sorted or unique; the vocabulary sorts and deduplicates them.
  // Throws Error for a value that is not a Unicode scalar value (surrogate, > U+10FFFF).
  explicit Vocabulary(std::vector<char32_t> code_points);

  int size() const { return static_cast<int>(code_points_.size()); }
  const std::vector<char32_t>& code_points() const { return code_points_; }
  char32_t code_point(int id) const { return code_points_[static_cast<std::size_t>(id)]; }
  int id_of(char32_t cp) const;  // -1 when the character is not in the vocabulary
  int fallback_id() const;       // the unknown-character policy's target (see above)

  // UTF-8 text -> ids, applying the unknown-character policy. Invalid UTF-8 bytes decode as
  // U+FFFD (then the policy). `unknown` (optional) receives the count of fallback mappings.
  std::vector<int32_t> encode(std::string_view utf8, int64_t* unknown = nullptr) const;
  std::string decode(int id) const;  // one character as UTF-8; Error when id is out of range
  std::string decode(const std::vector<int32_t>& ids) const;

  // Printable form of a character for tables and tooltips: "\n" -> "\\n", "\t" -> "\\t",
  // other control characters as U+XXXX. So are the invisible characters that would garble a
  // table: line/paragraph separators, zero-width and bidirectional formatting marks, BOM.
  static std::string display(char32_t cp);

 private:
  std::vector<char32_t> code_points_;
  std::vector<int32_t> ascii_;  // id of each code point < 128, or -1
  std::unordered_map<char32_t, int32_t> others_;
};

}  // namespace cellscope
