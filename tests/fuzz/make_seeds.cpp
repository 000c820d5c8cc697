// Writes the seed corpora under DIR/<target>/ (run by hand after a format change:
//   build-robust/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
// and commit the files). Small valid inputs of every kind plus the bad cases the unit tests
// know: truncations, bad magic and versions, huge declared sizes, lying safetensors headers,
// invalid UTF-8, regex patterns (good ones, and refused: back-references, stacked quantifiers),
// command lines and option values.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "detectors.h"
#include "model.h"
#include "safetensors.h"
#include "watch_record.h"

namespace {

using namespace cellscope;
namespace fs = std::filesystem;

void put(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << bytes;
}

void set_u32(std::string& b, std::size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); }
void set_u64(std::string& b, std::size_t at, uint64_t v) { std::memcpy(&b[at], &v, 8); }
void fix_crc(std::string& b) { set_u32(b, b.size() - 4, crc32(b.data(), b.size() - 4)); }

ModelFile model(CellType cell, int V, int H, int L) {
  ModelFile f;
  f.model.cell = cell;
  f.model.vocab_size = V;
  f.model.hidden_size = H;
  f.model.num_layers = L;
  for (char32_t cp = U'a'; static_cast<int>(f.vocabulary.size()) < V; ++cp) {
    f.vocabulary.push_back(cp);
  }
  f.parameters.assign(parameter_count(f.model), 0.0f);
  for (std::size_t i = 0; i < f.parameters.size(); ++i) f.parameters[i] = 0.01f * (i % 7);
  return f;
}

void csm_seeds(const fs::path& dir) {
  ModelFile lstm = model(CellType::kLstm, 3, 2, 1);
  put(dir, "lstm_minimal.csm", detail::serialize_model(lstm));

  ModelFile full = model(CellType::kLstm, 4, 3, 2);
  full.optimizer_steps = 5;
  full.optimizer_state.assign(2 * full.parameters.size(), 0.001f);
  full.progress.iteration = 10;
  full.progress.epoch = 1;
  full.progress.cursor = 2;
  full.progress.learning_rate = 1e-3;
  full.progress.carried_batch = 2;
  full.progress.carried_state.assign(2 * 2 * 3 * 2, 0.1f);
  full.train_history = {{5, 0.5, 1.0, 1.3}, {10, 1.0, 2.0, 1.1}};
  full.val_history = {{10, 1.0, 2.0, 1.2}};
  full.samples = {{10, 1.2, 0.8, "abba\n"}};
  full.corpus_paths = {"/data/text.txt"};
  full.corpus_glob = "*.txt";
  WatchRecord w;
  full.watch = {w};
  put(dir, "lstm_full.csm", detail::serialize_model(full));

  ModelFile gru = model(CellType::kGru, 3, 2, 2);
  gru.model.gru_reset_after = true;
  gru.parameters.assign(parameter_count(gru.model), 0.5f);
  put(dir, "gru_reset_after.csm", detail::serialize_model(gru));
  ModelFile rnn = model(CellType::kRnn, 2, 2, 1);
  rnn.model.rnn_relu = true;
  put(dir, "rnn_relu.csm", detail::serialize_model(rnn));

  const std::string image = detail::serialize_model(lstm);
  put(dir, "bad_truncated.csm", image.substr(0, image.size() / 2));
  put(dir, "bad_magic.csm", "CSM2" + image.substr(4));
  std::string version = image;
  set_u32(version, 4, 2);
  fix_crc(version);
  put(dir, "bad_version.csm", version);
  std::string huge_section = image;
  set_u64(huge_section, 8 + 4, uint64_t{1} << 60);
  fix_crc(huge_section);
  put(dir, "bad_huge_section.csm", huge_section);
  std::string huge_vocab = image;
  const std::size_t vocb = huge_vocab.find("VOCB");
  set_u64(huge_vocab, vocb + 12, uint64_t{1} << 31);
  fix_crc(huge_vocab);
  put(dir, "bad_vocab_2_31.csm", huge_vocab);

  ModelFile hostile = model(CellType::kLstm, 65, 2, 1);
  hostile.model.hidden_size = 16384;
  hostile.parameters.assign(189, 0.01f);
  put(dir, "bad_hidden_16384.csm", detail::serialize_model(hostile));
  hostile.model.num_layers = 64;
  put(dir, "bad_hidden_16384_64_layers.csm", detail::serialize_model(hostile));
  ModelFile empty = lstm;
  empty.parameters.clear();
  put(dir, "bad_empty_parm.csm", detail::serialize_model(empty));
  ModelFile nan = lstm;
  nan.train.sample_temperature = std::numeric_limits<double>::quiet_NaN();
  put(dir, "bad_nan_temperature.csm", detail::serialize_model(nan));
  ModelFile rate = lstm;
  rate.train.learning_rate = -1;
  put(dir, "bad_negative_learning_rate.csm", detail::serialize_model(rate));
  ModelFile carried = full;
  carried.progress.carried_batch = 3;
  put(dir, "bad_carried_state.csm", detail::serialize_model(carried));
  ModelFile order = lstm;
  order.vocabulary = {U'b', U'a', U'c'};
  put(dir, "bad_vocab_order.csm", detail::serialize_model(order));
  put(dir, "bad_empty.csm", "");
  put(dir, "bad_text.csm", "this is a plain text file, not a model at all\n");
}

