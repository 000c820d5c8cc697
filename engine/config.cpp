// Names of the configuration enums, as the CLI flags and the .csm info output spell them.
#include "config.h"

#include "error.h"

namespace cellscope {

std::string to_string(CellType type) {
  switch (type) {
    case CellType::kRnn:
      return "rnn";
    case CellType::kGru:
      return "gru";
    case CellType::kLstm:
      return "lstm";
  }
  return "unknown";
}

std::string to_string(OptimizerType type) {
  switch (type) {
    case OptimizerType::kAdam:
      return "adam";
    case OptimizerType::kRmsProp:
      return "rmsprop";
    case OptimizerType::kSgd:
      return "sgd";
  }
  return "unknown";
}

std::string to_string(ClipMode mode) {
  switch (mode) {
    case ClipMode::kValue:
      return "value";
    case ClipMode::kNorm:
      return "norm";
  }
  return "unknown";
}

CellType parse_cell_type(const std::string& name) {
  if (name == "lstm") return CellType::kLstm;
  if (name == "gru") return CellType::kGru;
  if (name == "rnn") return CellType::kRnn;
  throw Error("unknown model type '" + name + "' (expected lstm, gru or rnn)");
}

OptimizerType parse_optimizer_type(const std::string& name) {
  if (name == "adam") return OptimizerType::kAdam;
  if (name == "rmsprop") return OptimizerType::kRmsProp;
  if (name == "sgd") return OptimizerType::kSgd;
  throw Error("unknown optimizer '" + name + "' (expected adam, rmsprop or sgd)");
}

ClipMode parse_clip_mode(const std::string& name) {
  if (name == "value") return ClipMode::kValue;
  if (name == "norm") return ClipMode::kNorm;
  throw Error("unknown clip mode '" + name + "' (expected value or norm)");
}

}  // namespace cellscope
