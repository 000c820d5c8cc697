// Replays every committed fuzz input through the fuzz entry points with the normal (GCC) build:
// each seed under tests/fuzz/corpus/<target>/ and each crash or hang ever found under
// tests/fuzz/regressions/<target>/ must end in a return or a clean cellscope::Error. So CI keeps
// what fuzzing found without clang.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "error.h"
#include "fuzz_targets.h"

namespace cellscope::fuzz {

// Outside the anonymous namespace, so GoogleTest finds it by argument-dependent lookup when it
// prints a parameter.
void PrintTo(const Target& target, std::ostream* os) { *os << target.name; }

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs one input; returns "" on a return or a cellscope::Error, else what escaped. `refused`
// (optional) tells whether it ended in an Error.
std::string replay(EntryPoint run, const std::string& bytes, bool* refused = nullptr) {
  if (refused) *refused = false;
  try {
    run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  } catch (const Error&) {
    if (refused) *refused = true;
  } catch (const std::exception& e) {
    return std::string("a non-Error exception: ") + e.what();
  } catch (...) {
    return "a non-standard exception";
  }
  return {};
}

class Replay : public ::testing::TestWithParam<Target> {};

TEST_P(Replay, EverySeedAndRegressionEndsCleanly) {
  const Target target = GetParam();
  const fs::path root = fs::path(CELLSCOPE_SOURCE_DIR) / "tests" / "fuzz";
  const std::vector<fs::path> seeds = files_in(root / "corpus" / target.name);
  EXPECT_GE(seeds.size(), 5u) << "the seed corpus of " << target.name << " is missing";
  std::vector<fs::path> all = seeds;
  for (const fs::path& p : files_in(root / "regressions" / target.name)) all.push_back(p);
  for (const fs::path& path : all) {
    bool refused = false;
    const std::string problem = replay(target.run, read_all(path), &refused);
    EXPECT_EQ(problem, "") << path;
  }
  // The seeds reach where they should: bad_* seeds are refused, the others accepted (the UTF-8
  // seeds mix both, their option byte decides).
  if (std::string(target.name) == "utf8_corpus") return;
  for (const fs::path& path : seeds) {
    bool refused = false;
    replay(target.run, read_all(path), &refused);
    const bool bad = path.filename().string().rfind("bad_", 0) == 0;
    EXPECT_EQ(refused, bad) << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Replay, ::testing::ValuesIn(targets()),
                         [](const ::testing::TestParamInfo<Target>& info) {
                           return std::string(info.param.name);
                         });

// The replay can fail: anything but a cellscope::Error is reported.
void throws_logic_error(const uint8_t*, std::size_t) { throw std::logic_error("boom"); }
void throws_error(const uint8_t*, std::size_t) { throw Error("x.csm: bad"); }

TEST(ReplayHarness, OnlyACleanErrorPasses) {
  EXPECT_EQ(replay(&throws_error, "a"), "");
  EXPECT_EQ(replay(&throws_logic_error, "a"), "a non-Error exception: boom");
  EXPECT_EQ(replay(&csm, "CSM1"), "");  // truncated: a clean Error
}

}  // namespace
}  // namespace cellscope::fuzz
