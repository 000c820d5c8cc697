// WorkerModel: the vocabulary is rebuilt from the file's code points and the model through
// model_from_file, which validates the parameter count against the configuration.
#include "worker_model.h"

#include <exception>

#include "checkpoint.h"
#include "trainer.h"

std::shared_ptr<const cellscope::ModelFile> workerModelFile(const cellscope::ModelFile& file) {
  auto slim = std::make_shared<cellscope::ModelFile>();
  slim->model = file.model;
  slim->train = file.train;
  slim->vocabulary = file.vocabulary;
  slim->parameters = file.parameters;
  return slim;
}

QString WorkerModel::load(const cellscope::ModelFile& file) {
  try {
    vocabulary = cellscope::Vocabulary(file.vocabulary);
    model = cellscope::model_from_file(file, "the model");
  } catch (const std::exception& error) {
    model.reset();
    return QString::fromUtf8(error.what());
  }
  return {};
}

cellscope::EncodedText WorkerModel::encode(const std::u32string& text, qint64* unknown) const {
  cellscope::EncodedText encoded(vocabulary.size(), text.size());
  qint64 missing = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    int id = vocabulary.id_of(text[i]);
    if (id < 0) {
      id = vocabulary.fallback_id();
      ++missing;
    }
    encoded.set(i, id);
  }
  if (unknown != nullptr) *unknown = missing;
  return encoded;
}
