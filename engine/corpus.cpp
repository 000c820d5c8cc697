// Corpus loading: two streaming passes over the files in fixed-size blocks. Pass 1 validates the
// UTF-8, collects the character set and counts characters; pass 2 writes ids straight into train
// and val, each allocated at its exact final size, so peak memory is the ids plus one block. A
// multi-byte sequence may straddle blocks (the last < 4 bytes carry over) but never files: a file
// ending mid-sequence is invalid there. Byte offsets in errors are relative to the file.
#include "corpus.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <system_error>

#include "error.h"
#include "utf8.h"

namespace cellscope {

namespace detail {
std::size_t corpus_block_size_for_tests = std::size_t{16} << 20;
}  // namespace detail

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// EncodedText

EncodedText::EncodedText(int vocab_size, std::size_t length)
    : narrow_(vocab_size <= 256), size_(length) {
  if (narrow_) {
    bytes_.assign(length, 0);
  } else {
    wide_.assign(length, 0);
  }
}

void EncodedText::set(std::size_t i, int32_t id) {
  if (narrow_) {
    bytes_[i] = static_cast<uint8_t>(id);
  } else {
    wide_[i] = id;
  }
}

EncodedText EncodedText::slice(std::size_t begin, std::size_t end) const {
  if (begin > end || end > size_) {
    throw Error("EncodedText::slice: range [" + std::to_string(begin) + ", " + std::to_string(end) +
                ") is outside [0, " + std::to_string(size_) + ")");
  }
  EncodedText out;
  out.narrow_ = narrow_;
  out.size_ = end - begin;
  const auto first = static_cast<std::ptrdiff_t>(begin);
  const auto last = static_cast<std::ptrdiff_t>(end);
  if (narrow_) {
    out.bytes_.assign(bytes_.begin() + first, bytes_.begin() + last);
  } else {
    out.wide_.assign(wide_.begin() + first, wide_.begin() + last);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Finding the files

namespace {

void check_readable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
  }
  std::fclose(f);
}

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

void append_folder_matches(const std::string& folder, const std::string& glob,
                           std::vector<std::string>* files) {
  std::vector<fs::path> matches;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, ec);
  if (ec) throw Error(folder + ": cannot read folder (" + ec.message() + ")");
  const fs::recursive_directory_iterator end;
  fs::path last = folder;
  while (it != end) {
    const fs::directory_entry& entry = *it;
    last = entry.path();
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      if (is_hidden(entry.path())) it.disable_recursion_pending();  // .git, .cache, ...
    } else if (entry.is_regular_file(type_ec)) {
      const std::string name = entry.path().filename().string();
      if (fnmatch(glob.c_str(), name.c_str(), FNM_PERIOD) == 0) matches.push_back(entry.path());
    }
    it.increment(ec);
    if (ec) {
      throw Error(folder + ": cannot search the folder at " + last.string() + " (" + ec.message() +
                  ")");
    }
  }
  if (matches.empty()) {
    throw Error(folder + ": folder has no file matching \"" + glob + "\" (searched recursively)");
  }
  std::sort(matches.begin(), matches.end());
  for (const fs::path& match : matches) {
    std::string path = match.string();
    check_readable(path);
    files->push_back(std::move(path));
  }
}

}  // namespace

