// Error: the one exception type the engine throws for bad input (files, flags, formats).
// Its message is complete and user-facing: it names the file and the cause, so callers
// (CLI, app) print what() as is and lose nothing.
#pragma once

#include <stdexcept>
#include <string>

namespace cellscope {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace cellscope
