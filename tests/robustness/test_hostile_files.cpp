// Hostile sizes: small files whose headers declare huge models (16384 hidden units, 1, 2 or 64
// layers, a vocabulary of 2^31 characters), absurd or overlapping safetensors offsets, or
// layers that hold no weights. Each is refused with an error naming the field before anything
// large is allocated: this process's peak memory grows by < 10 MB, and the real cellscope-cli
// (sample, train --resume) peaks within 10 MB of the same command on a tiny valid model.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "error.h"
#include "model.h"
#include "process_util.h"
#include "pytorch_import.h"
#include "safetensors.h"

namespace cellscope {
namespace {

using robustness::peak_growth_kb;
using robustness::run_child;
using robustness::unique_temp_dir;
using robustness::write_file;

// The issue's bound: < 10 MB. Under ThreadSanitizer every byte the program touches also touches
// shadow memory (a 100,000-value header measured 11.0 MB there), so the tsan
// build checks the same refusals against twice the bound; every other build uses 10 MB.
#if defined(__SANITIZE_THREAD__)
constexpr long kBudgetKb = 20 * 1024;
#else
constexpr long kBudgetKb = 10 * 1024;
#endif

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::bad_alloc&) {
    return "<bad_alloc>";
  }
  return "<no error>";
}

// An LSTM over 65 characters declaring H = 16384 and `layers` layers, holding 189 weights
// (about 9 KB, as the file that cost 8.4 GB before the parameter count was checked at load).
std::string hostile_csm(int layers) {
  ModelFile f;
  f.model.cell = CellType::kLstm;
  f.model.vocab_size = 65;
  f.model.hidden_size = 16384;
  f.model.num_layers = layers;
  for (char32_t cp = U' '; f.vocabulary.size() < 65; ++cp) f.vocabulary.push_back(cp);
  f.parameters.assign(189, 0.01f);
  return detail::serialize_model(f);
}

// A tiny valid model (the baseline for the CLI's memory).
ModelFile tiny_model() {
  ModelFile f;
  f.model.vocab_size = 3;
  f.model.hidden_size = 8;
  f.model.num_layers = 1;
  f.vocabulary = {U'\n', U'a', U'b'};
  f.parameters.assign(parameter_count(f.model), 0.01f);
  return f;
}

TEST(HostileCsm, HugeDeclaredModelsAreRefusedWithoutAllocating) {
  const std::string dir = unique_temp_dir("csm");
  const robustness::RemoveOnExit cleanup{dir};
  for (int layers : {1, 2, 64}) {
    const std::string path = dir + "/huge" + std::to_string(layers) + ".csm";
    write_file(path, hostile_csm(layers));
    ModelConfig config;
    config.vocab_size = 65;
    config.hidden_size = 16384;
    config.num_layers = layers;
    std::string message;
    const long grew = peak_growth_kb([&] { message = error_of([&] { load_model_file(path); }); });
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("section PARM holds 189 parameters"), std::string::npos) << message;
    EXPECT_NE(message.find("hidden_size 16384, num_layers " + std::to_string(layers)),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("needs " + std::to_string(parameter_count(config))), std::string::npos)
        << message;
    EXPECT_LT(grew, kBudgetKb) << layers << " layers: peak grew by " << grew << " kB";
  }
}

TEST(HostileCsm, VocabularyOfTwoToThe31IsRefusedWithoutAllocating) {
  std::string image = detail::serialize_model(tiny_model());
  // VOCB's count (the u64 after the section header) claims 2^31 characters.
  const std::size_t vocb = image.find("VOCB");
  ASSERT_NE(vocb, std::string::npos);
  const uint64_t claimed = uint64_t{1} << 31;
  std::memcpy(&image[vocb + 12], &claimed, 8);
  const std::size_t end = image.size() - 4;
  const uint32_t crc = crc32(image.data(), end);
  std::memcpy(&image[end], &crc, 4);
  std::string message;
  const long grew =
      peak_growth_kb([&] { message = error_of([&] { detail::parse_model_bytes("v.csm", image, true); }); });
  EXPECT_NE(message.find("v.csm: "), std::string::npos) << message;
  EXPECT_NE(message.find("section VOCB declares 2147483648"), std::string::npos) << message;
  EXPECT_LT(grew, kBudgetKb);
}

