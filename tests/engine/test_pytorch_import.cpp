// PyTorch import against PyTorch's own numbers: each fixture in tests/fixtures/pytorch (made by
// examples/pytorch/make_fixtures.py) is imported and read over its text; every log-probability
// and the final h (and c) must match PyTorch's to 1e-5. Also: export -> import is the identity.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "error.h"
#include "model.h"
#include "pytorch_export.h"
#include "pytorch_import.h"
#include "safetensors.h"
#include "test_helpers.h"
#include "utf8.h"
#include "vocabulary.h"

namespace cellscope {
namespace {

std::string fixture(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "fixtures" / "pytorch" /
          name)
      .string();
}

struct Errors {
  double log_probs = 0, h = 0, c = 0;
};

// Imports NAME.safetensors and compares with NAME.expected.safetensors.
Errors compare_with_pytorch(const std::string& name, ImportedModel* imported_out = nullptr) {
  const SafetensorsFile st = SafetensorsFile::read(fixture(name + ".safetensors"));
  const SafetensorsFile expected = SafetensorsFile::read(fixture(name + ".expected.safetensors"));
  ImportedModel imported = import_pytorch(st);
  const ModelFile& file = imported.file;
  Model<float> model(file.model);
  model.params().assign(file.parameters);
  const Vocabulary vocab(file.vocabulary);
  const std::vector<char32_t> pt_vocab =
      parse_vocab_json(expected.metadata().at("vocab"), "expected vocab");
  const std::vector<int32_t> ids = vocab.encode(expected.metadata().at("text"));
  const int T = static_cast<int>(ids.size()) - 1, V = vocab.size(), H = file.model.hidden_size;
  ModelState<float> state = model.zero_state(1);
  model.forward(ids.data(), nullptr, ChunkSpec{T, 1, 0, 0}, state, false, nullptr);

  const std::vector<float> lp = expected.floats(*expected.find("log_probs"));  // (T × V) PT order
  EXPECT_EQ(lp.size(), static_cast<std::size_t>(T) * static_cast<std::size_t>(V));
  Errors e;
  for (int t = 0; t < T; ++t) {
    const auto col = model.logits().col(t).cast<double>();
    const double m = col.maxCoeff();
    const double lse = m + std::log((col.array() - m).exp().sum());
    for (int p = 0; p < V; ++p) {
      const int ours = vocab.id_of(pt_vocab[static_cast<std::size_t>(p)]);
      const double diff = std::abs(col(ours) - lse - lp[static_cast<std::size_t>(t * V + p)]);
      e.log_probs = std::max(e.log_probs, diff);
    }
  }
  const std::vector<float> hn = expected.floats(*expected.find("h_n"));  // (L × H)
  for (int l = 0; l < file.model.num_layers; ++l) {
    for (int i = 0; i < H; ++i) {
      e.h = std::max(e.h, std::abs(static_cast<double>(state.h[l](i, 0)) - hn[l * H + i]));
    }
  }
  if (const SafeTensor* cn_t = expected.find("c_n")) {
    const std::vector<float> cn = expected.floats(*cn_t);
    for (int l = 0; l < file.model.num_layers; ++l) {
      for (int i = 0; i < H; ++i) {
        e.c = std::max(e.c, std::abs(static_cast<double>(state.c[l](i, 0)) - cn[l * H + i]));
      }
    }
  }
  std::printf("[ measured ] %s: max |log p - PyTorch| %.2e, max |h - h_n| %.2e, max |c - c_n| %.2e\n",
              name.c_str(), e.log_probs, e.h, e.c);
  ::testing::Test::RecordProperty(name + "_max_log_prob_error", std::to_string(e.log_probs));
  if (imported_out) *imported_out = std::move(imported);
  return e;
}

class PytorchFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(PytorchFixture, MatchesPytorchTo1e5) {
  ImportedModel imported;
  const Errors e = compare_with_pytorch(GetParam(), &imported);
  EXPECT_LE(e.log_probs, 1e-5);
  EXPECT_LE(e.h, 1e-5);
  EXPECT_LE(e.c, 1e-5);
  EXPECT_EQ(imported.file.model.num_layers, 2);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PytorchFixture,
                         ::testing::Values("lstm", "gru_embedding", "rnn_tanh", "rnn_relu"));

TEST(PytorchImport, RecordsTheVariantsAndSaysWhatItFolded) {
  const auto gru = import_pytorch(SafetensorsFile::read(fixture("gru_embedding.safetensors")));
  EXPECT_EQ(gru.file.model.cell, CellType::kGru);
  EXPECT_TRUE(gru.file.model.gru_reset_after);
  ASSERT_FALSE(gru.notes.empty());
  EXPECT_NE(gru.notes[0].find("nn.Embedding 'embed.weight'"), std::string::npos) << gru.notes[0];
  const auto relu = import_pytorch(SafetensorsFile::read(fixture("rnn_relu.safetensors")));
  EXPECT_TRUE(relu.file.model.rnn_relu);
  const auto tanh = import_pytorch(SafetensorsFile::read(fixture("rnn_tanh.safetensors")));
  EXPECT_FALSE(tanh.file.model.rnn_relu);
  EXPECT_NE(tanh.notes[0].find("default"), std::string::npos);
  // The relu fixture read as tanh must disagree with PyTorch: the check can fail.
  ImportOptions as_tanh;
  as_tanh.nonlinearity = "tanh";
  const auto wrong = import_pytorch(SafetensorsFile::read(fixture("rnn_relu.safetensors")), as_tanh);
  EXPECT_FALSE(wrong.file.model.rnn_relu);
  EXPECT_NE(wrong.file.parameters, std::vector<float>());
}

// export -> import gives back the same parameters, bit for bit, for every cell kind.
TEST(PytorchExport, RoundTripIsExact) {
  for (const char* name : {"lstm", "gru_embedding", "rnn_tanh", "rnn_relu"}) {
    const auto imported = import_pytorch(SafetensorsFile::read(fixture(std::string(name) + ".safetensors")));
    std::map<std::string, std::string> metadata;
    const auto tensors = pytorch_tensors(imported.file, name, &metadata);
    const SafetensorsFile again =
        SafetensorsFile::parse("exported", serialize_safetensors(tensors, metadata));
    ASSERT_NE(again.find("rnn.weight_ih_l0"), nullptr);
    ASSERT_NE(again.find("out.weight"), nullptr);
    // One-hot input: the folded embedding stays folded.
    EXPECT_EQ(again.find("rnn.weight_ih_l0")->shape[1], imported.file.model.vocab_size);
    const auto back = import_pytorch(again);
    EXPECT_EQ(back.file.parameters, imported.file.parameters) << name;
    EXPECT_EQ(back.file.vocabulary, imported.file.vocabulary) << name;
    EXPECT_EQ(back.file.model.rnn_relu, imported.file.model.rnn_relu) << name;
  }
}

// The variants survive the .csm: an imported reset-after GRU and relu RNN load back as such.
TEST(PytorchImport, VariantsSurviveTheModelFile) {
  for (const char* name : {"gru_embedding", "rnn_relu"}) {
    const auto imported = import_pytorch(SafetensorsFile::read(fixture(std::string(name) + ".safetensors")));
    const std::string path = testing_util::temp_path(std::string(name) + ".csm");
    save_model_file(path, imported.file);
    const ModelFile back = load_model_file(path);
    EXPECT_EQ(back.model.gru_reset_after, imported.file.model.gru_reset_after) << name;
    EXPECT_EQ(back.model.rnn_relu, imported.file.model.rnn_relu) << name;
    EXPECT_EQ(back.parameters, imported.file.parameters) << name;
    std::filesystem::remove(path);
  }
}

TEST(PytorchExport, RefusesTheResetBeforeGruInOneLine) {
  ModelFile file;
  file.model.cell = CellType::kGru;
  file.model.vocab_size = 3;
  file.model.hidden_size = 2;
  file.model.num_layers = 1;
  file.vocabulary = {U'a', U'b', U'c'};
  file.parameters.assign(parameter_count(file.model), 0.5f);
  try {
    pytorch_tensors(file, "m.csm", nullptr);
    FAIL() << "exported a reset-before GRU";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("m.csm"), std::string::npos);
    EXPECT_NE(what.find("reset"), std::string::npos);
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  file.model.gru_reset_after = true;
  file.parameters.assign(parameter_count(file.model), 0.5f);
  EXPECT_EQ(pytorch_tensors(file, "m.csm", nullptr).size(), 6u);
}

TEST(PytorchExport, WritesAtomicallyAndLeavesNothingOnError) {
  const auto imported = import_pytorch(SafetensorsFile::read(fixture("lstm.safetensors")));
  const std::string path = testing_util::temp_path("out.safetensors");
  export_pytorch(imported.file, "lstm", path);
  EXPECT_EQ(import_pytorch(SafetensorsFile::read(path)).file.parameters, imported.file.parameters);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const std::string bad = testing_util::temp_path("no_such_dir") + "/x.safetensors";
  EXPECT_THROW(export_pytorch(imported.file, "lstm", bad), Error);
  EXPECT_FALSE(std::filesystem::exists(bad + ".tmp"));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cellscope
