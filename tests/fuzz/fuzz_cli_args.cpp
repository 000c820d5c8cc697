// libFuzzer target: cellscope::fuzz::cli_args (see fuzz_targets.h). A clean cellscope::Error is
// an accepted outcome; anything else is a finding.
#include <cstddef>
#include <cstdint>

#include "error.h"
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    cellscope::fuzz::cli_args(data, size);
  } catch (const cellscope::Error&) {
  }
  return 0;
}
