// Tests for corpus loading: file and folder expansion, concatenation order, the validation split,
// UTF-8 errors with file and offset, sequences straddling read blocks, and known-vocabulary mode.
// Every test works in its own fresh folder under the system temp directory.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "corpus.h"
#include "utf8.h"

namespace cellscope {
namespace {

namespace fs = std::filesystem;

class Corpus : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = fs::temp_directory_path() / ("cellscope_corpus_" + std::string(info->name()) + "_" +
                                        std::to_string(stamp) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    detail::corpus_block_size_for_tests = saved_block_size_;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes `bytes` to dir_/name (creating folders) and returns the full path.
  std::string write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    return path.string();
  }

  static CorpusOptions options_for(std::vector<std::string> paths, double val_frac = 0.0) {
    CorpusOptions options;
    options.paths = std::move(paths);
    options.val_frac = val_frac;
    return options;
  }

  // Decodes train + val back to UTF-8.
  static std::string text_of(const cellscope::Corpus& corpus) {
    std::vector<int32_t> ids;
    for (std::size_t i = 0; i < corpus.train.size(); ++i) ids.push_back(corpus.train[i]);
    for (std::size_t i = 0; i < corpus.val.size(); ++i) ids.push_back(corpus.val[i]);
    return corpus.vocab.decode(ids);
  }

