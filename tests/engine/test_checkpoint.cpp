// Tests for the .csm model file: exact round trips, CRC-32, every kind of damaged file (each must
// give an Error naming the path and the cause, never a crash), and the atomic save.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "error.h"
#include "model.h"

namespace cellscope {
namespace {

namespace fs = std::filesystem;

// A path under the test temp folder unique to this process and test.
std::string temp_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "cellscope_ckpt_" + std::to_string(::getpid()) + "_" +
         info->name() + "_" + name;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The message of the Error `f` throws; "<no error>" or "<other exception>" otherwise.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (...) {
    return "<other exception>";
  }
  return "<no error>";
}

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// Starts with "path: " and names the cause.
::testing::AssertionResult is_error(const std::string& message, const std::string& path,
                                    const std::string& cause) {
  if (message.rfind(path + ": ", 0) != 0) {
    return ::testing::AssertionFailure() << "\"" << message << "\" does not start with the path";
  }
  return contains(message, cause);
}

void set_u32(std::string& bytes, std::size_t at, uint32_t v) {
  std::memcpy(&bytes[at], &v, 4);
}
void set_u64(std::string& bytes, std::size_t at, uint64_t v) {
  std::memcpy(&bytes[at], &v, 8);
}

void fix_crc(std::string& bytes) {
  const std::size_t end = bytes.size() - 4;
  set_u32(bytes, end, crc32(bytes.data(), end));
}

struct Section {
  std::string tag;
  std::string payload;
};

// Splits a well-formed image into its sections (test-side, trusting the input).
std::vector<Section> split(const std::string& image) {
  std::vector<Section> sections;
  std::size_t pos = 8;
  while (pos < image.size() - 4) {
    uint64_t length;
    std::memcpy(&length, image.data() + pos + 4, 8);
    sections.push_back({image.substr(pos, 4), image.substr(pos + 12, std::size_t(length))});
    pos += 12 + std::size_t(length);
  }
  return sections;
}

std::string join(const std::vector<Section>& sections, uint32_t version = kModelFileVersion) {
  std::string image = "CSM1";
  image.append(4, '\0');
  set_u32(image, 4, version);
  for (const Section& s : sections) {
    image += s.tag;
    image.append(8, '\0');
    set_u64(image, image.size() - 8, s.payload.size());
    image += s.payload;
  }
  image.append(4, '\0');
  fix_crc(image);
  return image;
}

// Offset of the section header with this tag in a well-formed image.
std::size_t section_offset(const std::string& image, const std::string& tag) {
  std::size_t pos = 8;
  while (pos < image.size() - 4) {
    if (image.compare(pos, 4, tag) == 0) return pos;
    uint64_t length;
    std::memcpy(&length, image.data() + pos + 4, 8);
    pos += 12 + std::size_t(length);
  }
  ADD_FAILURE() << "no section " << tag;
  return 0;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

std::vector<float> ramp(std::size_t n, float scale) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * std::sin(float(i) * 0.37f) + float(i) * 1e-3f;
  return v;
}

// A model file with every field away from its default.
ModelFile full_file() {
  ModelFile f;
  f.model.cell = CellType::kGru;
  f.model.vocab_size = 6;
  f.model.hidden_size = 7;
  f.model.num_layers = 3;
  f.model.dropout = 0.25;

  TrainConfig& t = f.train;
  t.seq_length = 64;
  t.bptt_every = 16;
  t.bptt_length = 32;
  t.batch_size = 8;
  t.reset_state = true;
  t.optimizer = OptimizerType::kRmsProp;
  t.learning_rate = 1.5e-3;
  t.lr_decay = 0.9;
  t.lr_decay_after = 3;
  t.grad_clip = 1.25;
  t.clip_mode = ClipMode::kNorm;
  t.val_frac = 0.1;
  t.max_epochs = 7;
  t.max_iters = 12345;
  t.max_seconds = 60.5;
  t.eval_every = 77;
  t.checkpoint_every = 99;
  t.sample_every = 11;
  t.sample_length = 321;
  t.sample_temperature = 0.8;
  t.seed = 0xDEADBEEFCAFEF00Dull;

  f.vocabulary = {U'\n', U' ', U'a', U'\u00E9', U'\u03BB', U'\U0001F600'};
  f.parameters = ramp(parameter_count(f.model), 0.5f);  // 972 for this GRU
  f.parameters[0] = -0.0f;
  f.parameters[1] = std::numeric_limits<float>::denorm_min();
  f.parameters[2] = std::numeric_limits<float>::max();
  f.optimizer_steps = 42;
  f.optimizer_state = ramp(f.parameters.size(), 0.01f);  // RMSProp: one moment per weight

  TrainingProgress& p = f.progress;
  p.iteration = 1000;
  p.epoch = 2;
  p.cursor = 17;
  p.learning_rate = 1.2e-3;
  p.seconds = 3.5;
  std::mt19937_64 rng(t.seed);
  rng.discard(12);
  std::ostringstream rng_text;
  rng_text << rng;
  p.rng_state = rng_text.str();
  p.carried_batch = 8;
  p.carried_state = ramp(3 * 7 * 8, 0.9f);

  f.train_history = {{10, 0.01, 0.5, 4.2}, {20, 0.02, 1.0, 3.9}, {30, 0.03, 1.5, 3.7}};
  f.val_history = {{15, 0.015, 0.8, 4.0}, {30, 0.03, 1.6, 3.8}};
  f.samples = {
      {10, std::numeric_limits<double>::quiet_NaN(), 1.0, "h\u00E9llo \u03BB \U0001F600\n"},
      {20, 3.9, 0.5, std::string("nul\0inside", 10)}};
  f.corpus_paths = {"/data/kernel", "/data/extra \u00E9.c"};
  f.corpus_glob = "*.c";
  return f;
}

void expect_same_history(const std::vector<LossPoint>& a, const std::vector<LossPoint>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].iteration, b[i].iteration);
    EXPECT_TRUE(same_bits(a[i].epoch, b[i].epoch));
    EXPECT_TRUE(same_bits(a[i].seconds, b[i].seconds));
    EXPECT_TRUE(same_bits(a[i].loss, b[i].loss));
  }
}

