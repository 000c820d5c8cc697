// The .csm byte codec: Writer appends little-endian values and length-patched sections; Reader
// is a cursor over one section's payload. Invariant: every Reader read and every declared count
// is checked against the bytes that remain before anything is copied or allocated, and every
// failure is an Error that starts with the file's path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "error.h"

namespace cellscope::csm {

constexpr uint32_t make_tag(const char (&name)[5]) {
  return uint32_t(uint8_t(name[0])) | uint32_t(uint8_t(name[1])) << 8 |
         uint32_t(uint8_t(name[2])) << 16 | uint32_t(uint8_t(name[3])) << 24;
}

// "CONF", or 0x… when the tag is not printable.
std::string tag_name(uint32_t tag);
std::string format_double(double value);     // %g
std::string format_code_point(char32_t cp);  // U+XXXX

inline uint32_t read_le32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

class Writer {
 public:
  void bytes(const void* data, std::size_t size) {
    out_.append(static_cast<const char*>(data), size);
  }
  void u8(uint8_t v) { bytes(&v, 1); }
  void u32(uint32_t v) { bytes(&v, 4); }
  void u64(uint64_t v) { bytes(&v, 8); }
  void i32(int32_t v) { bytes(&v, 4); }
  void i64(int64_t v) { bytes(&v, 8); }
  void f64(double v) { bytes(&v, 8); }
  void str(const std::string& s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  void floats(const std::vector<float>& v) {
    u64(v.size());
    bytes(v.data(), v.size() * sizeof(float));
  }

  std::size_t begin_section(uint32_t tag) {
    u32(tag);
    const std::size_t at = out_.size();
    u64(0);  // patched by end_section
    return at;
  }
  void end_section(std::size_t at) {
    const uint64_t length = out_.size() - (at + 8);
    std::memcpy(&out_[at], &length, 8);
  }

  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(const std::string& path, uint32_t tag, const char* data, std::size_t size)
      : path_(path), section_(tag_name(tag)), data_(data), size_(size) {}

  std::size_t remaining() const { return size_ - pos_; }

  const char* take(std::size_t n, const char* what) {
    if (n > remaining()) {
      fail("truncated file (section " + section_ + ": " + what + " needs " + std::to_string(n) +
           " bytes, " + std::to_string(remaining()) + " remain)");
    }
    const char* p = data_ + pos_;
    pos_ += n;
    return p;
  }

  template <typename T>
  T value(const char* what) {
    static_assert(std::is_trivially_copyable<T>::value, "raw values only");
    T v;
    std::memcpy(&v, take(sizeof(T), what), sizeof(T));
    return v;
  }
  uint32_t u32(const char* what) { return value<uint32_t>(what); }
  uint64_t u64(const char* what) { return value<uint64_t>(what); }
  int32_t i32(const char* what) { return value<int32_t>(what); }
  int64_t i64(const char* what) { return value<int64_t>(what); }
  double f64(const char* what) { return value<double>(what); }
  bool boolean(const char* what) {
    const uint8_t v = value<uint8_t>(what);
    if (v > 1) fail(std::string("invalid ") + what + " " + std::to_string(v) + " (must be 0 or 1)");
    return v == 1;
  }

  // Reads a u64 element count and checks that `count` elements of at least `min_bytes` each fit
  // in what remains of the section.
  std::size_t count(std::size_t min_bytes, const char* what) {
    const uint64_t n = u64(what);
    if (n > remaining() / min_bytes) {
      fail("section " + section_ + " declares " + std::to_string(n) + " " + what + " but only " +
           std::to_string(remaining()) + " bytes remain");
    }
    return std::size_t(n);
  }

  std::string str(const char* what) {
    const std::size_t n = count(1, what);
    const char* p = take(n, what);
    return std::string(p, n);
  }

  std::vector<float> floats(const char* what) {
    const std::size_t n = count(sizeof(float), what);
    const char* p = take(n * sizeof(float), what);
    std::vector<float> v(n);
    if (n > 0) std::memcpy(v.data(), p, n * sizeof(float));
    return v;
  }

  void expect_end() {
    if (remaining() != 0) {
      fail("section " + section_ + " has " + std::to_string(remaining()) +
           " unexpected trailing bytes");
    }
  }

  [[noreturn]] void fail(const std::string& cause) const { throw Error(path_ + ": " + cause); }

 private:
  const std::string& path_;
  std::string section_;
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace cellscope::csm