std::string st(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  set_u64(out, 0, header.size());
  return out + header + data;
}

void add(std::vector<SafeTensorOut>& ts, const std::string& name, std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<float> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.01f * static_cast<float>(i % 13) - 0.05f;
  ts.push_back({name, shape, v});
}

void safetensors_seeds(const fs::path& dir, const fs::path& fixtures) {
  const std::map<std::string, std::string> abc{{"vocab", R"(["c", "a", "b"])"}};
  std::vector<SafeTensorOut> lstm;
  for (int l = 0; l < 2; ++l) {
    const std::string k = std::to_string(l);
    add(lstm, "lstm.weight_ih_l" + k, {8, l == 0 ? 3 : 2});
    add(lstm, "lstm.weight_hh_l" + k, {8, 2});
    add(lstm, "lstm.bias_ih_l" + k, {8});
    add(lstm, "lstm.bias_hh_l" + k, {8});
  }
  add(lstm, "out.weight", {3, 2});
  add(lstm, "out.bias", {3});
  put(dir, "lstm_2x2.safetensors", serialize_safetensors(lstm, abc));

  std::vector<SafeTensorOut> gru;
  add(gru, "embed.weight", {3, 2});
  add(gru, "rnn.weight_ih_l0", {6, 2});
  add(gru, "rnn.weight_hh_l0", {6, 2});
  add(gru, "rnn.bias_ih_l0", {6});
  add(gru, "rnn.bias_hh_l0", {6});
  add(gru, "head.weight", {3, 2});
  add(gru, "head.bias", {3});
  put(dir, "gru_embedding.safetensors", serialize_safetensors(gru, abc));

  std::vector<SafeTensorOut> rnn;
  add(rnn, "weight_ih_l0", {2, 3});
  add(rnn, "weight_hh_l0", {2, 2});
  add(rnn, "fc.weight", {3, 2});
  add(rnn, "fc.bias", {3});
  put(dir, "rnn_no_bias_relu.safetensors",
      serialize_safetensors(rnn, {{"vocab", R"(["x","y","z"])"}, {"nonlinearity", "relu"}}));

  for (const char* name : {"rnn_tanh.safetensors", "rnn_relu.safetensors"}) {
    std::ifstream in(fixtures / name, std::ios::binary);
    put(dir, std::string("fixture_") + name,
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  }

  const std::string f32 = R"("dtype":"F32")";
  put(dir, "bad_not_json.safetensors", st("{not json", ""));
  put(dir, "bad_header_length.safetensors", st("{}", "") .replace(0, 1, "\xff"));
  put(dir, "bad_beyond_data.safetensors",
      st(R"({"w":{)" + f32 + R"(,"shape":[65536,16384],"data_offsets":[0,4294967296]}})", ""));
  put(dir, "bad_negative_offset.safetensors",
      st(R"({"w":{)" + f32 + R"(,"shape":[1],"data_offsets":[-4,0]}})", std::string(4, '\0')));
  put(dir, "bad_overflow_shape.safetensors",
      st(R"({"w":{)" + f32 + R"(,"shape":[4294967296,4294967296,0],"data_offsets":[0,0]}})", ""));
  put(dir, "bad_overlap.safetensors",
      st(R"({"a":{)" + f32 + R"(,"shape":[2],"data_offsets":[0,8]},"b":{)" + f32 +
             R"(,"shape":[2],"data_offsets":[4,12]}})",
         std::string(12, '\0')));
  put(dir, "bad_gap.safetensors",
      st(R"({"w":{)" + f32 + R"(,"shape":[1],"data_offsets":[4,8]}})", std::string(8, '\0')));
  put(dir, "bad_dtype.safetensors",
      st(R"({"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]},"__metadata__":{"a":"b"}})",
         std::string(1, '\0')));
  put(dir, "bad_deep.safetensors", st(R"({"__metadata__":)" + std::string(40, '['), ""));
  put(dir, "bad_import_f16_bf16_i64.safetensors",
      st(R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},)"
         R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},)"
         R"("i":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}})",
         std::string("\x00\x3c\x00\x7c\x80\x3f\x80\xff\x07\0\0\0\0\0\0\0", 16)));
}

