// The .csm model file: serialisation, validation and the atomic save (NAME.tmp, fsync, rename).
// Invariants: the reader checks every length against the bytes that remain before allocating, so
// memory use is bounded by the file size; every failure is an Error that starts with the path.
// PARM is written last, so a file cut at any point fails to parse even without the CRC check;
// unknown section tags are skipped, known sections must be consumed exactly.
#include "checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "error.h"

namespace cellscope {

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              ".csm files are little-endian and floats are copied raw: little-endian hosts only");
#endif
static_assert(std::numeric_limits<float>::is_iec559 && sizeof(float) == 4, "IEEE float required");
static_assert(std::numeric_limits<double>::is_iec559 && sizeof(double) == 8,
              "IEEE double required");
static_assert(sizeof(char32_t) == 4, "char32_t must be 4 bytes");

namespace {

constexpr char kMagic[4] = {'C', 'S', 'M', '1'};
constexpr std::size_t kHeaderBytes = 8;          // magic + version
constexpr std::size_t kCrcBytes = 4;             // trailing CRC-32
constexpr std::size_t kSectionHeaderBytes = 12;  // u32 tag + u64 length
constexpr std::size_t kMinFileBytes = kHeaderBytes + kCrcBytes;
constexpr uint64_t kMaxFileBytes = uint64_t{16} << 30;  // 16 GiB

constexpr int32_t kMaxVocabSize = 1 << 21;
constexpr int32_t kMaxHiddenSize = 16384;
constexpr int32_t kMaxLayers = 64;

constexpr uint32_t make_tag(const char (&name)[5]) {
  return uint32_t(uint8_t(name[0])) | uint32_t(uint8_t(name[1])) << 8 |
         uint32_t(uint8_t(name[2])) << 16 | uint32_t(uint8_t(name[3])) << 24;
}

constexpr uint32_t kTagConfig = make_tag("CONF");
constexpr uint32_t kTagVocabulary = make_tag("VOCB");
constexpr uint32_t kTagParameters = make_tag("PARM");
constexpr uint32_t kTagOptimizer = make_tag("OPTM");
constexpr uint32_t kTagProgress = make_tag("PROG");
constexpr uint32_t kTagTrainHistory = make_tag("THST");
constexpr uint32_t kTagValHistory = make_tag("VHST");
constexpr uint32_t kTagSamples = make_tag("SMPL");
constexpr uint32_t kTagCorpus = make_tag("CORP");

// Bytes each record occupies at least in the file (bounds the count before reserving).
constexpr std::size_t kLossPointBytes = 8 + 8 + 8 + 8;
constexpr std::size_t kSampleMinBytes = 8 + 8 + 8 + 8;  // iteration, val_loss, temperature, len

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

uint32_t read_le32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Writer: appends little-endian values to a growing image; sections are patched with their size.

class Writer {
 public:
  void bytes(const void* data, std::size_t size) {
    out_.append(static_cast<const char*>(data), size);
  }
  void u8(uint8_t v) { bytes(&v, 1); }
  void u32(uint32_t v) { bytes(&v, 4); }
  void u64(uint64_t v) { bytes(&v, 8); }
  void i32(int32_t v) { bytes(&v, 4); }
  void i64(int64_t v) { bytes(&v, 8); }
  void f64(double v) { bytes(&v, 8); }
  void str(const std::string& s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  void floats(const std::vector<float>& v) {
    u64(v.size());
    bytes(v.data(), v.size() * sizeof(float));
  }

  std::size_t begin_section(uint32_t tag) {
    u32(tag);
    const std::size_t at = out_.size();
    u64(0);  // patched by end_section
    return at;
  }
  void end_section(std::size_t at) {
    const uint64_t length = out_.size() - (at + 8);
    std::memcpy(&out_[at], &length, 8);
  }

  std::string& out() { return out_; }

 private:
  std::string out_;
};

// ---------------------------------------------------------------------------------------------
// Reader: a cursor over one section's payload. Every read and every declared count is checked
// against the bytes remaining before anything is copied or allocated.

class Reader {
 public:
  Reader(const std::string& path, uint32_t tag, const char* data, std::size_t size)
      : path_(path), section_(tag_name(tag)), data_(data), size_(size) {}

  std::size_t remaining() const { return size_ - pos_; }

  const char* take(std::size_t n, const char* what) {
    if (n > remaining()) {
      fail("truncated file (section " + section_ + ": " + what + " needs " + std::to_string(n) +
           " bytes, " + std::to_string(remaining()) + " remain)");
    }
    const char* p = data_ + pos_;
    pos_ += n;
    return p;
  }