std::vector<std::string> expand_corpus_paths(const CorpusOptions& options) {
  if (options.paths.empty()) throw Error("no corpus files given");
  std::vector<std::string> files;
  for (const std::string& path : options.paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (status.type() == fs::file_type::not_found) {
      throw Error(path + ": no such file or folder");
    }
    if (ec) throw Error(path + ": cannot access (" + ec.message() + ")");
    if (fs::is_directory(status)) {
      append_folder_matches(path, options.glob, &files);
    } else if (fs::is_regular_file(status)) {
      check_readable(path);
      files.push_back(path);
    } else {
      throw Error(path + ": not a regular file or folder");
    }
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Streaming scan

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr std::size_t kRunChunk = 16 * 1024;  // ASCII runs are handed over in L1-sized pieces

inline uint64_t load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Length of the run of ASCII bytes at the start of p[0, n).
inline std::size_t ascii_run(const unsigned char* p, std::size_t n) {
  std::size_t i = 0;
  while (i + 32 <= n &&
         ((load64(p + i) | load64(p + i + 8) | load64(p + i + 16) | load64(p + i + 24)) &
          kHighBits) == 0) {
    i += 32;
  }
  while (i + 8 <= n && (load64(p + i) & kHighBits) == 0) i += 8;
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

std::string invalid_utf8_message(const std::string& path, uint64_t offset) {
  return path + ": invalid UTF-8 at byte " + std::to_string(offset) +
         " (use --replace-invalid to substitute U+FFFD)";
}

std::string changed_message(const std::string& path) {
  return path + ": the file changed while the corpus was loading";
}

// Reads one file in blocks and feeds the sink ASCII runs and decoded non-ASCII code points:
//   sink.ascii(const unsigned char* p, size_t n, uint64_t offset)
//   sink.code_point(char32_t cp, uint64_t offset, bool replaced)
// Returns the file's size in bytes and adds the number of replaced sequences to *replaced.
template <typename Sink>
uint64_t scan_file(const std::string& path, unsigned char* buffer, std::size_t block,
                   bool replace_invalid, Sink& sink, int64_t* replaced) {
  std::FILE* raw = std::fopen(path.c_str(), "rb");
  if (raw == nullptr) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(raw, &std::fclose);
  std::setvbuf(raw, nullptr, _IONBF, 0);  // we read big blocks: no stdio copy

  std::size_t carry = 0;  // bytes of an unfinished sequence moved to the buffer's start
  uint64_t base = 0;      // file offset of buffer[0]
  for (;;) {
    const std::size_t got = std::fread(buffer + carry, 1, block, raw);
    if (got < block && std::ferror(raw)) {
      throw Error(path + ": read error (" + std::strerror(errno) + ")");
    }
    const bool last_block = got < block;  // fread is short only at end of file (or error)
    const std::size_t end = carry + got;
    std::size_t pos = 0;
    while (pos < end) {
      if (buffer[pos] < 0x80) {
        const std::size_t run = ascii_run(buffer + pos, std::min(end - pos, kRunChunk));
        sink.ascii(buffer + pos, run, base + pos);
        pos += run;
        continue;
      }
      // A sequence is at most 4 bytes: with fewer left, wait for the next block (if any).
      if (!last_block && end - pos < 4) break;
      char32_t cp = 0;
      std::size_t length = static_cast<std::size_t>(utf8_decode_one(buffer, end, pos, &cp));
      const bool bad = length == 0;
      if (bad) {
        if (!replace_invalid) {
          throw Utf8Error(invalid_utf8_message(path, base + pos),
                          static_cast<std::size_t>(base + pos));
        }
        length = utf8_invalid_length(buffer, end, pos);
        cp = kReplacementChar;
        ++*replaced;
      }
      sink.code_point(cp, base + pos, bad);
      pos += length;
    }
    if (last_block) return base + end;
    carry = end - pos;
    std::memmove(buffer, buffer + pos, carry);
    base += pos;
  }
}

// Pass 1 without a vocabulary: which characters occur, and how many characters there are.
struct CollectSink {
  const std::string* path = nullptr;  // unused: every character is welcome
  bool ascii_seen[128] = {};
  std::vector<uint64_t> bitmap;  // grows to the highest code point seen (none for ASCII)
  uint64_t chars = 0;

  void ascii(const unsigned char* p, std::size_t n, uint64_t /*offset*/) {
    for (std::size_t i = 0; i < n; ++i) ascii_seen[p[i]] = true;
    chars += n;
  }
  void code_point(char32_t cp, uint64_t /*offset*/, bool /*replaced*/) {
    if ((cp >> 6) >= bitmap.size()) bitmap.resize((cp >> 6) + 1, 0);
    bitmap[cp >> 6] |= uint64_t{1} << (cp & 63);
    ++chars;
  }
  std::vector<char32_t> code_points() const {
    std::vector<char32_t> out;
    for (char32_t c = 0; c < 128; ++c) {
      if (ascii_seen[c]) out.push_back(c);
    }
    for (std::size_t w = 0; w < bitmap.size(); ++w) {
      if (bitmap[w] == 0) continue;
      for (std::size_t b = 0; b < 64; ++b) {
        if ((bitmap[w] >> b) & 1) out.push_back(static_cast<char32_t>(w * 64 + b));
      }
    }
    return out;
  }
};

// Pass 1 with a vocabulary: every character must be in it (or is counted, with allow_unknown).
struct CheckSink {
  const Vocabulary& vocab;
  bool allow_unknown;
  const std::string* path = nullptr;
  bool ascii_known[128] = {};
  uint64_t chars = 0;
  int64_t unknown = 0;

  CheckSink(const Vocabulary& v, bool allow) : vocab(v), allow_unknown(allow) {
    for (char32_t c = 0; c < 128; ++c) ascii_known[c] = vocab.id_of(c) >= 0;
  }
  void ascii(const unsigned char* p, std::size_t n, uint64_t offset) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!ascii_known[p[i]]) found_unknown(p[i], offset + i, false);
    }
    chars += n;
  }
  void code_point(char32_t cp, uint64_t offset, bool replaced) {
    if (vocab.id_of(cp) < 0) found_unknown(cp, offset, replaced);
    ++chars;
  }
  void found_unknown(char32_t cp, uint64_t offset, bool replaced) {
    if (allow_unknown) {
      ++unknown;
      return;
    }
    std::string message = *path + ": character " + format_code_point(cp) + " \"" +
                          Vocabulary::display(cp) + "\" at byte " + std::to_string(offset);
    if (replaced) message += " (an invalid UTF-8 sequence replaced by U+FFFD)";
    throw Error(message + " is not in the model's vocabulary");
  }
};

