// Memory limits: size parsing and formatting, available memory, and the training estimate. The
// estimate follows the buffers of Model (model.h) and the cells' LayerCache (cell.h): it counts
// every buffer sized by the parameters or by one chunk, and ignores the small per-thread ones.
#include "memory_limit.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "error.h"
#include "model.h"

namespace cellscope {

namespace {

constexpr uint64_t kLimit = uint64_t{1} << 62;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string describe_model(const ModelConfig& m, const TrainConfig& t) {
  return to_string(m.cell) + " " + std::to_string(m.num_layers) + " x " +
         std::to_string(m.hidden_size) + ", batch " + std::to_string(t.batch_size) + " x " +
         std::to_string(t.k2());
}

// 1234567 -> "1,234,567".
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return digits;
}

}  // namespace

// CorpusScan's sizes live here, next to the estimate that uses them.
uint64_t CorpusScan::encoded_bytes() const { return chars * (vocab.size() <= 256 ? 1u : 4u); }

std::size_t CorpusScan::encoding_scratch_bytes() const {
  // load_corpus's read block (at most the corpus, see read_block in corpus.cpp), a carried
  // sequence, and at most EncodeSink's BMP id table.
  const uint64_t block = std::max<uint64_t>(
      std::min<uint64_t>(detail::corpus_block_size_for_tests, bytes), 1);
  return static_cast<std::size_t>(block) + 4 + 0x10000 * sizeof(int32_t);
}

uint64_t parse_memory_size(const std::string& text) {
  const std::string why = "expected a size such as 512M, 4G or 1.5G (K, M, G, T: 1024-based)";
  auto bad = [&](const std::string& reason) {
    return Error("memory size '" + text + "': " + reason);
  };
  std::size_t digits_end = 0;
  bool dot = false;
  while (digits_end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits_end])) ||
          (text[digits_end] == '.' && !dot))) {
    dot = dot || text[digits_end] == '.';
    ++digits_end;
  }
  const std::string number = text.substr(0, digits_end);
  if (number.empty() || number == ".") throw bad(why);
  const std::string unit = lower(text.substr(digits_end));
  int power = -1;
  const char* names[] = {"", "k", "m", "g", "t"};
  for (int p = 0; p < 5; ++p) {
    const std::string u = names[p];
    if (unit == u || (p > 0 && (unit == u + "b" || unit == u + "ib")) || (p == 0 && unit == "b")) {
      power = p;
    }
  }
  if (power < 0) throw bad("unknown unit '" + text.substr(digits_end) + "'; " + why);
  const double value = std::strtod(number.c_str(), nullptr) * std::pow(1024.0, power);
  if (!(value >= 1.0)) throw bad("must be at least 1 byte");
  if (value >= static_cast<double>(kLimit)) throw bad("too large");
  return static_cast<uint64_t>(value);
}

std::string format_memory_size(uint64_t bytes) {
  const char* units[] = {"KB", "MB", "GB", "TB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes) / 1024.0;
  int unit = 0;
  while (value >= 1024.0 && unit < 3) {
    value /= 1024.0;
    ++unit;
  }
  char buf[64];
  // One decimal below 10 (1.9 GB), none above (512 MB); a value that rounds to a whole number
  // drops the ".0".
  if (value < 9.95 && std::fabs(value - std::round(value)) >= 0.05) {
    std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f %s", value, units[unit]);
  }
  return buf;
}

uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream fields(line);
    std::string key;
    uint64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  const long pages = ::sysconf(_SC_AVPHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) {
    return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
  }
  return 0;
}

uint64_t training_model_bytes(const ModelConfig& model, const TrainConfig& train) {
  const uint64_t P = parameter_count(model);
  const uint64_t moments = train.optimizer == OptimizerType::kAdam ? 2 : 1;
  const uint64_t H = static_cast<uint64_t>(std::max(model.hidden_size, 0));
  const uint64_t L = static_cast<uint64_t>(std::max(model.num_layers, 0));
  const uint64_t V = static_cast<uint64_t>(std::max(model.vocab_size, 1));
  const uint64_t T = static_cast<uint64_t>(std::max(train.k2(), 1));
  const uint64_t B = static_cast<uint64_t>(std::max(train.batch_size, 1));
  uint64_t G = 4;  // LSTM
  if (model.cell == CellType::kGru) G = 3;
  if (model.cell == CellType::kRnn) G = 1;
  const bool lstm = model.cell == CellType::kLstm;
  // Per layer: gates (G·H × T·B), h (and c for the LSTM) (H × (T+1)·B), aux, dropout mask and
  // layer output (H × T·B each).
  const uint64_t per_layer = G * H * T * B + (lstm ? 2 : 1) * H * (T + 1) * B + 3 * H * T * B;
  // Backward scratch (dpre: G·H × T·B; dup and dh: H × T·B), probabilities (V × T·B), ids.
  const uint64_t chunk = L * per_layer + G * H * T * B + 2 * H * T * B + V * T * B;
  const uint64_t floats = P * (2 + moments) + chunk;
  return floats * sizeof(float) + 4 * T * B * sizeof(int32_t);
}

void check_model_fits(const ModelConfig& model, const TrainConfig& train,
                      const MemoryLimit& limit) {
  const uint64_t need = training_model_bytes(model, train);
  if (limit.bytes == 0 || need <= limit.bytes) return;
  throw Error("the model (" + describe_model(model, train) + ") needs at least " +
              format_memory_size(need) + " to train, over " + limit.name);
}

void check_corpus_fits(const CorpusScan& scan, ModelConfig model, const TrainConfig& train,
                       const MemoryLimit& limit) {
  model.vocab_size = scan.vocab.size();
  const uint64_t ids = scan.encoded_bytes();
  const uint64_t buffers = training_model_bytes(model, train);
  const uint64_t reading = scan.encoding_scratch_bytes();
  const uint64_t need = ids + std::max(buffers, reading);
  if (limit.bytes == 0 || need <= limit.bytes) return;
  std::string names;
  for (std::size_t i = 0; i < scan.files.size() && i < 3; ++i) {
    names += (i > 0 ? ", " : "") + scan.files[i];
  }
  if (scan.files.size() > 3) names += " and " + std::to_string(scan.files.size() - 3) + " more";
  throw Error("corpus " + names + " needs " + format_memory_size(need) + ", over " + limit.name +
              " (" + grouped(scan.chars) + " characters as " + (ids == scan.chars ? "1" : "4") +
              "-byte ids: " + format_memory_size(ids) + ", plus the larger of reading them, " +
              format_memory_size(reading) + ", and training the model " +
              describe_model(model, train) + ", vocabulary " + std::to_string(model.vocab_size) +
              ": " +
              format_memory_size(buffers) + ")");
}

}  // namespace cellscope
