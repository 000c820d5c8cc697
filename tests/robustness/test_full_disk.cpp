// A full disk while checkpointing, simulated with RLIMIT_FSIZE (writes past the limit fail with
// EFBIG, as ENOSPC would): the real `cellscope-cli train --resume` fails naming the file and the
// cause, the previous checkpoint stays byte for byte as it was, and no temporary file is left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "process_util.h"

namespace cellscope {
namespace {

namespace fs = std::filesystem;
using robustness::read_file;
using robustness::unique_temp_dir;
using robustness::write_file;

// Runs argv with stdout+stderr into `log`, files limited to `max_file_bytes` (0: no limit).
int run_limited(const std::vector<std::string>& argv, const std::string& log,
                rlim_t max_file_bytes) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (max_file_bytes > 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG instead
      const struct rlimit limit = {max_file_bytes, max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  testing_util::expect_no_sanitizer_report(read_file(log), argv[0] + " " + argv[1]);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FullDisk, AFailedCheckpointKeepsThePreviousOneAndSaysSo) {
  const std::string dir = unique_temp_dir("disk");
  const robustness::RemoveOnExit cleanup{dir};
  const std::string corpus = dir + "/corpus.txt";
  std::string text;
  for (int i = 0; i < 400; ++i) text += "the quick brown fox jumps over the lazy dog " + std::to_string(i) + "\n";
  write_file(corpus, text);
  const std::string out = dir + "/model.csm";
  const std::string log = dir + "/train.log";
  const std::vector<std::string> first = {CELLSCOPE_CLI_PATH, "train", "--corpus", corpus,
                                          "--out", out, "--rnn-size", "32", "--num-layers", "1",
                                          "--seq-length", "16", "--batch-size", "4",
                                          "--max-iters", "5", "--eval-every", "0",
                                          "--threads", "1"};
  ASSERT_EQ(run_limited(first, log, 0), 0) << read_file(log);
  const std::string before = read_file(out);
  ASSERT_GT(before.size(), 4096u);

  // The checkpoint no longer fits: half the previous file's size.
  const std::vector<std::string> resume = {CELLSCOPE_CLI_PATH, "train", "--resume", out,
                                           "--corpus", corpus, "--out", out,
                                           "--max-iters", "10", "--checkpoint-every", "2",
                                           "--eval-every", "0", "--threads", "1"};
  EXPECT_EQ(run_limited(resume, log, before.size() / 2), 1) << read_file(log);
  const std::string said = read_file(log);
  EXPECT_NE(said.find(out + ": cannot save (write " + out + ".tmp): File too large; the file at " +
                      out + " was left as it was"),
            std::string::npos)
      << said;
  EXPECT_EQ(read_file(out), before) << "the previous checkpoint changed";
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  EXPECT_EQ(load_model_file(out).progress.iteration, 5);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cellscope
