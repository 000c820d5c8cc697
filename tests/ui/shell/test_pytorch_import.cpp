// File → Import PyTorch Model…, a dropped .safetensors and `cellscope MODEL.safetensors`, with
// the committed fixtures (tests/fixtures/pytorch/) and no dialogs: the importer's choosers are
// replaced by functions that record what they were asked and answer with temp paths. A good file
// is saved where chosen (suggested next to the input) and opened; a file without a vocabulary
// asks for one; a bad file gives a message box naming it and writes nothing; cancelling the
// save writes nothing.
#include <gtest/gtest.h>

#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

#include "checkpoint.h"
#include "explore/explorer_pane.h"
#include "safetensors.h"
#include "shell/main_window.h"
#include "shell/pytorch_import_flow.h"
#include "ui_test_util.h"

namespace {

using ui_test::MessageBoxCatcher;
using ui_test::waitFor;

QString fixture(const char* name) {
  // tests/ui/shell/ → tests/fixtures/pytorch/
  return QFileInfo(QStringLiteral(__FILE__))
      .dir()
      .filePath(QStringLiteral("../../fixtures/pytorch/") + QLatin1String(name));
}

// What the choosers were asked; answers `output` (empty: cancel) and `vocabulary`.
struct Choices {
  QString output;
  QString vocabulary;
  int outputAsked = 0;
  int vocabularyAsked = 0;
  QString suggestedOutput;

  void install(MainWindow& window) {
    window.pytorchImporter()->setChoosers(
        [this](const QString&, const QString&) {
          ++vocabularyAsked;
          return vocabulary;
        },
        [this](const QString&, const QString& suggestion) {
          ++outputAsked;
          suggestedOutput = suggestion;
          return output;
        });
  }
};

QStringList filesIn(const QString& dir) {
  return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

TEST(ShellPyTorchImport, ImportsAFixtureSavesItWhereChosenAndOpensIt) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  MainWindow window;
  Choices choices;
  choices.output = QDir(dir.path()).filePath(QStringLiteral("imported.csm"));
  choices.install(window);
  const QString input = fixture("lstm.safetensors");
  ASSERT_TRUE(QFileInfo(input).isFile()) << input.toStdString();
  ASSERT_TRUE(window.importPyTorchModel(input));
  EXPECT_FALSE(window.importPyTorchModel(input)) << "one import at a time";
  ASSERT_TRUE(waitFor([&] { return window.modelPath() == choices.output; }));
  EXPECT_EQ(choices.vocabularyAsked, 0) << "the fixture has its vocabulary in the metadata";
  EXPECT_EQ(QDir::cleanPath(choices.suggestedOutput),
            QDir::cleanPath(QFileInfo(input).dir().filePath(QStringLiteral("lstm.csm"))));
  ASSERT_NE(window.model(), nullptr);
  EXPECT_EQ(window.model()->model.cell, cellscope::CellType::kLstm);
  EXPECT_EQ(window.model()->model.num_layers, 2);
  EXPECT_EQ(window.model()->model.vocab_size, 22);
  EXPECT_EQ(filesIn(dir.path()), QStringList{QStringLiteral("imported.csm")});
  EXPECT_FALSE(window.pytorchImporter()->isRunning());
}

TEST(ShellPyTorchImport, AsksForTheVocabularyWhenTheFileHasNone) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  // The GRU fixture re-written without its __metadata__, and its vocabulary as a JSON file.
  const cellscope::SafetensorsFile original =
      cellscope::SafetensorsFile::read(QFile::encodeName(fixture("gru_embedding.safetensors")).toStdString());
  std::vector<cellscope::SafeTensorOut> tensors;
  for (const cellscope::SafeTensor& t : original.tensors())
    tensors.push_back({t.name, t.shape, original.floats(t)});
  const QString input = QDir(dir.path()).filePath(QStringLiteral("novocab.safetensors"));
  cellscope::write_safetensors(QFile::encodeName(input).toStdString(), tensors, {});
  const QString vocabulary = QDir(dir.path()).filePath(QStringLiteral("vocab.json"));
  {
    QFile file(vocabulary);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(original.metadata().at("vocab")));
  }

  MainWindow window;
  Choices choices;
  choices.vocabulary = vocabulary;
  choices.output = QDir(dir.path()).filePath(QStringLiteral("gru.csm"));
  choices.install(window);
  ASSERT_TRUE(window.importPyTorchModel(input));
  ASSERT_TRUE(waitFor([&] { return window.modelPath() == choices.output; }));
  EXPECT_EQ(choices.vocabularyAsked, 1);
  EXPECT_EQ(window.model()->model.cell, cellscope::CellType::kGru);
  EXPECT_TRUE(window.model()->model.gru_reset_after);
  EXPECT_EQ(window.model()->model.vocab_size, 22);

  // Cancelling the vocabulary question writes nothing.
  MainWindow second;
  Choices cancel;
  cancel.output = QDir(dir.path()).filePath(QStringLiteral("never.csm"));
  cancel.install(second);
  QSignalSpy cancelled(second.pytorchImporter(), &PyTorchImporter::cancelled);
  ASSERT_TRUE(second.importPyTorchModel(input));
  ASSERT_TRUE(waitFor([&] { return cancelled.count() == 1; }));
  EXPECT_EQ(cancel.outputAsked, 0);
  EXPECT_FALSE(QFileInfo::exists(cancel.output));
}