void utf8_seeds(const fs::path& dir) {
  // Byte 0: options (bit 0 replace, bit 1 given vocabulary, bit 2 allow unknown, bit 3 tiny
  // blocks, bits 4-6 val_frac); then the text.
  put(dir, "ascii.txt", std::string("\x00", 1) + "hello world\nabba baab\n");
  put(dir, "ascii_val.txt", "\x38" "the quick brown fox jumps over the lazy dog\n");
  put(dir, "multibyte.txt", "\x09h\xc3\xa9llo \xce\xbb \xf0\x9f\x98\x80 \xe2\x82\xac\n");
  put(dir, "vocab_unknown.txt", "\x0e" "ab ba\nxyz\n");
  put(dir, "vocab_strict.txt", "\x0a" "ab ba\n\xc3\xa9\n");
  put(dir, "bad_overlong.txt", "\x01" "a\xc0\xaf" "b\xe0\x80\xaf");
  put(dir, "bad_surrogate.txt", "\x09" "a\xed\xa0\x80z\xed\xbf\xbf");
  put(dir, "bad_truncated.txt", "\x01" "ab\xe2\x82");
  put(dir, "bad_above_max.txt", "\x09" "\xf4\x90\x80\x80\xf5\x80\x80\x80xy");
  put(dir, "bad_lone_continuation.txt", "\x00" "\x80\x80\xbf");
  put(dir, "one_char.txt", "\x00" "a");
  std::string longer = "\x49";  // replace, small blocks of 125 bytes (input above 512 bytes)
  for (int i = 0; i < 30; ++i) longer += "h\xc3\xa9llo \xce\xbb \xf0\x9f\x98\x80 \xe2\x82\xac\n";
  put(dir, "long_small_blocks.txt", longer + "\xff");
  put(dir, "empty.txt", "");
}