void expect_same(const ModelFile& a, const ModelFile& b) {
  EXPECT_EQ(a.model.cell, b.model.cell);
  EXPECT_EQ(a.model.vocab_size, b.model.vocab_size);
  EXPECT_EQ(a.model.hidden_size, b.model.hidden_size);
  EXPECT_EQ(a.model.num_layers, b.model.num_layers);
  EXPECT_TRUE(same_bits(a.model.dropout, b.model.dropout));

  const TrainConfig& s = a.train;
  const TrainConfig& t = b.train;
  EXPECT_EQ(s.seq_length, t.seq_length);
  EXPECT_EQ(s.bptt_every, t.bptt_every);
  EXPECT_EQ(s.bptt_length, t.bptt_length);
  EXPECT_EQ(s.batch_size, t.batch_size);
  EXPECT_EQ(s.reset_state, t.reset_state);
  EXPECT_EQ(s.optimizer, t.optimizer);
  EXPECT_TRUE(same_bits(s.learning_rate, t.learning_rate));
  EXPECT_TRUE(same_bits(s.lr_decay, t.lr_decay));
  EXPECT_EQ(s.lr_decay_after, t.lr_decay_after);
  EXPECT_TRUE(same_bits(s.grad_clip, t.grad_clip));
  EXPECT_EQ(s.clip_mode, t.clip_mode);
  EXPECT_TRUE(same_bits(s.val_frac, t.val_frac));
  EXPECT_EQ(s.max_epochs, t.max_epochs);
  EXPECT_EQ(s.max_iters, t.max_iters);
  EXPECT_TRUE(same_bits(s.max_seconds, t.max_seconds));
  EXPECT_EQ(s.eval_every, t.eval_every);
  EXPECT_EQ(s.checkpoint_every, t.checkpoint_every);
  EXPECT_EQ(s.sample_every, t.sample_every);
  EXPECT_EQ(s.sample_length, t.sample_length);
  EXPECT_TRUE(same_bits(s.sample_temperature, t.sample_temperature));
  EXPECT_EQ(s.seed, t.seed);

  EXPECT_EQ(a.vocabulary, b.vocabulary);
  EXPECT_TRUE(same_bits(a.parameters, b.parameters));
  EXPECT_EQ(a.optimizer_steps, b.optimizer_steps);
  EXPECT_TRUE(same_bits(a.optimizer_state, b.optimizer_state));

  const TrainingProgress& p = a.progress;
  const TrainingProgress& q = b.progress;
  EXPECT_EQ(p.iteration, q.iteration);
  EXPECT_EQ(p.epoch, q.epoch);
  EXPECT_EQ(p.cursor, q.cursor);
  EXPECT_TRUE(same_bits(p.learning_rate, q.learning_rate));
  EXPECT_TRUE(same_bits(p.seconds, q.seconds));
  EXPECT_EQ(p.rng_state, q.rng_state);
  EXPECT_EQ(p.carried_batch, q.carried_batch);
  EXPECT_TRUE(same_bits(p.carried_state, q.carried_state));

  expect_same_history(a.train_history, b.train_history);
  expect_same_history(a.val_history, b.val_history);
  ASSERT_EQ(a.samples.size(), b.samples.size());
  for (std::size_t i = 0; i < a.samples.size(); ++i) {
    EXPECT_EQ(a.samples[i].iteration, b.samples[i].iteration);
    EXPECT_TRUE(same_bits(a.samples[i].val_loss, b.samples[i].val_loss));
    EXPECT_TRUE(same_bits(a.samples[i].temperature, b.samples[i].temperature));
    EXPECT_EQ(a.samples[i].text, b.samples[i].text);
  }
  EXPECT_EQ(a.corpus_paths, b.corpus_paths);
  EXPECT_EQ(a.corpus_glob, b.corpus_glob);
}

