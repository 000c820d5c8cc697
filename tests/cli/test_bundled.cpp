// The bundled default: the model and the demo text the README's first command opens
// (scripts/bootstrap.sh's run_app) fit each other — every demo character is in the model's
// vocabulary — and the neuron it opens on is the finder's top c-comment neuron on that text,
// so retraining the model without updating the default fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "checkpoint.h"
#include "cli_runner.h"
#include "utf8.h"
#include "vocabulary.h"

namespace {

const std::string kRoot = CELLSCOPE_SOURCE_DIR;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A `local NAME=VALUE` assignment in bootstrap.sh's run_app.
std::string bootstrapValue(const std::string& name) {
  const std::string script = slurp(kRoot + "/scripts/bootstrap.sh");
  std::smatch m;
  const std::regex pattern(name + "=([^ \\n]+)");
  EXPECT_TRUE(std::regex_search(script, m, pattern)) << name;
  return m.size() > 1 ? m[1].str() : std::string();
}

TEST(Bundled, DemoTextFitsTheModelAndOpensOnItsCommentNeuron) {
  const std::string model = kRoot + "/" + bootstrapValue("linux_model");
  const std::string text = kRoot + "/" + bootstrapValue("linux_text");
  const std::string neuron = bootstrapValue("linux_neuron");
  const std::string quantity = bootstrapValue("linux_quantity");

  const cellscope::ModelFile file = cellscope::load_model_file(model);
  const cellscope::Vocabulary vocab(file.vocabulary);
  const std::u32string chars = cellscope::utf8_decode(slurp(text), false, text);
  ASSERT_GT(chars.size(), 1000u);
  for (char32_t c : chars) EXPECT_GE(vocab.id_of(c), 0) << "U+" << std::hex << uint32_t(c);

  const cellscope::testing_util::CliRun find =
      cellscope::testing_util::run_cli("find " + model + " --text " + text +
                                           " --detector c-comment --quantity " + quantity +
                                           " --top 1 --threads 1",
                                       ::testing::TempDir() + "bundled_stderr.txt");
  ASSERT_EQ(find.status, 0) << find.err;
  // The first data line: rank layer neuron correlation auc.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(find.out, m, std::regex(R"(\n\s*1\s+(\d+)\s+(\d+)\s+([-+0-9.]+))")))
      << find.out;
  EXPECT_EQ(m[1].str() + ":" + m[2].str(), neuron) << find.out;
  EXPECT_GT(std::stod(m[3].str()), 0.7) << find.out;
}

}  // namespace
