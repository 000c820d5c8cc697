// safetensors reading and writing. The header is parsed by nlohmann::json; every number in it
// is checked (type, sign, overflow) and every byte range against the real data size before
// the caller can ask for values, so a lying header fails with the key and the reason.
#include "safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "error.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors data is little-endian");

namespace cellscope {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the reference implementation's limit
// A header is a flat map of small entries. These bound the JSON tree (about 16 bytes and up per
// value) and the parser's nesting before it is built: a 100 MB header of "[[[[" or of a
// huge array is refused instead of costing gigabytes (or the stack, when the tree is freed).
constexpr int kMaxHeaderDepth = 16;
constexpr std::size_t kMaxHeaderValues = 1u << 16;  // ~8,000 tensors; importable: < 300

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(path + ": " + what);
}

int dtype_size(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" ||
      dtype == "F8_E5M2") {
    return 1;
  }
  return 0;
}

uint64_t as_offset(const std::string& path, const std::string& key, const json& v,
                   const char* what) {
  if (!v.is_number_integer()) fail(path, "tensor '" + key + "': " + what + " is not an integer");
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  const int64_t s = v.get<int64_t>();
  if (s < 0) fail(path, "tensor '" + key + "': " + what + " is negative (" + std::to_string(s) + ")");
  return static_cast<uint64_t>(s);
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu, mant = h & 0x3FFu, bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // inf / nan
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {  // subnormal: normalise
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400u) == 0);
    bits = sign | (static_cast<uint32_t>(112 - e) << 23) | ((mant & 0x3FFu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

}  // namespace

int64_t SafeTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

SafetensorsFile SafetensorsFile::read(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) fail(path, "cannot read (" + ec.message() + ")");
  if (size < 8) fail(path, "not a safetensors file (" + std::to_string(size) + " bytes)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open");
  std::string bytes(static_cast<std::size_t>(size), '\0');  // the real size, not a claim
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) fail(path, "read failed");
  return parse(path, std::move(bytes));
}

SafetensorsFile SafetensorsFile::parse(const std::string& path, std::string bytes) {
  if (bytes.size() < 8) fail(path, "not a safetensors file (shorter than its 8-byte header size)");
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  if (n > kMaxHeaderBytes) {
    fail(path, "header size " + std::to_string(n) + " bytes is absurd (limit 100 MB)");
  }
  if (n > bytes.size() - 8) {
    fail(path, "header size " + std::to_string(n) + " bytes exceeds the file (" +
                   std::to_string(bytes.size()) + " bytes): truncated or not safetensors");
  }
  json header;
  std::size_t values = 0;
  const json::parser_callback_t limit = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxHeaderDepth) {
      fail(path, "header nests deeper than " + std::to_string(kMaxHeaderDepth) + " levels");
    }
    if (++values > kMaxHeaderValues) {
      fail(path, "header holds more than " + std::to_string(kMaxHeaderValues) + " JSON values");
    }
    return true;
  };
  try {
    header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n),
                         limit);
  } catch (const json::exception& e) {
    fail(path, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail(path, "header is not a JSON object");

  SafetensorsFile f;
  f.path_ = path;
  const uint64_t data_size = bytes.size() - 8 - n;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "__metadata__") {
      if (!v.is_object()) fail(path, "__metadata__ is not a map of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) fail(path, "__metadata__ key '" + m.key() + "' is not a string");
        f.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
        !v.contains("data_offsets")) {
      fail(path, "tensor '" + key + "': entry lacks dtype, shape or data_offsets");
    }
    SafeTensor t;
    t.name = key;
    if (!v["dtype"].is_string()) fail(path, "tensor '" + key + "': dtype is not a string");
    t.dtype = v["dtype"].get<std::string>();
    const int esize = dtype_size(t.dtype);
    if (esize == 0) fail(path, "tensor '" + key + "': unknown dtype '" + t.dtype + "'");
    if (!v["shape"].is_array()) fail(path, "tensor '" + key + "': shape is not an array");
    // Elements and bytes with overflow checks: a lying shape must not wrap around. The
    // product of the non-zero dimensions is bounded too (a zero elsewhere would hide it), so
    // elements() can never overflow, whatever the order of the dimensions.
    uint64_t nonzero_bytes = static_cast<uint64_t>(esize);
    bool has_zero = false;
    for (const json& d : v["shape"]) {
      const uint64_t dim = as_offset(path, key, d, "a shape dimension");
      if (dim == 0) {
        has_zero = true;
      } else if (nonzero_bytes > static_cast<uint64_t>(INT64_MAX) / dim) {
        fail(path, "tensor '" + key + "': shape is absurdly large (overflows)");
      } else {
        nonzero_bytes *= dim;
      }
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    const uint64_t bytes_needed = has_zero ? 0 : nonzero_bytes;
    const json& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2) {
      fail(path, "tensor '" + key + "': data_offsets is not [begin, end]");
    }
    t.begin = as_offset(path, key, off[0], "data_offsets begin");
    t.end = as_offset(path, key, off[1], "data_offsets end");
    if (t.end < t.begin) fail(path, "tensor '" + key + "': data_offsets end < begin");
    if (t.end > data_size) {
      fail(path, "tensor '" + key + "': data_offsets end " + std::to_string(t.end) +
                     " lies beyond the data (" + std::to_string(data_size) + " bytes)");
    }
    if (t.end - t.begin != bytes_needed) {
      fail(path, "tensor '" + key + "': " + std::to_string(t.end - t.begin) + " bytes for " +
                     t.dtype + " of its shape, which needs " + std::to_string(bytes_needed));
    }
    f.tensors_.push_back(std::move(t));
  }
  // The ranges must tile the data region: no overlap, no gap, nothing after the last one.
  std::vector<const SafeTensor*> by_offset;
  for (const auto& t : f.tensors_) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const SafeTensor* a, const SafeTensor* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t expected = 0;
  const SafeTensor* previous = nullptr;
  for (const SafeTensor* t : by_offset) {
    if (t->begin < expected) {
      fail(path, "tensor '" + t->name + "': data_offsets overlap tensor '" + previous->name + "'");
    }
    if (t->begin > expected) {
      fail(path, "tensor '" + t->name + "': a gap of " + std::to_string(t->begin - expected) +
                     " bytes precedes its data");
    }
    expected = t->end;
    previous = t;
  }
  if (expected != data_size) {
    fail(path, std::to_string(data_size - expected) + " bytes after the last tensor belong to none");
  }
  bytes.erase(0, 8 + n);
  f.data_ = std::move(bytes);
  return f;
}

