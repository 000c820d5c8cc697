// Every bad safetensors file and every state_dict the import cannot map exactly: each fails
// with one line naming the file, the key and the reason (and, through the CLI, writes nothing:
// see tests/cli/test_interop_cli.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>

#include "error.h"
#include "pytorch_import.h"
#include "safetensors.h"

namespace cellscope {
namespace {

// A valid 2-layer nn.LSTM (H = 2) with a head over "abc", one-hot input, as named tensors.
struct Dict {
  std::vector<SafeTensorOut> tensors;
  std::map<std::string, std::string> metadata{{"vocab", R"(["c", "a", "b"])"}};
  SafeTensorOut* find(const std::string& name) {
    for (auto& t : tensors) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }
  void add(const std::string& name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> v(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.01f * static_cast<float>(i % 17) - 0.05f;
    tensors.push_back({name, shape, v});
  }
  void remove(const std::string& name) {
    tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                 [&](const SafeTensorOut& t) { return t.name == name; }),
                  tensors.end());
  }
  std::string bytes() const { return serialize_safetensors(tensors, metadata); }
};

Dict lstm_dict() {
  Dict d;
  for (int l = 0; l < 2; ++l) {
    const std::string k = std::to_string(l);
    d.add("lstm.weight_ih_l" + k, {8, l == 0 ? 3 : 2});
    d.add("lstm.weight_hh_l" + k, {8, 2});
    d.add("lstm.bias_ih_l" + k, {8});
    d.add("lstm.bias_hh_l" + k, {8});
  }
  d.add("out.weight", {3, 2});
  d.add("out.bias", {3});
  return d;
}

// Runs `f`, expects an Error whose one-line message holds every one of `parts`.
void expect_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one with '" << parts[0] << "'";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    for (const auto& p : parts) EXPECT_NE(what.find(p), std::string::npos) << what << " lacks " << p;
  }
}

void expect_import_error(const Dict& d, const std::vector<std::string>& parts,
                         const ImportOptions& options = {}) {
  expect_error([&] { import_pytorch(SafetensorsFile::parse("bad.safetensors", d.bytes()), options); },
               parts);
}

// A raw image: 8-byte length + header text + data.
std::string raw_image(const std::string& header, const std::string& data, uint64_t claimed = 0) {
  const uint64_t n = claimed ? claimed : header.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

void expect_parse_error(const std::string& bytes, const std::vector<std::string>& parts) {
  expect_error([&] { SafetensorsFile::parse("bad.safetensors", bytes); }, parts);
}

TEST(SafetensorsContainer, ValidDictParses) {
  const SafetensorsFile f = SafetensorsFile::parse("ok", lstm_dict().bytes());
  EXPECT_EQ(f.tensors().size(), 10u);
  EXPECT_EQ(f.metadata().at("vocab"), R"(["c", "a", "b"])");
  EXPECT_EQ(f.floats(*f.find("out.bias")).size(), 3u);
  EXPECT_NO_THROW(import_pytorch(f));
}

TEST(SafetensorsContainer, TooShort) { expect_parse_error("abc", {"bad.safetensors", "shorter"}); }

TEST(SafetensorsContainer, HeaderLengthLies) {
  expect_parse_error(raw_image("{}", "", 4096), {"bad.safetensors", "header size 4096", "exceeds"});
  expect_parse_error(raw_image("{}", "", uint64_t(1) << 40), {"absurd"});
}

TEST(SafetensorsContainer, HeaderNotJson) {
  expect_parse_error(raw_image("{\"a\": [1,", ""), {"not valid JSON"});
  expect_parse_error(raw_image("[1, 2]", ""), {"not a JSON object"});
}

TEST(SafetensorsContainer, OffsetsBeyondTheData) {
  expect_parse_error(raw_image(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                               std::string(8, '\0')),
                     {"'w'", "beyond the data"});
}

TEST(SafetensorsContainer, SizeDoesNotMatchShape) {
  expect_parse_error(raw_image(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                               std::string(8, '\0')),
                     {"'w'", "8 bytes", "needs 12"});
}

TEST(SafetensorsContainer, OverlappingOffsets) {
  expect_parse_error(
      raw_image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                std::string(12, '\0')),
      {"'b'", "overlap", "'a'"});
}

TEST(SafetensorsContainer, NegativeOffsets) {
  expect_parse_error(raw_image(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", ""),
                     {"'w'", "negative"});
  expect_parse_error(raw_image(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})",
                               std::string(4, '\0')),
                     {"'w'", "negative"});
}

TEST(SafetensorsContainer, AbsurdShapeOverflows) {
  expect_parse_error(
      raw_image(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})",
                std::string(4, '\0')),
      {"'w'", "absurdly large"});
}

TEST(SafetensorsContainer, GapsAndTrailingBytes) {
  expect_parse_error(raw_image(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                               std::string(8, '\0')),
                     {"'w'", "gap of 4 bytes"});
  expect_parse_error(raw_image(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                               std::string(8, '\0')),
                     {"4 bytes after the last tensor"});
}

TEST(SafetensorsContainer, UnknownDtypeAndBadMetadata) {
  expect_parse_error(raw_image(R"({"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}})",
                               std::string(1, '\0')),
                     {"'w'", "unknown dtype 'Q7'"});
  expect_parse_error(raw_image(R"({"__metadata__":{"vocab":3}})", ""), {"'vocab'", "not a string"});
  expect_parse_error(raw_image(R"({"w":{"dtype":"F32","shape":[1]}})", ""), {"'w'", "lacks"});
}

