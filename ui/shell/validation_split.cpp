// Validation split: load_corpus with the model's vocabulary splits exactly as training did
// (the last floor(val_frac · N) characters); the encoded characters are mapped back to code
// points through that vocabulary. Every engine exception becomes the error sentence.
#include "validation_split.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <exception>

#include "checkpoint.h"
#include "corpus.h"

namespace {

QString tr(const char* text) {
  return QCoreApplication::translate("ValidationSplit", text);
}

}  // namespace

ValidationSplit loadValidationSplit(const cellscope::ModelFile& model, const QString& modelPath,
                                    const QStringList& corpusPaths, const QString& glob) {
  ValidationSplit split;
  if (!(model.train.val_frac > 0.0)) {
    split.error = tr("%1 was trained without a validation split (val-frac 0).")
                      .arg(QFileInfo(modelPath).fileName());
    return split;
  }
  try {
    cellscope::CorpusOptions options;
    for (const QString& path : corpusPaths)
      options.paths.push_back(QFile::encodeName(path).toStdString());
    options.glob = glob.toStdString();
    options.replace_invalid = true;
    options.val_frac = model.train.val_frac;
    const cellscope::Vocabulary vocabulary(model.vocabulary);
    const cellscope::Corpus corpus =
        cellscope::load_corpus(options, &vocabulary, /*allow_unknown=*/true);
    split.text.assign(corpus.val.size(), U' ');
    for (std::size_t i = 0; i < split.text.size(); ++i)
      split.text[i] = vocabulary.code_point(corpus.val[i]);
    const QString name = corpusPaths.size() == 1 ? QFileInfo(corpusPaths[0]).fileName()
                                                 : tr("%1 corpus paths").arg(corpusPaths.size());
    split.title =
        tr("Validation split of %1 (last %2%)").arg(name).arg(options.val_frac * 100.0, 0, 'g', 3);
  } catch (const std::exception& error) {
    split.text.clear();
    split.error = QString::fromUtf8(error.what());
  }
  return split;
}
