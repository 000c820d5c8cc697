// The safetensors container (Hugging Face's format, as PyTorch users save a state_dict):
//   u64 little-endian N, then N bytes of JSON header, then the data region. The header maps
//   each tensor name to {"dtype", "shape", "data_offsets": [begin, end)} (offsets into the
//   data region) and may hold "__metadata__", a map of strings to strings.
// Invariants of a parsed file: every tensor's byte range lies inside the data region, has
// exactly product(shape) × dtype-size bytes, and the ranges tile the region with no gap or
// overlap. All of this is checked against the real file size before any tensor is allocated.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cellscope {

struct SafeTensor {
  std::string name;
  std::string dtype;           // "F32", "F16", "BF16", "F64", "I64", ... as in the header
  std::vector<int64_t> shape;  // row-major (C order), as PyTorch stores it
  uint64_t begin = 0, end = 0; // byte range inside the data region
  int64_t elements() const;    // product of shape (1 for a scalar)
};

class SafetensorsFile {
 public:
  // Reads and validates `path`; throws Error naming the file, the key and the reason.
  static SafetensorsFile read(const std::string& path);
  // The same on an in-memory image; `path` is only used in messages.
  static SafetensorsFile parse(const std::string& path, std::string bytes);

  const std::string& path() const { return path_; }
  const std::vector<SafeTensor>& tensors() const { return tensors_; }  // header order
  const SafeTensor* find(const std::string& name) const;              // nullptr when absent
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // The tensor's values widened to float (F32 as is; F16 and BF16 exactly). Other dtypes
  // (F64 would lose precision silently; integers are not weights) throw Error naming it.
  std::vector<float> floats(const SafeTensor& t) const;
  // Integer tensors (I32, I64) as int64.
  std::vector<int64_t> ints(const SafeTensor& t) const;

 private:
  std::string path_;
  std::string data_;  // the data region
  std::vector<SafeTensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

// A tensor to write: float32 values in row-major order of `shape`.
struct SafeTensorOut {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

// The file image: header padded with spaces to a multiple of 8, tensors in the given order.
std::string serialize_safetensors(const std::vector<SafeTensorOut>& tensors,
                                  const std::map<std::string, std::string>& metadata);
// Writes atomically (PATH.tmp, fsync, rename); throws Error naming `path`; on error the
// previous file at `path` is left as it was and no temporary file remains.
void write_safetensors(const std::string& path, const std::vector<SafeTensorOut>& tensors,
                       const std::map<std::string, std::string>& metadata);

}  // namespace cellscope
