// The first start: the app opens the first entry of resources/examples.json (see
// ui/shell/main_window_examples.cpp). That first sight must be a clear neuron — the finder's top
// neuron for the entry's detector with |r| > 0.7 and AUC far from 0.5 on the demo — so a
// retrained model or a reordered catalogue cannot make a new user's first screen a weak or
// saturated one. (test_examples.cpp checks every entry is its detector's top neuron.)
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "cli_runner.h"

namespace {

const std::string kResources = std::string(CELLSCOPE_SOURCE_DIR) + "/resources";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Bundled, TheFirstStartShowsAClearNeuron) {
  const nlohmann::json first =
      nlohmann::json::parse(slurp(kResources + "/examples.json")).at("examples").at(0);
  const std::string model = kResources + "/" + first.at("model").get<std::string>();
  const std::string text = kResources + "/" + first.at("text").get<std::string>();
  const std::string neuron = std::to_string(first.at("layer").get<int>()) + ":" +
                             std::to_string(first.at("neuron").get<int>());

  const cellscope::testing_util::CliRun find = cellscope::testing_util::run_cli(
      "find '" + model + "' --text '" + text + "' --detector '" +
          first.at("detector").get<std::string>() + "' --quantity " +
          first.at("quantity").get<std::string>() + " --top 1 --threads 1",
      ::testing::TempDir() + "bundled_first_stderr.txt");
  ASSERT_EQ(find.status, 0) << find.err;
  // The first data line: rank layer neuron correlation auc.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      find.out, m, std::regex(R"(\n\s*1\s+(\d+)\s+(\d+)\s+([-+0-9.]+)\s+([0-9.]+))")))
      << find.out;
  EXPECT_EQ(m[1].str() + ":" + m[2].str(), neuron) << find.out;
  EXPECT_GT(std::fabs(std::stod(m[3].str())), 0.7) << find.out;
  EXPECT_GT(std::fabs(std::stod(m[4].str()) - 0.5), 0.4) << find.out;
}

}  // namespace
