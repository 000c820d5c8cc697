// Helpers for the robustness tests: a unique temp folder per test, this process's peak memory
// (VmHWM, resettable through /proc/self/clear_refs), and running a child process with its exit
// status, stderr and peak memory (wait4's ru_maxrss) — so a test can prove a hostile input is
// refused without allocating. A sanitizer's report on a child's stderr fails the calling test.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../common/sanitizer_report.h"

namespace cellscope::robustness {

inline std::string unique_temp_dir(const std::string& tag) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir = ::testing::TempDir() + "cellscope_robust_" + tag + "_" +
                          std::to_string(::getpid()) + "_" + info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Removes a test's temp folder when the test ends, however it ends (an ASSERT returns early).
struct RemoveOnExit {
  std::string dir;
  ~RemoveOnExit() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A "Vm...:  N kB" line of /proc/self/status, in kB (-1 when absent).
inline long status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

// Peak resident memory (kB) that running `f` added above the resident memory before it. The
// peak is reset first (writing 5 to clear_refs, Linux 4.0+), so earlier tests do not hide it.
template <typename F>
long peak_growth_kb(F&& f) {
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const long before = status_kb("VmRSS");
  f();
  return status_kb("VmHWM") - before;
}

struct ChildRun {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  long max_rss_kb = 0;
  std::string err;
};

// Runs `argv` (argv[0] is the program path) with stdout discarded and stderr captured in
// `stderr_path`; waits and reports its peak memory.
inline ChildRun run_child(const std::vector<std::string>& argv, const std::string& stderr_path) {
  ChildRun r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(devnull, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.max_rss_kb = usage.ru_maxrss;
  r.err = read_file(stderr_path);
  testing_util::expect_no_sanitizer_report(r.err, argv[0]);
  return r;
}

}  // namespace cellscope::robustness