  template <typename T>
  T value(const char* what) {
    static_assert(std::is_trivially_copyable<T>::value, "raw values only");
    T v;
    std::memcpy(&v, take(sizeof(T), what), sizeof(T));
    return v;
  }
  uint32_t u32(const char* what) { return value<uint32_t>(what); }
  uint64_t u64(const char* what) { return value<uint64_t>(what); }
  int32_t i32(const char* what) { return value<int32_t>(what); }
  int64_t i64(const char* what) { return value<int64_t>(what); }
  double f64(const char* what) { return value<double>(what); }
  bool boolean(const char* what) {
    const uint8_t v = value<uint8_t>(what);
    if (v > 1) fail(std::string("invalid ") + what + " " + std::to_string(v) + " (must be 0 or 1)");
    return v == 1;
  }

  // Reads a u64 element count and checks that `count` elements of at least `min_bytes` each fit
  // in what remains of the section.
  std::size_t count(std::size_t min_bytes, const char* what) {
    const uint64_t n = u64(what);
    if (n > remaining() / min_bytes) {
      fail("section " + section_ + " declares " + std::to_string(n) + " " + what + " but only " +
           std::to_string(remaining()) + " bytes remain");
    }
    return std::size_t(n);
  }

  std::string str(const char* what) {
    const std::size_t n = count(1, what);
    const char* p = take(n, what);
    return std::string(p, n);
  }

  std::vector<float> floats(const char* what) {
    const std::size_t n = count(sizeof(float), what);
    const char* p = take(n * sizeof(float), what);
    std::vector<float> v(n);
    if (n > 0) std::memcpy(v.data(), p, n * sizeof(float));
    return v;
  }

  void expect_end() {
    if (remaining() != 0) {
      fail("section " + section_ + " has " + std::to_string(remaining()) +
           " unexpected trailing bytes");
    }
  }

  [[noreturn]] void fail(const std::string& cause) const { throw Error(path_ + ": " + cause); }