void detector_seeds(const fs::path& dir) {
  const std::string code =
      "/* comment */\nint main(void) {\n  if (x > 1) { puts(\"a \\\"q\\\" b\"); }\n"
      "  char c = '\\'';\n  // url http://example.com/x?y=1\n}\n";
  const std::string latex =
      "\\begin{itemize}\\item $x^2$ and $$y$$ \\(z\\) \\[w\\] \\$5\n\\end{itemize}\n";
  const std::string prose = "He said \"hello (there)\" and 'left'.\n\nmailto:a@b.c gopher://x\n";
  const std::size_t n = detector_list().size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string text = i % 3 == 0 ? code : i % 3 == 1 ? latex : prose;
    put(dir, "detector_" + detector_list()[i].name + ".txt", std::string(1, char(i)) + text);
  }
  const char regex_pick = static_cast<char>(n);
  const std::vector<std::pair<std::string, std::string>> patterns = {
      {"regex_plain", "a+b"},
      {"regex_lines", "^#.*$"},
      {"bad_regex_backref", "(a)\\1"},  // RE2 leaves back-references out (linear time)
      {"bad_regex_stacked_quantifiers", "a**"},
      {"regex_dot_all", "(?s)a.b"},
      {"regex_class", "[\\s\\S]{2,5}"},
      {"regex_alternation", "a|ab|abc"},
      {"bad_regex_unbalanced", "(a"},
      {"bad_regex_range", "[z-a]"},
  };
  for (const auto& [name, pattern] : patterns) {
    put(dir, name + ".txt", std::string(1, regex_pick) + pattern + std::string(1, '\0') + code);
  }
  put(dir, "invalid_utf8_text.txt", std::string(1, '\0') + "\xff\xfe\"a\"");
}

// Byte 0: 0 a whole command line (arguments split at NUL), 1 --range, 2 --watch, 3 --max-memory.
// The files named are /dev/null, which CLI11's ExistingFile check accepts anywhere.
void cli_args_seeds(const fs::path& dir) {
  auto line = [](std::initializer_list<std::string> args) {
    std::string joined;
    for (const std::string& a : args) joined += (joined.empty() ? "" : std::string(1, '\0')) + a;
    return std::string(1, '\0') + joined;
  };
  const std::vector<std::pair<std::string, std::string>> seeds = {
      {"train", line({"train", "--corpus", "/dev/null", "--out", "m.csm", "--rnn-size", "64",
                      "--num-layers", "2", "--learning-rate", "0.004", "--watch", "url,regex:a,b",
                      "--max-memory", "1.5G", "--seq-length", "50", "--dropout", "0.25"})},
      {"match", line({"match", "/dev/null", "--text", "/dev/null", "--range", "10:20",
                      "--min-separation", "0.5", "--layer", "-1"})},
      {"sample", line({"sample", "/dev/null", "--temperature", "0.8", "--top-k", "5", "--length",
                       "100", "--seed", "7"})},
      {"find", line({"find", "/dev/null", "--text", "/dev/null", "--detector", "regex:\"[^\"]*\"",
                     "--quantity", "tanh-cell", "--top", "0"})},
      {"help", line({"probe", "--help"})},
      {"version", line({"--version"})},
      {"range", std::string(1, '\1') + " 3 : 9 "},
      {"watch", std::string(1, '\2') + "url,double-quote,regex:x{1,3},y"},
      {"max_memory", std::string(1, '\3') + "512M"},
      {"bad_match_range", line({"match", "/dev/null", "--text", "/dev/null", "--range", "5"})},
      {"bad_negative_size", line({"train", "--corpus", "/dev/null", "--rnn-size", "-3"})},
      {"bad_unknown_option", line({"eval", "/dev/null", "--frobnicate"})},
      {"bad_no_subcommand", line({})},
      {"bad_watch_empty_name", line({"train", "--corpus", "/dev/null", "--watch", "url,,x"})},
      {"bad_max_memory", line({"train", "--corpus", "/dev/null", "--max-memory", "12X"})},
      {"bad_range", std::string(1, '\1') + "9:"},
      {"bad_watch", std::string(1, '\2') + ","},
      {"bad_max_memory_overflow", std::string(1, '\3') + "99999999999999999999T"},
  };
  for (const auto& [name, bytes] : seeds) put(dir, name + ".bin", bytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR (writes DIR/<target>/...)\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  csm_seeds(root / "csm");
  safetensors_seeds(root / "safetensors", fs::path(CELLSCOPE_SOURCE_DIR) / "tests/fixtures/pytorch");
  utf8_seeds(root / "utf8_corpus");
  detector_seeds(root / "detectors");
  cli_args_seeds(root / "cli_args");
  return 0;
}
