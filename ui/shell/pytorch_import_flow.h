// PyTorchImporter: File → Import PyTorch Model… (also a dropped .safetensors file and
// `cellscope MODEL.safetensors`). It reads and maps the file with the engine's import_pytorch on
// a worker thread; when the file has no `vocab` metadata it asks for a vocabulary JSON file and
// maps again; then it asks where to save the .csm (default: next to the input, same name),
// writes it on a worker thread (atomically) and emits imported(). A bad file ends in a message
// box naming the file and the engine's reason, and nothing is written; cancelling a dialog
// writes nothing either. The dialogs are replaceable (setChoosers) so tests need none.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

class QThread;
class QWidget;

namespace cellscope {
struct ModelFile;
}

class PyTorchImporter : public QObject {
  Q_OBJECT

 public:
  // Gets `input` (the .safetensors) and a suggested path; returns the chosen path, empty: cancel.
  using PathChooser = std::function<QString(const QString& input, const QString& suggestion)>;

  // Dialogs and message boxes are parented to `window`.
  explicit PyTorchImporter(QWidget* window);
  ~PyTorchImporter() override;  // waits for a running read or write

  void setChoosers(PathChooser vocabulary, PathChooser output);

  // Starts importing `input`; false (and nothing happens) while another import runs.
  bool start(const QString& input);
  bool isRunning() const { return running_; }

  // Where the .csm goes by default: next to `input`, its name with .csm.
  static QString suggestedOutput(const QString& input);
  // Asks for a .safetensors file with QFileDialog, then start().
  void chooseAndStart(const QString& startDir);

 signals:
  void imported(const QString& modelPath, const QStringList& notes);
  void failed(const QString& message);  // after its message box was shown
  void cancelled();
  void statusChanged(const QString& text);

 private:
  struct Result;
  void read(const QString& vocabularyPath);
  void onRead(const std::shared_ptr<Result>& result);
  void write(const std::shared_ptr<Result>& result, const QString& output);
  void fail(const QString& message);
  void runInBackground(std::function<void()> work, std::function<void()> done);

  QWidget* window_ = nullptr;
  PathChooser chooseVocabulary_;
  PathChooser chooseOutput_;
  QString input_;
  bool running_ = false;
  QPointer<QThread> thread_;
};
