// The parameter layout table: blocks appended in order, offsets contiguous, names unique.
#include "parameters.h"

#include "error.h"

namespace cellscope {

int ParamLayout::add(const std::string& name, int rows, int cols) {
  if (find(name) >= 0) throw Error("duplicate parameter block '" + name + "'");
  ParamBlock block{name, rows, cols, size_};
  size_ += block.size();
  blocks_.push_back(block);
  return static_cast<int>(blocks_.size()) - 1;
}

int ParamLayout::find(const std::string& name) const {
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace cellscope