// Pass 2: writes ids into train, then val, both already at their final sizes.
template <typename T>
struct EncodeSink {
  const Vocabulary& vocab;
  int32_t ascii_ids[128];
  std::vector<int32_t> bmp_ids;  // id of each code point < U+10000, or -1 (big texts only)
  int32_t fallback = -1;         // for unknown characters, -1 when they are not allowed
  const std::string* path = nullptr;
  T* out = nullptr;
  std::size_t left = 0;  // room left in the current segment
  T* next = nullptr;
  std::size_t next_left = 0;
  uint64_t written = 0;

  EncodeSink(const Vocabulary& v, bool allow_unknown, uint64_t chars) : vocab(v) {
    fallback = allow_unknown ? vocab.fallback_id() : -1;
    for (char32_t c = 0; c < 128; ++c) {
      const int id = vocab.id_of(c);
      ascii_ids[c] = id >= 0 ? id : fallback;
    }
    for (int id = 0; id < vocab.size(); ++id) {
      const char32_t cp = vocab.code_point(id);
      if (cp >= 0x10000 || chars < 0x10000) continue;  // small text: map lookups cost less
      if (cp >= bmp_ids.size()) bmp_ids.resize(cp + 1, -1);
      bmp_ids[cp] = id;
    }
  }
  void next_segment() {
    if (next_left == 0) throw Error(changed_message(*path));  // more text than in pass 1
    out = next;
    left = next_left;
    next = nullptr;
    next_left = 0;
  }
  void ascii(const unsigned char* p, std::size_t n, uint64_t /*offset*/) {
    int32_t all = 0;  // ORs the ids: negative when some character is unknown
    while (n > 0) {
      if (left == 0) next_segment();
      const std::size_t count = std::min(n, left);
      for (std::size_t i = 0; i < count; ++i) {
        const int32_t id = ascii_ids[p[i]];
        all |= id;
        out[i] = static_cast<T>(id);
      }
      out += count;
      left -= count;
      written += count;
      p += count;
      n -= count;
    }
    if (all < 0) throw Error(changed_message(*path));  // pass 1 saw only known characters
  }
  void code_point(char32_t cp, uint64_t /*offset*/, bool /*replaced*/) {
    int32_t id = cp < bmp_ids.size() ? bmp_ids[cp] : vocab.id_of(cp);
    if (id < 0) id = fallback;
    if (id < 0) throw Error(changed_message(*path));
    if (left == 0) next_segment();
    *out++ = static_cast<T>(id);
    --left;
    ++written;
  }
};

std::string join_names(const std::vector<std::string>& names, std::size_t max_names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max_names; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > max_names) {
    out += ", ... (" + std::to_string(names.size() - max_names) + " more)";
  }
  return out;
}

// Bytes per read for a corpus of `bytes` in all: the block size, or less for a smaller corpus.
std::size_t read_block(uint64_t bytes) {
  return static_cast<std::size_t>(std::max<uint64_t>(
      std::min<uint64_t>(detail::corpus_block_size_for_tests, bytes), 1));
}

template <typename T>
void encode_pass(const std::vector<std::string>& files, const std::vector<uint64_t>& file_chars,
                 unsigned char* buffer, std::size_t block, const CorpusOptions& options,
                 const Vocabulary& vocab, bool allow_unknown, T* train, std::size_t train_size,
                 T* val, std::size_t val_size) {
  EncodeSink<T> sink(vocab, allow_unknown, train_size + val_size);
  sink.out = train;
  sink.left = train_size;
  sink.next = val;
  sink.next_left = val_size;
  int64_t replaced = 0;
  for (std::size_t f = 0; f < files.size(); ++f) {
    sink.path = &files[f];
    const uint64_t before = sink.written;
    scan_file(files[f], buffer, block, options.replace_invalid, sink, &replaced);
    if (sink.written - before != file_chars[f]) throw Error(changed_message(files[f]));
  }
}

}  // namespace

