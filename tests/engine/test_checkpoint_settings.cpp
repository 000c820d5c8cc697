// The values a .csm stores beyond the weights, checked at load so that `sample`, `eval` and
// `train --resume` fail at once with the file and the field: the parameter count against the
// configuration (an empty or short PARM is refused), the optimizer moments, the carried state,
// the random generator state and every training setting (NaN, zero or negative where they
// cannot be). Saving refuses the same values and writes nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "error.h"
#include "model.h"

namespace cellscope {
namespace {

namespace fs = std::filesystem;

// A valid 1 x 4 LSTM over "ab" with Adam moments and a carried state of batch 2.
ModelFile valid_file() {
  ModelFile f;
  f.model.cell = CellType::kLstm;
  f.model.vocab_size = 2;
  f.model.hidden_size = 4;
  f.model.num_layers = 1;
  f.vocabulary = {U'a', U'b'};
  f.parameters.assign(parameter_count(f.model), 0.125f);
  f.train.optimizer = OptimizerType::kAdam;
  f.optimizer_steps = 3;
  f.optimizer_state.assign(2 * f.parameters.size(), 0.5f);
  f.progress.carried_batch = 2;
  f.progress.carried_state.assign(2 * 4 * 2, 0.25f);  // h and c, H x B, one layer
  return f;
}

std::string load_error(const ModelFile& f) {
  try {
    detail::parse_model_bytes("m.csm", detail::serialize_model(f), true);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

struct Case {
  const char* what;
  std::function<void(ModelFile&)> change;
  std::string message;  // the loader's message after "m.csm: "
};

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

std::vector<Case> bad_cases() {
  return {
      {"empty PARM", [](ModelFile& f) { f.parameters.clear(); },
       "section PARM holds 0 parameters, but the configuration (lstm, vocab_size 2, "
       "hidden_size 4, num_layers 1) needs 122"},
      {"one weight short", [](ModelFile& f) { f.parameters.pop_back(); },
       "section PARM holds 121 parameters"},
      {"bigger configuration", [](ModelFile& f) { f.model.hidden_size = 16384; },
       "needs 1073971202"},
      {"OPTM size", [](ModelFile& f) { f.optimizer_state.pop_back(); },
       "section OPTM holds 243 values, but adam needs 244 (or none)"},
      {"OPTM for another optimizer",
       [](ModelFile& f) { f.train.optimizer = OptimizerType::kSgd; },
       "section OPTM holds 244 values, but sgd needs 122"},
      {"negative optimizer steps", [](ModelFile& f) { f.optimizer_steps = -1; },
       "optimizer_steps -1"},
      {"carried state size", [](ModelFile& f) { f.progress.carried_batch = 3; },
       "carried_state has 16 values, but 1 layers of 4 units x batch 3 need 24"},
      {"rng state", [](ModelFile& f) { f.progress.rng_state = "not numbers"; },
       "rng_state is not a saved random generator state"},
      {"negative iteration", [](ModelFile& f) { f.progress.iteration = -5; }, "iteration -5"},
      {"negative cursor", [](ModelFile& f) { f.progress.cursor = -1; }, "cursor -1"},
      {"NaN progress rate", [](ModelFile& f) { f.progress.learning_rate = kNaN; },
       "progress learning_rate nan is out of range (>= 0)"},
      {"negative seconds", [](ModelFile& f) { f.progress.seconds = -1; }, "progress seconds -1"},
      {"NaN temperature", [](ModelFile& f) { f.train.sample_temperature = kNaN; },
       "sample_temperature nan is out of range (> 0)"},
      {"zero temperature", [](ModelFile& f) { f.train.sample_temperature = 0; },
       "sample_temperature 0 is out of range (> 0)"},
      {"infinite temperature", [](ModelFile& f) { f.train.sample_temperature = kInf; },
       "sample_temperature inf"},
      {"NaN learning rate", [](ModelFile& f) { f.train.learning_rate = kNaN; },
       "learning_rate nan is out of range (> 0)"},
      {"negative learning rate", [](ModelFile& f) { f.train.learning_rate = -0.1; },
       "learning_rate -0.1"},
      {"zero learning rate", [](ModelFile& f) { f.train.learning_rate = 0; }, "learning_rate 0"},
      {"lr_decay above 1", [](ModelFile& f) { f.train.lr_decay = 1.5; },
       "lr_decay 1.5 is out of range [0, 1]"},
      {"NaN lr_decay", [](ModelFile& f) { f.train.lr_decay = kNaN; }, "lr_decay nan"},
      {"negative grad_clip", [](ModelFile& f) { f.train.grad_clip = -1; }, "grad_clip -1"},
      {"NaN grad_clip", [](ModelFile& f) { f.train.grad_clip = kNaN; }, "grad_clip nan"},
      {"val_frac 1", [](ModelFile& f) { f.train.val_frac = 1; }, "val_frac 1 is out of range"},
      {"NaN max_seconds", [](ModelFile& f) { f.train.max_seconds = kNaN; }, "max_seconds nan"},
      {"negative max_iters", [](ModelFile& f) { f.train.max_iters = -1; }, "max_iters -1"},
      {"negative max_epochs", [](ModelFile& f) { f.train.max_epochs = -2; }, "max_epochs -2"},
      {"negative eval_every", [](ModelFile& f) { f.train.eval_every = -1; }, "eval_every -1"},
      {"negative checkpoint_every", [](ModelFile& f) { f.train.checkpoint_every = -1; },
       "checkpoint_every -1"},
      {"negative sample_every", [](ModelFile& f) { f.train.sample_every = -1; },
       "sample_every -1"},
      {"negative sample_length", [](ModelFile& f) { f.train.sample_length = -1; },
       "sample_length -1"},
      {"negative lr_decay_after", [](ModelFile& f) { f.train.lr_decay_after = -1; },
       "lr_decay_after -1"},
      {"huge seq_length", [](ModelFile& f) { f.train.seq_length = 2147483647; },
       "seq_length 2147483647 is out of range (1..100000)"},
      {"huge batch_size", [](ModelFile& f) { f.train.batch_size = 1 << 30; },
       "batch_size 1073741824 is out of range (1..100000)"},
      {"k1 above k2",
       [](ModelFile& f) {
         f.train.bptt_every = 40;
         f.train.bptt_length = 20;
       },
       "bptt_every 40 exceeds bptt_length 20"},
  };
}

TEST(CheckpointSettings, AValidFileLoads) {
  EXPECT_EQ(load_error(valid_file()), "<no error>");
  // Zero progress rate means "the configured one"; no moments and no carried state are fine.
  ModelFile f = valid_file();
  f.progress.learning_rate = 0;
  f.optimizer_state.clear();
  f.progress.carried_batch = 0;
  f.progress.carried_state.clear();
  EXPECT_EQ(load_error(f), "<no error>");
}

TEST(CheckpointSettings, EveryBadValueIsNamedAtLoadAndRefusedAtSave) {
  const std::string dir = ::testing::TempDir() + "cellscope_settings_" + std::to_string(::getpid());
  fs::create_directories(dir);
  for (const Case& c : bad_cases()) {
    ModelFile f = valid_file();
    c.change(f);
    const std::string message = load_error(f);
    EXPECT_EQ(message.rfind("m.csm: ", 0), 0u) << c.what << ": " << message;
    EXPECT_NE(message.find(c.message), std::string::npos)
        << c.what << ": \"" << message << "\" lacks \"" << c.message << "\"";
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;

    const std::string path = dir + "/bad.csm";
    try {
      save_model_file(path, f);
      ADD_FAILURE() << c.what << ": saved";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(path)) << c.what;
    EXPECT_FALSE(fs::exists(path + ".tmp")) << c.what;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cellscope
