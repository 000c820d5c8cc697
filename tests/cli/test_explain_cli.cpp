// Explaining commands end to end, through the real binary: probe --quantity surprisal|entropy
// (sums to eval's loss), ngram (build, then eval / sample / probe on the n-gram file through
// the engine's dispatch), compare (totals equal two evals) and saliency (CSV rows). Every test
// has its own temporary folder; bad input fails with one line and leaves no output file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace fs = std::filesystem;

namespace cellscope {
namespace {

using testing_util::CliRun;

const std::string kSource = CELLSCOPE_SOURCE_DIR;
const std::string kModel = kSource + "/resources/models/default.csm";
const std::string kText = kSource + "/resources/demo/dialogue.txt";

class ExplainCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cellscope_explain_cli_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  CliRun run(const std::string& args) { return testing_util::run_cli(args, path("stderr.txt")); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }
  fs::path dir_;
};

// key=value pairs of the first line of `out` that has `first_key`.
std::map<std::string, std::string> fields(const std::string& out, const std::string& first_key) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(first_key + "=", 0) != 0) continue;
    std::map<std::string, std::string> m;
    std::istringstream words(line);
    for (std::string w; words >> w;) {
      const auto eq = w.find('=');
      if (eq != std::string::npos) m[w.substr(0, eq)] = w.substr(eq + 1);
    }
    return m;
  }
  return {};
}

// The last field of each CSV row after the header, as doubles (empty field: NaN).
std::vector<double> last_column(const std::string& file) {
  std::ifstream in(file);
  std::vector<double> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto comma = line.rfind(',');
    const std::string field = line.substr(comma + 1);
    out.push_back(field.empty() ? std::nan("") : std::stod(field));
  }
  return out;
}

TEST_F(ExplainCli, ProbeSurprisalSumsToEvalLoss) {
  const CliRun eval = run("eval " + kModel + " --corpus " + kText);
  ASSERT_EQ(eval.status, 0) << eval.err;
  const auto e = fields(eval.out, "loss_nats");
  const double loss = std::stod(e.at("loss_nats"));
  const double chars = std::stod(e.at("chars"));

  const CliRun probe =
      run("probe " + kModel + " --text " + kText + " --quantity surprisal --out " + path("s.csv"));
  ASSERT_EQ(probe.status, 0) << probe.err;
  const std::vector<double> s = last_column(path("s.csv"));
  ASSERT_EQ(static_cast<double>(s.size()), chars + 1);
  EXPECT_TRUE(std::isnan(s[0]));
  double sum = 0.0;
  for (std::size_t i = 1; i < s.size(); ++i) sum += s[i];
  EXPECT_NEAR(sum, loss * chars, 1e-5 * loss * chars);

  const CliRun bits = run("probe " + kModel + " --text " + kText +
                          " --quantity surprisal --bits --out " + path("b.csv"));
  ASSERT_EQ(bits.status, 0) << bits.err;
  const std::vector<double> b = last_column(path("b.csv"));
  ASSERT_EQ(b.size(), s.size());
  for (std::size_t i = 1; i < s.size(); ++i) ASSERT_NEAR(b[i], s[i] / std::log(2.0), 1e-5);

  const CliRun entropy =
      run("probe " + kModel + " --text " + kText + " --quantity entropy --out " + path("h.csv"));
  ASSERT_EQ(entropy.status, 0) << entropy.err;
  const std::vector<double> h = last_column(path("h.csv"));
  ASSERT_EQ(h.size(), s.size());
  for (std::size_t i = 1; i < h.size(); ++i) ASSERT_GE(h[i], 0.0);
}

