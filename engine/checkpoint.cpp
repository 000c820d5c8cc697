// The .csm model file: serialisation through the section table, validation, and the atomic
// save (NAME.tmp, fsync, rename). Invariants: lengths are checked against the bytes that remain
// before any allocation, so memory use is bounded by the file size; every failure is an Error
// that starts with the path; unknown sections are skipped, known ones consumed exactly.
#include "checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <utility>

#include "checkpoint_codec.h"
#include "checkpoint_sections.h"
#include "error.h"
#include "model.h"

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

using csm::format_code_point;
using csm::format_double;
using csm::read_le32;
using csm::tag_name;

constexpr char kMagic[4] = {'C', 'S', 'M', '1'};
constexpr std::size_t kHeaderBytes = 8;          // magic + version
constexpr std::size_t kCrcBytes = 4;             // trailing CRC-32
constexpr std::size_t kSectionHeaderBytes = 12;  // u32 tag + u64 length
constexpr std::size_t kMinFileBytes = kHeaderBytes + kCrcBytes;
constexpr uint64_t kMaxFileBytes = uint64_t{16} << 30;  // 16 GiB

constexpr int32_t kMaxVocabSize = 1 << 21;
constexpr int32_t kMaxHiddenSize = 16384;
constexpr int32_t kMaxLayers = 64;

// Sizes of a training chunk: the CLI's own limits (train --seq-length etc. take 1..100000).
constexpr int32_t kMaxChunkSize = 100000;

std::string out_of_range(const char* field, const std::string& value, const char* range) {
  return std::string(field) + " " + value + " is out of range " + range;
}

// The stored training settings, checked as train --resume and sample would use them, so a
// damaged or hostile file fails at load naming the field instead of one iteration later.
std::string find_invalid_training(const TrainConfig& t) {
  auto count = [](const char* field, int64_t v, int64_t lo, int64_t hi,
                  const char* range) -> std::string {
    return v < lo || v > hi ? out_of_range(field, std::to_string(v), range) : std::string();
  };
  constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();
  const std::string problems[] = {
      count("seq_length", t.seq_length, 1, kMaxChunkSize, "(1..100000)"),
      count("bptt_every", t.bptt_every, 0, kMaxChunkSize, "(0..100000)"),
      count("bptt_length", t.bptt_length, 0, kMaxChunkSize, "(0..100000)"),
      count("batch_size", t.batch_size, 1, kMaxChunkSize, "(1..100000)"),
      count("lr_decay_after", t.lr_decay_after, 0, kNoLimit, "(>= 0)"),
      count("max_epochs", t.max_epochs, 0, kNoLimit, "(>= 0)"),
      count("max_iters", t.max_iters, 0, kNoLimit, "(>= 0)"),
      count("eval_every", t.eval_every, 0, kNoLimit, "(>= 0)"),
      count("checkpoint_every", t.checkpoint_every, 0, kNoLimit, "(>= 0)"),
      count("sample_every", t.sample_every, 0, kNoLimit, "(>= 0)"),
      count("sample_length", t.sample_length, 0, kMaxChunkSize, "(0..100000)"),
  };
  for (const std::string& problem : problems) {
    if (!problem.empty()) return problem;
  }
  if (t.k1() > t.k2()) {
    return "bptt_every " + std::to_string(t.k1()) + " exceeds bptt_length " +
           std::to_string(t.k2()) + " (k1 <= k2)";
  }
  // Written so that NaN fails every test.
  struct Real {
    const char* field;
    double value;
    bool ok;
    const char* range;
  };
  const Real reals[] = {
      {"learning_rate", t.learning_rate, t.learning_rate > 0 && std::isfinite(t.learning_rate),
       "(> 0)"},
      {"lr_decay", t.lr_decay, t.lr_decay >= 0 && t.lr_decay <= 1, "[0, 1]"},
      {"grad_clip", t.grad_clip, t.grad_clip >= 0 && std::isfinite(t.grad_clip), "(>= 0)"},
      {"val_frac", t.val_frac, t.val_frac >= 0 && t.val_frac < 1, "[0, 1)"},
      {"max_seconds", t.max_seconds, t.max_seconds >= 0 && std::isfinite(t.max_seconds),
       "(>= 0)"},
      {"sample_temperature", t.sample_temperature,
       t.sample_temperature > 0 && std::isfinite(t.sample_temperature), "(> 0)"},
  };
  for (const Real& r : reals) {
    if (!r.ok) return out_of_range(r.field, format_double(r.value), r.range);
  }
  return {};
}

