// Validation split: the held-out end of the corpus a model was trained on, read through the
// engine's corpus code with the model's val-frac and vocabulary (unknown characters allowed,
// invalid UTF-8 replaced), so the explorer shows the characters the model was validated on.
// No widgets: the result is the text and its title, or a sentence saying why not.
#pragma once

#include <QString>
#include <QStringList>
#include <string>

namespace cellscope {
struct ModelFile;
}

struct ValidationSplit {
  std::u32string text;
  QString title;  // "Validation split of NAME (last P%)"
  QString error;  // empty on success

  bool ok() const { return error.isEmpty(); }
};

// The last val-frac of `corpusPaths` (folders matched with `glob`) for `model`, the file at
// `modelPath` (named in messages). A model trained without a split, or a corpus that cannot be
// read, gives an error naming the model or the file.
ValidationSplit loadValidationSplit(const cellscope::ModelFile& model, const QString& modelPath,
                                    const QStringList& corpusPaths, const QString& glob);
