// WorkerModel: what a worker thread needs to run a model file — its vocabulary and its own
// Model<float> (a model is never shared between threads). load() turns a bad file into a
// message instead of an exception; encode() maps a text to ids, characters outside the
// vocabulary through its fallback id (see Vocabulary::fallback_id), counting them.
#pragma once

#include <QString>
#include <QtGlobal>
#include <memory>
#include <string>

#include "corpus.h"
#include "model.h"
#include "vocabulary.h"

namespace cellscope {
struct ModelFile;
}

// The part of a model file a worker needs (configuration, vocabulary, parameters), shared and
// immutable: without the optimizer moments, histories and samples of a training file.
std::shared_ptr<const cellscope::ModelFile> workerModelFile(const cellscope::ModelFile& file);

struct WorkerModel {
  cellscope::Vocabulary vocabulary;
  std::unique_ptr<cellscope::Model<float>> model;

  // Builds the model; returns the engine's message (empty on success).
  QString load(const cellscope::ModelFile& file);
  cellscope::EncodedText encode(const std::u32string& text, qint64* unknown = nullptr) const;
};

// Replaces `engine` (a WorkerModel or a struct derived from it) by one built from `file`; a
// null file leaves none. Returns the error (empty on success; then `engine` is set).
template <typename Engine>
QString reloadWorkerModel(std::unique_ptr<Engine>& engine, const cellscope::ModelFile* file) {
  engine.reset();
  if (file == nullptr) return {};
  auto fresh = std::make_unique<Engine>();
  const QString error = fresh->load(*file);
  if (error.isEmpty()) engine = std::move(fresh);
  return error;
}
