// Runs the real cellscope-cli binary (CELLSCOPE_CLI_PATH) with arguments, capturing its exit
// status, stdout and stderr; for the CLI tests. stderr goes through a file next to the outputs.
// A sanitizer's report on the child's stderr fails the calling test, whatever the exit status.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "../common/sanitizer_report.h"

namespace cellscope::testing_util {

struct CliRun {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

inline CliRun run_cli(const std::string& args, const std::string& stderr_file) {
  const std::string cmd = std::string(CELLSCOPE_CLI_PATH) + " " + args + " 2>" + stderr_file;
  CliRun r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream in(stderr_file);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  expect_no_sanitizer_report(r.err, "cellscope-cli " + args);
  return r;
}

}  // namespace cellscope::testing_util
