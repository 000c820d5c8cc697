// LSTMVis export. Invariants: DIR appears only complete (every file fsync'd inside the
// temporary folder, then one rename); every HDF5 handle is closed on every path (RAII), and
// HDF5's own error printing is silenced while we run, its message folded into our Error.
#include "lstmvis_export.h"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "error.h"
#include "utf8.h"

namespace cellscope {
namespace fs = std::filesystem;
namespace {

// The most specific message on HDF5's error stack (call right after the failing call).
std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
        if (n == 0 && e->desc != nullptr) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &reason);
  return reason.empty() ? "HDF5 error" : reason;
}

[[noreturn]] void hdf5_fail(const std::string& path, const std::string& what) {
  throw Error(path + ": cannot " + what + " (" + hdf5_reason() + ")");
}

// Silences HDF5's automatic error printing for its lifetime (restores the previous handler).
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// An HDF5 identifier closed by `close` on destruction (errors then ignored: the export fails
// anyway); close() reports them.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&&) = delete;
  Handle(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  bool close() {
    const hid_t id = id_;
    id_ = -1;
    return id < 0 || close_(id) >= 0;
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

Handle create_file(const std::string& path) {
  Handle f(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) hdf5_fail(path, "create the HDF5 file");
  return f;
}

// A dataset of `type` with dims (rows) or (rows × cols) when cols > 0.
Handle create_dataset(const Handle& file, const std::string& path, const char* name, hid_t type,
                      hsize_t rows, hsize_t cols) {
  const hsize_t dims[2] = {rows, cols};
  Handle space(H5Screate_simple(cols > 0 ? 2 : 1, dims, nullptr), H5Sclose);
  if (!space.valid()) hdf5_fail(path, std::string("describe dataset ") + name);
  Handle set(H5Dcreate2(file.get(), name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  if (!set.valid()) hdf5_fail(path, std::string("create dataset ") + name);
  return set;
}

// Writes rows [first, first + rows) of a 2-D float dataset from row-major `data` (rows × cols).
void write_rows(const Handle& set, const std::string& path, hsize_t first, hsize_t rows,
                hsize_t cols, const float* data) {
  const hsize_t start[2] = {first, 0}, count[2] = {rows, cols};
  Handle file_space(H5Dget_space(set.get()), H5Sclose);
  Handle memory(H5Screate_simple(2, count, nullptr), H5Sclose);
  if (!file_space.valid() || !memory.valid() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dwrite(set.get(), H5T_NATIVE_FLOAT, memory.get(), file_space.get(), H5P_DEFAULT, data) < 0)
    hdf5_fail(path, "write states");
}

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw Error(path + ": cannot flush to disk (" + std::strerror(err) + ")");
  }
  ::close(fd);
}

void write_text_file(const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
                  std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) {
    throw Error(path + ": write failed (" + std::strerror(ok ? errno : err) + ")");
  }
}

// A YAML double-quoted scalar.
std::string yaml_quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The temporary folder: removed with its contents unless released.
class TempFolder {
 public:
  explicit TempFolder(const fs::path& target) {
    const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string pattern = (parent / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error(target.string() + ": cannot create a folder next to it (" +
                  std::strerror(errno) + ")");
    }
    path_ = pattern;
    // mkdtemp makes it private (0700); the finished folder gets the usual permissions.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::chmod(path_.c_str(), 0777 & ~mask);
  }
  ~TempFolder() {
    std::error_code ignored;
    if (!released_) fs::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }
  void release() { released_ = true; }

 private:
  std::string path_;
  bool released_ = false;
};

}  // namespace

std::string lstmvis_layer_file(int layer) {
  return "states_layer" + std::to_string(layer + 1) + ".h5";
}