ModelFile parse(const std::string& bytes, bool check_crc = true) {
  return detail::parse_model_bytes("model.csm", bytes, check_crc);
}

std::string parse_error(const std::string& bytes, bool check_crc = true) {
  return error_of([&] { parse(bytes, check_crc); });
}

TEST(Checkpoint, Crc32MatchesZlib) {
  const std::string check = "123456789";
  EXPECT_EQ(crc32(check.data(), check.size()), 0xCBF43926u);
  EXPECT_EQ(crc32(nullptr, 0), 0u);
  const std::string fox = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(crc32(fox.data(), fox.size()), 0x414FA339u);
  // Continuing from a previous value gives the CRC of the concatenation, as in zlib.
  EXPECT_EQ(crc32(check.data() + 4, 5, crc32(check.data(), 4)), 0xCBF43926u);
}

TEST(Checkpoint, RoundTripKeepsEveryField) {
  const ModelFile original = full_file();
  const std::string path = temp_path("model.csm");
  save_model_file(path, original);
  const ModelFile loaded = load_model_file(path);
  expect_same(original, loaded);
  EXPECT_TRUE(std::isnan(loaded.samples[0].val_loss));

  // The saved generator state restores the generator exactly.
  std::mt19937_64 expected(original.train.seed);
  expected.discard(12);
  std::mt19937_64 restored;
  std::istringstream(loaded.progress.rng_state) >> restored;
  EXPECT_EQ(restored(), expected());
  fs::remove(path);
}

// Defaults everywhere; the weights are the one thing a model file cannot do without (an empty
// PARM would let a tiny file declare a huge model: see test_checkpoint_hostile.cpp).
TEST(Checkpoint, RoundTripOfAMinimalFile) {
  ModelFile original;
  original.model.vocab_size = 1;
  original.vocabulary = {U'x'};
  original.parameters.assign(parameter_count(original.model), 0.25f);
  const std::string path = temp_path("model.csm");
  save_model_file(path, original);
  const ModelFile loaded = load_model_file(path);
  expect_same(original, loaded);
  EXPECT_EQ(loaded.parameters.size(), parameter_count(original.model));
  EXPECT_TRUE(loaded.optimizer_state.empty());
  EXPECT_TRUE(loaded.samples.empty());
  fs::remove(path);
}

