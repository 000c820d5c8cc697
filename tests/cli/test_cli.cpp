// cellscope-cli end to end: the real binary on files made here. Checks the documented output
// lines, exit codes, and that every bad input gives a one-line error naming the file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "checkpoint.h"
#include "cli_runner.h"

namespace fs = std::filesystem;

namespace {

using cellscope::testing_util::CliRun;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cellscope_cli_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path(name), std::ios::binary) << content;
  }

  CliRun run(const std::string& args) const {
    return cellscope::testing_util::run_cli(args, path("stderr.txt"));
  }

  // A small corpus with quotes and brackets, and a model trained on it for a few iterations.
  std::string corpus() const {
    std::string text;
    for (int i = 0; i < 400; ++i) text += (i % 4 ? "say \"hi\" (to [them]) " : "if (x) { y; }\n");
    return text;
  }
  std::string trained_model() {
    write("corpus.txt", corpus());
    const CliRun r = run("train --corpus " + path("corpus.txt") + " --out " + path("m.csm") +
                         " --rnn-size 16 --num-layers 1 --batch-size 4 --seq-length 20 "
                         "--max-iters 30 --eval-every 10 --threads 1");
    EXPECT_EQ(r.status, 0) << r.err;
    return path("m.csm");
  }

  fs::path dir_;
};

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

