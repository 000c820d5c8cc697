// Kept checkpoints: the run's stem is the model's file name without ".csm" and without a
// trailing ".iter<N>" (a kept file names its run's output the same way), so every file of one
// run lists the same set.
#include "kept_checkpoints.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>
#include <cstdlib>
#include <exception>

#include "checkpoint.h"

namespace {

const QRegularExpression& iterationSuffix() {
  static const QRegularExpression suffix(QStringLiteral("\\.iter(\\d{1,18})$"));
  return suffix;
}

}  // namespace

std::vector<KeptCheckpoint> keptCheckpointsOf(const QString& modelPath, qint64 modelIteration) {
  std::vector<KeptCheckpoint> found;
  if (modelPath.isEmpty()) return found;
  const QFileInfo model(modelPath);
  const QString absoluteModel = model.absoluteFilePath();
  QString stem = model.fileName();
  if (stem.endsWith(QStringLiteral(".csm"))) stem.chop(4);
  const bool isKeptFile = iterationSuffix().match(stem).hasMatch();
  stem.remove(iterationSuffix());
  const QDir dir = model.absoluteDir();
  const QString output = dir.absoluteFilePath(stem + QStringLiteral(".csm"));
  if (isKeptFile && QFileInfo::exists(output)) {
    try {  // a run's output that cannot be read is simply not offered
      const std::string name = QFile::encodeName(output).toStdString();
      found.push_back({output, cellscope::load_model_file(name).progress.iteration});
    } catch (const std::exception&) {
    }
  }
  const QString prefix = stem + QStringLiteral(".iter");
  for (const QString& name : dir.entryList({prefix + QStringLiteral("*.csm")}, QDir::Files)) {
    const QString digits = name.mid(prefix.size(), name.size() - prefix.size() - 4);
    bool ok = false;
    const qint64 iteration = digits.toLongLong(&ok);
    if (!ok || digits.isEmpty() || !digits.front().isDigit()) continue;
    const QString path = dir.absoluteFilePath(name);
    if (path == absoluteModel) continue;  // listed once below, with its own iteration
    found.push_back({path, iteration});
  }
  found.push_back({absoluteModel, modelIteration});
  std::sort(found.begin(), found.end(), [](const KeptCheckpoint& a, const KeptCheckpoint& b) {
    return a.iteration != b.iteration ? a.iteration < b.iteration : a.path < b.path;
  });
  return found;
}

KeptCheckpoint nearestCheckpoint(const std::vector<KeptCheckpoint>& checkpoints, qint64 iteration) {
  KeptCheckpoint best;
  qint64 bestDistance = -1;
  for (const KeptCheckpoint& c : checkpoints) {  // ascending: a tie keeps the earlier one
    const qint64 distance = std::llabs(c.iteration - iteration);
    if (bestDistance < 0 || distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  }
  return best;
}