std::string lstmvis_token(char32_t cp) {
  switch (cp) {
    case U' ':
      return "<space>";
    case U'\n':
      return "<newline>";
    case U'\t':
      return "<tab>";
    case U'\r':
      return "<return>";
    default:
      break;
  }
  // Whitespace for Python's str.split(), controls, and invisible formatting characters.
  const bool invisible = cp < 0x21 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad || cp == 0x1680 ||
                         (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
                         (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff;
  if (!invisible) return utf8_encode(std::u32string(1, cp));
  char buf[16];
  std::snprintf(buf, sizeof buf, "<U+%04X>", static_cast<unsigned>(cp));
  return buf;
}

bool export_lstmvis(Probe& probe, const EncodedText& ids, const Vocabulary& vocab,
                    const std::string& dir, const LstmVisInfo& info, const ProgressFn& progress) {
  const ModelConfig& config = probe.model().config();
  const int64_t n = probe.size();
  if (static_cast<int64_t>(ids.size()) != n) {
    throw Error("LSTMVis export: the ids do not cover the probe's text");
  }
  fs::path target(dir);
  if (!target.has_filename()) target = target.parent_path();  // "out/" names "out"
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) throw Error(dir + " exists and is not a folder");
    if (!fs::is_empty(target, ec)) {
      throw Error(dir + " is a folder that is not empty; choose one that does not exist yet (it "
                        "is created) or an empty one");
    }
  }
  const QuietHdf5 quiet;
  TempFolder tmp(target);
  const bool lstm = config.cell == CellType::kLstm;
  std::vector<Quantity> quantities;
  if (lstm) quantities.push_back(Quantity::kCell);
  quantities.push_back(Quantity::kHidden);
  const auto H = static_cast<hsize_t>(config.hidden_size);

  {  // words.h5: the ids, known before the pass.
    const std::string path = tmp.file(kLstmVisWordsFile);
    Handle file = create_file(path);
    Handle set = create_dataset(file, path, kLstmVisWordsDataset, H5T_STD_I32LE,
                                static_cast<hsize_t>(n), 0);
    std::vector<int32_t> words(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = ids[i];
    if (H5Dwrite(set.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, words.data()) < 0)
      hdf5_fail(path, "write the character ids");
    if (!set.close() || !file.close()) hdf5_fail(path, "close the HDF5 file");
    fsync_path(path, false);
  }

  // states_layerK.h5: filled chunk by chunk in one pass.
  std::vector<Handle> files;
  std::vector<Handle> sets;  // [layer * quantities + q]
  std::vector<std::string> paths;
  for (int l = 0; l < config.num_layers; ++l) {
    paths.push_back(tmp.file(lstmvis_layer_file(l)));
    files.push_back(create_file(paths.back()));
    for (Quantity q : quantities) {
      sets.push_back(create_dataset(files.back(), paths.back(),
                                    q == Quantity::kCell ? "cell" : "hidden", H5T_IEEE_F32LE,
                                    static_cast<hsize_t>(n), H));
    }
  }
  Mat<float> block;  // (H × T) column-major = (T × H) row-major
  const bool done = probe.run(
      [&](const ChunkView& chunk) {
        for (int l = 0; l < config.num_layers; ++l) {
          for (std::size_t k = 0; k < quantities.size(); ++k) {
            block = chunk.values(l, quantities[k]);
            write_rows(sets[static_cast<std::size_t>(l) * quantities.size() + k],
                       paths[static_cast<std::size_t>(l)], static_cast<hsize_t>(chunk.begin()),
                       static_cast<hsize_t>(chunk.steps()), H, block.data());
          }
        }
      },
      progress);
  if (!done) return false;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (!sets[i].close()) hdf5_fail(paths[i / quantities.size()], "close a dataset");
  }
  for (std::size_t l = 0; l < files.size(); ++l) {
    if (!files[l].close()) hdf5_fail(paths[l], "close the HDF5 file");
    fsync_path(paths[l], false);
  }

  std::string dict;
  for (int id = 0; id < vocab.size(); ++id) {
    dict += lstmvis_token(vocab.code_point(id)) + " " + std::to_string(id) + "\n";
  }
  write_text_file(tmp.file(kLstmVisDictFile), dict);

  std::string yml =
      "# LSTMVis project written by CellScope. Row t of every table is the state after reading\n"
      "# character t of the text; LSTMVis applies tanh to the states (its default transform).\n"
      "name: " + yaml_quoted(info.name) + "\n" +
      "description: " + yaml_quoted(info.description) + "\n\nfiles:\n";
  for (int l = 0; l < config.num_layers; ++l) {
    yml += "  layer" + std::to_string(l + 1) + ": " + lstmvis_layer_file(l) + "\n";
  }
  yml += std::string("  ids: ") + kLstmVisWordsFile + "\n  chars: " + kLstmVisDictFile +
         "\n\nword_sequence:\n  file: ids\n  path: " + kLstmVisWordsDataset +
         "\n  dict_file: chars\n\nstates:\n  file: layer1\n  types:\n";
  for (int l = 0; l < config.num_layers; ++l) {
    const std::string k = std::to_string(l + 1);
    if (lstm) yml += "    - {type: state, layer: " + k + ", file: layer" + k + ", path: cell}\n";
    yml += "    - {type: output, layer: " + k + ", file: layer" + k + ", path: hidden}\n";
  }
  write_text_file(tmp.file("lstm.yml"), yml);
  fsync_path(tmp.path(), true);
  if (std::rename(tmp.path().c_str(), target.c_str()) != 0) {
    throw Error(dir + ": cannot move the finished export into place (" + std::strerror(errno) +
                ")");
  }
  tmp.release();
  const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  fsync_path(parent.string(), true);
  return true;
}

}  // namespace cellscope
