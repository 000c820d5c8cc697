// The .csm CVAR section (cell variants for PyTorch models): round trip, absent from files of the
// default cells (so they stay byte-identical to older builds' files), files without it load as
// the defaults, and a variant on the wrong cell type is refused with a message naming the field.
#include <gtest/gtest.h>

#include <string>

#include "checkpoint.h"
#include "error.h"

namespace cellscope {
namespace {

ModelFile small_file(CellType cell) {
  ModelFile f;
  f.model.cell = cell;
  f.model.vocab_size = 2;
  f.model.hidden_size = 3;
  f.model.num_layers = 1;
  f.vocabulary = {U'a', U'b'};
  f.parameters = {0.5f, -1.0f, 2.0f};
  return f;
}

bool has_tag(const std::string& image, const std::string& tag) {
  return image.find(tag) != std::string::npos;
}

std::string parse_error(const std::string& image) {
  try {
    detail::parse_model_bytes("v.csm", image, true);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(CheckpointVariants, ResetAfterGruRoundTrips) {
  ModelFile f = small_file(CellType::kGru);
  f.model.gru_reset_after = true;
  const std::string image = detail::serialize_model(f);
  EXPECT_TRUE(has_tag(image, "CVAR"));
  const ModelFile back = detail::parse_model_bytes("v.csm", image, true);
  EXPECT_TRUE(back.model.gru_reset_after);
  EXPECT_FALSE(back.model.rnn_relu);
  EXPECT_EQ(back.parameters, f.parameters);
}

TEST(CheckpointVariants, ReluRnnRoundTrips) {
  ModelFile f = small_file(CellType::kRnn);
  f.model.rnn_relu = true;
  const ModelFile back = detail::parse_model_bytes("v.csm", detail::serialize_model(f), true);
  EXPECT_TRUE(back.model.rnn_relu);
  EXPECT_FALSE(back.model.gru_reset_after);
}

TEST(CheckpointVariants, DefaultCellsWriteNoVariantSection) {
  for (CellType cell : {CellType::kRnn, CellType::kGru, CellType::kLstm}) {
    const std::string image = detail::serialize_model(small_file(cell));
    EXPECT_FALSE(has_tag(image, "CVAR")) << to_string(cell);
    const ModelFile back = detail::parse_model_bytes("v.csm", image, true);
    EXPECT_FALSE(back.model.gru_reset_after);
    EXPECT_FALSE(back.model.rnn_relu);
  }
}

TEST(CheckpointVariants, VariantOnTheWrongCellIsRefused) {
  ModelFile gru_flag_on_lstm = small_file(CellType::kLstm);
  gru_flag_on_lstm.model.gru_reset_after = true;
  const std::string error = parse_error(detail::serialize_model(gru_flag_on_lstm));
  EXPECT_NE(error.find("v.csm: gru_reset_after"), std::string::npos) << error;

  ModelFile relu_on_gru = small_file(CellType::kGru);
  relu_on_gru.model.rnn_relu = true;
  EXPECT_NE(parse_error(detail::serialize_model(relu_on_gru)).find("rnn_relu"), std::string::npos);
  EXPECT_THROW(save_model_file(::testing::TempDir() + "never_written.csm", relu_on_gru), Error);
}

}  // namespace
}  // namespace cellscope
