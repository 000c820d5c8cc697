// The corpus loader in two steps (scan_corpus, then encode_corpus, for train --max-memory) equals
// load_corpus, and the sizes the memory check uses are the ones the ids really take. Texts of
// 65,536 characters or more take the loader's BMP id table, shorter ones the vocabulary's map:
// both must give the same ids, with multi-byte, astral, replaced and unknown characters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "corpus.h"
#include "error.h"
#include "utf8.h"

namespace fs = std::filesystem;

namespace cellscope {
namespace {

class CorpusTwoSteps : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cellscope_corpus_scan_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  fs::path dir_;
};

// `n` pieces (at least n characters): ASCII, Latin, Greek, the euro sign, an emoji, and an
// invalid byte (0xFF, read as U+FFFD).
std::string mixed_text(std::size_t n) {
  const char* pieces[] = {"a", "b ", "\xC3\xA9", "\xCE\xBB", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                          "\n", "\xFF"};
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += pieces[(i * 7 + i / 5) % 8];
  return text;
}

// The code points the ids stand for, train then validation.
std::u32string decoded(const Corpus& c) {
  std::u32string out;
  for (const EncodedText* part : {&c.train, &c.val}) {
    for (std::size_t i = 0; i < part->size(); ++i) out += c.vocab.code_point((*part)[i]);
  }
  return out;
}

TEST_F(CorpusTwoSteps, SmallAndLargeTextsDecodeToTheirCharacters) {
  for (std::size_t n : {1000u, 70000u}) {  // below and above the BMP table's threshold
    SCOPED_TRACE(n);
    const std::string bytes = mixed_text(n);
    CorpusOptions options;
    options.paths = {write("t" + std::to_string(n) + ".txt", bytes)};
    options.replace_invalid = true;
    options.val_frac = 0.1;
    const Corpus corpus = load_corpus(options);
    EXPECT_EQ(decoded(corpus), utf8_decode(bytes, true, "expected"));
    // With the text's own vocabulary minus the euro sign: unknown characters take the fallback.
    std::vector<char32_t> known;
    for (int id = 0; id < corpus.vocab.size(); ++id) {
      if (corpus.vocab.code_point(id) != U'\u20AC') known.push_back(corpus.vocab.code_point(id));
    }
    const Vocabulary vocab(known);
    const Corpus fallback = load_corpus(options, &vocab, /*allow_unknown=*/true);
    std::u32string expected = utf8_decode(bytes, true, "expected");
    for (char32_t& c : expected) {
      if (c == U'\u20AC') c = vocab.code_point(vocab.fallback_id());
    }
    EXPECT_EQ(decoded(fallback), expected);
    EXPECT_GT(fallback.unknown, 0);
  }
}

TEST_F(CorpusTwoSteps, ScanThenEncodeEqualsLoadAndCountsTheIdsBytes) {
  const std::string wide_text = [] {  // more than 256 distinct characters: 4-byte ids
    std::u32string t;
    for (char32_t cp = 0x400; cp < 0x400 + 300; ++cp) t.push_back(cp);
    return utf8_encode(t + U"abc\n");
  }();
  for (const std::string& bytes : {mixed_text(5000), wide_text}) {
    CorpusOptions options;
    options.paths = {write("a.txt", bytes), write("b.txt", "tail\n")};
    options.replace_invalid = true;
    options.val_frac = 0.2;
    const CorpusScan scan = scan_corpus(options);
    EXPECT_EQ(scan.files.size(), 2u);
    EXPECT_EQ(scan.bytes, bytes.size() + 5);
    const Corpus two_steps = encode_corpus(scan);
    const Corpus one_step = load_corpus(options);
    EXPECT_EQ(decoded(two_steps), decoded(one_step));
    EXPECT_EQ(two_steps.val.size(), one_step.val.size());
    EXPECT_EQ(scan.chars, two_steps.train.size() + two_steps.val.size());
    EXPECT_EQ(scan.encoded_bytes(), two_steps.train.memory_bytes() + two_steps.val.memory_bytes());
    EXPECT_EQ(scan.replaced, one_step.replaced);
  }
}

TEST_F(CorpusTwoSteps, ScanReportsTheSameErrorsAsLoad) {
  CorpusOptions options;
  options.paths = {write("bad.txt", "ab\xFF")};
  EXPECT_THROW(scan_corpus(options), Error);
  options.paths = {write("one.txt", "a")};
  EXPECT_THROW(scan_corpus(options), Error);
  options.paths = {write("ok.txt", "ab")};
  options.val_frac = 0.7;
  EXPECT_THROW(scan_corpus(options), Error);
}

}  // namespace
}  // namespace cellscope
