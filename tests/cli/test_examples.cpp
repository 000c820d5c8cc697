// Help → Examples (resources/examples.json): every entry's model and demo text exist and fit
// (every character in the model's vocabulary), and its neuron is `cellscope-cli find`'s top
// neuron for the entry's detector and quantity on that text — so a retrained model, an edited
// demo or a hand-edited entry cannot silently break an Example's caption.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "checkpoint.h"
#include "cli_runner.h"
#include "utf8.h"
#include "vocabulary.h"

namespace {

const std::string kResources = std::string(CELLSCOPE_SOURCE_DIR) + "/resources";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

nlohmann::json examples() {
  const nlohmann::json catalogue = nlohmann::json::parse(slurp(kResources + "/examples.json"));
  return catalogue.at("examples");
}

TEST(Examples, CatalogueHasTheEntriesTheHelpMenuPromises) {
  const nlohmann::json entries = examples();
  ASSERT_TRUE(entries.is_array());
  ASSERT_GE(entries.size(), 5u);
  std::set<std::string> ids;
  std::set<std::string> titles;
  for (const nlohmann::json& e : entries) {
    for (const char* key : {"id", "title", "model", "text", "quantity", "detector", "caption"})
      ASSERT_TRUE(e.contains(key) && e.at(key).is_string() && !e.at(key).get<std::string>().empty())
          << key << " in " << e.dump();
    ASSERT_TRUE(e.at("layer").is_number_integer()) << e.dump();
    ASSERT_TRUE(e.at("neuron").is_number_integer()) << e.dump();
    EXPECT_TRUE(ids.insert(e.at("id").get<std::string>()).second) << "duplicate id " << e.dump();
    titles.insert(e.at("title").get<std::string>());
    EXPECT_GT(e.at("caption").get<std::string>().size(), 100u) << "a caption is a paragraph";
  }
  for (const char* title : {"The URL neuron", "The quote neuron", "The if-statement neuron",
                            "The comment neuron", "The line-length neuron"})
    EXPECT_EQ(titles.count(title), 1u) << title;
}

TEST(Examples, EveryNeuronIsTheFindersTopForItsDetector) {
  for (const nlohmann::json& e : examples()) {
    const std::string id = e.at("id").get<std::string>();
    SCOPED_TRACE(id);
    const std::string model = kResources + "/" + e.at("model").get<std::string>();
    const std::string text = kResources + "/" + e.at("text").get<std::string>();
    const std::string quantity = e.at("quantity").get<std::string>();
    const std::string detector = e.at("detector").get<std::string>();
    const std::string neuron = std::to_string(e.at("layer").get<int>()) + ":" +
                               std::to_string(e.at("neuron").get<int>());

    // The demo text only uses characters the model knows (an unknown one would be skipped).
    const cellscope::ModelFile file = cellscope::load_model_file(model);
    const cellscope::Vocabulary vocab(file.vocabulary);
    const std::u32string chars = cellscope::utf8_decode(slurp(text), false, text);
    ASSERT_GT(chars.size(), 1000u);
    for (char32_t c : chars) ASSERT_GE(vocab.id_of(c), 0) << "U+" << std::hex << uint32_t(c);

    const cellscope::testing_util::CliRun find = cellscope::testing_util::run_cli(
        "find '" + model + "' --text '" + text + "' --detector '" + detector + "' --quantity " +
            quantity + " --top 2 --threads 1",
        ::testing::TempDir() + "examples_" + id + "_stderr.txt");
    ASSERT_EQ(find.status, 0) << find.err;
    // Data lines: rank layer neuron correlation auc, by |correlation| descending.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        find.out, m, std::regex(R"(\n\s*1\s+(\d+)\s+(\d+)\s+([-+0-9.]+)\s+([-+0-9.]+))")))
        << find.out;
    EXPECT_EQ(m[1].str() + ":" + m[2].str(), neuron)
        << "the Example's neuron is no longer find's top " << detector << " neuron:\n"
        << find.out;
    EXPECT_GT(std::abs(std::stod(m[3].str())), 0.2) << "too weak to show anything:\n" << find.out;
  }
}

}  // namespace
