// PyTorchImporter: one import at a time, as a chain of worker-thread steps joined on the GUI
// thread: read (+ map) → [ask for a vocabulary → read again] → ask for the output → write. Engine
// messages already name the file and the key; a message that does not name the input gets it
// prefixed, so the box always says which file failed.
#include "pytorch_import_flow.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QThread>
#include <exception>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "checkpoint.h"
#include "pytorch_import.h"
#include "safetensors.h"

struct PyTorchImporter::Result {
  QString error;
  bool needsVocabulary = false;
  cellscope::ModelFile model;
  QStringList notes;
};

namespace {

std::string readVocabulary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the vocabulary file");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

PyTorchImporter::PyTorchImporter(QWidget* window) : QObject(window), window_(window) {
  chooseVocabulary_ = [this](const QString& input, const QString& suggestion) {
    return QFileDialog::getOpenFileName(
        window_,
        tr("%1 has no vocabulary: choose its JSON file").arg(QFileInfo(input).fileName()),
        suggestion, tr("Vocabulary (JSON array of characters) (*.json);;All files (*)"));
  };
  chooseOutput_ = [this](const QString&, const QString& suggestion) {
    return QFileDialog::getSaveFileName(window_, tr("Save the Imported Model"), suggestion,
                                        tr("CellScope models (*.csm)"));
  };
}

PyTorchImporter::~PyTorchImporter() {
  if (thread_) thread_->wait();
}

void PyTorchImporter::setChoosers(PathChooser vocabulary, PathChooser output) {
  chooseVocabulary_ = std::move(vocabulary);
  chooseOutput_ = std::move(output);
}

QString PyTorchImporter::suggestedOutput(const QString& input) {
  const QFileInfo info(input);
  return info.dir().filePath(info.completeBaseName() + QStringLiteral(".csm"));
}

void PyTorchImporter::chooseAndStart(const QString& startDir) {
  const QString path = QFileDialog::getOpenFileName(
      window_, tr("Import PyTorch Model"), startDir,
      tr("PyTorch state_dict (*.safetensors);;All files (*)"));
  if (!path.isEmpty()) start(path);
}

bool PyTorchImporter::start(const QString& input) {
  if (running_) return false;
  running_ = true;
  input_ = QFileInfo(input).absoluteFilePath();
  read(QString());
  return true;
}

void PyTorchImporter::runInBackground(std::function<void()> work, std::function<void()> done) {
  QThread* thread = QThread::create(std::move(work));
  connect(thread, &QThread::finished, this, [thread, done = std::move(done)] {
    thread->deleteLater();
    done();
  });
  thread_ = thread;
  thread->start();
}

void PyTorchImporter::read(const QString& vocabularyPath) {
  emit statusChanged(tr("Importing %1…").arg(QFileInfo(input_).fileName()));
  auto result = std::make_shared<Result>();
  const std::string input = QFile::encodeName(input_).toStdString();
  const std::string vocabulary = QFile::encodeName(vocabularyPath).toStdString();
  runInBackground(
      [result, input, vocabulary] {
        try {
          const cellscope::SafetensorsFile file = cellscope::SafetensorsFile::read(input);
          cellscope::ImportOptions options;
          if (!vocabulary.empty()) {
            options.vocab_json = readVocabulary(vocabulary);
            options.vocab_source = vocabulary;
          } else if (file.metadata().count("vocab") == 0) {
            result->needsVocabulary = true;
            return;
          }
          cellscope::ImportedModel imported = cellscope::import_pytorch(file, options);
          result->model = std::move(imported.file);
          for (const std::string& note : imported.notes)
            result->notes << QString::fromStdString(note);
        } catch (const std::exception& error) {
          result->error = QString::fromUtf8(error.what());
        }
      },
      [this, result] { onRead(result); });
}

void PyTorchImporter::onRead(const std::shared_ptr<Result>& result) {
  if (!result->error.isEmpty()) {
    fail(result->error);
    return;
  }
  if (result->needsVocabulary) {
    const QString vocabulary =
        chooseVocabulary_(input_, QFileInfo(input_).absolutePath());
    if (vocabulary.isEmpty()) {
      running_ = false;
      emit statusChanged(QString());
      emit cancelled();
      return;
    }
    read(vocabulary);
    return;
  }
  const QString output = chooseOutput_(input_, suggestedOutput(input_));
  if (output.isEmpty()) {
    running_ = false;
    emit statusChanged(QString());
    emit cancelled();
    return;
  }
  write(result, QFileInfo(output).absoluteFilePath());
}

void PyTorchImporter::write(const std::shared_ptr<Result>& result, const QString& output) {
  emit statusChanged(tr("Writing %1…").arg(QFileInfo(output).fileName()));
  const std::string path = QFile::encodeName(output).toStdString();
  auto error = std::make_shared<QString>();
  runInBackground(
      [result, path, error] {
        try {
          cellscope::save_model_file(path, result->model);  // atomic: PATH.tmp, fsync, rename
        } catch (const std::exception& e) {
          *error = QString::fromUtf8(e.what());
        }
      },
      [this, result, output, error] {
        if (!error->isEmpty()) {
          fail(*error);
          return;
        }
        running_ = false;
        emit statusChanged(QString());
        emit imported(output, result->notes);
      });
}

void PyTorchImporter::fail(const QString& reason) {
  running_ = false;
  emit statusChanged(QString());
  QString message = reason;
  const QString name = QFileInfo(input_).fileName();
  if (!message.contains(name)) message = tr("Cannot import %1: %2").arg(input_, reason);
  QMessageBox::critical(window_, tr("Cannot import PyTorch model"), message);
  emit failed(message);
}