CorpusScan scan_corpus(const CorpusOptions& options, const Vocabulary* vocab, bool allow_unknown) {
  if (!(options.val_frac >= 0.0 && options.val_frac <= 0.5)) {  // also rejects NaN
    std::ostringstream message;
    message << "the validation fraction must be between 0 and 0.5 (got " << options.val_frac << ")";
    throw Error(message.str());
  }
  if (vocab != nullptr && vocab->size() == 0) throw Error("the vocabulary is empty");

  CorpusScan scan;
  scan.options = options;
  scan.allow_unknown = allow_unknown;
  scan.files = expand_corpus_paths(options);
  const std::vector<std::string>& files = scan.files;
  scan.file_chars.assign(files.size(), 0);
  uint64_t sizes = 0;  // a small corpus needs no 16 MiB block (the size is only a buffer's)
  for (const std::string& file : files) {
    std::error_code ec;  // on an error file_size is uintmax_t(-1): one whole block
    sizes += std::min<uintmax_t>(fs::file_size(file, ec), detail::corpus_block_size_for_tests);
  }
  const std::size_t block = read_block(sizes);
  const std::unique_ptr<unsigned char[]> buffer(new unsigned char[block + 4]);

  // Pass 1: validate, count, and collect the characters (or check them against `vocab`).
  auto pass1 = [&](auto& sink) {
    for (std::size_t f = 0; f < files.size(); ++f) {
      sink.path = &files[f];
      const uint64_t before = sink.chars;
      scan.bytes +=
          scan_file(files[f], buffer.get(), block, options.replace_invalid, sink, &scan.replaced);
      scan.file_chars[f] = sink.chars - before;
    }
    scan.chars = sink.chars;
  };
  if (vocab == nullptr) {
    CollectSink sink;
    pass1(sink);
    if (scan.chars > 0) scan.vocab = Vocabulary(sink.code_points());
  } else {
    CheckSink sink(*vocab, allow_unknown);
    pass1(sink);
    scan.unknown = sink.unknown;
    scan.vocab = *vocab;
  }

  if (scan.chars == 0) {
    throw Error(files.size() == 1 ? files[0] + ": the file is empty, so the corpus is empty"
                                  : "the corpus is empty: all " + std::to_string(files.size()) +
                                        " files are empty (" + join_names(files, 5) + ")");
  }
  if (scan.chars < 2) {
    std::vector<std::string> nonempty;
    for (std::size_t f = 0; f < files.size(); ++f)
      if (scan.file_chars[f] > 0) nonempty.push_back(files[f]);
    throw Error(join_names(nonempty, 5) +
                ": the corpus has only one character; at least two are needed");
  }
  return scan;
}

Corpus encode_corpus(const CorpusScan& scan) {
  const std::size_t block = read_block(scan.bytes);
  const std::unique_ptr<unsigned char[]> buffer(new unsigned char[block + 4]);
  Corpus corpus{scan.vocab, {}, {}, scan.files, scan.bytes, scan.replaced, scan.unknown};
  // Split: validation is the last floor(val_frac * N) characters.
  const auto n = static_cast<std::size_t>(scan.chars);
  const auto n_val = std::min(
      n - 1, static_cast<std::size_t>(std::floor(scan.options.val_frac * static_cast<double>(n))));
  const std::size_t n_train = n - n_val;
  corpus.train = EncodedText(corpus.vocab.size(), n_train);
  corpus.val = EncodedText(corpus.vocab.size(), n_val);
  // Pass 2: encode straight into train and val.
  if (corpus.train.narrow()) {
    encode_pass<uint8_t>(scan.files, scan.file_chars, buffer.get(), block, scan.options,
                         corpus.vocab, scan.allow_unknown, corpus.train.narrow_data(), n_train,
                         corpus.val.narrow_data(), n_val);
  } else {
    encode_pass<int32_t>(scan.files, scan.file_chars, buffer.get(), block, scan.options,
                         corpus.vocab, scan.allow_unknown, corpus.train.wide_data(), n_train,
                         corpus.val.wide_data(), n_val);
  }
  return corpus;
}

Corpus load_corpus(const CorpusOptions& options, const Vocabulary* vocab, bool allow_unknown) {
  return encode_corpus(scan_corpus(options, vocab, allow_unknown));
}

std::vector<std::string> absolute_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code error;
    const auto absolute = std::filesystem::absolute(p, error);
    out.push_back(error ? p : absolute.lexically_normal().string());
  }
  return out;
}

}  // namespace cellscope
