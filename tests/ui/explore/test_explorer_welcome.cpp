// The explorer's finder target, offscreen on a tiny LSTM made here: the Find target named by a
// caller (an Example) wins over the one guessed from the text for that text only, and comes back
// when the same text is probed again under a reloaded model.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QTemporaryDir>
#include <string>

#include "checkpoint.h"
#include "explore/explorer_pane.h"
#include "explore/neuron_finder_panel.h"
#include "explore/text_defaults.h"
#include "model.h"
#include "ui_test_util.h"

namespace {

using cellscope::Quantity;
using ui_test::waitFor;

cellscope::ModelFile tinyModel() {
  cellscope::ModelFile file;
  const std::u32string chars = U"\n \"(){};#/*,.abcdefghijklmnopqrstuvwxyz";
  file.vocabulary.assign(chars.begin(), chars.end());
  file.model.cell = cellscope::CellType::kLstm;
  file.model.vocab_size = static_cast<int32_t>(file.vocabulary.size());
  file.model.hidden_size = 8;
  file.model.num_layers = 1;
  cellscope::Model<float> model(file.model);
  model.init_params(5);
  file.parameters = model.params().to_vector();
  return file;
}

QString writeFile(const QTemporaryDir& dir, const char* name, const QByteArray& bytes) {
  const QString path = dir.filePath(QString::fromLatin1(name));
  QFile file(path);
  EXPECT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(bytes);
  return path;
}

const char kProse[] = "she said \"hi there\" and left.\nhe said \"no\".\n";
const char kCode[] = "/* a comment */\nint f(int x) {\n  return x;\n}\n#include <a.h>\n";

struct Pane {
  cellscope::ModelFile model = tinyModel();
  QTemporaryDir dir;
  ExplorerPane pane;

  Pane() { pane.resize(1000, 600); }
  bool open(const QString& path) {
    pane.openText(path);
    return waitFor(
        [&] { return pane.textPath() == path && !pane.isProbing() && pane.isColoured(); });
  }
  QString target() const {
    return pane.findChild<QComboBox*>(QStringLiteral("finderDetectorCombo"))
        ->currentData()
        .toString();
  }
  Quantity quantity() const {
    return static_cast<Quantity>(
        pane.findChild<QComboBox*>(QStringLiteral("finderQuantityCombo"))->currentData().toInt());
  }
};

}  // namespace

TEST(ExplorerFinderTarget, ANamedTargetWinsForItsTextOnly) {
  Pane p;
  const QString prose = writeFile(p.dir, "prose.txt", kProse);
  const QString code = writeFile(p.dir, "code.c", kCode);
  ASSERT_EQ(text_defaults::defaultDetector(QString::fromLatin1(kProse).toStdU32String()),
            "double-quote");
  ASSERT_EQ(text_defaults::defaultDetector(QString::fromLatin1(kCode).toStdU32String()),
            "c-comment");
  p.pane.setModel(p.model);

  // Without a named target, the text decides.
  ASSERT_TRUE(p.open(prose));
  EXPECT_EQ(p.target(), QStringLiteral("double-quote"));
  EXPECT_EQ(p.quantity(), Quantity::kTanhCell);

  p.pane.setFinderTarget(QStringLiteral("line-position"), Quantity::kCell);
  EXPECT_EQ(p.target(), QStringLiteral("line-position")) << "shown at once";
  ASSERT_TRUE(p.open(code));
  EXPECT_EQ(p.target(), QStringLiteral("line-position"));
  EXPECT_EQ(p.quantity(), Quantity::kCell);

  // A model reloaded over the same text keeps it (its quantity list is refilled meanwhile).
  p.pane.setModel(p.model);
  ASSERT_TRUE(waitFor([&] { return !p.pane.isProbing() && p.pane.isColoured(); }));
  EXPECT_EQ(p.target(), QStringLiteral("line-position"));
  EXPECT_EQ(p.quantity(), Quantity::kCell);

  // Another text goes back to the automatic target.
  ASSERT_TRUE(p.open(prose));
  EXPECT_EQ(p.target(), QStringLiteral("double-quote"));
}

TEST(ExplorerFinderTarget, ARegexTargetFillsTheRegexField) {
  Pane p;
  const QString prose = writeFile(p.dir, "prose.txt", kProse);
  p.pane.setModel(p.model);
  p.pane.setFinderTarget(QStringLiteral("regex:\"[^\"]*\""), Quantity::kHidden);
  ASSERT_TRUE(p.open(prose));
  EXPECT_EQ(p.target(), QString::fromLatin1(NeuronFinderPanel::kRegexTarget));
  EXPECT_EQ(p.pane.findChild<QLineEdit*>(QStringLiteral("finderRegexEdit"))->text(),
            QStringLiteral("\"[^\"]*\""));
  EXPECT_EQ(p.quantity(), Quantity::kHidden);
}
