// probe --format lstmvis end to end: the real binary writes an LSTMVis project whose HDF5
// states, read back through the HDF5 C library, are exactly what `probe --format npy` writes
// for each layer and quantity; ids and .dict match the model's vocabulary; refusals leave
// nothing. Also: a GRU's default quantity is its hidden state.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "../engine/test_lstmvis_read.h"
#include "checkpoint.h"
#include "cli_runner.h"
#include "vocabulary.h"

namespace fs = std::filesystem;

namespace cellscope {
namespace {

using testing_util::CliRun;

class LstmVisCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("cellscope_lstmvis_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::string corpus;
    for (int i = 0; i < 120; ++i) corpus += i % 2 ? "a \"quote\" here\n" : "code(x)\t{ y; }\n";
    std::ofstream(path("corpus.txt"), std::ios::binary) << corpus;
    std::ofstream(path("text.txt"), std::ios::binary) << corpus.substr(0, 900);
    for (const char* cell : {"lstm", "gru"}) {
      const CliRun r = run("train --corpus " + path("corpus.txt") + " --out " +
                           path(std::string(cell) + ".csm") + " --model " + cell +
                           " --rnn-size 8 --num-layers 2 --batch-size 4 --seq-length 16 "
                           "--max-iters 10 --eval-every 0 --threads 1");
      ASSERT_EQ(r.status, 0) << r.err;
    }
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static CliRun run(const std::string& args) {
    return testing_util::run_cli(args, path("stderr_" + std::to_string(::getpid()) + ".txt"));
  }
  // probe --format npy of one layer and quantity: (n × H) floats after the header.
  static std::vector<float> npy(const std::string& model, int layer, const std::string& q) {
    const std::string out = path("l" + std::to_string(layer) + q + ".npy");
    const CliRun r = run("probe " + path(model) + " --text " + path("text.txt") + " --layer " +
                         std::to_string(layer) + " --quantity " + q + " --out " + out);
    EXPECT_EQ(r.status, 0) << r.err;
    const std::string bytes = testing_util::read_text(out);
    const std::size_t header = 10 + (static_cast<unsigned char>(bytes[8]) |
                                     static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    std::vector<float> v((bytes.size() - header) / 4);
    std::memcpy(v.data(), bytes.data() + header, v.size() * 4);
    return v;
  }
  static std::set<std::string> entries(const fs::path& d) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(d)) out.insert(e.path().filename().string());
    return out;
  }
  static fs::path dir_;
};
fs::path LstmVisCli::dir_;

TEST_F(LstmVisCli, ProbeWritesAProjectWithTheProbesStatesIdsAndDict) {
  const std::string out = path("project");
  const CliRun r = run("probe " + path("lstm.csm") + " --text " + path("text.txt") +
                       " --format lstmvis --out " + out + " --description 'my run'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("LSTMVis project"), std::string::npos) << r.err;
  EXPECT_EQ(entries(out), (std::set<std::string>{"lstm.yml", "states_layer1.h5",
                                                 "states_layer2.h5", "words.h5", "chars.dict"}));
  for (int layer = 0; layer < 2; ++layer) {
    const std::string file = out + "/states_layer" + std::to_string(layer + 1) + ".h5";
    for (const char* q : {"cell", "hidden"}) {
      const testing_util::Hdf5Array a = testing_util::read_hdf5(file, q);
      ASSERT_EQ(a.dims, (std::vector<hsize_t>{900, 8})) << file << " " << q;
      EXPECT_EQ(a.floats, npy("lstm.csm", layer, q)) << file << " " << q;
    }
  }
  const ModelFile model = load_model_file(path("lstm.csm"));
  const Vocabulary vocab(model.vocabulary);
  const std::string text = testing_util::read_text(path("text.txt"));
  const std::vector<int32_t> ids = vocab.encode(text);
  const testing_util::Hdf5Array words = testing_util::read_hdf5(out + "/words.h5", "words");
  ASSERT_EQ(words.dims, std::vector<hsize_t>{900});
  EXPECT_EQ(words.ints, ids);
  const auto dict = testing_util::read_dict(out + "/chars.dict");
  ASSERT_EQ(static_cast<int>(dict.size()), vocab.size());
  for (int id = 0; id < vocab.size(); ++id) {
    const char32_t c = vocab.code_point(id);
    const std::string expected = c == U' '    ? "<space>"
                                 : c == U'\n' ? "<newline>"
                                 : c == U'\t' ? "<tab>"
                                              : vocab.decode(id);
    EXPECT_EQ(dict[static_cast<std::size_t>(id)], std::make_pair(expected, id));
  }
  const std::string yml = testing_util::read_text(out + "/lstm.yml");
  EXPECT_NE(yml.find("name: \"lstm on text.txt\"\n"), std::string::npos) << yml;
  EXPECT_NE(yml.find("description: \"my run\"\n"), std::string::npos) << yml;
  EXPECT_NE(yml.find("    - {type: output, layer: 2, file: layer2, path: hidden}\n"),
            std::string::npos)
      << yml;
}

TEST_F(LstmVisCli, RefusalsNameTheCauseAndLeaveNothing) {
  const fs::path occupied = path("occupied");
  fs::create_directories(occupied);
  std::ofstream(occupied / "mine.txt") << "keep";
  const std::string base = "probe " + path("lstm.csm") + " --text " + path("text.txt") +
                           " --format lstmvis --out ";
  struct Case {
    std::string args, needle;
  } cases[] = {
      {base + occupied.string(), "is a folder that is not empty"},
      {base + path("nodir/sub"), path("nodir/sub")},
      {base + path("p1") + " --neuron 2", "drop --layer, --neuron and --quantity"},
      {base + path("p2") + " --quantity cell", "drop --layer, --neuron and --quantity"},
  };
  const std::set<std::string> before = entries(dir_);
  for (const Case& c : cases) {
    const CliRun r = run(c.args);
    EXPECT_NE(r.status, 0) << c.args;
    EXPECT_NE(r.err.find("cellscope-cli: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
  }
  EXPECT_EQ(entries(occupied), std::set<std::string>{"mine.txt"});
  std::set<std::string> after = entries(dir_);
  for (auto it = after.begin(); it != after.end();) {
    it = it->rfind("stderr_", 0) == 0 ? after.erase(it) : std::next(it);
  }
  std::set<std::string> expected = before;
  for (auto it = expected.begin(); it != expected.end();) {
    it = it->rfind("stderr_", 0) == 0 ? expected.erase(it) : std::next(it);
  }
  EXPECT_EQ(after, expected);  // no project, no temporary folder
}

TEST_F(LstmVisCli, GruExportsHiddenStatesAndProbesHiddenByDefault) {
  const std::string out = path("gru_project");
  const CliRun r = run("probe " + path("gru.csm") + " --text " + path("text.txt") +
                       " --format lstmvis --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string file = out + "/states_layer2.h5";
  EXPECT_EQ(testing_util::hdf5_datasets(file), std::vector<std::string>{"hidden"});
  EXPECT_EQ(testing_util::read_hdf5(file, "hidden").floats, npy("gru.csm", 1, "hidden"));
  // No --quantity: the GRU's hidden state.
  const CliRun d = run("probe " + path("gru.csm") + " --text " + path("text.txt") +
                       " --layer 1 --out " + path("gru_default.npy"));
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_NE(d.err.find("layer 1 hidden"), std::string::npos) << d.err;
  EXPECT_EQ(testing_util::read_text(path("gru_default.npy")),
            testing_util::read_text(path("l1hidden.npy")));
}

}  // namespace
}  // namespace cellscope