TEST(Checkpoint, ImageLayout) {
  const std::string image = detail::serialize_model(full_file());
  ASSERT_GE(image.size(), 12u);
  EXPECT_EQ(image.substr(0, 4), "CSM1");
  uint32_t version, stored_crc;
  std::memcpy(&version, image.data() + 4, 4);
  std::memcpy(&stored_crc, image.data() + image.size() - 4, 4);
  EXPECT_EQ(version, kModelFileVersion);
  EXPECT_EQ(stored_crc, crc32(image.data(), image.size() - 4));
  std::vector<std::string> tags;
  for (const Section& s : split(image)) tags.push_back(s.tag);
  const std::vector<std::string> expected = {"CONF", "VOCB", "OPTM", "PROG", "THST",
                                             "VHST", "SMPL", "CORP", "PARM"};
  EXPECT_EQ(tags, expected);
  EXPECT_EQ(join(split(image)), image);
}

TEST(Checkpoint, MissingFile) {
  const std::string path = temp_path("does_not_exist.csm");
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path, "No such file"));
}

TEST(Checkpoint, DirectoryIsNotAModel) {
  const std::string path = temp_path("dir.csm");
  fs::create_directory(path);
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path, "not a regular file"));
  fs::remove(path);
}

TEST(Checkpoint, EmptyFile) {
  const std::string path = temp_path("empty.csm");
  write_bytes(path, "");
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path, "empty file"));
  fs::remove(path);
}

TEST(Checkpoint, TooShortFile) {
  const std::string path = temp_path("short.csm");
  write_bytes(path, std::string("CSM1\x01\0\0", 7));
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path, "truncated"));
  fs::remove(path);
}

TEST(Checkpoint, WrongMagic) {
  const std::string path = temp_path("text.csm");
  write_bytes(path, "this is a plain text file, not a model at all\n");
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path, "bad magic"));

  std::string image = detail::serialize_model(full_file());
  image[3] = '2';
  fix_crc(image);
  write_bytes(path, image);
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path,
                       "not a CellScope model file (bad magic)"));
  fs::remove(path);
}

TEST(Checkpoint, WrongVersion) {
  std::string image = detail::serialize_model(full_file());
  set_u32(image, 4, 2);
  fix_crc(image);  // so the version check, not the CRC, is what fires
  const std::string path = temp_path("v2.csm");
  write_bytes(path, image);
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path,
                       "unsupported .csm version 2 (this build reads 1)"));
  fs::remove(path);
}

TEST(Checkpoint, ChecksumMismatch) {
  std::string image = detail::serialize_model(full_file());
  image[image.size() / 2] ^= 0x10;
  const std::string path = temp_path("corrupt.csm");
  write_bytes(path, image);
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path,
                       "checksum mismatch: the file is corrupted"));
  fs::remove(path);
}

TEST(Checkpoint, EveryFlippedByteIsDetected) {
  const std::string image = detail::serialize_model(full_file());
  for (std::size_t pos = 0; pos < image.size(); ++pos) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::string bad = image;
      bad[pos] = char(bad[pos] ^ mask);
      const std::string message = parse_error(bad);
      ASSERT_TRUE(is_error(message, "model.csm", "")) << "byte " << pos << ": " << message;
      ASSERT_FALSE(contains(message, "<no error>")) << "byte " << pos;
    }
  }
  // And a sample through real files.
  const std::string path = temp_path("flipped.csm");
  for (std::size_t pos = 0; pos < image.size(); pos += image.size() / 13 + 1) {
    std::string bad = image;
    bad[pos] = char(bad[pos] ^ 0x40);
    write_bytes(path, bad);
    EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path, "")) << "byte " << pos;
  }
  fs::remove(path);
}

