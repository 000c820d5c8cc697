// The fuzz entry points, shared by the libFuzzer targets (fuzz_<name>.cpp, clang, `cmake
// --preset fuzz`) and the replay test that CI runs with GCC (replay_test.cpp). Each takes any
// bytes and either returns or throws cellscope::Error; anything else (another exception, a
// crash, a sanitizer report, a broken invariant: abort()) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cellscope::fuzz {

using EntryPoint = void (*)(const uint8_t* data, std::size_t size);

// The .csm parser without the checksum (so mutations reach the sections); what it accepts must
// serialise and load again, checksum included.
void csm(const uint8_t* data, std::size_t size);
// The safetensors reader, then the PyTorch import of what it accepts (the result must be a
// valid .csm image).
void safetensors(const uint8_t* data, std::size_t size);
// Strict and replacing UTF-8 decoding (the replaced text re-encodes to valid UTF-8), then the
// corpus loader on the bytes as a file: byte 0 picks the options (replace_invalid, a given
// vocabulary with or without unknown characters allowed, val_frac, a small read block or the
// loader's own). The file is in memory (memfd).
void utf8_corpus(const uint8_t* data, std::size_t size);
// The detectors: byte 0 picks a registry detector or regex:; for regex: the pattern runs to
// the first NUL byte and the text follows; the text is decoded with replacement.
void detectors(const uint8_t* data, std::size_t size);

// cellscope-cli's argument handling: byte 0 picks the CLI11 parse of a whole command line (the
// rest split at NUL bytes into arguments; every command is replaced by the value checks it
// makes before touching a file: --range, --watch, --max-memory), or one of those value parsers
// alone on the rest. A CLI11 parse error becomes an Error; --help and --version return.
void cli_args(const uint8_t* data, std::size_t size);

struct Target {
  const char* name;  // the folder under tests/fuzz/corpus/ and tests/fuzz/regressions/
  EntryPoint run;
};
const std::vector<Target>& targets();

}  // namespace cellscope::fuzz
