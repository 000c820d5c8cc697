// Dropped files: a URL counts when it is a local file that exists as a regular file now (not a
// folder); the order of the drop is kept, so "first" means first in the drag.
#include "dropped_files.h"

#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

QStringList droppedFiles(const QMimeData* mime) {
  QStringList files;
  if (mime == nullptr || !mime->hasUrls()) return files;
  for (const QUrl& url : mime->urls()) {
    if (!url.isLocalFile()) continue;
    const QFileInfo info(url.toLocalFile());
    if (info.isFile()) files << info.absoluteFilePath();
  }
  return files;
}

bool isModelPath(const QString& path) {
  return path.endsWith(QStringLiteral(".csm"), Qt::CaseInsensitive);
}

bool isPyTorchPath(const QString& path) {
  return path.endsWith(QStringLiteral(".safetensors"), Qt::CaseInsensitive);
}

FilesToOpen filesToOpen(const QStringList& files) {
  FilesToOpen open;
  for (const QString& file : files) {
    QString& slot = isModelPath(file)     ? open.model
                    : isPyTorchPath(file) ? open.pytorch
                                          : open.text;
    if (slot.isEmpty()) slot = file;
  }
  return open;
}
