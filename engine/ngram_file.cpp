// The n-gram file (layout in ngram.h). Invariants, as for .csm files: every count is checked
// against the bytes that remain before anything is allocated, every failure is an Error that
// starts with the path, and a save goes to NAME.tmp, is fsync'd and renamed, so NAME is always
// either the previous file or the complete new one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "checkpoint.h"  // crc32
#include "error.h"
#include "ngram.h"

namespace cellscope {

static_assert(sizeof(double) == 8 && std::numeric_limits<double>::is_iec559, "IEEE double");

namespace {

constexpr char kMagic[4] = {'C', 'S', 'N', 'G'};
constexpr std::size_t kEntryBytes = 8 + 4 * 3;
constexpr uint64_t kMaxFileBytes = uint64_t{64} << 30;
constexpr uint32_t kMaxVocab = 1u << 21;

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

class Cursor {
 public:
  Cursor(const std::string& path, const std::string& bytes, std::size_t end)
      : path_(path), data_(bytes.data()), end_(end) {}
  std::size_t remaining() const { return end_ - pos_; }
  template <typename T>
  T get(const char* what) {
    if (sizeof(T) > remaining()) fail(std::string("truncated file (reading ") + what + ")");
    T v;
    std::memcpy(&v, data_ + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  // A count of items of `bytes_each` that must fit in what remains.
  std::size_t count(std::size_t bytes_each, const char* what) {
    const uint64_t n = get<uint64_t>(what);
    if (n > remaining() / bytes_each) {
      fail("truncated file (" + std::to_string(n) + " " + what + " declared, " +
           std::to_string(remaining()) + " bytes remain)");
    }
    return static_cast<std::size_t>(n);
  }
  [[noreturn]] void fail(const std::string& cause) const { throw Error(path_ + ": " + cause); }

 private:
  const std::string& path_;
  const char* data_;
  std::size_t end_;
  std::size_t pos_ = 8;  // after magic and version
};

std::string read_whole(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(path + ": not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxFileBytes) {
    ::close(fd);
    throw Error(path + ": file too large for an n-gram model");
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, &bytes[done], bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw Error(path + ": cannot read: " + (n < 0 ? std::strerror(errno) : "file shrank"));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return bytes;
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

struct NgramFileAccess {
  static std::string serialize(const NgramModel& m) {
    std::string out(kMagic, 4);
    put<uint32_t>(out, kNgramFileVersion);
    put<uint32_t>(out, static_cast<uint32_t>(m.order_));
    put<uint32_t>(out, static_cast<uint32_t>(m.vocab_.size()));
    for (char32_t cp : m.vocab_.code_points()) put<uint32_t>(out, static_cast<uint32_t>(cp));
    put<uint64_t>(out, static_cast<uint64_t>(m.corpus_chars_));
    for (int n = 1; n <= m.order_; ++n) put<double>(out, m.discounts_[static_cast<std::size_t>(n)]);
    for (const NgramTable& t : m.tables_) {
      put<uint64_t>(out, t.size());
      t.for_each([&](uint64_t key, const NgramTable::Counts& c) {
        put<uint64_t>(out, key);
        put<uint32_t>(out, c.count);
        put<uint32_t>(out, c.total);
        put<uint32_t>(out, c.types);
      });
    }
    put<uint32_t>(out, crc32(out.data(), out.size()));
    return out;
  }

  static NgramModel parse(const std::string& path, const std::string& bytes) {
    if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
      throw Error(path + ": not a CellScope n-gram file (bad magic)");
    }
    if (bytes.size() < 12) throw Error(path + ": truncated file");
    uint32_t version, stored_crc;
    std::memcpy(&version, bytes.data() + 4, 4);
    if (version != kNgramFileVersion) {
      throw Error(path + ": unsupported n-gram file version " + std::to_string(version) +
                  " (this build reads " + std::to_string(kNgramFileVersion) + ")");
    }
    const std::size_t end = bytes.size() - 4;
    std::memcpy(&stored_crc, bytes.data() + end, 4);
    if (crc32(bytes.data(), end) != stored_crc) {
      throw Error(path + ": checksum mismatch: the file is corrupted");
    }
    Cursor r(path, bytes, end);
    NgramModel m;
    const uint32_t order = r.get<uint32_t>("order");
    if (order < 1 || order > NgramModel::kMaxOrder) {
      r.fail("order " + std::to_string(order) + " is out of range (1.." +
             std::to_string(NgramModel::kMaxOrder) + ")");
    }
    const uint32_t V = r.get<uint32_t>("vocabulary size");
    if (V < 1 || V > kMaxVocab || V > r.remaining() / 4) {
      r.fail("vocabulary size " + std::to_string(V) + " is out of range or truncated");
    }
    std::vector<char32_t> cps(V);
    for (uint32_t i = 0; i < V; ++i) {
      cps[i] = static_cast<char32_t>(r.get<uint32_t>("vocabulary"));
      if (cps[i] > 0x10FFFF || (cps[i] >= 0xD800 && cps[i] <= 0xDFFF) ||
          (i > 0 && cps[i] <= cps[i - 1])) {
        r.fail("vocabulary entry " + std::to_string(i) + " is invalid or not ascending");
      }
    }
    m.vocab_ = Vocabulary(cps);
    m.order_ = static_cast<int>(order);
    const uint64_t chars = r.get<uint64_t>("corpus size");
    if (chars > std::numeric_limits<uint32_t>::max()) r.fail("corpus size is out of range");
    m.corpus_chars_ = static_cast<int64_t>(chars);
    m.discounts_.assign(order + 1, 0.5);
    for (uint32_t n = 1; n <= order; ++n) {
      const double d = r.get<double>("discount");
      if (!(d > 0.0 && d < 1.0))
        r.fail("discount of order " + std::to_string(n) + " is not in (0, 1)");
      m.discounts_[n] = d;
    }
    m.tables_.assign(order + 1, NgramTable());
    for (uint32_t k = 0; k <= order; ++k) {
      const std::size_t entries = r.count(kEntryBytes, "n-gram entries");
      NgramTable& t = m.tables_[k];
      t.reserve(entries);
      for (std::size_t e = 0; e < entries; ++e) {
        const uint64_t key = r.get<uint64_t>("n-gram key");
        if (key == 0) r.fail("n-gram key 0 in table " + std::to_string(k));
        bool inserted;
        NgramTable::Counts& c = t.find_or_insert(key, &inserted);
        if (!inserted) r.fail("duplicate n-gram key in table " + std::to_string(k));
        c.count = r.get<uint32_t>("count");
        c.total = r.get<uint32_t>("total");
        c.types = r.get<uint32_t>("types");
        if (c.types > c.total || c.types > V) r.fail("n-gram context counts are inconsistent");
      }
    }
    if (r.remaining() != 0) r.fail(std::to_string(r.remaining()) + " unexpected trailing bytes");
    if (m.tables_[0].find(kNgramEmptyKey) == nullptr) r.fail("the empty context is missing");
    return m;
  }
};

void save_ngram_file(const std::string& path, const NgramModel& model) {
  if (model.order() < 1) throw Error(path + ": refusing to save an empty n-gram model");
  const std::string bytes = NgramFileAccess::serialize(model);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot create " + tmp + ": " + std::strerror(errno));
  auto fail = [&](const char* step) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot save (" + step + " " + tmp + "): " + std::strerror(err));
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot save (close " + tmp + "): " + std::strerror(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot save (rename " + tmp + "): " + std::strerror(err));
  }
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
}

NgramModel load_ngram_file(const std::string& path) {
  return NgramFileAccess::parse(path, read_whole(path));
}

bool is_ngram_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char head[4] = {};
  const ssize_t n = ::read(fd, head, 4);
  ::close(fd);
  return n == 4 && std::memcmp(head, kMagic, 4) == 0;
}

}  // namespace cellscope