// A raw safetensors image: 8-byte header length, header, data.
std::string safetensors_image(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const uint64_t n = header.size();
  std::memcpy(&out[0], &n, 8);
  return out + header + data;
}

TEST(HostileSafetensors, LyingHeadersAreRefusedWithoutAllocating) {
  struct Case {
    const char* what;
    std::string header;
    std::string data;
    const char* cause;
  };
  const std::string f32 = R"("dtype":"F32")";
  const std::vector<Case> cases = {
      {"16384 x 16384 x 64 layers with no data",
       R"({"lstm.weight_hh_l63":{)" + f32 + R"(,"shape":[65536,16384],"data_offsets":[0,4294967296]}})",
       "", "lies beyond the data"},
      {"vocabulary of 2^31",
       R"({"out.weight":{)" + f32 + R"(,"shape":[2147483648,16384],"data_offsets":[0,16]}})",
       std::string(16, '\0'), "bytes for F32 of its shape"},
      {"negative offset", R"({"w":{)" + f32 + R"(,"shape":[1],"data_offsets":[-4,0]}})",
       std::string(4, '\0'), "negative"},
      {"overflowing shape",
       R"({"w":{)" + f32 + R"(,"shape":[4294967296,4294967296,0,7],"data_offsets":[0,0]}})", "",
       "absurdly large"},
      {"overflowing offsets",
       R"({"w":{)" + f32 + R"(,"shape":[1],"data_offsets":[18446744073709551612,18446744073709551616]}})",
       std::string(4, '\0'), "data_offsets"},
      {"overlapping tensors",
       R"({"a":{)" + f32 + R"(,"shape":[2],"data_offsets":[0,8]},"b":{)" + f32 +
           R"(,"shape":[2],"data_offsets":[4,12]}})",
       std::string(12, '\0'), "overlap"},
      {"deep nesting", R"({"__metadata__":)" + std::string(100000, '[') + "}", "",
       "nests deeper than"},
      {"100,000 values", "[" + [] {
         std::string s;
         for (int i = 0; i < 100000; ++i) s += "0,";
         return s;
       }() + "0]",
       "", "more than 65536 JSON values"},
  };
  for (const Case& c : cases) {
    const std::string image = safetensors_image(c.header, c.data);
    std::string message;
    const long grew = peak_growth_kb([&] {
      message = error_of([&] { import_pytorch(SafetensorsFile::parse("h.safetensors", image)); });
    });
    EXPECT_EQ(message.rfind("h.safetensors: ", 0), 0u) << c.what << ": " << message;
    EXPECT_NE(message.find(c.cause), std::string::npos) << c.what << ": " << message;
    EXPECT_LT(grew, kBudgetKb) << c.what << ": peak grew by " << grew << " kB";
  }
}

