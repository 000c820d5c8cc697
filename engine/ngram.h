// NgramModel: an interpolated Kneser-Ney character model of order N (1..20), the baseline the
// networks are compared with. Symbols are the corpus's vocabulary ids 0..V-1 plus one unknown
// symbol V (a character the corpus never had): the recursion bottoms out in the uniform
// distribution over V + 1 symbols, so every character has p > 0 and each prediction sums to 1.
// Counts live in one open-addressing hash table per gram length k = 0..N (see NgramTable),
// keyed by a 64-bit hash of the k ids; the order-N grams keep raw counts, shorter ones
// Kneser-Ney continuation counts, and every (k)-gram also keeps its statistics as a context.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "corpus.h"
#include "sampler.h"
#include "surprisal.h"
#include "vocabulary.h"

namespace cellscope {

// One gram length's counts: open addressing, linear probing, capacity a power of two, load
// at most 0.7. Key 0 marks an empty slot (no real key is 0, see ngram_key()).
class NgramTable {
 public:
  struct Counts {
    uint32_t count = 0;  // raw (order N) or continuation count of this gram
    uint32_t total = 0;  // as a context: Σ_w count(gram·w) at the next length
    uint32_t types = 0;  // as a context: #{w : count(gram·w) > 0}
  };
  NgramTable() { rehash(16); }
  // The counts of `key`, inserted as zeros when absent (*inserted says which).
  Counts& find_or_insert(uint64_t key, bool* inserted);
  const Counts* find(uint64_t key) const;
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return keys_.size(); }
  std::size_t memory_bytes() const { return keys_.size() * (sizeof(uint64_t) + sizeof(Counts)); }
  // Every occupied slot, in slot order.
  void for_each(const std::function<void(uint64_t, const Counts&)>& fn) const;
  void reserve(std::size_t entries);

 private:
  void rehash(std::size_t capacity);
  std::vector<uint64_t> keys_;
  std::vector<Counts> counts_;
  std::size_t size_ = 0;
};

// key("") = seed; key(c·s) = mix(key(s), c): a gram is hashed from its last id leftwards, so
// the grams ending at one position come one id at a time. Never 0.
uint64_t ngram_key_extend(uint64_t key_of_rest, int32_t id);
constexpr uint64_t kNgramEmptyKey = 0x6a09e667f3bcc909ULL;

class NgramModel {
 public:
  static constexpr int kMaxOrder = 20;

  NgramModel() = default;
  // Counts `text` (ids of `vocab`; all < vocab.size()). Throws Error for an order outside
  // 1..kMaxOrder or a text shorter than 2 characters. `progress` (optional) gets the fraction
  // done; returning false cancels (then the result is empty: order() == 0).
  static NgramModel build(const Vocabulary& vocab, const EncodedText& text, int order,
                          const std::function<bool(double)>& progress = {});

  int order() const { return order_; }
  const Vocabulary& vocabulary() const { return vocab_; }
  int vocab_size() const { return vocab_.size(); }  // V
  int unknown_id() const { return vocab_.size(); }  // the symbol for unseen characters
  int symbols() const { return vocab_.size() + 1; }
  int64_t corpus_chars() const { return corpus_chars_; }
  // D_n for order n in 1..order(): n1 / (n1 + 2 n2) of that order's counts (0.5 if undefined).
  double discount(int n) const { return discounts_[static_cast<std::size_t>(n)]; }
  std::size_t grams() const;         // entries over every table
  std::size_t memory_bytes() const;  // the tables' slots

  // Code points -> symbols; characters outside the vocabulary become unknown_id() (counted).
  std::vector<int32_t> encode(std::u32string_view text, int64_t* unknown = nullptr) const;

  // p(· | history) over the symbols() symbols into probs (sums to 1). history: symbol ids, most
  // recent last; only the last order() - 1 matter.
  void distribution(const int32_t* history, int64_t length, std::vector<double>* probs) const;
  // p(next | history), the same value as distribution()[next], with one lookup per order.
  double probability(const int32_t* history, int64_t length, int32_t next) const;

  // Per-symbol scores (surprisal.h's convention: position 0 NaN). with_entropy: also the
  // entropy (a full distribution per character: ~V + Σ followers lookups instead of N).
  // Empty when cancelled.
  CharScores score(const std::vector<int32_t>& ids, bool with_entropy,
                   const std::function<bool(double)>& progress = {}) const;

  // Samples like Sampler: history starts with a newline (when the vocabulary has one), then the
  // prime; the unknown symbol is never drawn. on_char gets each character (UTF-8); returning
  // false stops. Returns the generated text.
  std::string generate(std::string_view prime, int64_t length, const SampleOptions& options,
                       const std::function<bool(std::string_view)>& on_char = {}) const;

  // Storage (ngram_file.cpp).
  const std::vector<NgramTable>& tables() const { return tables_; }

 private:
  friend struct NgramFileAccess;
  Vocabulary vocab_;
  int order_ = 0;
  int64_t corpus_chars_ = 0;
  std::vector<double> discounts_;   // [n], n = 1..order_ ([0] unused)
  std::vector<NgramTable> tables_;  // [k] for grams of length k = 0..order_
};

// The n-gram file: magic "CSNG", u32 version, u32 order, u32 V, V code points (u32), u64
// corpus chars, order discounts (f64), then per length k = 0..order: u64 entries and entries ×
// (u64 key, u32 count, u32 total, u32 types); then a CRC-32 of all preceding bytes.
// Little-endian. Written to NAME.tmp, fsync'd, renamed; reads bounded by the file's size.
constexpr uint32_t kNgramFileVersion = 1;
void save_ngram_file(const std::string& path, const NgramModel& model);
NgramModel load_ngram_file(const std::string& path);  // Error naming the path and the cause
// True when the file starts with the n-gram magic (false when it cannot be read).
bool is_ngram_file(const std::string& path);

}  // namespace cellscope