// Where training stands must be a place training can continue from.
std::string find_invalid_progress(const TrainingProgress& p, const ModelConfig& m) {
  if (p.iteration < 0) return "iteration " + std::to_string(p.iteration) + " must be >= 0";
  if (p.epoch < 0) return "epoch " + std::to_string(p.epoch) + " must be >= 0";
  if (p.cursor < 0) return "cursor " + std::to_string(p.cursor) + " must be >= 0";
  // 0 means "the configured rate" (the trainer's convention); NaN and negatives are damage.
  if (!(p.learning_rate >= 0 && std::isfinite(p.learning_rate))) {
    return out_of_range("progress learning_rate", format_double(p.learning_rate), "(>= 0)");
  }
  if (!(p.seconds >= 0 && std::isfinite(p.seconds))) {
    return out_of_range("progress seconds", format_double(p.seconds), "(>= 0)");
  }
  if (!p.rng_state.empty()) {
    std::istringstream text(p.rng_state);
    std::mt19937_64 rng;
    text >> rng;
    if (!text) return "rng_state is not a saved random generator state";
  }
  if (p.carried_batch < 0) {
    return "carried_batch " + std::to_string(p.carried_batch) + " must be >= 0";
  }
  if (p.carried_batch == 0 && !p.carried_state.empty()) {
    return "carried_state has " + std::to_string(p.carried_state.size()) +
           " values but carried_batch is 0";
  }
  if (p.carried_batch > 0) {
    // Per layer h (H × B) and, LSTM only, c (H × B); the values are in the file, so this
    // product is bounded by its size when it matches.
    const uint64_t per_layer = (m.cell == CellType::kLstm ? 2u : 1u) * uint64_t(m.hidden_size) *
                               uint64_t(p.carried_batch);
    const uint64_t expected = per_layer * uint64_t(m.num_layers);
    if (p.carried_state.size() != expected) {
      return "carried_state has " + std::to_string(p.carried_state.size()) + " values, but " +
             std::to_string(m.num_layers) + " layers of " + std::to_string(m.hidden_size) +
             " units x batch " + std::to_string(p.carried_batch) + " need " +
             std::to_string(expected);
    }
  }
  return {};
}

// Returns the first problem with the values (empty when they are fine).
std::string find_invalid(const ModelFile& f) {
  const ModelConfig& m = f.model;
  const TrainConfig& t = f.train;
  const int32_t cell = static_cast<int32_t>(m.cell);
  if (cell < 0 || cell > 2) return "unknown cell type " + std::to_string(cell);
  if (m.gru_reset_after && m.cell != CellType::kGru) {
    return "gru_reset_after is set for a " + to_string(m.cell) + " model (GRU only)";
  }
  if (m.rnn_relu && m.cell != CellType::kRnn) {
    return "rnn_relu is set for a " + to_string(m.cell) + " model (vanilla RNN only)";
  }
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
  // The weights present must be the ones the configuration needs: counted from the layout
  // alone (no model is built), so a small file cannot make a reader allocate a huge model.
  const std::size_t needed = parameter_count(m);
  if (f.parameters.size() != needed) {
    return "section PARM holds " + std::to_string(f.parameters.size()) +
           " parameters, but the configuration (" + to_string(m.cell) + ", vocab_size " +
           std::to_string(m.vocab_size) + ", hidden_size " + std::to_string(m.hidden_size) +
           ", num_layers " + std::to_string(m.num_layers) + ") needs " + std::to_string(needed);
  }
  const std::string training = find_invalid_training(t);
  if (!training.empty()) return training;
  const int32_t optimizer = static_cast<int32_t>(t.optimizer);
  if (optimizer < 0 || optimizer > 2) return "unknown optimizer type " + std::to_string(optimizer);
  const int32_t clip = static_cast<int32_t>(t.clip_mode);
  if (clip < 0 || clip > 1) return "unknown clip mode " + std::to_string(clip);
  // Moments: none (not saved) or one (RMSProp, SGD) / two (Adam) per parameter.
  const std::size_t moments = (t.optimizer == OptimizerType::kAdam ? 2 : 1) * needed;
  if (!f.optimizer_state.empty() && f.optimizer_state.size() != moments) {
    return "section OPTM holds " + std::to_string(f.optimizer_state.size()) + " values, but " +
           to_string(t.optimizer) + " needs " + std::to_string(moments) + " (or none)";
  }
  if (f.optimizer_steps < 0) {
    return "optimizer_steps " + std::to_string(f.optimizer_steps) + " must be >= 0";
  }
  return find_invalid_progress(f.progress, m);
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

namespace detail {

std::string serialize_model(const ModelFile& file) {
  csm::Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kModelFileVersion);
  for (const csm::Section& section : csm::section_table()) {
    if (section.present && !section.present(file)) continue;
    const std::size_t at = w.begin_section(section.tag);
    section.write(w, file);
    w.end_section(at);
  }
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

  const std::vector<csm::Section>& table = csm::section_table();
  std::vector<bool> seen(table.size(), false);
  ModelFile file;
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
    csm::Reader r(path, tag, data + pos, std::size_t(length));
    pos += std::size_t(length);

    const auto row = std::find_if(table.begin(), table.end(),
                                  [tag](const csm::Section& s) { return s.tag == tag; });
    if (row == table.end()) continue;  // unknown section from a newer writer of this version
    const std::size_t index = std::size_t(row - table.begin());
    if (seen[index]) fail("section " + tag_name(tag) + " appears twice");
    seen[index] = true;
    row->read(r, file);
    r.expect_end();
  }

  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].required && !seen[i]) fail("missing section " + tag_name(table[i].tag));
  }
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
    const int err = errno;
    throw Error(path + ": cannot create " + tmp + ": " + errno_text(err) + "; the file at " +
                path + " was left as it was");
  }
  FdGuard fd(raw_fd);
  auto fail = [&](const char* step) {
    const int err = errno;
    const int open_fd = fd.release();
    if (open_fd >= 0) ::close(open_fd);
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot save (" + step + " " + tmp + "): " + errno_text(err) +
                "; the file at " + path + " was left as it was");
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