TEST_F(Cli, HelpEverywhere) {
  for (const char* sub : {"", "train", "sample", "eval", "info", "export"}) {
    const CliRun r = run(std::string(sub) + " --help");
    EXPECT_EQ(r.status, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
  const CliRun train = run("train --help");
  for (const char* flag :
       {"--rnn-size",    "--num-layers",      "--seq-length",  "--batch-size", "--learning-rate",
        "--lr-decay",    "--dropout",         "--grad-clip",   "--clip-mode",  "--val-frac",
        "--max-seconds", "--bptt-every",      "--bptt-length", "--resume",     "--threads",
        "--reset-state", "--gru-reset-after", "--rnn-relu",    "--watch",      "--watch-text",
        "--watch-every"}) {
    EXPECT_NE(train.out.find(flag), std::string::npos) << flag;
  }
}

TEST_F(Cli, TrainWritesAModelThatInfoDescribes) {
  const std::string model = trained_model();
  const cellscope::ModelFile f = cellscope::load_model_file(model);
  EXPECT_EQ(f.progress.iteration, 30);
  EXPECT_EQ(f.val_history.size(), 3u);
  EXPECT_EQ(f.corpus_paths, std::vector<std::string>{fs::absolute(path("corpus.txt")).string()});
  const CliRun info = run("info " + model);
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("lstm, 1 layer(s) x 16"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("iteration 30"), std::string::npos) << info.out;
}

TEST_F(Cli, SampleIsReproducibleWithASeed) {
  const std::string model = trained_model();
  const CliRun a = run("sample " + model + " --length 200 --seed 5 --prime 'say '");
  const CliRun b = run("sample " + model + " --length 200 --seed 5 --prime 'say '");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out.rfind("say ", 0), 0u);  // the prime is printed first
  const CliRun x = run("sample " + model + " --length 100 --argmax --seed 1");
  const CliRun y = run("sample " + model + " --length 100 --argmax --seed 2");
  EXPECT_EQ(x.out, y.out);
}

TEST_F(Cli, EvalPrintsOneParsableLine) {
  const std::string model = trained_model();
  const CliRun r = run("eval " + model + " --corpus " + path("corpus.txt"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::regex line(R"(loss_nats=([0-9.]+) bits_per_char=([0-9.]+) chars=(\d+))");
  std::smatch m;
  const std::string out = last_line(r.out);
  ASSERT_TRUE(std::regex_match(out, m, line)) << out;
  EXPECT_EQ(std::stoll(m[3]), static_cast<long long>(corpus().size()) - 1);
  EXPECT_NEAR(std::stod(m[2]), std::stod(m[1]) / std::log(2.0), 1e-4);
  EXPECT_LT(std::stod(m[1]), std::log(16.0));  // it learned something in 30 iterations
}

TEST_F(Cli, ResumeContinuesTheIterationCount) {
  const std::string model = trained_model();
  const CliRun r = run("train --corpus " + path("corpus.txt") + " --out " + path("m2.csm") +
                       " --resume " + model + " --max-iters 45 --threads 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(cellscope::load_model_file(path("m2.csm")).progress.iteration, 45);
  const CliRun bad = run("train --corpus " + path("corpus.txt") + " --out " + path("m3.csm") +
                         " --resume " + model + " --rnn-size 32");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("--rnn-size cannot change when resuming: " + model +
                         " has 16, the command gives 32"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(path("m3.csm")));
}

// Re-running the training command with --resume added: the architecture flags it repeats are
// the model's own, so they are accepted; each real change is refused naming both values.
TEST_F(Cli, ResumeAcceptsTheArchitectureFlagsItWasTrainedWith) {
  const std::string model = trained_model();
  const std::string same =
      " --model lstm --rnn-size 16 --num-layers 1 --batch-size 4 "
      "--seq-length 20 --bptt-every 20 --bptt-length 20 --optimizer adam";
  const CliRun r = run("train --corpus " + path("corpus.txt") + " --out " + path("m2.csm") +
                       " --resume " + model + same + " --max-iters 35 --threads 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(cellscope::load_model_file(path("m2.csm")).progress.iteration, 35);
  const struct {
    const char* flags;
    const char* message;
  } changes[] = {
      {" --model gru", "--model cannot change when resuming"},
      {" --num-layers 2", "--num-layers cannot change"},
      {" --batch-size 8", "--batch-size cannot change"},
      {" --seq-length 10", "--seq-length cannot change"},
      {" --bptt-every 10", "--bptt-every cannot change"},
      {" --optimizer sgd", "--optimizer cannot change"},
      {" --reset-state", "--reset-state cannot change"},
  };
  for (const auto& c : changes) {
    const CliRun bad = run("train --corpus " + path("corpus.txt") + " --out " + path("m3.csm") +
                           " --resume " + model + c.flags + " --max-iters 35 --threads 1");
    EXPECT_NE(bad.status, 0) << c.flags;
    EXPECT_NE(bad.err.find(c.message), std::string::npos) << c.flags << ": " << bad.err;
    EXPECT_FALSE(fs::exists(path("m3.csm"))) << c.flags;
  }
  const CliRun layers = run("train --corpus " + path("corpus.txt") + " --out " + path("m3.csm") +
                            " --resume " + model + " --num-layers 2");
  EXPECT_NE(layers.err.find("has 1, the command gives 2"), std::string::npos) << layers.err;
  const CliRun optimizer = run("train --corpus " + path("corpus.txt") + " --out " + path("m3.csm") +
                               " --resume " + model + " --optimizer sgd");
  EXPECT_NE(optimizer.err.find("has adam, the command gives sgd"), std::string::npos)
      << optimizer.err;
}

// --gru-reset-after and --rnn-relu set the model's cell variant, go with their cell only, are
// recorded in the file (info shows them) and are fixed when resuming.
TEST_F(Cli, CellVariantFlagsGoWithTheirCellAndAreFixedOnResume) {
  write("corpus.txt", corpus());
  const std::string common =
      " --rnn-size 8 --num-layers 1 --batch-size 4 --seq-length 20 "
      "--max-iters 5 --eval-every 0 --threads 1";
  const CliRun gru = run("train --corpus " + path("corpus.txt") + " --out " + path("g.csm") +
                         " --model gru --gru-reset-after" + common);
  ASSERT_EQ(gru.status, 0) << gru.err;
  EXPECT_TRUE(cellscope::load_model_file(path("g.csm")).model.gru_reset_after);
  EXPECT_NE(run("info " + path("g.csm")).out.find("gru (reset after)"), std::string::npos);
  const CliRun relu = run("train --corpus " + path("corpus.txt") + " --out " + path("r.csm") +
                          " --model rnn --rnn-relu" + common);
  ASSERT_EQ(relu.status, 0) << relu.err;
  EXPECT_TRUE(cellscope::load_model_file(path("r.csm")).model.rnn_relu);
  EXPECT_FALSE(cellscope::load_model_file(path("r.csm")).model.gru_reset_after);
  EXPECT_NE(run("info " + path("r.csm")).out.find("rnn (relu)"), std::string::npos);

  const CliRun wrong = run("train --corpus " + path("corpus.txt") + " --out " + path("x.csm") +
                           " --model lstm --gru-reset-after" + common);
  EXPECT_NE(wrong.status, 0);
  EXPECT_NE(wrong.err.find("--gru-reset-after is for --model gru (the model is lstm)"),
            std::string::npos)
      << wrong.err;
  const CliRun wrong2 = run("train --corpus " + path("corpus.txt") + " --out " + path("x.csm") +
                            " --model gru --rnn-relu" + common);
  EXPECT_NE(wrong2.err.find("--rnn-relu is for --model rnn (the model is gru)"), std::string::npos)
      << wrong2.err;
  EXPECT_FALSE(fs::exists(path("x.csm")));

  // Resuming: repeating the variant is fine; adding one the model lacks is a change.
  const CliRun again =
      run("train --corpus " + path("corpus.txt") + " --out " + path("g2.csm") + " --resume " +
          path("g.csm") + " --model gru --gru-reset-after" + " --max-iters 8 --threads 1");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(cellscope::load_model_file(path("g2.csm")).model.gru_reset_after);
  const CliRun plain = run("train --corpus " + path("corpus.txt") + " --out " + path("p.csm") +
                           " --model gru" + common);
  ASSERT_EQ(plain.status, 0) << plain.err;
  const CliRun added = run("train --corpus " + path("corpus.txt") + " --out " + path("x.csm") +
                           " --resume " + path("p.csm") + " --gru-reset-after --max-iters 8");
  EXPECT_NE(added.err.find("--gru-reset-after cannot change when resuming: " + path("p.csm") +
                           " has off, the command gives on"),
            std::string::npos)
      << added.err;
  EXPECT_FALSE(fs::exists(path("x.csm")));
}

// export drops the optimizer moments and carried state: a third of the size, the same
// samples and loss, and training can still resume from it.
TEST_F(Cli, ExportWritesAWeightsOnlyModelThatSamplesTheSame) {
  const std::string model = trained_model();
  const CliRun r = run("export " + model + " --out " + path("slim.csm"));
  ASSERT_EQ(r.status, 0) << r.err;
  const cellscope::ModelFile full = cellscope::load_model_file(model);
  const cellscope::ModelFile slim = cellscope::load_model_file(path("slim.csm"));
  EXPECT_TRUE(slim.optimizer_state.empty());
  EXPECT_TRUE(slim.progress.carried_state.empty());
  EXPECT_EQ(slim.parameters, full.parameters);
  EXPECT_EQ(slim.val_history.size(), full.val_history.size());
  EXPECT_LT(fs::file_size(path("slim.csm")) * 2, fs::file_size(model));
  const std::string args = " --length 150 --seed 3";
  EXPECT_EQ(run("sample " + path("slim.csm") + args).out, run("sample " + model + args).out);
  const std::string eval = " --corpus " + path("corpus.txt");
  EXPECT_EQ(run("eval " + path("slim.csm") + eval).out, run("eval " + model + eval).out);
  const CliRun resumed = run("train --corpus " + path("corpus.txt") + " --out " + path("m4.csm") +
                             " --resume " + path("slim.csm") + " --max-iters 35 --threads 1");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(cellscope::load_model_file(path("m4.csm")).progress.iteration, 35);
  const CliRun missing = run("export " + path("nope.csm") + " --out " + path("x.csm"));
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.err.find("nope.csm"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(path("x.csm")));
}

TEST_F(Cli, MaxSecondsStopsCleanlyAndWritesTheModel) {
  write("corpus.txt", corpus());
  const CliRun r = run("train --corpus " + path("corpus.txt") + " --out " + path("t.csm") +
                       " --rnn-size 16 --num-layers 1 --batch-size 2 --seq-length 10 "
                       "--max-epochs 0 --max-seconds 1 --threads 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("time limit"), std::string::npos) << r.err;
  EXPECT_GT(cellscope::load_model_file(path("t.csm")).progress.iteration, 0);
  EXPECT_FALSE(fs::exists(path("t.csm.tmp")));
}

// Each bad input: non-zero exit, one error line on stderr naming the file, and no output file.
TEST_F(Cli, BadCorporaGiveOneLineErrorsNamingTheFile) {
  write("empty.txt", "");
  write("one.txt", "x");
  write("bad.txt", std::string("ok text \xff\xfe more"));
  fs::create_directories(path("folder"));
  write("folder/notes.md", "hello");
  struct Case {
    std::string args, expect;
  } cases[] = {
      {"--corpus " + path("missing.txt"), path("missing.txt")},
      {"--corpus " + path("empty.txt"), path("empty.txt")},
      {"--corpus " + path("one.txt"), path("one.txt")},
      {"--corpus " + path("bad.txt"), "byte 8"},
      {"--corpus " + path("folder") + " --glob '*.c'", "*.c"},
  };
  for (const Case& c : cases) {
    const CliRun r = run("train " + c.args + " --out " + path("x.csm") + " --max-iters 1");
    EXPECT_NE(r.status, 0) << c.args;
    const std::string err = last_line(r.err);
    EXPECT_EQ(err.rfind("cellscope-cli: error: ", 0), 0u) << r.err;
    EXPECT_NE(err.find(c.expect), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(path("x.csm"))) << c.args;
  }
  // With --replace-invalid the bad bytes become U+FFFD and training goes on.
  write("long_bad.txt", corpus() + "\xff" + corpus());
  const CliRun ok =
      run("train --corpus " + path("long_bad.txt") + " --replace-invalid --out " + path("x.csm") +
          " --rnn-size 8 --num-layers 1 --batch-size 2 --max-iters 2");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.err.find("replaced by U+FFFD"), std::string::npos) << ok.err;
}

TEST_F(Cli, BadModelFilesGiveOneLineErrorsNamingTheFile) {
  const std::string model = trained_model();
  std::ifstream in(model, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write("truncated.csm", bytes.substr(0, bytes.size() / 2));
  std::string flipped = bytes;
  flipped[flipped.size() / 3] ^= 0x10;
  write("flipped.csm", flipped);
  write("text.csm", "this is not a model at all");
  for (const char* name : {"truncated.csm", "flipped.csm", "text.csm", "nothere.csm"}) {
    for (const std::string& cmd : {"info " + path(name), "sample " + path(name),
                                   "eval " + path(name) + " --corpus " + path("corpus.txt")}) {
      const CliRun r = run(cmd);
      EXPECT_NE(r.status, 0) << cmd;
      EXPECT_NE(r.err.find(path(name)), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
    }
  }
}

}  // namespace
