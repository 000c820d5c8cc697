// Dropped files: the local files among a drag's URLs (folders and remote URLs left out), and
// which of them to open: the first model (*.csm), the first PyTorch model (*.safetensors, to
// import) and the first other file as a text. Pure
// helpers for MainWindow's drag and drop.
#pragma once

#include <QString>
#include <QStringList>

class QMimeData;

// The local files among `mime`'s URLs, as absolute paths, in order; empty for nullptr.
QStringList droppedFiles(const QMimeData* mime);

// Whether `path` names a CellScope model (ends in .csm, any case).
bool isModelPath(const QString& path);
// Whether `path` names a PyTorch state_dict to import (ends in .safetensors, any case).
bool isPyTorchPath(const QString& path);

// What a drop of `files` opens; an empty member: nothing of that kind.
struct FilesToOpen {
  QString model;    // the first model among the files
  QString pytorch;  // the first .safetensors among them
  QString text;     // the first file that is neither
};
FilesToOpen filesToOpen(const QStringList& files);
