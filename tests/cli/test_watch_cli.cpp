// `train --watch` and `info --watch` end to end: the real binary records the best neuron per
// detector in the model file, info prints one parsable line per record with the file's values,
// and bad watch settings fail before training with a one-line error naming the cause.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "checkpoint.h"
#include "cli_runner.h"

namespace fs = std::filesystem;

namespace {

using cellscope::testing_util::CliRun;

class WatchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cellscope_watch_cli_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
    std::string text;
    for (int i = 0; i < 300; ++i) {
      text += i % 3 ? "he said \"hi there\" (see http://a.org/x) " : "if (x) { y; }\n";
    }
    std::ofstream(path("corpus.txt"), std::ios::binary) << text;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  CliRun run(const std::string& args) const {
    return cellscope::testing_util::run_cli(args, path("stderr.txt"));
  }
  CliRun train(const std::string& out, const std::string& flags) const {
    return run("train --corpus " + path("corpus.txt") + " --out " + path(out) +
               " --rnn-size 8 --num-layers 2 --batch-size 4 --seq-length 20 --eval-every 0 "
               "--val-frac 0.2 --threads 1 " +
               flags);
  }

  fs::path dir_;
};

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(WatchCli, TrainRecordsAndInfoListsOneLinePerRecord) {
  const CliRun r =
      train("m.csm", "--max-iters 30 --watch double-quote,url,latex-env --watch-every 10");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("watch: double-quote, url, latex-env on "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("characters of the validation split, every 10 iterations"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("iter 30: watch | double-quote "), std::string::npos) << r.err;

  const cellscope::ModelFile f = cellscope::load_model_file(path("m.csm"));
  ASSERT_EQ(f.watch.size(), 12u);  // iterations 0, 10, 20, 30 × three detectors
  const CliRun info = run("info " + path("m.csm") + " --watch");
  ASSERT_EQ(info.status, 0) << info.err;
  const std::vector<std::string> lines = lines_of(info.out);
  ASSERT_EQ(lines.size(), f.watch.size()) << info.out;
  const std::regex row(
      R"(iter=(\d+) detector=(\S+) layer=(\d+) neuron=(\d+) quantity=(\S+) r=([-+][0-9.]+) auc=([0-9.]+))");
  // No LaTeX here: a detector constant on the watch text has no neuron.
  const std::regex none(
      R"(iter=(\d+) detector=latex-env layer=-1 neuron=-1 quantity=- r=nan auc=nan)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const cellscope::WatchRecord& w = f.watch[i];
    if (w.detector == "latex-env") {
      EXPECT_TRUE(std::regex_match(lines[i], none)) << lines[i];
      continue;
    }
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i], m, row)) << lines[i];
    EXPECT_EQ(std::stoll(m[1]), w.iteration);
    EXPECT_EQ(m[2].str(), w.detector);
    EXPECT_EQ(std::stoi(m[3]), w.layer);
    EXPECT_EQ(std::stoi(m[4]), w.neuron);
    EXPECT_EQ(m[5].str(), w.quantity);
    EXPECT_NEAR(std::stod(m[6]), w.correlation, 5e-5);
    EXPECT_NEAR(std::stod(m[7]), w.auc, 5e-5);
    EXPECT_EQ(w.iteration, static_cast<int64_t>(i / 3) * 10);
    EXPECT_EQ(w.detector, i % 3 ? "url" : "double-quote");
  }
  // The plain info summarises them.
  const CliRun summary = run("info " + path("m.csm"));
  EXPECT_NE(summary.out.find(
                "watch:       12 records (double-quote, url, latex-env), iterations 0 to 30"),
            std::string::npos)
      << summary.out;
}

TEST_F(WatchCli, ResumingContinuesTheRecordsAndAModelWithoutThemSaysSo) {
  ASSERT_EQ(train("m.csm", "--max-iters 10 --watch url --watch-every 5").status, 0);
  const CliRun r =
      run("train --corpus " + path("corpus.txt") + " --out " + path("m2.csm") + " --resume " +
          path("m.csm") + " --max-iters 20 --threads 1 --watch url --watch-every 5");
  ASSERT_EQ(r.status, 0) << r.err;
  const cellscope::ModelFile f = cellscope::load_model_file(path("m2.csm"));
  std::vector<int64_t> iterations;
  for (const auto& w : f.watch) iterations.push_back(w.iteration);
  EXPECT_EQ(iterations, (std::vector<int64_t>{0, 5, 10, 15, 20}));

  ASSERT_EQ(train("plain.csm", "--max-iters 3").status, 0);
  const CliRun none = run("info " + path("plain.csm") + " --watch");
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, "");
  EXPECT_NE(none.err.find("has no watch records"), std::string::npos) << none.err;
}

// --watch-text: the probe is that file, whole; a regex takes the rest of its list, commas too.
TEST_F(WatchCli, WatchTextAndRegexWithCommas) {
  std::ofstream(path("probe.txt"), std::ios::binary)
      << "he said \"hi\" then \"there\" and left\n(see http://a.org/x) ok\n";
  const CliRun r = train("m.csm", "--max-iters 4 --watch-every 2 --watch-text " +
                                      path("probe.txt") + " --watch 'url,regex:h{1,2}i'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("watch: url, regex:h{1,2}i on 59 characters of " + path("probe.txt")),
            std::string::npos)
      << r.err;
  const cellscope::ModelFile f = cellscope::load_model_file(path("m.csm"));
  ASSERT_EQ(f.watch.size(), 6u);
  EXPECT_EQ(f.watch[1].detector, "regex:h{1,2}i");
}

TEST_F(WatchCli, BadWatchSettingsFailBeforeTrainingNamingTheCause) {
  const struct {
    std::string flags, message;
  } cases[] = {
      {"--watch quotes", "unknown detector 'quotes'"},
      {"--watch 'regex:('", "invalid regular expression '('"},
      {"--watch url,,double-quote", "has an empty detector name"},
      {"--watch url --watch-text " + path("missing.txt"),
       path("missing.txt") + ": cannot open the watch text"},
      {"--watch-text " + path("corpus.txt"), "--watch-text needs --watch"},
      {"--watch-every 5", "--watch-every needs --watch"},
  };
  for (const auto& c : cases) {
    const CliRun r = train("bad.csm", "--max-iters 3 " + c.flags);
    EXPECT_NE(r.status, 0) << c.flags;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.flags << ": " << r.err;
    EXPECT_EQ(r.err.find("loading corpus"), std::string::npos) << c.flags;  // before any work
    EXPECT_FALSE(fs::exists(path("bad.csm"))) << c.flags;
  }
  std::ofstream(path("bad_utf8.txt"), std::ios::binary) << "ok \xff no";
  const CliRun utf8 =
      train("bad.csm", "--max-iters 3 --watch url --watch-text " + path("bad_utf8.txt"));
  EXPECT_NE(utf8.err.find("error: " + path("bad_utf8.txt") + ": "), std::string::npos) << utf8.err;
  EXPECT_NE(utf8.err.find("invalid UTF-8 at byte 3"), std::string::npos) << utf8.err;
}

}  // namespace
