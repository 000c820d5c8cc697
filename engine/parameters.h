// ParamLayout is the one table naming every parameter block of a model (name, rows, cols,
// offset into a flat buffer). FlatBuffer<S> is a contiguous buffer sized by a layout; view()
// maps a block as an Eigen matrix. Parameters, gradients and optimizer moments are FlatBuffers
// over the same layout, so zeroing, clipping, optimizer steps and file I/O use data() directly.
// The storage is aligned to Eigen's maximum (64 bytes with AVX-512): every block then has the
// same alignment in every instance, so vectorised results are reproducible bit for bit.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

#include "tensor.h"

namespace cellscope {

struct ParamBlock {
  std::string name;
  int rows = 0;
  int cols = 0;
  std::size_t offset = 0;
  std::size_t size() const {
    return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  }
};

class ParamLayout {
 public:
  // Appends a rows×cols block; returns its index.
  int add(const std::string& name, int rows, int cols);
  const ParamBlock& block(int index) const { return blocks_[static_cast<std::size_t>(index)]; }
  const std::vector<ParamBlock>& blocks() const { return blocks_; }
  int find(const std::string& name) const;    // -1 when absent
  std::size_t size() const { return size_; }  // total scalars

 private:
  std::vector<ParamBlock> blocks_;
  std::size_t size_ = 0;
};

template <typename S>
class FlatBuffer {
 public:
  FlatBuffer() = default;
  explicit FlatBuffer(const ParamLayout& layout) : data_(layout.size(), S(0)) {}

  MatMap<S> view(const ParamBlock& b) { return MatMap<S>(data_.data() + b.offset, b.rows, b.cols); }
  ConstMatMap<S> view(const ParamBlock& b) const {
    return ConstMatMap<S>(data_.data() + b.offset, b.rows, b.cols);
  }
  VecMap<S> flat() { return VecMap<S>(data_.data(), static_cast<Eigen::Index>(data_.size())); }
  S* data() { return data_.data(); }
  const S* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  void set_zero() { std::fill(data_.begin(), data_.end(), S(0)); }
  using Storage = std::vector<S, Eigen::aligned_allocator<S>>;
  Storage& values() { return data_; }
  const Storage& values() const { return data_; }
  std::vector<S> to_vector() const { return std::vector<S>(data_.begin(), data_.end()); }
  // Copies `values` in; throws Error (via the caller's check) when sizes differ.
  void assign(const std::vector<S>& values) { data_.assign(values.begin(), values.end()); }

 private:
  Storage data_;
};

}  // namespace cellscope