TEST(Checkpoint, FlippedBytesWithoutCrcNeverCrash) {
  const std::string image = detail::serialize_model(full_file());
  int rejected = 0;
  for (std::size_t pos = 0; pos < image.size(); ++pos) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::string bad = image;
      bad[pos] = char(bad[pos] ^ mask);
      const std::string message = parse_error(bad, false);
      ASSERT_NE(message, "<other exception>") << "byte " << pos;
      if (message != "<no error>") {
        ASSERT_TRUE(is_error(message, "model.csm", "")) << message;
        ++rejected;
      }
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST(Checkpoint, EveryTruncationIsRejected) {
  const std::string image = detail::serialize_model(full_file());
  for (std::size_t length = 0; length < image.size(); ++length) {
    const std::string cut = image.substr(0, length);
    // With the checksum and without: PARM is written last, so the parser alone catches any cut.
    for (bool check_crc : {true, false}) {
      const std::string message = parse_error(cut, check_crc);
      ASSERT_TRUE(is_error(message, "model.csm", "")) << "length " << length << ": " << message;
      if (!check_crc && length >= 12) {
        ASSERT_TRUE(contains(message, "truncated") || contains(message, "missing section") ||
                    contains(message, "declares"))
            << "length " << length << ": " << message;
      }
    }
  }
  const std::string path = temp_path("cut.csm");
  for (std::size_t length = 0; length < image.size(); length += image.size() / 17 + 1) {
    write_bytes(path, image.substr(0, length));
    EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path, "")) << length;
  }
  fs::remove(path);
}

TEST(Checkpoint, HugeSectionLengthIsRejectedBeforeAllocating) {
  std::string image = detail::serialize_model(full_file());
  set_u64(image, section_offset(image, "PARM") + 4, uint64_t{1} << 60);
  fix_crc(image);
  const std::string path = temp_path("huge.csm");
  write_bytes(path, image);
  const std::string message = error_of([&] { load_model_file(path); });
  EXPECT_TRUE(is_error(message, path, "section PARM declares 1152921504606846976 bytes"))
      << message;
  fs::remove(path);
}

TEST(Checkpoint, HugeCountsInsideSectionsAreRejected) {
  const std::string image = detail::serialize_model(full_file());
  struct Case {
    const char* tag;
    std::size_t count_offset;  // of the u64 count within the payload
  };
  const Case cases[] = {
      {"PARM", 0}, {"VOCB", 0}, {"OPTM", 8},  {"THST", 0},
      {"VHST", 0}, {"SMPL", 0}, {"PROG", 40},  // rng_state length
  };
  for (const Case& c : cases) {
    for (uint64_t count : {uint64_t{1} << 60, ~uint64_t{0}, uint64_t{1} << 32}) {
      std::string bad = image;
      set_u64(bad, section_offset(bad, c.tag) + 12 + c.count_offset, count);
      fix_crc(bad);
      const std::string message = parse_error(bad);
      EXPECT_TRUE(is_error(message, "model.csm", std::string("section ") + c.tag + " declares"))
          << message;
    }
  }
}

TEST(Checkpoint, VocabSizeMismatch) {
  ModelFile f = full_file();
  f.model.vocab_size = 5;
  const std::string path = temp_path("mismatch.csm");
  write_bytes(path, detail::serialize_model(f));
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path,
                       "vocab_size 5 does not match the vocabulary (6 characters)"));
  fs::remove(path);
}

TEST(Checkpoint, AbsurdHiddenSize) {
  ModelFile f = full_file();
  f.model.hidden_size = 1 << 30;
  const std::string path = temp_path("hidden.csm");
  write_bytes(path, detail::serialize_model(f));
  EXPECT_TRUE(is_error(error_of([&] { load_model_file(path); }), path,
                       "hidden_size 1073741824 is out of range"));
  fs::remove(path);
}

