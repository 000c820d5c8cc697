// ActivationCache implementation. Block i covers positions [i·K, min((i+1)·K, n)); the probe's
// chunks never straddle a block (K is a multiple of the chunk), so record() copies each chunk
// into exactly one block. Eviction scans for the least recently used block (blocks are few:
// n / K, e.g. 1,000 for a million characters).
#include "activation_cache.h"

#include <algorithm>
#include <limits>

#include "error.h"

namespace cellscope {

ActivationCache::ActivationCache(Probe& probe, int layer, Quantity q, std::size_t budget_bytes)
    : probe_(probe),
      layer_(layer),
      quantity_(q),
      budget_(budget_bytes),
      block_size_(probe.options().checkpoint_every),
      hidden_(probe.model().hidden_size()) {
  check_neuron(probe.model().config(), layer, 0, q);
  blocks_.resize(static_cast<std::size_t>((probe.size() + block_size_ - 1) / block_size_));
}

int64_t ActivationCache::block_length(int64_t index) const {
  return std::min(block_size_, probe_.size() - index * block_size_);
}

bool ActivationCache::has_block(int64_t index) const {
  if (index < 0 || index >= block_count()) return false;
  const Block* b = blocks_[static_cast<std::size_t>(index)].get();
  return b != nullptr && b->filled == b->values.rows();
}

bool ActivationCache::has(int64_t begin, int64_t end) const {
  if (begin >= end) return true;
  for (int64_t i = block_of(begin); i <= block_of(end - 1); ++i) {
    if (!has_block(i)) return false;
  }
  return true;
}

void ActivationCache::touch(int64_t index) const {
  blocks_[static_cast<std::size_t>(index)]->used = ++clock_;
}

void ActivationCache::evict_one(int64_t keep_from, int64_t keep_to) {
  int64_t victim = -1;
  uint64_t oldest = std::numeric_limits<uint64_t>::max();
  for (int64_t i = 0; i < block_count(); ++i) {
    const Block* b = blocks_[static_cast<std::size_t>(i)].get();
    if (b == nullptr || (i >= keep_from && i < keep_to)) continue;
    if (b->used < oldest) {
      oldest = b->used;
      victim = i;
    }
  }
  if (victim < 0) return;
  auto& slot = blocks_[static_cast<std::size_t>(victim)];
  bytes_ -= static_cast<std::size_t>(slot->values.size()) * sizeof(float);
  slot.reset();
}

// Without eviction (keep == nullptr) null when the budget is full. With it, the least recently
// used blocks outside [keep->first, keep->second) go; if those are not enough (a range larger
// than the budget) the block is made anyway: the range the view needs wins over the budget.
ActivationCache::Block* ActivationCache::block_for_write(int64_t index,
                                                         const std::pair<int64_t, int64_t>* keep) {
  auto& slot = blocks_[static_cast<std::size_t>(index)];
  if (slot) return slot.get();
  const auto length = block_length(index);
  const std::size_t need =
      static_cast<std::size_t>(hidden_) * static_cast<std::size_t>(length) * sizeof(float);
  if (bytes_ + need > budget_) {
    if (keep == nullptr) return nullptr;
    while (bytes_ + need > budget_ && bytes_ > 0) {
      const std::size_t before = bytes_;
      evict_one(keep->first, keep->second);
      if (bytes_ == before) break;
    }
  }
  slot = std::make_unique<Block>();
  slot->values.resize(static_cast<Eigen::Index>(length), hidden_);
  bytes_ += need;
  return slot.get();
}

void ActivationCache::record(const ChunkView& chunk) {
  const int64_t index = block_of(chunk.begin());
  Block* b = block_for_write(index, nullptr);
  if (b == nullptr || b->filled == b->values.rows()) return;  // complete blocks stay
  const int64_t offset = chunk.begin() - index * block_size_;
  if (offset == 0) b->filled = 0;   // a block's first chunk (re)starts it: a replay cut short
  if (offset != b->filled) return;  // left it partial. Chunks arrive in order within a block.
  b->values.middleRows(static_cast<Eigen::Index>(offset), chunk.steps()) =
      chunk.values(layer_, quantity_).transpose();
  b->filled += chunk.steps();
  touch(index);
}

bool ActivationCache::ensure(int64_t begin, int64_t end, const ProgressFn& progress) {
  begin = std::max<int64_t>(begin, 0);
  end = std::min(end, probe_.size());
  if (begin >= end) return true;
  const int64_t first = block_of(begin), last = block_of(end - 1);
  int64_t missing = 0, done = 0;
  for (int64_t i = first; i <= last; ++i) missing += has_block(i) ? 0 : 1;
  for (int64_t i = first; i <= last; ++i) {
    if (has_block(i)) {
      touch(i);
      continue;
    }
    const std::pair<int64_t, int64_t> keep{first, last + 1};  // the range's own blocks stay
    Block* block = block_for_write(i, &keep);
    block->filled = 0;
    const int64_t b0 = i * block_size_;
    const bool ok = probe_.replay(
        b0, b0 + block_length(i),
        [&](const ChunkView& chunk) {
          if (block_of(chunk.begin()) == i) record(chunk);
        },
        progress ? ProgressFn([&](double f) {
          return progress((static_cast<double>(done) + f) / static_cast<double>(missing));
        })
                 : ProgressFn());
    if (!ok) return false;
    ++done;
  }
  return true;
}

int64_t ActivationCache::gather(int neuron, int64_t begin, int64_t end, float* out) const {
  begin = std::max<int64_t>(begin, 0);
  const int64_t stop = std::min(end, probe_.size());
  int64_t written = 0;
  for (int64_t pos = begin; pos < stop;) {
    const int64_t index = block_of(pos);
    const int64_t block_end = std::min(stop, (index + 1) * block_size_);
    if (has_block(index)) {
      const Block& b = *blocks_[static_cast<std::size_t>(index)];
      const float* column = b.values.col(neuron).data() + (pos - index * block_size_);
      std::copy(column, column + (block_end - pos), out + (pos - begin));
      written += block_end - pos;
      touch(index);
    }
    pos = block_end;
  }
  return written;
}

void ActivationCache::gather_all(int64_t begin, int64_t end, Mat<float>* out) const {
  if (!has(begin, end)) throw Error("activation cache: the range is not computed yet");
  out->resize(hidden_, static_cast<Eigen::Index>(std::max<int64_t>(end - begin, 0)));
  for (int64_t pos = begin; pos < end;) {
    const int64_t index = block_of(pos);
    const int64_t block_end = std::min(end, (index + 1) * block_size_);
    const Block& b = *blocks_[static_cast<std::size_t>(index)];
    out->middleCols(static_cast<Eigen::Index>(pos - begin),
                    static_cast<Eigen::Index>(block_end - pos)) =
        b.values
            .middleRows(static_cast<Eigen::Index>(pos - index * block_size_),
                        static_cast<Eigen::Index>(block_end - pos))
            .transpose();
    touch(index);
    pos = block_end;
  }
}

}  // namespace cellscope
