// Memory limits for training (`train --max-memory`): reading a size such as "512M", the memory
// the machine has available, and the peak a training run will hold, computed from shapes alone
// so a run that cannot fit is refused before anything large is allocated. Sizes use powers of
// 1024 both ways (parse "1G" = 2^30 bytes, format 2^30 as "1 GB").
#pragma once

#include <cstdint>
#include <string>

#include "config.h"
#include "corpus.h"

namespace cellscope {

// "4G", "512M", "100K", "1.5G", "123" (bytes). K, M, G, T may be followed by "B" or "iB", any
// case. Throws Error quoting the text for anything else, for 0, and for 2^62 bytes or more.
uint64_t parse_memory_size(const std::string& text);

// "1.9 GB", "512 MB", "100 KB", "812 bytes".
std::string format_memory_size(uint64_t bytes);

// MemAvailable of /proc/meminfo, else sysconf's available physical pages; 0 when neither is
// known.
uint64_t available_memory_bytes();

// What a Trainer holds for a model (V = model.vocab_size) at its peak, in bytes: parameters,
// gradients, the optimizer's moments (Adam 2, RMSProp and SGD 1), and one chunk's (k2 × B)
// forward caches, dropout buffers, backward scratch and output probabilities.
uint64_t training_model_bytes(const ModelConfig& model, const TrainConfig& train);

// A limit in bytes (0: none known) and how errors name it ("--max-memory 1 GB").
struct MemoryLimit {
  uint64_t bytes = 0;
  std::string name;
};

// Before any text is read: throws Error when the model alone (V = model.vocab_size, e.g. 1)
// needs more than the limit to train.
void check_model_fits(const ModelConfig& model, const TrainConfig& train, const MemoryLimit& limit);

// After scan_corpus, before encode_corpus: the ids, plus the larger of the encoding's scratch
// and the model's training buffers (V from the scan), must fit; else an Error naming the files,
// the bytes needed and the limit, on one line.
void check_corpus_fits(const CorpusScan& scan, ModelConfig model, const TrainConfig& train,
                       const MemoryLimit& limit);

}  // namespace cellscope
