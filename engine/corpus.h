// Corpus: text files (or folders searched recursively with a glob), concatenated in the order
// given (a folder's matches in sorted path order), decoded as UTF-8 and encoded as vocabulary
// ids. Streaming, two passes over the files, so memory is the encoded ids only: one byte per
// character when V <= 256, four otherwise. The validation split is the last val_frac of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vocabulary.h"

namespace cellscope {

// Ids stored compactly: uint8 when the vocabulary has at most 256 characters, else int32.
class EncodedText {
 public:
  EncodedText() = default;
  EncodedText(int vocab_size, std::size_t length);  // zero-filled
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int32_t operator[](std::size_t i) const {
    return narrow_ ? static_cast<int32_t>(bytes_[i]) : wide_[i];
  }
  void set(std::size_t i, int32_t id);
  // A copy of [begin, end) (used for the train / validation split).
  EncodedText slice(std::size_t begin, std::size_t end) const;
  std::size_t memory_bytes() const { return narrow_ ? bytes_.size() : wide_.size() * 4; }
  // Raw storage, for bulk loops: narrow_data() when narrow(), else wide_data().
  bool narrow() const { return narrow_; }
  uint8_t* narrow_data() { return bytes_.data(); }
  const uint8_t* narrow_data() const { return bytes_.data(); }
  int32_t* wide_data() { return wide_.data(); }
  const int32_t* wide_data() const { return wide_.data(); }

 private:
  bool narrow_ = true;
  std::size_t size_ = 0;
  std::vector<uint8_t> bytes_;
  std::vector<int32_t> wide_;
};

struct CorpusOptions {
  std::vector<std::string> paths;  // files or folders
  std::string glob = "*";          // file-name pattern (fnmatch) applied inside folders
  bool replace_invalid = false;    // invalid UTF-8 -> U+FFFD instead of an error
  double val_frac = 0.05;          // in [0, 0.5]
};

struct Corpus {
  Vocabulary vocab;
  EncodedText train;
  EncodedText val;
  std::vector<std::string> files;  // the files read, in order
  uint64_t bytes = 0;              // total UTF-8 bytes read
  int64_t replaced = 0;            // invalid sequences replaced by U+FFFD (replace_invalid)
  int64_t unknown = 0;             // characters outside a given vocab mapped by its fallback
};

// Files named by the options, folders expanded: a file is kept as given; a folder is searched
// recursively for regular files whose file name matches the glob, in sorted path order. As in a
// shell, hidden entries (name starting with '.') are skipped unless the glob itself starts with
// '.', and hidden folders (.git, ...) are not searched. Throws Error when a path is missing or
// unreadable, or a folder has no file matching the glob.
std::vector<std::string> expand_corpus_paths(const CorpusOptions& options);

// Loads and encodes. With `vocab` given (resuming, or evaluating a model) the text is encoded
// with that vocabulary; a character outside it is an Error naming the file and character
// unless `allow_unknown`, which applies the unknown-character policy. Without it the vocabulary
// is built from the text. Throws Error naming the file for: missing, unreadable, empty corpus,
// invalid UTF-8 (with the byte offset), a text with fewer than two characters, val_frac out of
// range.
// The paths made absolute (as recorded in a model file, to find the corpus again later).
std::vector<std::string> absolute_paths(const std::vector<std::string>& paths);

Corpus load_corpus(const CorpusOptions& options, const Vocabulary* vocab = nullptr,
                   bool allow_unknown = false);

// load_corpus in two steps, so a caller can see what the corpus will need before it is encoded
// (train --max-memory): scan_corpus is its first pass (every check and error of load_corpus,
// memory: one read block), encode_corpus its second (allocates the ids); together they equal
// load_corpus.
struct CorpusScan {
  CorpusOptions options;
  bool allow_unknown = false;
  std::vector<std::string> files;
  std::vector<uint64_t> file_chars;  // characters per file
  uint64_t bytes = 0;                // total UTF-8 bytes
  uint64_t chars = 0;                // total characters (train + validation)
  Vocabulary vocab;                  // the given one, or the text's characters
  int64_t replaced = 0;
  int64_t unknown = 0;
  // The encoded ids (train + validation): 1 byte per character when V <= 256, else 4.
  uint64_t encoded_bytes() const;
  // What encode_corpus holds besides the ids while it runs (a read block and an id table).
  std::size_t encoding_scratch_bytes() const;
};
CorpusScan scan_corpus(const CorpusOptions& options, const Vocabulary* vocab = nullptr,
                       bool allow_unknown = false);
Corpus encode_corpus(const CorpusScan& scan);

namespace detail {
// Bytes per read in load_corpus (16 MiB, less for a smaller corpus). Tests set it tiny to cross
// block boundaries.
extern std::size_t corpus_block_size_for_tests;
}  // namespace detail

}  // namespace cellscope