// Layer 0 is real (H = 256, about 1 MB); layers 1..63 are named but hold no weights. The
// import must not build the 64-layer model (268 MB with its gradients) to find that out.
TEST(HostileSafetensors, LayersWithoutWeightsAreRefusedBeforeTheModelIsBuilt) {
  std::vector<SafeTensorOut> tensors;
  auto add = [&](const std::string& name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    tensors.push_back({name, shape, std::vector<float>(static_cast<std::size_t>(n), 0.01f)});
  };
  const int64_t H = 256, G = 4, V = 3;
  add("lstm.weight_ih_l0", {G * H, V});
  add("lstm.weight_hh_l0", {G * H, H});
  for (int l = 1; l < 64; ++l) {
    add("lstm.weight_ih_l" + std::to_string(l), {0});
    add("lstm.weight_hh_l" + std::to_string(l), {0});
  }
  add("out.weight", {V, H});
  add("out.bias", {V});
  const std::string dir = unique_temp_dir("layers");
  const robustness::RemoveOnExit cleanup{dir};
  const std::string path = dir + "/empty_layers.safetensors";
  write_file(path, serialize_safetensors(tensors, {{"vocab", R"(["a","b","c"])"}}));
  tensors.clear();
  std::string message;
  const long grew = peak_growth_kb([&] {
    message = error_of([&] { import_pytorch(SafetensorsFile::read(path)); });
  });
  EXPECT_NE(message.find("tensor 'lstm.weight_ih_l1': shape [0], expected [1024, 256]"),
            std::string::npos)
      << message;
  EXPECT_LT(grew, kBudgetKb) << "peak grew by " << grew << " kB";

  // More than 64 layers is refused by the count alone.
  std::vector<SafeTensorOut> many;
  for (int l = 0; l < 65; ++l) {
    many.push_back({"rnn.weight_ih_l" + std::to_string(l), {0}, {}});
    many.push_back({"rnn.weight_hh_l" + std::to_string(l), {0}, {}});
  }
  EXPECT_NE(error_of([&] {
              import_pytorch(SafetensorsFile::parse("m.safetensors", serialize_safetensors(many, {})));
            }).find("65 recurrent layers (a CellScope model has at most 64)"),
            std::string::npos);
}

TEST(HostileSafetensors, HugeTensorNameIsRefusedBeforeTheRegex) {
  std::vector<SafeTensorOut> tensors = {{std::string(200000, 'a') + "weight_ih_l0", {1}, {0.5f}}};
  const std::string message = error_of([&] {
    import_pytorch(SafetensorsFile::parse("n.safetensors", serialize_safetensors(tensors, {})));
  });
  EXPECT_NE(message.find("n.safetensors: a tensor name of 200012 bytes"), std::string::npos)
      << message;
}

// The whole path through the real CLI: sample and train --resume refuse the file at load,
// name it and the field, write nothing, and use no more memory than on a tiny valid model.
TEST(HostileCli, SampleAndResumeRefuseAHugeDeclaredModelAtOnce) {
  const std::string dir = unique_temp_dir("cli");
  const robustness::RemoveOnExit cleanup{dir};
  const std::string cli = CELLSCOPE_CLI_PATH;
  const std::string tiny = dir + "/tiny.csm";
  save_model_file(tiny, tiny_model());
  const auto baseline = run_child({cli, "sample", tiny, "--length", "5", "--seed", "1"},
                                  dir + "/baseline.err");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.err;

  const std::string corpus = dir + "/corpus.txt";
  write_file(corpus, "abba\nbaab\nabab\n");
  for (int layers : {2, 64}) {
    const std::string hostile = dir + "/huge" + std::to_string(layers) + ".csm";
    write_file(hostile, hostile_csm(layers));
    const std::string out = dir + "/out.csm";
    const std::vector<std::vector<std::string>> commands = {
        {cli, "sample", hostile, "--length", "5"},
        {cli, "train", "--resume", hostile, "--corpus", corpus, "--out", out, "--max-iters", "1"},
    };
    for (const auto& argv : commands) {
      const auto run = run_child(argv, dir + "/run.err");
      EXPECT_EQ(run.exit_code, 1) << argv[1] << ": " << run.err;
      EXPECT_NE(run.err.find(hostile + ": section PARM holds 189 parameters"), std::string::npos)
          << run.err;
      EXPECT_EQ(run.err.find("out of memory"), std::string::npos) << run.err;
      EXPECT_LT(run.max_rss_kb - baseline.max_rss_kb, kBudgetKb)
          << argv[1] << " on " << layers << " layers peaked at " << run.max_rss_kb
          << " kB (baseline " << baseline.max_rss_kb << " kB)";
      EXPECT_FALSE(std::filesystem::exists(out));
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cellscope
