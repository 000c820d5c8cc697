// kill -9 at any moment: a real `cellscope-cli train` on a small synthetic corpus, checkpointing
// every iteration, is killed with SIGKILL at 20 random moments (every other one just as a
// checkpoint write has begun) and resumed each time. After every kill the .csm on disk loads (its CRC
// verifies) and has not gone backwards; at the end the resumed run equals an uninterrupted one
// at the same iteration bit for bit (loss and weights; one thread, as the trainer's exactness
// promise says). The random moments are printed with the seed that drew them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint.h"
#include "error.h"
#include "process_util.h"

namespace cellscope {
namespace {

namespace fs = std::filesystem;
using robustness::unique_temp_dir;
using robustness::write_file;

constexpr int kIterations = 400;
constexpr int kKills = 20;

// About 40 KB of word salad over a small alphabet (deterministic).
std::string synthetic_corpus() {
  const std::vector<std::string> words = {"the", "cell", "state", "carries", "a", "quote",
                                          "\"open\"", "(paren)", "neuron", "fires", "at", "night"};
  std::mt19937 rng(2026);
  std::string text;
  while (text.size() < 40000) {
    const int n = 3 + static_cast<int>(rng() % 9);
    for (int i = 0; i < n; ++i) text += (i ? " " : "") + words[rng() % words.size()];
    text += ".\n";
  }
  return text;
}

std::vector<std::string> train_args(const std::string& corpus, const std::string& out,
                                    const std::string& resume) {
  std::vector<std::string> args = {CELLSCOPE_CLI_PATH, "train", "--corpus", corpus, "--out", out,
                                   "--max-iters", std::to_string(kIterations),
                                   "--checkpoint-every", "1", "--eval-every", "0",
                                   "--threads", "1"};
  if (resume.empty()) {
    for (const char* a : {"--model", "lstm", "--rnn-size", "48", "--num-layers", "2",
                          "--seq-length", "32", "--batch-size", "8", "--seed", "7"}) {
      args.push_back(a);
    }
  } else {
    args.push_back("--resume");
    args.push_back(resume);
  }
  return args;
}

pid_t start(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST(KillTraining, SigkillAtRandomMomentsLosesNothingAndResumesExactly) {
  const std::string dir = unique_temp_dir("kill");
  const robustness::RemoveOnExit cleanup{dir};
  const std::string corpus = dir + "/corpus.txt";
  write_file(corpus, synthetic_corpus());
  const std::string log = dir + "/train.log";

  // The uninterrupted run.
  const std::string reference = dir + "/reference.csm";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_exit(start(train_args(corpus, reference, ""), log)), 0)
      << robustness::read_file(log);
  // Kill moments scale with how fast this machine runs the whole thing (a loaded machine or a
  // sanitizer build is slower), so kills keep landing after the first checkpoint.
  const auto whole_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - t0)
                            .count();
  const ModelFile expected = load_model_file(reference);
  ASSERT_EQ(expected.progress.iteration, kIterations);

  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(5, std::max<int>(250, int(whole_ms / 8)));
  const std::string out = dir + "/model.csm";
  int kills = 0, during_write = 0, finished_early = 0;
  int checkpoints_checked = 0;  // over all kills: a run that finishes early starts over at 0
  int64_t last_iteration = 0;
  std::string moments;
  while (kills < kKills) {
    const bool resume = fs::exists(out);
    const pid_t pid = start(train_args(corpus, out, resume ? out : ""), log);
    const int ms = delay_ms(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    if (kills % 2 == 1) {
      // Every other kill waits for the next checkpoint write to begin (its .tmp appears), so
      // some kills land inside a write however small the write's share of the time is.
      for (int i = 0; i < 20000 && !fs::exists(out + ".tmp"); ++i) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }
    ::kill(pid, SIGKILL);
    const int code = wait_exit(pid);
    if (code == 0) {  // it finished first: start again from the beginning for more kills
      ++finished_early;
      fs::remove(out);
      last_iteration = 0;
      continue;
    }
    ASSERT_EQ(code, -SIGKILL) << robustness::read_file(log);
    ++kills;
    moments += (moments.empty() ? "" : ",") + std::to_string(ms);
    if (fs::exists(out + ".tmp")) ++during_write;
    if (!fs::exists(out)) continue;  // killed before the first checkpoint
    SCOPED_TRACE("seed " + std::to_string(seed) + ", kill " + std::to_string(kills) + " after " +
                 std::to_string(ms) + " ms");
    ModelFile on_disk;
    try {
      on_disk = load_model_file(out);  // checks the CRC and every field
    } catch (const Error& e) {
      FAIL() << e.what();
    }
    EXPECT_GE(on_disk.progress.iteration, last_iteration);
    last_iteration = on_disk.progress.iteration;
    if (last_iteration > 0) ++checkpoints_checked;
  }
  std::printf("whole run %lld ms; kill moments (ms after start, seed %u): %s; %d of %d left a "
              "partial model.csm.tmp; %d runs finished before their kill\n",
              static_cast<long long>(whole_ms), seed, moments.c_str(), during_write, kills,
              finished_early);

  EXPECT_GT(during_write, 0) << "no kill landed inside a checkpoint write";
  EXPECT_GT(checkpoints_checked, 0) << "no kill left a checkpoint to check";

  // Resume to the end, uninterrupted, and compare with the reference.
  ASSERT_EQ(wait_exit(start(train_args(corpus, out, fs::exists(out) ? out : ""), log)), 0)
      << robustness::read_file(log);
  const ModelFile resumed = load_model_file(out);
  ASSERT_EQ(resumed.progress.iteration, kIterations);
  ASSERT_FALSE(resumed.train_history.empty());
  EXPECT_EQ(resumed.train_history.back().iteration, kIterations);
  EXPECT_EQ(std::memcmp(&resumed.train_history.back().loss, &expected.train_history.back().loss,
                        sizeof(double)),
            0)
      << resumed.train_history.back().loss << " vs " << expected.train_history.back().loss;
  ASSERT_EQ(resumed.parameters.size(), expected.parameters.size());
  EXPECT_EQ(std::memcmp(resumed.parameters.data(), expected.parameters.data(),
                        expected.parameters.size() * sizeof(float)),
            0)
      << "the resumed weights differ from the uninterrupted run's";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cellscope
