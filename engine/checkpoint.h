// The .csm model file: everything needed to sample, probe, or resume training exactly.
// Layout: "CSM1", u32 version, then tagged sections (u32 tag, u64 length, payload), then a
// CRC-32 of all preceding bytes. Little-endian. Reads are bounded by the real file size before
// any allocation; writes go to NAME.tmp, are fsync'd, then renamed over NAME (atomic).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "watch_record.h"

namespace cellscope {

constexpr uint32_t kModelFileVersion = 1;

struct LossPoint {
  int64_t iteration = 0;
  double epoch = 0.0;    // fractional epoch
  double seconds = 0.0;  // training wall time so far
  double loss = 0.0;     // nats per character
};

struct SampleRecord {
  int64_t iteration = 0;
  double val_loss = 0.0;  // latest validation loss at the time (NaN when none yet)
  double temperature = 1.0;
  std::string text;  // UTF-8
};

// Where training stands; enough to continue bit-exactly.
struct TrainingProgress {
  int64_t iteration = 0;             // iterations done
  int64_t epoch = 0;                 // completed epochs
  int64_t cursor = 0;                // iterations done within the current epoch
  double learning_rate = 0.0;        // current (decayed) rate
  double seconds = 0.0;              // training wall time so far
  std::string rng_state;             // std::mt19937_64 state as text (operator<<)
  int32_t carried_batch = 0;         // B of carried_state, 0 when none
  std::vector<float> carried_state;  // per layer: h (H×B) then, LSTM only, c (H×B)
};

struct ModelFile {
  ModelConfig model;
  TrainConfig train;
  std::vector<char32_t> vocabulary;    // sorted code points, size == model.vocab_size
  std::vector<float> parameters;       // the model's flat buffer in layout order
  int64_t optimizer_steps = 0;         // optimizer updates made (Adam's bias correction)
  std::vector<float> optimizer_state;  // the optimizer's flat moments (may be empty)
  TrainingProgress progress;
  std::vector<LossPoint> train_history;
  std::vector<LossPoint> val_history;
  std::vector<SampleRecord> samples;
  // What training read (absolute paths of files or folders, and the glob for folders), so the
  // validation split can be found again; empty for models from before or from no corpus.
  std::vector<std::string> corpus_paths;
  std::string corpus_glob = "*";
  // train --watch: the best neuron per watched detector, measurement by measurement, in order
  // (WTCH section, written only when non-empty).
  std::vector<WatchRecord> watch;
};

// Throws Error naming `path` on any I/O failure; the previous file at `path` stays intact.
void save_model_file(const std::string& path, const ModelFile& file);

// Throws Error naming `path` and the cause: missing, not a CellScope model (magic), unsupported
// version, truncated, checksum mismatch (corrupted), or a section with an absurd size or value.
ModelFile load_model_file(const std::string& path);

// CRC-32 (IEEE 802.3, reflected 0xEDB88320), the same values as zlib's crc32(): pass the
// previous result as `crc` to continue over more bytes.
uint32_t crc32(const void* data, std::size_t size, uint32_t crc = 0);

namespace detail {
// The file image save_model_file writes (no validation of values).
std::string serialize_model(const ModelFile& file);
// load_model_file without the disk: parses and validates `bytes` as a .csm image; errors name
// `path`. check_crc=false skips only the checksum (tests use it to probe the parser alone).
ModelFile parse_model_bytes(const std::string& path, const std::string& bytes, bool check_crc);
}  // namespace detail

}  // namespace cellscope
