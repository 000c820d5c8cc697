// ActivationCache: every neuron of one layer and quantity over a probed text, in blocks of the
// probe's checkpoint interval (K positions), stored position-major (K × H): another neuron is a
// copy, not a pass. Blocks come from the probe's chunks (record()) or replays (ensure()) and
// count once complete. Within a byte budget: record() stops when full; ensure() evicts the least
// recently used others. Values equal the pass bit for bit (replay is bit-identical, probe.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "probe.h"

namespace cellscope {

class ActivationCache {
 public:
  // `probe` must outlive the cache. Throws Error for a bad layer or a quantity the cell lacks.
  ActivationCache(Probe& probe, int layer, Quantity q, std::size_t budget_bytes);

  int layer() const { return layer_; }
  Quantity quantity() const { return quantity_; }
  int64_t block_size() const { return block_size_; }
  int64_t block_count() const { return static_cast<int64_t>(blocks_.size()); }
  int64_t block_of(int64_t position) const { return position / block_size_; }
  std::size_t bytes() const { return bytes_; }
  std::size_t budget() const { return budget_; }
  bool has_block(int64_t index) const;
  // True when every block covering [begin, end) is in.
  bool has(int64_t begin, int64_t end) const;

  // Copies this layer and quantity of a chunk (of a pass or replay over the same probe).
  void record(const ChunkView& chunk);
  // Replays the blocks covering [begin, end) that are not in, evicting the least recently used
  // others if the budget needs it. Returns false when `progress` cancelled.
  bool ensure(int64_t begin, int64_t end, const ProgressFn& progress = {});

  // Writes `neuron`'s value at each position of [begin, end) whose block is in to
  // out[position - begin] (other entries untouched); returns how many were written.
  int64_t gather(int neuron, int64_t begin, int64_t end, float* out) const;
  // (H × n) every neuron at [begin, end), n = end - begin; every block must be in (ensure).
  void gather_all(int64_t begin, int64_t end, Mat<float>* out) const;

 private:
  struct Block {
    Mat<float> values;   // (K × H), K = this block's length: column = neuron
    int64_t filled = 0;  // positions received so far (complete when == values.rows())
    uint64_t used = 0;   // last use, for eviction
  };
  int64_t block_length(int64_t index) const;
  Block* block_for_write(int64_t index, const std::pair<int64_t, int64_t>* keep);
  void evict_one(int64_t keep_from, int64_t keep_to);
  void touch(int64_t index) const;

  Probe& probe_;
  int layer_;
  Quantity quantity_;
  std::size_t budget_;
  int64_t block_size_;
  int hidden_;
  std::vector<std::unique_ptr<Block>> blocks_;  // by block index; null when not in
  std::size_t bytes_ = 0;
  mutable uint64_t clock_ = 0;
};

}  // namespace cellscope
