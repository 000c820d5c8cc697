// Small helpers shared by the engine tests: text -> EncodedText, temp paths.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "corpus.h"
#include "utf8.h"
#include "vocabulary.h"

namespace cellscope::testing_util {

inline Vocabulary vocab_of(const std::string& text) {
  const std::u32string cps = utf8_decode(text);
  return Vocabulary(std::vector<char32_t>(cps.begin(), cps.end()));
}

inline EncodedText encode_text(const Vocabulary& vocab, const std::string& text) {
  const std::vector<int32_t> ids = vocab.encode(text);
  EncodedText out(vocab.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) out.set(i, ids[i]);
  return out;
}

inline std::string temp_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cellscope_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / (std::string(info->test_suite_name()) + "_" + info->name() + "_" + name)).string();
}

}  // namespace cellscope::testing_util
