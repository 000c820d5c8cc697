// A synthetic language where a neuron must remember it is inside a quote: sentences of 3-7 items
// ending in ". " or a newline; an item is a word (1-3 letters of "abcd") or, one time in four, a
// quote of 2-6 such words joined by '_' instead of ' ', so only a quote memory tells which comes
// next. Deterministic for a seed; shared by the engine's and the Train tab's watch tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace test_data {

inline std::string quoted_language(std::size_t length, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  std::string out;
  auto word = [&] {
    const int n = 1 + pick(3);
    for (int i = 0; i < n; ++i) out += "abcd"[pick(4)];
  };
  while (out.size() < length) {
    const int items = 3 + pick(5);
    for (int i = 0; i < items; ++i) {
      if (i > 0) out += ' ';
      if (pick(4) == 0) {
        out += '"';
        const int n = 2 + pick(5);
        for (int k = 0; k < n; ++k) {
          if (k > 0) out += '_';
          word();
        }
        out += '"';
      } else {
        word();
      }
    }
    out += pick(3) == 0 ? "\n" : ". ";
  }
  out.resize(length);
  return out;
}

}  // namespace test_data
