// The .csm CVAR section (cell variants for PyTorch models): round trip, absent from files of the
// default cells (so they stay byte-identical to older builds' files), files without it load as
// the defaults, and a variant on the wrong cell type is refused with a message naming the field.
#include <gtest/gtest.h>

#include <string>

#include "checkpoint.h"
#include "error.h"
#include "model.h"

namespace cellscope {
namespace {

// A 1 x 3 model over two characters with the weights its configuration needs (the reset-after
// GRU has one more column in Wh, so the variant is set before counting).
ModelFile small_file(CellType cell, bool gru_reset_after = false, bool rnn_relu = false) {
  ModelFile f;
  f.model.cell = cell;
  f.model.vocab_size = 2;
  f.model.hidden_size = 3;
  f.model.num_layers = 1;
  f.model.gru_reset_after = gru_reset_after;
  f.model.rnn_relu = rnn_relu;
  f.vocabulary = {U'a', U'b'};
  f.parameters.assign(parameter_count(f.model), 0.5f);
  f.parameters[1] = -1.0f;
  f.parameters[2] = 2.0f;
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
  const ModelFile f = small_file(CellType::kGru, true);
  const std::string image = detail::serialize_model(f);
  EXPECT_TRUE(has_tag(image, "CVAR"));
  const ModelFile back = detail::parse_model_bytes("v.csm", image, true);
  EXPECT_TRUE(back.model.gru_reset_after);
  EXPECT_FALSE(back.model.rnn_relu);
  EXPECT_EQ(back.parameters, f.parameters);
}

TEST(CheckpointVariants, ReluRnnRoundTrips) {
  const ModelFile f = small_file(CellType::kRnn, false, true);
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