TEST(Checkpoint, InvalidValuesAreRejected) {
  struct Case {
    std::function<void(ModelFile&)> change;
    const char* cause;
  };
  const std::vector<Case> cases = {
      {[](ModelFile& f) { f.model.hidden_size = 0; }, "hidden_size 0"},
      {[](ModelFile& f) { f.model.num_layers = 0; }, "num_layers 0"},
      {[](ModelFile& f) { f.model.num_layers = 65; }, "num_layers 65"},
      {[](ModelFile& f) { f.model.dropout = 1.0; }, "dropout 1 is out of range"},
      {[](ModelFile& f) { f.model.dropout = -0.1; }, "dropout -0.1"},
      {[](ModelFile& f) { f.model.dropout = std::nan(""); }, "dropout"},
      {[](ModelFile& f) { f.model.cell = static_cast<CellType>(7); }, "unknown cell type 7"},
      {[](ModelFile& f) { f.train.optimizer = static_cast<OptimizerType>(-1); },
       "unknown optimizer type -1"},
      {[](ModelFile& f) { f.train.clip_mode = static_cast<ClipMode>(2); }, "unknown clip mode 2"},
      {[](ModelFile& f) { f.train.seq_length = 0; }, "seq_length 0"},
      {[](ModelFile& f) { f.train.batch_size = -3; }, "batch_size -3"},
      {[](ModelFile& f) { f.train.bptt_every = -1; }, "bptt_every -1"},
      {[](ModelFile& f) { f.train.bptt_length = -1; }, "bptt_length -1"},
      {[](ModelFile& f) { f.vocabulary[3] = U'a'; }, "not strictly ascending at entry 3"},
      {[](ModelFile& f) { f.vocabulary[4] = char32_t(0xD800); },
       "entry 4 is not a valid code point (U+D800)"},
      {[](ModelFile& f) { f.vocabulary[5] = char32_t(0x110000); }, "U+110000"},
      {[](ModelFile& f) {
         f.model.vocab_size = 0;
         f.vocabulary.clear();
       },
       "vocab_size 0 is out of range"},
      {[](ModelFile& f) { f.model.vocab_size = (1 << 21) + 1; }, "vocab_size 2097153 is out"},
      {[](ModelFile& f) { f.progress.carried_batch = -1; }, "carried_batch -1"},
      {[](ModelFile& f) { f.progress.carried_batch = 0; }, "carried_batch is 0"},
  };
  for (const Case& c : cases) {
    ModelFile f = full_file();
    c.change(f);
    EXPECT_TRUE(is_error(parse_error(detail::serialize_model(f)), "model.csm", c.cause));
    // Saving refuses what loading would refuse, and writes nothing.
    const std::string path = temp_path("invalid.csm");
    EXPECT_TRUE(is_error(error_of([&] { save_model_file(path, f); }), path, c.cause));
    EXPECT_FALSE(fs::exists(path));
    EXPECT_FALSE(fs::exists(path + ".tmp"));
  }
}

TEST(Checkpoint, InvalidBooleanIsRejected) {
  std::vector<Section> sections = split(detail::serialize_model(full_file()));
  ASSERT_EQ(sections[0].tag, "CONF");
  ASSERT_EQ(sections[0].payload[40], 1);  // reset_state after 4 i32, 1 f64, 4 i32
  sections[0].payload[40] = 2;
  EXPECT_TRUE(is_error(parse_error(join(sections)), "model.csm", "invalid reset_state 2"));
}

TEST(Checkpoint, MissingRequiredSectionsAreNamed) {
  const std::vector<Section> sections = split(detail::serialize_model(full_file()));
  for (const char* tag : {"CONF", "VOCB", "PARM"}) {
    std::vector<Section> kept;
    for (const Section& s : sections) {
      if (s.tag != tag) kept.push_back(s);
    }
    EXPECT_TRUE(
        is_error(parse_error(join(kept)), "model.csm", std::string("missing section ") + tag));
  }
  // The others are optional and default.
  std::vector<Section> required;
  for (const Section& s : sections) {
    if (s.tag == "CONF" || s.tag == "VOCB" || s.tag == "PARM") required.push_back(s);
  }
  const ModelFile f = parse(join(required));
  EXPECT_EQ(f.parameters.size(), full_file().parameters.size());
  EXPECT_TRUE(f.samples.empty());
  EXPECT_EQ(f.progress.iteration, 0);
  EXPECT_TRUE(f.corpus_paths.empty());  // files from before the CORP section
  EXPECT_EQ(f.corpus_glob, "*");
}

