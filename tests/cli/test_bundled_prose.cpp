// The bundled prose model (resources/models/foldoc.csm) and its demo text
// (resources/demo/glossary.txt) fit each other — every demo character is in the model's
// vocabulary — and the URL and quote neurons named in the model's neuron table
// (resources/models/README.md, rows with a bold neuron) are still the finder's top neurons for
// their detectors on the demo, so retraining the model without updating the table fails here.
#include <gtest/gtest.h>

#include <cmath>
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
const std::string kModel = kRoot + "/resources/models/foldoc.csm";
const std::string kDemo = kRoot + "/resources/demo/glossary.txt";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The "## foldoc.csm" section of resources/models/README.md, up to the next "## " heading.
std::string proseSection() {
  const std::string readme = slurp(kRoot + "/resources/models/README.md");
  const std::size_t begin = readme.find("\n## foldoc.csm");
  EXPECT_NE(begin, std::string::npos) << "no '## foldoc.csm' section in resources/models/README.md";
  if (begin == std::string::npos) return {};
  const std::size_t end = readme.find("\n## ", begin + 1);
  return readme.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

struct NamedNeuron {
  std::string detector;  // as given to `find --detector`
  std::string quantity;
  std::string neuron;  // "layer:index"
};

// The table row whose detector column starts with `prefix` and whose neuron is in bold:
// | detector | quantity | **layer:neuron** | ...
NamedNeuron namedNeuron(const std::string& prefix) {
  const std::string section = proseSection();
  const std::regex row(R"(\n\|\s*(\S+)\s*\|\s*(\S+)\s*\|\s*\*\*(\d+:\d+)\*\*\s*\|)");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), row);
       it != std::sregex_iterator(); ++it) {
    if ((*it)[1].str().rfind(prefix, 0) == 0) return {(*it)[1].str(), (*it)[2].str(), (*it)[3].str()};
  }
  ADD_FAILURE() << "no row for '" << prefix << "' with a bold neuron in the foldoc.csm table";
  return {};
}

struct TopNeuron {
  std::string neuron;
  double correlation = 0.0;
  double auc = 0.0;
};

TopNeuron findTop(const NamedNeuron& named, const std::string& tag) {
  const cellscope::testing_util::CliRun find = cellscope::testing_util::run_cli(
      "find " + kModel + " --text " + kDemo + " --detector '" + named.detector +
          "' --quantity " + named.quantity + " --top 1 --threads 1",
      ::testing::TempDir() + "bundled_prose_" + tag + "_stderr.txt");
  EXPECT_EQ(find.status, 0) << find.err;
  // The first data line: rank layer neuron correlation auc.
  std::smatch m;
  const std::regex first(R"(\n\s*1\s+(\d+)\s+(\d+)\s+([-+0-9.]+)\s+([-+0-9.]+))");
  if (!std::regex_search(find.out, m, first)) {
    ADD_FAILURE() << "no ranking in: " << find.out;
    return {};
  }
  return {m[1].str() + ":" + m[2].str(), std::stod(m[3].str()), std::stod(m[4].str())};
}

TEST(BundledProse, DemoTextUsesOnlyCharactersTheModelKnows) {
  const cellscope::ModelFile file = cellscope::load_model_file(kModel);
  const cellscope::Vocabulary vocab(file.vocabulary);
  const std::u32string chars = cellscope::utf8_decode(slurp(kDemo), false, kDemo);
  ASSERT_GT(chars.size(), 5000u);
  for (char32_t c : chars) EXPECT_GE(vocab.id_of(c), 0) << "U+" << std::hex << uint32_t(c);
}

TEST(BundledProse, UrlNeuronIsTheFindersTopOnTheDemo) {
  const NamedNeuron url = namedNeuron("url");
  ASSERT_FALSE(url.neuron.empty());
  const TopNeuron top = findTop(url, "url");
  EXPECT_EQ(top.neuron, url.neuron) << "the README's URL neuron is no longer the finder's first";
  EXPECT_GT(std::abs(top.correlation), 0.6);
  EXPECT_GT(std::abs(top.auc - 0.5), 0.4);  // AUC above 0.9 (or below 0.1 for a low neuron)
}

TEST(BundledProse, QuoteNeuronIsTheFindersTopOnTheDemo) {
  const NamedNeuron quote = namedNeuron("double-quote");
  ASSERT_FALSE(quote.neuron.empty());
  const TopNeuron top = findTop(quote, "quote");
  EXPECT_EQ(top.neuron, quote.neuron) << "the README's quote neuron is no longer the finder's first";
  EXPECT_GT(std::abs(top.correlation), 0.2);  // a weak quote neuron: see the README
}

}  // namespace