TEST(SafetensorsContainer, HalfPrecisionWidensExactly) {
  // F16 1.0 = 0x3C00, -2.5 = 0xC100, smallest subnormal 0x0001 = 2^-24; BF16 1.5 = 0x3FC0.
  const std::string data("\x00\x3C\x00\xC1\x01\x00\xC0\x3F", 8);
  const SafetensorsFile f = SafetensorsFile::parse(
      "half", raw_image(R"({"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},)"
                        R"("b":{"dtype":"BF16","shape":[1],"data_offsets":[6,8]}})",
                        data));
  const auto h = f.floats(*f.find("h"));
  EXPECT_EQ(h[0], 1.0f);
  EXPECT_EQ(h[1], -2.5f);
  EXPECT_EQ(h[2], std::ldexp(1.0f, -24));
  EXPECT_EQ(f.floats(*f.find("b"))[0], 1.5f);
}

TEST(PytorchImportErrors, Bidirectional) {
  Dict d = lstm_dict();
  d.add("lstm.weight_ih_l0_reverse", {8, 3});
  expect_import_error(d, {"bad.safetensors", "'lstm.weight_ih_l0_reverse'", "bidirectional"});
}

TEST(PytorchImportErrors, ProjSize) {
  Dict d = lstm_dict();
  d.add("lstm.weight_hr_l0", {1, 2});
  expect_import_error(d, {"'lstm.weight_hr_l0'", "proj_size"});
}

TEST(PytorchImportErrors, MissingHead) {
  Dict d = lstm_dict();
  d.remove("out.weight");
  d.remove("out.bias");
  expect_import_error(d, {"bad.safetensors", "no output head"});
}

TEST(PytorchImportErrors, MissingLayerTensor) {
  Dict d = lstm_dict();
  d.remove("lstm.weight_hh_l1");
  expect_import_error(d, {"'lstm.weight_hh_l1'", "missing"});
  Dict e = lstm_dict();
  e.remove("lstm.bias_hh_l1");
  expect_import_error(e, {"'lstm.bias_hh_l1'", "missing"});
}

TEST(PytorchImportErrors, ShapeMismatch) {
  Dict d = lstm_dict();
  d.find("lstm.weight_hh_l1")->shape = {4, 4};
  expect_import_error(d, {"'lstm.weight_hh_l1'", "shape [4, 4], expected [8, 2]"});
  Dict e = lstm_dict();
  e.remove("lstm.weight_ih_l0");
  e.add("lstm.weight_ih_l0", {8, 5});  // neither V = 3 columns nor an embedding
  expect_import_error(e, {"'lstm.weight_ih_l0'", "one-hot input needs 3 columns"});
  Dict g = lstm_dict();
  g.find("lstm.weight_hh_l0")->shape = {10, 2};
  g.find("lstm.weight_hh_l0")->values.resize(20);
  expect_import_error(g, {"'lstm.weight_hh_l0'", "5 gate blocks"});
}

TEST(PytorchImportErrors, UnsupportedDtype) {
  // A well-formed file whose input weights are float64.
  const std::string header =
      R"({"__metadata__":{"vocab":"[\"a\"]"},"r.weight_ih_l0":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]},)"
      R"("r.weight_hh_l0":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]},)"
      R"("o.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[12,16]},)"
      R"("o.bias":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}})";
  expect_error([&] {
    import_pytorch(SafetensorsFile::parse("bad.safetensors", raw_image(header, std::string(20, '\0'))));
  }, {"'r.weight_ih_l0'", "F64 is not supported"});
}

TEST(PytorchImportErrors, LayerNormAndOtherModules) {
  Dict d = lstm_dict();
  d.add("norm.weight", {2});
  d.add("norm.bias", {2});
  expect_import_error(d, {"'norm.", "layer norm"});
}

TEST(PytorchImportErrors, Vocabulary) {
  Dict d = lstm_dict();
  d.metadata.clear();
  expect_import_error(d, {"no vocabulary", "--vocab"});
  d.metadata["vocab"] = R"(["a", "b"])";
  expect_import_error(d, {"2 characters", "'out.weight' predicts 3"});
  d.metadata["vocab"] = R"(["a", "b", "a"])";
  expect_import_error(d, {"U+0061 repeats"});
  d.metadata["vocab"] = R"(["a", "bc", "d"])";
  expect_import_error(d, {"entry 1 holds 2 characters"});
  ImportOptions o;
  o.vocab_json = "not json";
  o.vocab_source = "v.json";
  expect_import_error(lstm_dict(), {"v.json", "not valid JSON"}, o);
}

TEST(PytorchImportErrors, NonFiniteWeights) {
  Dict d = lstm_dict();
  d.find("lstm.bias_ih_l1")->values[3] = std::numeric_limits<float>::quiet_NaN();
  expect_import_error(d, {"'lstm.bias_ih_l1'", "non-finite"});
}

TEST(PytorchImportErrors, TwoStacksOrNone) {
  Dict d = lstm_dict();
  d.add("other.weight_ih_l0", {8, 3});
  expect_import_error(d, {"'other.weight_ih_l0'", "second recurrent module"});
  Dict e;
  e.add("out.weight", {3, 2});
  expect_import_error(e, {"no recurrent layer"});
}

TEST(PytorchImportErrors, RnnNonlinearity) {
  Dict d;
  d.add("rnn.weight_ih_l0", {2, 3});
  d.add("rnn.weight_hh_l0", {2, 2});
  d.add("out.weight", {3, 2});
  d.add("out.bias", {3});  // bias=False recurrent layer: zero biases, accepted
  ImportOptions o;
  o.nonlinearity = "sigmoid";
  expect_import_error(d, {"'sigmoid'", "neither tanh nor relu"}, o);
  o.nonlinearity = "relu";
  EXPECT_TRUE(import_pytorch(SafetensorsFile::parse("ok", d.bytes()), o).file.model.rnn_relu);
}

}  // namespace
}  // namespace cellscope
