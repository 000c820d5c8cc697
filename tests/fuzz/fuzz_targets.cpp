// The fuzz entry points (see fuzz_targets.h). Invariant checks end in abort() with a message,
// so libFuzzer and the replay test both see them as findings.
#include "fuzz_targets.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>

#include "arg_values.h"
#include "checkpoint.h"
#include "cli_app.h"
#include "corpus.h"
#include "detectors.h"
#include "error.h"
#include "memory_limit.h"
#include "model.h"
#include "pytorch_import.h"
#include "safetensors.h"
#include "utf8.h"

namespace cellscope::fuzz {
namespace {

void require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

std::string as_string(const uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// What was accepted must be a valid model: it saves and loads again, checksum included.
void require_reloads(const ModelFile& file, const char* what) {
  require(file.parameters.size() == parameter_count(file.model), what, "parameter count");
  try {
    detail::parse_model_bytes("again.csm", detail::serialize_model(file), true);
  } catch (const Error& e) {
    require(false, what, e.what());
  }
}

// The corpus loader reads paths: one in-memory file per process (memfd: no disk, no ext4
// truncate per input, which cost a fifth of the time), rewritten for each input. Falls back to
// a file under TMPDIR where memfd_create is missing.
class ScratchFile {
 public:
  ScratchFile() {
    fd_ = ::memfd_create("cellscope_fuzz_corpus", 0);
    if (fd_ >= 0) {
      path_ = "/proc/self/fd/" + std::to_string(fd_);
    } else {
      const char* dir = std::getenv("TMPDIR");
      path_ = std::string(dir && *dir ? dir : "/tmp") + "/cellscope_fuzz_corpus_" +
              std::to_string(::getpid()) + ".txt";
    }
  }
  ~ScratchFile() {
    if (fd_ >= 0) {
      ::close(fd_);
    } else {
      std::remove(path_.c_str());
    }
  }
  const std::string& path() const { return path_; }
  void write(const char* data, std::size_t size) {
    if (fd_ < 0) {
      std::ofstream out(path_, std::ios::binary | std::ios::trunc);
      out.write(data, static_cast<std::streamsize>(size));
      require(static_cast<bool>(out), "writing the scratch file");
      return;
    }
    require(::ftruncate(fd_, 0) == 0, "truncating the scratch file");
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      require(n > 0, "writing the scratch file");
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace

void csm(const uint8_t* data, std::size_t size) {
  const ModelFile file = detail::parse_model_bytes("fuzz.csm", as_string(data, size), false);
  require_reloads(file, "an accepted .csm");
}

void safetensors(const uint8_t* data, std::size_t size) {
  const SafetensorsFile st = SafetensorsFile::parse("fuzz.safetensors", as_string(data, size));
  for (const SafeTensor& t : st.tensors()) {
    require(t.end >= t.begin, "tensor range");
    try {
      if (t.dtype == "I32" || t.dtype == "I64") {
        require(st.ints(t).size() == static_cast<std::size_t>(t.elements()), "ints size");
      } else {
        require(st.floats(t).size() == static_cast<std::size_t>(t.elements()), "floats size");
      }
    } catch (const Error&) {
      // An unsupported dtype: refused cleanly, the import below may still refuse the file.
    }
  }
  const ImportedModel imported = import_pytorch(st);
  require_reloads(imported.file, "an imported model");
}

void utf8_corpus(const uint8_t* data, std::size_t size) {
  const std::string text = as_string(data, size);
  try {
    const std::u32string strict = utf8_decode(text, false, "fuzz");
    require(utf8_encode(strict) == text, "strict decode does not round-trip");
  } catch (const Utf8Error& e) {
    require(e.offset() < size, "Utf8Error offset beyond the text");
  }
  const std::u32string replaced = utf8_decode(text, true, "fuzz");
  require(replaced.size() <= size, "more characters than bytes");
  try {
    utf8_decode(utf8_encode(replaced), false, "fuzz");
  } catch (const Error& e) {
    require(false, "replaced text is not valid UTF-8", e.what());
  }
  if (size == 0) return;

  // The corpus loader on the rest of the bytes as a file.
  static ScratchFile scratch;
  const uint8_t options = data[0];
  scratch.write(text.data() + 1, size - 1);
  CorpusOptions copts;
  copts.paths = {scratch.path()};
  copts.replace_invalid = (options & 1) != 0;
  copts.val_frac = 0.07 * ((options >> 4) & 7);
  const bool given_vocab = (options & 2) != 0;
  const Vocabulary vocab(std::vector<char32_t>{U'\n', U' ', U'a', U'b', U'\u00e9'});
  const std::size_t saved_block = detail::corpus_block_size_for_tests;
  // Small blocks cross every boundary: 1-4 bytes up to 512 bytes of input, 61-253 above (one
  // read per byte of a long input costs more than it finds); otherwise the loader's own block
  // (16 MiB, at most the file: one read).
  if (options & 8) {
    const std::size_t step = options >> 6;  // 0-3
    detail::corpus_block_size_for_tests = size <= 512 ? 1 + step : 61 + 64 * step;
  }
  struct Restore {
    std::size_t value;
    ~Restore() { detail::corpus_block_size_for_tests = value; }
  } restore{saved_block};
  const Corpus corpus =
      load_corpus(copts, given_vocab ? &vocab : nullptr, (options & 4) != 0);
  require(corpus.train.size() + corpus.val.size() >= 2, "a corpus under two characters");
  require(corpus.vocab.size() >= 1, "an empty vocabulary");
  for (const EncodedText* part : {&corpus.train, &corpus.val}) {
    for (std::size_t i = 0; i < part->size(); ++i) {
      require((*part)[i] >= 0 && (*part)[i] < corpus.vocab.size(), "an id outside the vocabulary");
    }
  }
}

void detectors(const uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::vector<DetectorInfo>& list = detector_list();
  const std::size_t pick = data[0] % (list.size() + 1);
  std::string rest = as_string(data + 1, size - 1);
  std::string spec;
  if (pick < list.size()) {
    spec = list[pick].name;
  } else {
    const std::size_t nul = rest.find('\0');
    spec = "regex:" + rest.substr(0, nul);
    rest = nul == std::string::npos ? std::string() : rest.substr(nul + 1);
  }
  const std::u32string text = utf8_decode(rest, true, "fuzz");
  const Signal signal = detect(spec, text);
  require(signal.values.size() == text.size(), "one value per character", spec);
  for (float v : signal.values) require(std::isfinite(v), "a finite value", spec);
}

namespace {

// Runs after the options parsed, instead of the command: the value checks main()'s commands
// would make before opening any file.
void check_values(const CLI::App& sub) {
  const std::string name = sub.get_name();
  if (name == "match") cli::parse_char_range(sub.get_option("--range")->as<std::string>());
  if (name == "train") {
    for (const std::string& d : cli::split_detectors(sub.get_option("--watch")->results())) {
      require(!d.empty(), "a named --watch detector");
    }
    const CLI::Option* max_memory = sub.get_option("--max-memory");
    if (max_memory->count() > 0) parse_memory_size(max_memory->as<std::string>());
  }
}

void parse_command_line(const std::string& bytes) {
  std::vector<std::string> args = {"cellscope-cli"};
  for (std::size_t at = 0; at <= bytes.size() && args.size() < 64;) {
    const std::size_t nul = std::min(bytes.find('\0', at), bytes.size());
    args.push_back(bytes.substr(at, nul - at));
    at = nul + 1;
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  // The commands' callbacks own the values their options write (replacing them would free
  // those), so they stay; the app's parse-complete hook runs first and never lets them run.
  // One app for every input, cleared before each: building it took 95% of the time (190
  // inputs/s; 3,700/s with one app, on a loaded machine).
  struct ParsedWithoutRunning {};
  static CLI::App& app = [] () -> CLI::App& {
    static CLI::App built{"fuzz", "cellscope-cli"};
    cli::add_all_commands(built);
    built.parse_complete_callback([] {
      for (const CLI::App* sub : built.get_subcommands()) check_values(*sub);
      throw ParsedWithoutRunning{};
    });
    return built;
  }();
  app.clear();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    require(false, "a parse that ends without the parse-complete hook");
  } catch (const ParsedWithoutRunning&) {
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return;  // --help, --version
    throw Error(std::string("command line: ") + e.what());
  }
}

}  // namespace

void cli_args(const uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string rest = as_string(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      parse_command_line(rest);
      break;
    case 1:
      cli::parse_char_range(rest);
      require(rest.find(':') != std::string::npos, "a range has a colon", rest);
      break;
    case 2:
      for (const std::string& d : cli::split_detectors({rest})) {
        require(!d.empty(), "a named detector", rest);
      }
      break;
    default:
      require(parse_memory_size(rest) > 0, "a positive memory size", rest);
  }
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"csm", &csm},
      {"safetensors", &safetensors},
      {"utf8_corpus", &utf8_corpus},
      {"detectors", &detectors},
      {"cli_args", &cli_args},
  };
  return all;
}

}  // namespace cellscope::fuzz
