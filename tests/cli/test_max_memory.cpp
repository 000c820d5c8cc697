// `train --max-memory`: a corpus (or model) that needs more memory than the limit is refused
// before its ids are allocated, with one line naming the file, the bytes it needs and the limit,
// a non-zero exit and no output file; one that fits trains. Sizes parse as 512M, 4G, 1.5G.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_runner.h"
#include "error.h"
#include "memory_limit.h"

namespace fs = std::filesystem;

namespace {

using cellscope::testing_util::CliRun;

class MaxMemoryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cellscope_max_memory_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
    std::string text;  // 300,000 ASCII characters: 300,000 bytes of ids (V <= 256)
    while (text.size() < 300000) text += "the quick brown fox jumps over the lazy dog\n";
    text.resize(300000);
    std::ofstream(path("corpus.txt"), std::ios::binary) << text;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  CliRun train(const std::string& flags) const {
    return cellscope::testing_util::run_cli(
        "train --corpus " + path("corpus.txt") + " --out " + path("m.csm") +
            " --model rnn --rnn-size 8 --num-layers 1 --batch-size 4 --seq-length 20 "
            "--max-iters 2 --eval-every 0 --threads 1 " +
            flags,
        path("stderr.txt"));
  }
  // Nothing was written next to the corpus: no model, no temporary file.
  bool wrote_nothing() const {
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (name != "corpus.txt" && name != "stderr.txt") return false;
    }
    return true;
  }

  fs::path dir_;
};

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST_F(MaxMemoryCli, ACorpusOverTheLimitIsRefusedUpFrontWithTheNumberItNeeds) {
  const CliRun r = train("--max-memory 100K");
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(wrote_nothing());
  // The error line names the file, the need (at least the 300,000 bytes of ids) and the limit.
  const std::size_t at = r.err.find("error: corpus " + path("corpus.txt") + " needs ");
  ASSERT_NE(at, std::string::npos) << r.err;
  const std::string line = r.err.substr(at, r.err.find('\n', at) - at);
  EXPECT_NE(line.find(", over --max-memory 100 KB"), std::string::npos) << line;
  EXPECT_NE(line.find("300,000 characters as 1-byte ids: 293 KB"), std::string::npos) << line;
  EXPECT_EQ(r.err.find("iter "), std::string::npos) << "training must not start: " << r.err;
}

TEST_F(MaxMemoryCli, ACorpusThatFitsTrains) {
  const CliRun r = train("--max-memory 64M");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(path("m.csm")));
}

TEST_F(MaxMemoryCli, TheLimitSitsBetweenWhatTheRunNeedsAndLess) {
  // The same run refused just under its need and accepted at it: the check is the number.
  const CliRun refused = train("--max-memory 100K");
  const std::size_t at = refused.err.find(" needs ");
  ASSERT_NE(at, std::string::npos) << refused.err;
  const std::string need = refused.err.substr(at + 7, refused.err.find(',', at) - at - 7);
  // "860 KB" -> 860K: a limit of the need rounded up fits, half of it does not.
  const uint64_t bytes = cellscope::parse_memory_size(need.substr(0, need.find(' ')) + "K");
  ASSERT_NE(need.find(" KB"), std::string::npos) << need;
  EXPECT_EQ(train("--max-memory " + std::to_string(bytes + 1024)).status, 0);
  fs::remove(path("m.csm"));
  EXPECT_NE(train("--max-memory " + std::to_string(bytes / 2)).status, 0);
  EXPECT_TRUE(wrote_nothing());
}

TEST_F(MaxMemoryCli, AModelOverTheLimitIsRefusedBeforeTheCorpusIsRead) {
  const CliRun r = cellscope::testing_util::run_cli(
      "train --corpus " + path("missing.txt") + " --out " + path("m.csm") +
          " --rnn-size 2048 --num-layers 3 --max-memory 1M",
      path("stderr.txt"));
  EXPECT_NE(r.status, 0);
  // The model is refused first, so the missing corpus is never looked at.
  EXPECT_NE(r.err.find("error: the model (lstm 3 x 2048, batch 50 x 50) needs at least "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" to train, over --max-memory 1 MB"), std::string::npos) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_TRUE(wrote_nothing());
}

TEST_F(MaxMemoryCli, BadSizesAreRefusedClearly) {
  for (const char* bad : {"12X", "abc", "0", "1.5.5G", "4 G", "99999999T"}) {
    const CliRun r = train(std::string("--max-memory '") + bad + "'");
    EXPECT_NE(r.status, 0) << bad;
    EXPECT_NE(r.err.find("--max-memory: memory size '" + std::string(bad) + "': "),
              std::string::npos)
        << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_TRUE(wrote_nothing()) << bad;
  }
}

TEST(MemorySize, ParsesUnitsAsPowersOf1024) {
  using cellscope::parse_memory_size;
  EXPECT_EQ(parse_memory_size("123"), 123u);
  EXPECT_EQ(parse_memory_size("100K"), 102400u);
  EXPECT_EQ(parse_memory_size("512M"), 512u << 20);
  EXPECT_EQ(parse_memory_size("4G"), uint64_t{4} << 30);
  EXPECT_EQ(parse_memory_size("4gb"), uint64_t{4} << 30);
  EXPECT_EQ(parse_memory_size("4GiB"), uint64_t{4} << 30);
  EXPECT_EQ(parse_memory_size("1.5G"), uint64_t{3} << 29);
  EXPECT_EQ(parse_memory_size("2T"), uint64_t{2} << 40);
  for (const char* bad : {"", "G", "-1G", "1e9", "nan", "0.1", "1Q", "4G ", "16777216T"}) {
    EXPECT_THROW(parse_memory_size(bad), cellscope::Error) << bad;
  }
}

TEST(MemorySize, FormatsWithOneDecimalBelowTen) {
  using cellscope::format_memory_size;
  EXPECT_EQ(format_memory_size(812), "812 bytes");
  EXPECT_EQ(format_memory_size(102400), "100 KB");
  EXPECT_EQ(format_memory_size(uint64_t{1} << 30), "1 GB");
  EXPECT_EQ(format_memory_size((uint64_t{19} << 30) / 10), "1.9 GB");
}

}  // namespace