TEST(ShellPyTorchImport, ABadFileNamesItselfAndTheReasonAndWritesNothing) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString input = QDir(dir.path()).filePath(QStringLiteral("broken.safetensors"));
  {
    QFile file(input);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    const QByteArray lie("\xff\xff\x00\x00\x00\x00\x00\x00{\"a\":1}", 15);  // header too long
    file.write(lie);
  }
  MainWindow window;
  Choices choices;
  choices.output = QDir(dir.path()).filePath(QStringLiteral("out.csm"));
  choices.install(window);
  QSignalSpy failed(window.pytorchImporter(), &PyTorchImporter::failed);
  MessageBoxCatcher box;
  ASSERT_TRUE(window.importPyTorchModel(input));
  ASSERT_TRUE(waitFor([&] { return failed.count() == 1; }));
  EXPECT_TRUE(box.seen());
  EXPECT_EQ(box.icon(), QMessageBox::Critical);
  EXPECT_TRUE(box.text().contains(QStringLiteral("broken.safetensors"))) << box.text().toStdString();
  EXPECT_GT(box.text().size(), QStringLiteral("broken.safetensors").size() + 10);
  EXPECT_EQ(choices.outputAsked, 0);
  EXPECT_EQ(filesIn(dir.path()), QStringList{QStringLiteral("broken.safetensors")});
  EXPECT_EQ(window.model(), nullptr);
  EXPECT_FALSE(window.pytorchImporter()->isRunning());
}

TEST(ShellPyTorchImport, CancellingTheSaveDialogWritesNothing) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString input = QDir(dir.path()).filePath(QStringLiteral("rnn.safetensors"));
  ASSERT_TRUE(QFile::copy(fixture("rnn_tanh.safetensors"), input));
  MainWindow window;
  Choices choices;  // output empty: the save dialog is cancelled
  choices.install(window);
  QSignalSpy cancelled(window.pytorchImporter(), &PyTorchImporter::cancelled);
  ASSERT_TRUE(window.importPyTorchModel(input));
  ASSERT_TRUE(waitFor([&] { return cancelled.count() == 1; }));
  EXPECT_EQ(choices.outputAsked, 1);
  EXPECT_EQ(filesIn(dir.path()), QStringList{QStringLiteral("rnn.safetensors")});
  EXPECT_EQ(window.model(), nullptr);
}

TEST(ShellPyTorchImport, ADroppedSafetensorsFileIsImported) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  MainWindow window;
  Choices choices;
  choices.output = QDir(dir.path()).filePath(QStringLiteral("dropped.csm"));
  choices.install(window);
  window.show();
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(QFileInfo(fixture("rnn_relu.safetensors")).absoluteFilePath())});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &drop);
  ASSERT_TRUE(waitFor([&] { return window.modelPath() == choices.output; }));
  EXPECT_TRUE(window.model()->model.rnn_relu);
}

TEST(ShellPyTorchImport, TheCommandLineImportsASafetensorsFile) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  MainWindow window(fixture("lstm.safetensors"));  // the import starts once events run
  Choices choices;
  choices.output = QDir(dir.path()).filePath(QStringLiteral("cli.csm"));
  choices.install(window);
  ASSERT_TRUE(waitFor([&] { return window.modelPath() == choices.output; }));
  EXPECT_EQ(window.model()->model.vocab_size, 22);
}

}  // namespace