const SafeTensor* SafetensorsFile::find(const std::string& name) const {
  for (const auto& t : tensors_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<float> SafetensorsFile::floats(const SafeTensor& t) const {
  const std::size_t n = static_cast<std::size_t>(t.elements());
  const char* src = data_.data() + t.begin;
  std::vector<float> out(n);
  if (t.dtype == "F32") {
    if (n > 0) std::memcpy(out.data(), src, n * 4);  // an empty vector's data() may be null
  } else if (t.dtype == "F16" || t.dtype == "BF16") {
    for (std::size_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, src + 2 * i, 2);
      if (t.dtype == "F16") {
        out[i] = half_to_float(h);
      } else {
        const uint32_t bits = static_cast<uint32_t>(h) << 16;
        std::memcpy(&out[i], &bits, 4);
      }
    }
  } else if (t.dtype == "F64") {
    fail(path_, "tensor '" + t.name + "': dtype F64 is not supported (CellScope computes in " +
                    "float32; save the model after .float())");
  } else {
    fail(path_, "tensor '" + t.name + "': dtype " + t.dtype + " is not a float weight type");
  }
  return out;
}

std::vector<int64_t> SafetensorsFile::ints(const SafeTensor& t) const {
  const std::size_t n = static_cast<std::size_t>(t.elements());
  const char* src = data_.data() + t.begin;
  std::vector<int64_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (t.dtype == "I64") {
      std::memcpy(&out[i], src + 8 * i, 8);
    } else if (t.dtype == "I32") {
      int32_t v;
      std::memcpy(&v, src + 4 * i, 4);
      out[i] = v;
    } else {
      fail(path_, "tensor '" + t.name + "': dtype " + t.dtype + " is not I32 or I64");
    }
  }
  return out;
}

std::string serialize_safetensors(const std::vector<SafeTensorOut>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    if (n != static_cast<int64_t>(t.values.size())) {
      throw Error("safetensors: tensor '" + t.name + "' has " + std::to_string(t.values.size()) +
                  " values for its shape's " + std::to_string(n));
    }
    const uint64_t bytes = 4 * t.values.size();
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const uint64_t n = text.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  out += text;
  out.reserve(out.size() + offset);
  for (const auto& t : tensors) {
    out.append(reinterpret_cast<const char*>(t.values.data()), 4 * t.values.size());
  }
  return out;
}

void write_safetensors(const std::string& path, const std::vector<SafeTensorOut>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::string image = serialize_safetensors(tensors, metadata);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail(path, std::string("cannot write (") + std::strerror(errno) + ")");
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < image.size()) {
    const ssize_t w = ::write(fd, image.data() + done, image.size() - done);
    if (w < 0 && errno == EINTR) continue;
    ok = w > 0;
    if (ok) done += static_cast<std::size_t>(w);
  }
  const int saved_errno = errno;
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(ok ? errno : saved_errno);
    std::remove(tmp.c_str());
    fail(path, "cannot write (" + why + ")");
  }
}

}  // namespace cellscope