  // The message of the Error that `load` throws ("" if none).
  template <typename F>
  static std::string error_of(F load) {
    try {
      load();
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
  std::size_t saved_block_size_ = detail::corpus_block_size_for_tests;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(Corpus, LoadsOneFileAndBuildsVocabulary) {
  const std::string text = "hello, w\xC3\xB6rld \xE2\x82\xAC\xF0\x9F\x98\x80\n";
  const std::string path = write("a.txt", text);
  const cellscope::Corpus corpus = load_corpus(options_for({path}));
  EXPECT_EQ(corpus.files, std::vector<std::string>{path});
  EXPECT_EQ(corpus.bytes, text.size());
  EXPECT_EQ(corpus.train.size(), utf8_decode(text).size());
  EXPECT_TRUE(corpus.val.empty());
  EXPECT_EQ(text_of(corpus), text);
  EXPECT_EQ(corpus.vocab.code_points(),
            (std::vector<char32_t>{U'\n', U' ', U',', U'd', U'e', U'h', U'l', U'o', U'r', U'w',
                                   U'\u00F6', U'\u20AC', U'\U0001F600'}));
  EXPECT_TRUE(corpus.train.narrow());
  EXPECT_EQ(corpus.train.memory_bytes(), corpus.train.size());
}

TEST_F(Corpus, ConcatenatesFilesInTheOrderGiven) {
  const std::string b = write("b.txt", "second\xC3\xA9|");
  const std::string a = write("a.txt", "first|");
  const std::string c = write("c.txt", "");  // an empty file among others is fine
  const cellscope::Corpus corpus = load_corpus(options_for({b, c, a}));
  EXPECT_EQ(corpus.files, (std::vector<std::string>{b, c, a}));
  EXPECT_EQ(text_of(corpus), "second\xC3\xA9|first|");
}

TEST_F(Corpus, FolderWithGlobIsRecursiveAndSorted) {
  write("src/main.c", "M");
  write("src/lib/b.c", "B");
  write("src/lib/a.c", "A");
  write("src/lib/a.h", "h");
  write("src/readme.txt", "t");
  write("src/.hidden.c", "x");       // hidden files are skipped by "*.c"
  write("src/.git/objects.c", "x");  // hidden folders are not searched
  CorpusOptions options = options_for({(dir_ / "src").string()});
  options.glob = "*.c";
  const std::vector<std::string> files = expand_corpus_paths(options);
  EXPECT_EQ(files, (std::vector<std::string>{(dir_ / "src/lib/a.c").string(),
                                             (dir_ / "src/lib/b.c").string(),
                                             (dir_ / "src/main.c").string()}));
  EXPECT_EQ(text_of(load_corpus(options)), "ABM");

  options.glob = "*";
  EXPECT_EQ(expand_corpus_paths(options).size(), 5u);
}

TEST_F(Corpus, FilesAndFoldersMix) {
  const std::string first = write("first.txt", "1");
  write("more/x.txt", "2");
  write("more/y.txt", "3");
  const cellscope::Corpus corpus = load_corpus(options_for({first, (dir_ / "more").string()}));
  EXPECT_EQ(corpus.files.size(), 3u);
  EXPECT_EQ(text_of(corpus), "123");
}

TEST_F(Corpus, MissingFileIsNamed) {
  const std::string path = (dir_ / "nope.txt").string();
  const std::string message = error_of([&] { load_corpus(options_for({path})); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "no such file")) << message;
}

TEST_F(Corpus, FolderWithoutMatchesNamesFolderAndGlob) {
  write("docs/a.md", "text");
  CorpusOptions options = options_for({(dir_ / "docs").string()});
  options.glob = "*.c";
  const std::string message = error_of([&] { expand_corpus_paths(options); });
  EXPECT_TRUE(contains(message, (dir_ / "docs").string())) << message;
  EXPECT_TRUE(contains(message, "\"*.c\"")) << message;
  fs::create_directories(dir_ / "empty");
  EXPECT_THROW(load_corpus(options_for({(dir_ / "empty").string()})), Error);
}

TEST_F(Corpus, EmptyCorpusNamesTheFiles) {
  const std::string a = write("a.txt", "");
  const std::string b = write("b.txt", "");
  std::string message = error_of([&] { load_corpus(options_for({a})); });
  EXPECT_TRUE(contains(message, a)) << message;
  EXPECT_TRUE(contains(message, "empty")) << message;
  message = error_of([&] { load_corpus(options_for({a, b})); });
  EXPECT_TRUE(contains(message, a) && contains(message, b)) << message;
  EXPECT_TRUE(contains(message, "empty")) << message;
}

TEST_F(Corpus, OneCharacterIsNotEnough) {
  const std::string empty = write("empty.txt", "");
  const std::string one = write("one.txt", "\xC3\xA9");
  const std::string message = error_of([&] { load_corpus(options_for({empty, one})); });
  EXPECT_TRUE(contains(message, one)) << message;
  EXPECT_TRUE(contains(message, "one character")) << message;
  const std::string two = write("two.txt", "ab");
  EXPECT_EQ(load_corpus(options_for({two})).train.size(), 2u);
}

TEST_F(Corpus, InvalidUtf8NamesFileAndOffset) {
  const std::string good = write("good.txt", "fine text\n");
  const std::string bad = write("bad.txt", "abc\xC3\xA9xyz\xED\xA0\x80 rest");
  try {
    load_corpus(options_for({good, bad}));
    FAIL() << "no error";
  } catch (const Utf8Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.offset(), 8u);  // offset within bad.txt, not within the whole corpus
    EXPECT_TRUE(contains(message, bad + ": invalid UTF-8 at byte 8")) << message;
    EXPECT_TRUE(contains(message, "--replace-invalid")) << message;
  }
}

TEST_F(Corpus, SequenceMayNotSpanFiles) {
  // Each half is a truncated sequence on its own; together they would be U+20AC.
  const std::string a = write("a.txt", "ab\xE2\x82");
  const std::string b = write("b.txt", "\xACxy");
  const std::string message = error_of([&] { load_corpus(options_for({a, b})); });
  EXPECT_TRUE(contains(message, a + ": invalid UTF-8 at byte 2")) << message;

  CorpusOptions options = options_for({a, b});
  options.replace_invalid = true;
  const cellscope::Corpus corpus = load_corpus(options);
  EXPECT_EQ(text_of(corpus), "ab\xEF\xBF\xBD\xEF\xBF\xBDxy");  // one U+FFFD per file
  EXPECT_EQ(corpus.replaced, 2);
}

TEST_F(Corpus, ReplaceInvalid) {
  const std::string path = write("x.txt", "q\xFFr\xE2\x82s\xC0\x80");
  CorpusOptions options = options_for({path});
  options.replace_invalid = true;
  const cellscope::Corpus corpus = load_corpus(options);
  EXPECT_EQ(corpus.replaced, 4);
  EXPECT_EQ(text_of(corpus), utf8_encode(U"q\uFFFDr\uFFFDs\uFFFD\uFFFD"));
  EXPECT_GE(corpus.vocab.id_of(kReplacementChar), 0);
}

TEST_F(Corpus, ValidationSplitSizes) {
  const std::string path = write("t.txt", "0123456789abcdefghij");  // 20 characters
  struct Case {
    double val_frac;
    std::size_t val;
  };
  for (const Case c : {Case{0.0, 0}, Case{0.05, 1}, Case{0.1, 2}, Case{0.14, 2}, Case{0.5, 10}}) {
    SCOPED_TRACE(c.val_frac);
    const cellscope::Corpus corpus = load_corpus(options_for({path}, c.val_frac));
    EXPECT_EQ(corpus.val.size(), c.val);
    EXPECT_EQ(corpus.train.size(), 20 - c.val);
    EXPECT_EQ(text_of(corpus), "0123456789abcdefghij");
  }
  const cellscope::Corpus corpus = load_corpus(options_for({path}, 0.25));
  std::vector<int32_t> val;
  for (std::size_t i = 0; i < corpus.val.size(); ++i) val.push_back(corpus.val[i]);
  EXPECT_EQ(corpus.vocab.decode(val), "fghij");  // the last characters

  const std::string tiny = write("tiny.txt", "xyz");
  EXPECT_TRUE(load_corpus(options_for({tiny}, 0.3)).val.empty());  // floor(0.9) = 0
  EXPECT_EQ(load_corpus(options_for({tiny}, 0.3)).train.size(), 3u);
}

TEST_F(Corpus, ValFracOutOfRange) {
  const std::string path = write("t.txt", "some text");
  EXPECT_THROW(load_corpus(options_for({path}, 0.51)), Error);
  EXPECT_THROW(load_corpus(options_for({path}, -0.01)), Error);
  EXPECT_THROW(load_corpus(options_for({path}, std::nan(""))), Error);
}

TEST_F(Corpus, SplitAcrossFilesAndBlocks) {
  detail::corpus_block_size_for_tests = 3;
  const std::string a = write("a.txt", "ab\xC3\xA9xy");
  const std::string b = write("b.txt", "\xF0\x9F\x98\x80pqrs\xE2\x82\xAC");
  const cellscope::Corpus corpus = load_corpus(options_for({a, b}, 0.5));
  EXPECT_EQ(corpus.train.size(), 6u);  // 11 characters: val is the last floor(5.5) = 5
  ASSERT_EQ(corpus.val.size(), 5u);
  std::vector<int32_t> val;
  for (std::size_t i = 0; i < corpus.val.size(); ++i) val.push_back(corpus.val[i]);
  EXPECT_EQ(corpus.vocab.decode(val), "pqrs\xE2\x82\xAC");  // split inside b.txt
  EXPECT_EQ(text_of(corpus), "ab\xC3\xA9xy\xF0\x9F\x98\x80pqrs\xE2\x82\xAC");
}

TEST_F(Corpus, MultiByteCharactersStraddleBlockBoundaries) {
  // Every block size from 1 to 12 puts some sequence across a boundary.
  const std::string text = "a\xC3\xA9\xE2\x82\xACz\xF0\x9F\x98\x80\xC3\xA9\xF0\x9F\x98\x80z";
  const std::string path = write("s.txt", text);
  for (std::size_t block = 1; block <= 12; ++block) {
    SCOPED_TRACE(block);
    detail::corpus_block_size_for_tests = block;
    const cellscope::Corpus corpus = load_corpus(options_for({path}));
    EXPECT_EQ(text_of(corpus), text);
    EXPECT_EQ(corpus.bytes, text.size());
  }
}

TEST_F(Corpus, InvalidOffsetAcrossBlockBoundaries) {
  const std::string good(37, 'x');
  const std::string path = write("o.txt", good + "\xC3\xA9\xC3y");  // truncated at byte 39
  for (std::size_t block : {1, 2, 3, 4, 5, 7, 16, 38, 39, 40, 1 << 20}) {
    SCOPED_TRACE(block);
    detail::corpus_block_size_for_tests = block;
    try {
      load_corpus(options_for({path}));
      FAIL() << "no error";
    } catch (const Utf8Error& e) {
      EXPECT_EQ(e.offset(), 39u);
    }
    CorpusOptions options = options_for({path});
    options.replace_invalid = true;
    EXPECT_EQ(text_of(load_corpus(options)), good + "\xC3\xA9\xEF\xBF\xBDy");
  }
  // A file that ends inside a sequence, with the sequence split over blocks.
  const std::string cut = write("cut.txt", "abcdef\xF0\x9F\x98");
  for (std::size_t block : {1, 2, 3, 5, 7, 8, 64}) {
    SCOPED_TRACE(block);
    detail::corpus_block_size_for_tests = block;
    const std::string message = error_of([&] { load_corpus(options_for({cut})); });
    EXPECT_TRUE(contains(message, cut + ": invalid UTF-8 at byte 6")) << message;
  }
}

TEST_F(Corpus, LongAsciiRunsAcrossBlocks) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += static_cast<char>('a' + i % 26);
  text += "\xC3\xA9";
  for (int i = 0; i < 5000; ++i) text += static_cast<char>(' ' + i % 90);
  const std::string path = write("long.txt", text);
  for (std::size_t block : {4093, 65536}) {
    detail::corpus_block_size_for_tests = block;
    const cellscope::Corpus corpus = load_corpus(options_for({path}, 0.1));
    EXPECT_EQ(corpus.train.size() + corpus.val.size(), 25001u);
    EXPECT_EQ(corpus.val.size(), 2500u);
    EXPECT_EQ(text_of(corpus), text);
  }
}

TEST_F(Corpus, WideIdsAboveTwoHundredFiftySixCharacters) {
  std::u32string text;
  for (char32_t cp = 0x400; cp < 0x400 + 300; ++cp) text.push_back(cp);
  text += U"\U0001F600abc";
  const std::string path = write("w.txt", utf8_encode(text));
  const cellscope::Corpus corpus = load_corpus(options_for({path}, 0.1));
  EXPECT_EQ(corpus.vocab.size(), 304);
  EXPECT_FALSE(corpus.train.narrow());
  EXPECT_EQ(corpus.train.memory_bytes(), corpus.train.size() * 4);
  EXPECT_EQ(text_of(corpus), utf8_encode(text));
}

TEST_F(Corpus, KnownVocabularyRejectsUnknownCharacter) {
  const std::string path = write("k.txt", "abba\ncab\xC3\xA9");
  const Vocabulary vocab({U'a', U'b', U'c', U'\n'});
  const std::string message = error_of([&] { load_corpus(options_for({path}), &vocab); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "U+00E9")) << message;
  EXPECT_TRUE(contains(message, "\xC3\xA9")) << message;

  const std::string control = write("ctl.txt", "ab\r\n");
  const std::string ctl_message = error_of([&] { load_corpus(options_for({control}), &vocab); });
  EXPECT_TRUE(contains(ctl_message, "U+000D")) << ctl_message;
  EXPECT_TRUE(contains(ctl_message, "byte 2")) << ctl_message;
}

TEST_F(Corpus, KnownVocabularyAllowUnknownUsesFallback) {
  const std::string path = write("k.txt", std::string("ab?\xC3\xA9") + "ba");
  const Vocabulary vocab({U'a', U'b', U' '});
  const cellscope::Corpus corpus = load_corpus(options_for({path}), &vocab, true);
  EXPECT_EQ(corpus.vocab.code_points(), vocab.code_points());
  EXPECT_EQ(corpus.unknown, 2);
  EXPECT_EQ(text_of(corpus), "ab  ba");  // unknowns map to the space

  const std::string known = write("known.txt", "abab");
  const cellscope::Corpus exact = load_corpus(options_for({known}), &vocab);
  EXPECT_EQ(exact.unknown, 0);
  EXPECT_EQ(exact.vocab.size(), 3);  // the given vocabulary, not one built from the text
  EXPECT_EQ(text_of(exact), "abab");
}

TEST_F(Corpus, EncodedTextSliceAndSet) {
  EncodedText narrow(10, 5);
  EXPECT_TRUE(narrow.narrow());
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(narrow[i], 0);
  for (std::size_t i = 0; i < 5; ++i) narrow.set(i, static_cast<int32_t>(i + 250));
  const EncodedText part = narrow.slice(1, 4);
  ASSERT_EQ(part.size(), 3u);
  EXPECT_EQ(part[0], 251);
  EXPECT_EQ(part[2], 253);
  EXPECT_THROW(narrow.slice(3, 6), Error);

  EncodedText wide(257, 3);
  EXPECT_FALSE(wide.narrow());
  wide.set(2, 256);
  EXPECT_EQ(wide.slice(2, 3)[0], 256);
  EXPECT_EQ(wide.memory_bytes(), 12u);
  EXPECT_TRUE(EncodedText(256, 1).narrow());
}

}  // namespace
}  // namespace cellscope