TEST(Checkpoint, UnknownSectionsAreSkipped) {
  const ModelFile original = full_file();
  std::vector<Section> sections = split(detail::serialize_model(original));
  sections.insert(sections.begin(), Section{"XTRA", std::string("\xFF\0future data", 13)});
  sections.push_back(Section{"ZZZZ", ""});
  sections.insert(sections.begin() + 3, Section{std::string("\x01\x02\x03\x04", 4), "abc"});
  expect_same(original, parse(join(sections)));
}

TEST(Checkpoint, DuplicateSectionIsRejected) {
  std::vector<Section> sections = split(detail::serialize_model(full_file()));
  sections.push_back(sections[1]);
  EXPECT_TRUE(is_error(parse_error(join(sections)), "model.csm", "section VOCB appears twice"));
}

TEST(Checkpoint, TrailingBytesInAKnownSectionAreRejected) {
  std::vector<Section> sections = split(detail::serialize_model(full_file()));
  ASSERT_EQ(sections[2].tag, "OPTM");
  sections[2].payload += "xy";
  EXPECT_TRUE(is_error(parse_error(join(sections)), "model.csm",
                       "section OPTM has 2 unexpected trailing bytes"));
}

TEST(Checkpoint, ShortKnownSectionIsTruncated) {
  std::vector<Section> sections = split(detail::serialize_model(full_file()));
  ASSERT_EQ(sections[0].tag, "CONF");
  sections[0].payload.resize(10);
  EXPECT_TRUE(is_error(parse_error(join(sections)), "model.csm", "truncated file (section CONF"));
}

TEST(Checkpoint, SaveIntoMissingFolderThrowsAndLeavesNothing) {
  const std::string folder = temp_path("no_such_folder");
  const std::string path = folder + "/model.csm";
  EXPECT_TRUE(is_error(error_of([&] { save_model_file(path, full_file()); }), path,
                       "No such file or directory"));
  EXPECT_FALSE(fs::exists(folder));
}

TEST(Checkpoint, SaveReplacesAnExistingFileAndLeavesNoTmp) {
  const std::string folder = temp_path("folder");
  fs::create_directory(folder);
  const std::string path = folder + "/model.csm";
  ModelFile first = full_file();
  save_model_file(path, first);
  ModelFile second = full_file();
  second.progress.iteration = 2000;
  second.parameters = ramp(second.parameters.size(), 2.0f);
  save_model_file(path, second);

  EXPECT_EQ(read_bytes(path), detail::serialize_model(second));
  expect_same(second, load_model_file(path));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"model.csm"});
  fs::remove_all(folder);
}

TEST(Checkpoint, StaleTmpFileIsReplaced) {
  const std::string path = temp_path("model.csm");
  write_bytes(path + ".tmp", "left over from a crash");
  save_model_file(path, full_file());
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  expect_same(full_file(), load_model_file(path));
  fs::remove(path);
}

TEST(Checkpoint, FailedSaveLeavesTheOldFileIntact) {
  const std::string path = temp_path("model.csm");
  save_model_file(path, full_file());
  const std::string before = read_bytes(path);
  // A directory where the temporary file must go makes the save fail even as root.
  fs::create_directory(path + ".tmp");
  ModelFile other = full_file();
  other.progress.iteration = 5;
  const std::string message = error_of([&] { save_model_file(path, other); });
  EXPECT_TRUE(is_error(message, path, "model.csm.tmp")) << message;
  EXPECT_EQ(read_bytes(path), before);
  fs::remove(path + ".tmp");
  fs::remove(path);
}

TEST(Checkpoint, FailedRenameRemovesTheTmpFile) {
  // The target is a non-empty directory: the tmp file is written, then rename fails.
  const std::string path = temp_path("model.csm");
  fs::create_directory(path);
  write_bytes(path + "/keep", "x");
  const std::string message = error_of([&] { save_model_file(path, full_file()); });
  EXPECT_TRUE(is_error(message, path, "rename")) << message;
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(read_bytes(path + "/keep"), "x");
  fs::remove_all(path);
}

}  // namespace
}  // namespace cellscope