TEST_F(ExplainCli, SurprisalWithANeuronIsAOneLineError) {
  const CliRun r = run("probe " + kModel + " --text " + kText +
                       " --quantity entropy --neuron 3 --out " + path("x.csv"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("not of a neuron"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("x.csv")));
}

double mean_of_scored(const std::vector<double>& v) {
  double sum = 0.0;
  int n = 0;
  for (double x : v) {
    if (!std::isnan(x)) {
      sum += x;
      ++n;
    }
  }
  return sum / n;
}

TEST_F(ExplainCli, NgramBuildsAndComparesWithTotalsEqualToEvals) {
  const CliRun build = run("ngram --corpus " + kText + " --order 5 --out " + path("m.ngram"));
  ASSERT_EQ(build.status, 0) << build.err;
  EXPECT_NE(build.out.find("order 5"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("MB per million corpus characters"), std::string::npos);
  EXPECT_TRUE(fs::exists(path("m.ngram")));
  EXPECT_FALSE(fs::exists(path("m.ngram.tmp")));

  const CliRun probe = run("probe " + path("m.ngram") + " --text " + kText +
                           " --quantity surprisal --out " + path("ng.csv"));
  ASSERT_EQ(probe.status, 0) << probe.err;
  const std::vector<double> ng = last_column(path("ng.csv"));

  const CliRun eval = run("eval " + kModel + " --corpus " + kText);
  ASSERT_EQ(eval.status, 0) << eval.err;
  const auto e = fields(eval.out, "loss_nats");

  const CliRun cmp = run("compare " + kModel + " " + path("m.ngram") + " --text " + kText +
                         " --out " + path("cmp.csv"));
  ASSERT_EQ(cmp.status, 0) << cmp.err;
  const auto total = fields(cmp.out, "loss_a");
  ASSERT_FALSE(total.empty()) << cmp.out;
  EXPECT_EQ(total.at("chars"), e.at("chars"));
  EXPECT_NEAR(std::stod(total.at("loss_a")), std::stod(e.at("loss_nats")), 2e-6);
  EXPECT_NEAR(std::stod(total.at("loss_b")), mean_of_scored(ng), 2e-6);
  // An n-gram of order 5 on its own corpus knows it far better than a model of Shakespeare.
  EXPECT_LT(std::stod(total.at("loss_b")), std::stod(total.at("loss_a")));
  int detector_lines = 0;
  std::istringstream lines(cmp.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("detector=", 0) != 0) continue;
    ++detector_lines;
    const auto d = fields(line, "detector");
    EXPECT_LE(std::stoll(d.at("chars")), std::stoll(total.at("chars"))) << line;
  }
  EXPECT_GE(detector_lines, 12);
  EXPECT_TRUE(fs::exists(path("cmp.csv")));

  const CliRun same =
      run("compare " + kModel + " " + kModel + " --text " + kText + " --detector line-position");
  ASSERT_EQ(same.status, 0) << same.err;
  const auto s = fields(same.out, "loss_a");
  EXPECT_EQ(s.at("loss_a"), s.at("loss_b"));
  EXPECT_NE(same.out.find("detector=line-position chars="), std::string::npos);
}

TEST_F(ExplainCli, NgramErrorsAreOneLineAndLeaveNoFile) {
  const CliRun order = run("ngram --corpus " + kText + " --order 21 --out " + path("x.ngram"));
  EXPECT_NE(order.status, 0);
  EXPECT_FALSE(fs::exists(path("x.ngram")));
  const std::string bad = write("bad.ngram", std::string("CSNG\x01\0\0\0garbage", 15));
  const CliRun probe =
      run("probe " + bad + " --text " + kText + " --quantity surprisal --out " + path("y.csv"));
  EXPECT_NE(probe.status, 0);
  EXPECT_NE(probe.err.find(bad + ": "), std::string::npos) << probe.err;
  EXPECT_FALSE(fs::exists(path("y.csv")));
  const CliRun detector =
      run("compare " + kModel + " " + kModel + " --text " + kText + " --detector no-such-detector");
  EXPECT_NE(detector.status, 0);
  EXPECT_NE(detector.err.find("no-such-detector"), std::string::npos) << detector.err;
}

// Enable when commands.cpp calls eval_if_ngram / sample_if_ngram (see explain_commands.h).
TEST_F(ExplainCli, EvalAndSampleAcceptAnNgram) {
  ASSERT_EQ(run("ngram --corpus " + kText + " --order 4 --out " + path("m.ngram")).status, 0);
  const CliRun eval = run("eval " + path("m.ngram") + " --corpus " + kText);
  ASSERT_EQ(eval.status, 0) << eval.err;
  const auto e = fields(eval.out, "loss_nats");
  const CliRun probe = run("probe " + path("m.ngram") + " --text " + kText +
                           " --quantity surprisal --out " + path("s.csv"));
  ASSERT_EQ(probe.status, 0) << probe.err;
  const std::vector<double> s = last_column(path("s.csv"));
  EXPECT_NEAR(std::stod(e.at("loss_nats")), mean_of_scored(s), 2e-6);
  EXPECT_EQ(std::stoll(e.at("chars")), static_cast<long long>(s.size()) - 1);
  const CliRun sample = run("sample " + path("m.ngram") + " --length 50 --seed 3 --prime \"The \"");
  ASSERT_EQ(sample.status, 0) << sample.err;
  EXPECT_EQ(sample.out.rfind("The ", 0), 0u);
  EXPECT_GE(sample.out.size(), 54u);
}

TEST_F(ExplainCli, SaliencyWritesDistanceRows) {
  const CliRun one = run("saliency " + kModel + " --text " + kText +
                         " --position 300 --window 40 --out " + path("one.csv"));
  ASSERT_EQ(one.status, 0) << one.err;
  const std::vector<double> v = last_column(path("one.csv"));
  ASSERT_EQ(v.size(), 40u);  // distances 1..40
  for (double x : v) EXPECT_GE(x, 0.0);
  std::ifstream in(path("one.csv"));
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "distance,position,char,value");

  const CliRun all = run("saliency " + kModel + " --text " + kText +
                         " --all --stride 97 --window 20 --out " + path("all.csv"));
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(last_column(path("all.csv")).size(), 20u);

  const CliRun neuron = run("saliency " + kModel + " --text " + kText +
                            " --position 300 --window 10 --layer 1 --neuron 5 --quantity cell "
                            "--out " +
                            path("n.csv"));
  ASSERT_EQ(neuron.status, 0) << neuron.err;
  EXPECT_EQ(last_column(path("n.csv")).size(), 11u);  // distances 0..10

  const CliRun both =
      run("saliency " + kModel + " --text " + kText + " --all --position 3 --out " + path("b.csv"));
  EXPECT_NE(both.status, 0);
  EXPECT_FALSE(fs::exists(path("b.csv")));
}

}  // namespace
}  // namespace cellscope
