// cellscope-cli import / export --format safetensors on the PyTorch fixtures: an imported model
// evaluates to PyTorch's loss; a bad file fails with one line and writes nothing (an existing
// output stays as it was); --vocab overrides the metadata; export round-trips.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "cli_runner.h"
#include "pytorch_import.h"
#include "safetensors.h"
#include "utf8.h"

namespace cellscope {
namespace {

namespace fs = std::filesystem;
using testing_util::run_cli;

std::string fixture(const std::string& name) {
  return std::string(CELLSCOPE_SOURCE_DIR) + "/tests/fixtures/pytorch/" + name;
}

class InteropCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cellscope_interop_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  testing_util::CliRun cli(const std::string& args) { return run_cli(args, path("stderr.txt")); }
  void write(const std::string& name, const std::string& bytes) {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }
  fs::path dir_;
};

double loss_of(const std::string& out) {
  const auto at = out.find("loss_nats=");
  return at == std::string::npos ? NAN : std::stod(out.substr(at + 10));
}

TEST_F(InteropCli, ImportedModelEvaluatesToPytorchsLoss) {
  for (const char* name : {"lstm", "gru_embedding", "rnn_relu"}) {
    const std::string csm = path(std::string(name) + ".csm");
    const auto r = cli("import " + fixture(std::string(name) + ".safetensors") + " --out " + csm);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("imported"), std::string::npos);
    const SafetensorsFile expected = SafetensorsFile::read(fixture(std::string(name) + ".expected.safetensors"));
    const std::string text = expected.metadata().at("text");
    write("text.txt", text);
    // PyTorch's mean loss from its log-probabilities (PyTorch's vocabulary order).
    const auto vocab = parse_vocab_json(expected.metadata().at("vocab"), "vocab");
    const auto lp = expected.floats(*expected.find("log_probs"));
    const std::u32string cps = utf8_decode(text);
    double nll = 0.0;
    const std::size_t V = vocab.size();
    for (std::size_t t = 0; t + 1 < cps.size(); ++t) {
      const auto p = static_cast<std::size_t>(std::find(vocab.begin(), vocab.end(), cps[t + 1]) - vocab.begin());
      nll -= lp[t * V + p];
    }
    nll /= static_cast<double>(cps.size() - 1);
    const auto e = cli("eval " + csm + " --corpus " + path("text.txt"));
    ASSERT_EQ(e.status, 0) << e.err;
    EXPECT_NEAR(loss_of(e.out), nll, 1e-5) << name;
  }
  const auto gru = cli("import " + fixture("gru_embedding.safetensors") + " --out " + path("g.csm"));
  EXPECT_NE(gru.out.find("folded"), std::string::npos) << gru.out;
}

TEST_F(InteropCli, BadFileFailsInOneLineAndWritesNothing) {
  // Truncated: the header claims more tensor bytes than remain.
  std::ifstream in(fixture("lstm.safetensors"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write("cut.safetensors", bytes.substr(0, bytes.size() - 100));
  write("keep.csm", "previous contents");
  const auto r = cli("import " + path("cut.safetensors") + " --out " + path("keep.csm"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("cut.safetensors"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  std::ifstream kept(path("keep.csm"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), std::istreambuf_iterator<char>()),
            "previous contents");
  const auto r2 = cli("import " + path("cut.safetensors") + " --out " + path("new.csm"));
  EXPECT_EQ(r2.status, 1);
  EXPECT_FALSE(fs::exists(path("new.csm")));
  EXPECT_FALSE(fs::exists(path("new.csm.tmp")));
}

TEST_F(InteropCli, VocabFileOverridesTheMetadata) {
  write("v.json", R"(["a", "b"])");
  const auto bad = cli("import " + fixture("lstm.safetensors") + " --vocab " + path("v.json") +
                       " --out " + path("m.csm"));
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("2 characters"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(path("m.csm")));
  const SafetensorsFile st = SafetensorsFile::read(fixture("lstm.safetensors"));
  write("v.json", st.metadata().at("vocab"));
  EXPECT_EQ(cli("import " + fixture("lstm.safetensors") + " --vocab " + path("v.json") + " --out " +
                path("m.csm")).status, 0);
}

TEST_F(InteropCli, ExportRoundTrips) {
  ASSERT_EQ(cli("import " + fixture("gru_embedding.safetensors") + " --out " + path("g.csm")).status, 0);
  const auto r = cli("export " + path("g.csm") + " --format safetensors --out " + path("g.safetensors"));
  ASSERT_EQ(r.status, 0) << r.err;
  const SafetensorsFile out = SafetensorsFile::read(path("g.safetensors"));
  EXPECT_NE(out.find("rnn.weight_hh_l1"), nullptr);
  EXPECT_NE(out.find("out.bias"), nullptr);
  EXPECT_EQ(out.metadata().at("cell"), "gru");
  ASSERT_EQ(cli("import " + path("g.safetensors") + " --out " + path("g2.csm")).status, 0);
  write("text.txt", "the cat sat on the mat.\n");
  EXPECT_EQ(cli("eval " + path("g.csm") + " --corpus " + path("text.txt")).out,
            cli("eval " + path("g2.csm") + " --corpus " + path("text.txt")).out);
}

}  // namespace
}  // namespace cellscope