 private:
  const std::string& path_;
  std::string section_;
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Sections.

void write_config(Writer& w, const ModelConfig& m, const TrainConfig& t) {
  w.i32(static_cast<int32_t>(m.cell));
  w.i32(m.vocab_size);
  w.i32(m.hidden_size);
  w.i32(m.num_layers);
  w.f64(m.dropout);

  w.i32(t.seq_length);
  w.i32(t.bptt_every);
  w.i32(t.bptt_length);
  w.i32(t.batch_size);
  w.u8(t.reset_state ? 1 : 0);
  w.i32(static_cast<int32_t>(t.optimizer));
  w.f64(t.learning_rate);
  w.f64(t.lr_decay);
  w.i32(t.lr_decay_after);
  w.f64(t.grad_clip);
  w.i32(static_cast<int32_t>(t.clip_mode));
  w.f64(t.val_frac);
  w.i64(t.max_epochs);
  w.i64(t.max_iters);
  w.f64(t.max_seconds);
  w.i64(t.eval_every);
  w.i64(t.checkpoint_every);
  w.i64(t.sample_every);
  w.i32(t.sample_length);
  w.f64(t.sample_temperature);
  w.u64(t.seed);
}

void read_config(Reader& r, ModelConfig& m, TrainConfig& t) {
  m.cell = static_cast<CellType>(r.i32("cell"));
  m.vocab_size = r.i32("vocab_size");
  m.hidden_size = r.i32("hidden_size");
  m.num_layers = r.i32("num_layers");
  m.dropout = r.f64("dropout");

  t.seq_length = r.i32("seq_length");
  t.bptt_every = r.i32("bptt_every");
  t.bptt_length = r.i32("bptt_length");
  t.batch_size = r.i32("batch_size");
  t.reset_state = r.boolean("reset_state");
  t.optimizer = static_cast<OptimizerType>(r.i32("optimizer"));
  t.learning_rate = r.f64("learning_rate");
  t.lr_decay = r.f64("lr_decay");
  t.lr_decay_after = r.i32("lr_decay_after");
  t.grad_clip = r.f64("grad_clip");
  t.clip_mode = static_cast<ClipMode>(r.i32("clip_mode"));
  t.val_frac = r.f64("val_frac");
  t.max_epochs = r.i64("max_epochs");
  t.max_iters = r.i64("max_iters");
  t.max_seconds = r.f64("max_seconds");
  t.eval_every = r.i64("eval_every");
  t.checkpoint_every = r.i64("checkpoint_every");
  t.sample_every = r.i64("sample_every");
  t.sample_length = r.i32("sample_length");
  t.sample_temperature = r.f64("sample_temperature");
  t.seed = r.u64("seed");
}

void write_history(Writer& w, const std::vector<LossPoint>& history) {
  w.u64(history.size());
  for (const LossPoint& p : history) {
    w.i64(p.iteration);
    w.f64(p.epoch);
    w.f64(p.seconds);
    w.f64(p.loss);
  }
}

std::vector<LossPoint> read_history(Reader& r) {
  const std::size_t n = r.count(kLossPointBytes, "loss points");
  std::vector<LossPoint> history(n);
  for (LossPoint& p : history) {
    p.iteration = r.i64("iteration");
    p.epoch = r.f64("epoch");
    p.seconds = r.f64("seconds");
    p.loss = r.f64("loss");
  }
  return history;
}

// Returns the first problem with the values (empty when they are fine).
std::string find_invalid(const ModelFile& f) {
  const ModelConfig& m = f.model;
  const TrainConfig& t = f.train;
  const int32_t cell = static_cast<int32_t>(m.cell);
  if (cell < 0 || cell > 2) return "unknown cell type " + std::to_string(cell);
  if (m.vocab_size < 1 || m.vocab_size > kMaxVocabSize) {
    return "vocab_size " + std::to_string(m.vocab_size) + " is out of range (1.." +
           std::to_string(kMaxVocabSize) + ")";
  }
  if (m.hidden_size < 1 || m.hidden_size > kMaxHiddenSize) {
    return "hidden_size " + std::to_string(m.hidden_size) + " is out of range (1.." +
           std::to_string(kMaxHiddenSize) + ")";
  }
  if (m.num_layers < 1 || m.num_layers > kMaxLayers) {
    return "num_layers " + std::to_string(m.num_layers) + " is out of range (1.." +
           std::to_string(kMaxLayers) + ")";
  }
  if (!(m.dropout >= 0.0 && m.dropout < 1.0)) {
    return "dropout " + format_double(m.dropout) + " is out of range [0, 1)";
  }
  if (f.vocabulary.size() != std::size_t(m.vocab_size)) {
    return "vocab_size " + std::to_string(m.vocab_size) + " does not match the vocabulary (" +
           std::to_string(f.vocabulary.size()) + " characters)";
  }
  for (std::size_t i = 0; i < f.vocabulary.size(); ++i) {
    const char32_t cp = f.vocabulary[i];
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return "vocabulary entry " + std::to_string(i) + " is not a valid code point (" +
             format_code_point(cp) + ")";
    }
    if (i > 0 && cp <= f.vocabulary[i - 1]) {
      return "vocabulary is not strictly ascending at entry " + std::to_string(i) + " (" +
             format_code_point(cp) + " after " + format_code_point(f.vocabulary[i - 1]) + ")";
    }
  }
  if (t.seq_length < 1) return "seq_length " + std::to_string(t.seq_length) + " must be >= 1";
  if (t.batch_size < 1) return "batch_size " + std::to_string(t.batch_size) + " must be >= 1";
  if (t.bptt_every < 0) return "bptt_every " + std::to_string(t.bptt_every) + " must be >= 0";
  if (t.bptt_length < 0) return "bptt_length " + std::to_string(t.bptt_length) + " must be >= 0";
  const int32_t optimizer = static_cast<int32_t>(t.optimizer);
  if (optimizer < 0 || optimizer > 2) return "unknown optimizer type " + std::to_string(optimizer);
  const int32_t clip = static_cast<int32_t>(t.clip_mode);
  if (clip < 0 || clip > 1) return "unknown clip mode " + std::to_string(clip);
  const TrainingProgress& p = f.progress;
  if (p.carried_batch < 0) {
    return "carried_batch " + std::to_string(p.carried_batch) + " must be >= 0";
  }
  if (p.carried_batch == 0 && !p.carried_state.empty()) {
    return "carried_state has " + std::to_string(p.carried_state.size()) +
           " values but carried_batch is 0";
  }
  return {};
}

// A file descriptor closed on scope exit (errors on this close are irrelevant: reads only, or
// the save path has already closed explicitly and released it).
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string errno_text(int err) {
  return std::strerror(err);
}

[[noreturn]] void fail_at(const std::string& path, const std::string& cause) {
  throw Error(path + ": " + cause);
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

uint32_t crc32(const void* data, std::size_t size, uint32_t crc) {
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = kCrcTable[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

namespace detail {

std::string serialize_model(const ModelFile& file) {
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kModelFileVersion);

  std::size_t at = w.begin_section(kTagConfig);
  write_config(w, file.model, file.train);
  w.end_section(at);

  at = w.begin_section(kTagVocabulary);
  w.u64(file.vocabulary.size());
  for (char32_t cp : file.vocabulary) w.u32(uint32_t(cp));
  w.end_section(at);

  at = w.begin_section(kTagOptimizer);
  w.i64(file.optimizer_steps);
  w.floats(file.optimizer_state);
  w.end_section(at);

  const TrainingProgress& p = file.progress;
  at = w.begin_section(kTagProgress);
  w.i64(p.iteration);
  w.i64(p.epoch);
  w.i64(p.cursor);
  w.f64(p.learning_rate);
  w.f64(p.seconds);
  w.str(p.rng_state);
  w.i32(p.carried_batch);
  w.floats(p.carried_state);
  w.end_section(at);

  at = w.begin_section(kTagTrainHistory);
  write_history(w, file.train_history);
  w.end_section(at);

  at = w.begin_section(kTagValHistory);
  write_history(w, file.val_history);
  w.end_section(at);

  at = w.begin_section(kTagSamples);
  w.u64(file.samples.size());
  for (const SampleRecord& s : file.samples) {
    w.i64(s.iteration);
    w.f64(s.val_loss);
    w.f64(s.temperature);
    w.str(s.text);
  }
  w.end_section(at);

  at = w.begin_section(kTagCorpus);
  w.u64(file.corpus_paths.size());
  for (const std::string& path : file.corpus_paths) w.str(path);
  w.str(file.corpus_glob);
  w.end_section(at);

  // Last on purpose: a file cut anywhere loses (part of) a required section.
  at = w.begin_section(kTagParameters);
  w.floats(file.parameters);
  w.end_section(at);

  std::string& out = w.out();
  w.u32(crc32(out.data(), out.size()));
  return std::move(out);
}

ModelFile parse_model_bytes(const std::string& path, const std::string& bytes, bool check_crc) {
  auto fail = [&path](const std::string& cause) { fail_at(path, cause); };
  const std::size_t size = bytes.size();
  const char* data = bytes.data();

  if (size == 0) fail("empty file (not a CellScope model)");
  if (std::memcmp(data, kMagic, size < 4 ? size : 4) != 0) {
    fail("not a CellScope model file (bad magic)");
  }
  if (size < kMinFileBytes) {
    fail("truncated file (" + std::to_string(size) + " bytes; a .csm file has at least " +
         std::to_string(kMinFileBytes) + ")");
  }
  const uint32_t version = read_le32(data + 4);
  if (version != kModelFileVersion) {
    fail("unsupported .csm version " + std::to_string(version) + " (this build reads " +
         std::to_string(kModelFileVersion) + ")");
  }
  const std::size_t end = size - kCrcBytes;
  if (check_crc && crc32(data, end) != read_le32(data + end)) {
    fail("checksum mismatch: the file is corrupted");
  }

  ModelFile file;
  bool have_config = false, have_vocabulary = false, have_parameters = false;
  bool have_optimizer = false, have_progress = false, have_train = false, have_val = false,
       have_samples = false, have_corpus = false;
  auto first_time = [&fail](bool& seen, uint32_t tag) {
    if (seen) fail("section " + tag_name(tag) + " appears twice");
    seen = true;
  };

  std::size_t pos = kHeaderBytes;
  while (pos < end) {
    const std::size_t left = end - pos;
    if (left < kSectionHeaderBytes) {
      fail("truncated file (section header at byte " + std::to_string(pos) + " needs " +
           std::to_string(kSectionHeaderBytes) + " bytes, " + std::to_string(left) + " remain)");
    }
    const uint32_t tag = read_le32(data + pos);
    uint64_t length;
    std::memcpy(&length, data + pos + 4, 8);
    pos += kSectionHeaderBytes;
    if (length > end - pos) {
      fail("truncated file (section " + tag_name(tag) + " declares " + std::to_string(length) +
           " bytes, " + std::to_string(end - pos) + " remain)");
    }
    Reader r(path, tag, data + pos, std::size_t(length));
    pos += std::size_t(length);

    if (tag == kTagConfig) {
      first_time(have_config, tag);
      read_config(r, file.model, file.train);
    } else if (tag == kTagVocabulary) {
      first_time(have_vocabulary, tag);
      const std::size_t n = r.count(4, "characters");
      file.vocabulary.resize(n);
      for (char32_t& cp : file.vocabulary) cp = char32_t(r.u32("character"));
    } else if (tag == kTagParameters) {
      first_time(have_parameters, tag);
      file.parameters = r.floats("parameters");
    } else if (tag == kTagOptimizer) {
      first_time(have_optimizer, tag);
      file.optimizer_steps = r.i64("optimizer_steps");
      file.optimizer_state = r.floats("optimizer values");
    } else if (tag == kTagProgress) {
      first_time(have_progress, tag);
      TrainingProgress& p = file.progress;
      p.iteration = r.i64("iteration");
      p.epoch = r.i64("epoch");
      p.cursor = r.i64("cursor");
      p.learning_rate = r.f64("learning_rate");
      p.seconds = r.f64("seconds");
      p.rng_state = r.str("rng_state bytes");
      p.carried_batch = r.i32("carried_batch");
      p.carried_state = r.floats("carried_state values");
    } else if (tag == kTagTrainHistory) {
      first_time(have_train, tag);
      file.train_history = read_history(r);
    } else if (tag == kTagValHistory) {
      first_time(have_val, tag);
      file.val_history = read_history(r);
    } else if (tag == kTagSamples) {
      first_time(have_samples, tag);
      const std::size_t n = r.count(kSampleMinBytes, "samples");
      file.samples.resize(n);
      for (SampleRecord& s : file.samples) {
        s.iteration = r.i64("sample iteration");
        s.val_loss = r.f64("sample val_loss");
        s.temperature = r.f64("sample temperature");
        s.text = r.str("sample text bytes");
      }
    } else if (tag == kTagCorpus) {
      first_time(have_corpus, tag);
      file.corpus_paths.resize(r.count(8, "corpus paths"));
      for (std::string& path : file.corpus_paths) path = r.str("corpus path bytes");
      file.corpus_glob = r.str("corpus glob bytes");
    } else {
      continue;  // unknown section from a newer writer of this version: skipped
    }
    r.expect_end();
  }

  if (!have_config) fail("missing section CONF");
  if (!have_vocabulary) fail("missing section VOCB");
  if (!have_parameters) fail("missing section PARM");
  const std::string invalid = find_invalid(file);
  if (!invalid.empty()) fail(invalid);
  return file;
}

}  // namespace detail

void save_model_file(const std::string& path, const ModelFile& file) {
  const std::string invalid = find_invalid(file);
  if (!invalid.empty()) throw Error(path + ": refusing to save an invalid model: " + invalid);
  const std::string bytes = detail::serialize_model(file);
  if (bytes.size() > kMaxFileBytes) {
    throw Error(path + ": model too large to save (" + std::to_string(bytes.size()) +
                " bytes; the limit is 16 GiB)");
  }

  const std::string tmp = path + ".tmp";
  const int raw_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (raw_fd < 0) {
    throw Error(path + ": cannot create " + tmp + ": " + errno_text(errno));
  }
  FdGuard fd(raw_fd);
  auto fail = [&](const char* step) {
    const int err = errno;
    const int open_fd = fd.release();
    if (open_fd >= 0) ::close(open_fd);
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot save (" + step + " " + tmp + "): " + errno_text(err));
  };

  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t chunk = std::min<std::size_t>(bytes.size() - done, std::size_t{1} << 30);
    const ssize_t n = ::write(fd.get(), bytes.data() + done, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    if (n == 0) {
      errno = EIO;
      fail("write");
    }
    done += std::size_t(n);
  }
  if (::fsync(fd.get()) != 0) fail("fsync");
  if (::close(fd.release()) != 0) fail("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename");

  // Make the rename itself durable; best effort (some filesystems refuse fsync on directories).
  const int dir_fd = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
}

ModelFile load_model_file(const std::string& path) {
  const int raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw_fd < 0) throw Error(path + ": cannot open: " + errno_text(errno));
  FdGuard fd(raw_fd);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) throw Error(path + ": cannot stat: " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
  const uint64_t size = uint64_t(st.st_size);
  if (size > kMaxFileBytes) {
    throw Error(path + ": file too large (" + std::to_string(size) +
                " bytes; a .csm file is at most 16 GiB)");
  }

  // The size from fstat is the bound: nothing more is ever read or allocated.
  std::string bytes(std::size_t(size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t chunk = std::min<std::size_t>(bytes.size() - done, std::size_t{1} << 30);
    const ssize_t n = ::read(fd.get(), &bytes[done], chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(path + ": cannot read: " + errno_text(errno));
    }
    if (n == 0) {
      throw Error(path + ": truncated file (it shrank to " + std::to_string(done) +
                  " bytes while being read)");
    }
    done += std::size_t(n);
  }
  return detail::parse_model_bytes(path, bytes, true);
}

}  // namespace cellscope
