// LSTMVis export, read back through the HDF5 C library: every layer's cell and hidden states
// equal the probe's, the ids and the .dict as LSTMVis parses them, lstm.yml's sections; a GRU
// has only hidden states; an occupied folder, a cancellation or a failure leave nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "error.h"
#include "inspect_test_helpers.h"
#include "lstmvis_export.h"
#include "test_lstmvis_read.h"

namespace cellscope {
namespace {

namespace fs = std::filesystem;
using testing_util::read_dict;
using testing_util::read_hdf5;
using testing_util::read_text;
using testing_util::TextAndModel;

// A fresh folder for this test (unique per process and test).
fs::path test_folder() {
  const fs::path dir = testing_util::temp_path("lstmvis");
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

void expect_states(const fs::path& file, const char* dataset, const Mat<float>& expected) {
  const testing_util::Hdf5Array a = read_hdf5(file.string(), dataset);
  ASSERT_EQ(a.dims.size(), 2u) << file << " " << dataset;
  ASSERT_TRUE(a.is_float);
  ASSERT_EQ(a.dims[0], static_cast<hsize_t>(expected.cols()));  // n positions
  ASSERT_EQ(a.dims[1], static_cast<hsize_t>(expected.rows()));  // H neurons
  int64_t mismatches = 0;
  for (Eigen::Index t = 0; t < expected.cols(); ++t) {
    for (Eigen::Index h = 0; h < expected.rows(); ++h) {
      mismatches += a.floats[static_cast<std::size_t>(t * expected.rows() + h)] != expected(h, t);
    }
  }
  EXPECT_EQ(mismatches, 0) << file << " " << dataset;
}

TEST(LstmVisExport, LstmStatesIdsAndDictReadBackAsTheProbeSees) {
  // Text with spaces, tabs, newlines and a no-break space (all must become dict tokens).
  struct {
    std::string chars = testing_util::mixed_text(700, 5) + "\t\xC2\xA0x\n";
    Vocabulary vocab = testing_util::vocab_of(chars);
    EncodedText text = testing_util::encode_text(vocab, chars);
    std::unique_ptr<Model<float>> model =
        testing_util::random_model(CellType::kLstm, vocab.size(), 6, 2, 17);
  } m;
  const int64_t n = static_cast<int64_t>(m.text.size());

  const fs::path root = test_folder();
  const fs::path out = root / "project";
  Probe probe(*m.model, m.text, {64, 128});
  ASSERT_TRUE(export_lstmvis(probe, m.text, m.vocab, out.string(), {"a name: \"quoted\"", "d"}));
  EXPECT_EQ(entries(root), std::set<std::string>{"project"});  // no temporary folder left
  EXPECT_EQ(entries(out), (std::set<std::string>{"lstm.yml", "states_layer1.h5",
                                                 "states_layer2.h5", "words.h5", "chars.dict"}));

  Probe reference(*m.model, m.text, {64, 128});
  const Window w = reference.window(0, n);
  for (int l = 0; l < 2; ++l) {
    const fs::path file = out / lstmvis_layer_file(l);
    EXPECT_EQ(testing_util::hdf5_datasets(file.string()),
              (std::vector<std::string>{"cell", "hidden"}));
    expect_states(file, "cell", w.of(l, Quantity::kCell));
    expect_states(file, "hidden", w.of(l, Quantity::kHidden));
  }
  const testing_util::Hdf5Array words = read_hdf5((out / "words.h5").string(), "words");
  ASSERT_EQ(words.dims, std::vector<hsize_t>{static_cast<hsize_t>(n)});
  ASSERT_FALSE(words.is_float);
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(words.ints[static_cast<std::size_t>(i)], m.text[static_cast<std::size_t>(i)]) << i;
  }

  const auto dict = read_dict((out / "chars.dict").string());
  ASSERT_EQ(static_cast<int>(dict.size()), m.vocab.size());
  std::set<std::string> tokens;
  for (int id = 0; id < m.vocab.size(); ++id) {
    EXPECT_EQ(dict[static_cast<std::size_t>(id)].second, id);
    tokens.insert(dict[static_cast<std::size_t>(id)].first);
    EXPECT_EQ(dict[static_cast<std::size_t>(id)].first, lstmvis_token(m.vocab.code_point(id)));
  }
  EXPECT_EQ(static_cast<int>(tokens.size()), m.vocab.size());  // one token per id
  for (const char* t : {"<space>", "<newline>", "<tab>", "<U+00A0>", "\"", "x"}) {
    EXPECT_EQ(tokens.count(t), 1u) << t;
  }

  const std::string yml = read_text((out / "lstm.yml").string());
  for (const char* line :
       {"name: \"a name: \\\"quoted\\\"\"\n", "description: \"d\"\n", "files:\n",
        "  layer1: states_layer1.h5\n", "  layer2: states_layer2.h5\n", "  ids: words.h5\n",
        "  chars: chars.dict\n", "word_sequence:\n  file: ids\n  path: words\n  dict_file: chars\n",
        "states:\n  file: layer1\n  types:\n",
        "    - {type: state, layer: 1, file: layer1, path: cell}\n",
        "    - {type: output, layer: 1, file: layer1, path: hidden}\n",
        "    - {type: state, layer: 2, file: layer2, path: cell}\n",
        "    - {type: output, layer: 2, file: layer2, path: hidden}\n"}) {
    EXPECT_NE(yml.find(line), std::string::npos) << line << "\nin:\n" << yml;
  }
}

TEST(LstmVisExport, GruHasHiddenStatesOnly) {
  const TextAndModel m(CellType::kGru, 300, 2, 5, 1, 3);
  const fs::path out = test_folder() / "gru";
  Probe probe(*m.model, m.text);
  ASSERT_TRUE(export_lstmvis(probe, m.text, m.vocab, out.string(), {"g", "gru"}));
  const fs::path file = out / lstmvis_layer_file(0);
  EXPECT_EQ(testing_util::hdf5_datasets(file.string()), std::vector<std::string>{"hidden"});
  Probe reference(*m.model, m.text);
  expect_states(file, "hidden", reference.window(0, 300).of(0, Quantity::kHidden));
  const std::string yml = read_text((out / "lstm.yml").string());
  EXPECT_EQ(yml.find("type: state"), std::string::npos);
  EXPECT_NE(yml.find("    - {type: output, layer: 1, file: layer1, path: hidden}\n"),
            std::string::npos);
}

TEST(LstmVisExport, NothingIsLeftBehindOnRefusalCancellationOrFailure) {
  const TextAndModel m(CellType::kLstm, 400, 4, 4, 1, 9);
  const fs::path root = test_folder();
  Probe probe(*m.model, m.text, {64, 128});

  // An occupied folder is refused before any work and left as it was.
  const fs::path occupied = root / "occupied";
  fs::create_directories(occupied);
  { std::ofstream(occupied / "keep.txt") << "mine"; }
  try {
    export_lstmvis(probe, m.text, m.vocab, occupied.string(), {});
    ADD_FAILURE() << "an occupied folder was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(occupied.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries(occupied), std::set<std::string>{"keep.txt"});

  // Cancelled half-way: false, and no folder (nor temporary one).
  int calls = 0;
  EXPECT_FALSE(export_lstmvis(probe, m.text, m.vocab, (root / "cancelled").string(), {},
                              [&](double) { return ++calls < 3; }));
  EXPECT_GE(calls, 3);
  EXPECT_EQ(entries(root), std::set<std::string>{"occupied"});

  // An empty folder is filled; a path with a trailing slash names the folder.
  const fs::path empty = root / "empty";
  fs::create_directories(empty);
  ASSERT_TRUE(export_lstmvis(probe, m.text, m.vocab, empty.string() + "/", {}));
  EXPECT_EQ(entries(empty).count("lstm.yml"), 1u);
  EXPECT_EQ(entries(root), (std::set<std::string>{"occupied", "empty"}));

  // A folder that cannot be created (its parent is a file): a clear error, nothing written.
  EXPECT_THROW(export_lstmvis(probe, m.text, m.vocab, (occupied / "keep.txt" / "x").string(), {}),
               Error);
  EXPECT_EQ(entries(occupied), std::set<std::string>{"keep.txt"});
}

TEST(LstmVisExport, TokensKeepPrintableCharactersAndNameInvisibleOnes) {
  EXPECT_EQ(lstmvis_token(U'a'), "a");
  EXPECT_EQ(lstmvis_token(U'<'), "<");
  EXPECT_EQ(lstmvis_token(U'é'), "\xC3\xA9");
  EXPECT_EQ(lstmvis_token(U' '), "<space>");
  EXPECT_EQ(lstmvis_token(U'\n'), "<newline>");
  EXPECT_EQ(lstmvis_token(U'\t'), "<tab>");
  EXPECT_EQ(lstmvis_token(U'\r'), "<return>");
  EXPECT_EQ(lstmvis_token(U'\v'), "<U+000B>");
  EXPECT_EQ(lstmvis_token(U'\u2028'), "<U+2028>");
  EXPECT_EQ(lstmvis_token(U'\u3000'), "<U+3000>");
  EXPECT_EQ(lstmvis_token(U'\uFEFF'), "<U+FEFF>");
}

}  // namespace
}  // namespace cellscope
