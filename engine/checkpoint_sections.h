// The .csm section table: one row per section — its tag, whether a file needs it, when it is
// written, and how its payload is written and read. Invariants: rows are in file order with PARM
// last (a file cut anywhere loses part of a required section); a reader consumes its payload
// exactly; optional sections are skipped by builds that do not know them.
#pragma once

#include <cstdint>
#include <vector>

#include "checkpoint.h"
#include "checkpoint_codec.h"

namespace cellscope::csm {

struct Section {
  uint32_t tag;
  bool required;                           // a file without it is refused
  bool (*present)(const ModelFile& file);  // nullptr: always written
  void (*write)(Writer& w, const ModelFile& file);
  void (*read)(Reader& r, ModelFile& file);
};

const std::vector<Section>& section_table();

}  // namespace cellscope::csm
