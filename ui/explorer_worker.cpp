// ExplorerWorker: the file is read with QFile and decoded strictly (invalid UTF-8 is an error
// naming the file), then encoded id by id with the model's vocabulary; characters it lacks take
// the vocabulary's fallback id and are counted. The Probe keeps its states, so hover windows
// replay at most one checkpoint interval. Progress is emitted at most every ~30 ms.
#include "explorer_worker.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>
#include <chrono>
#include <exception>

#include "checkpoint.h"
#include "probe.h"
#include "trainer.h"
#include "vocabulary.h"

struct ExplorerWorker::Engine {
  cellscope::Vocabulary vocabulary;
  std::unique_ptr<cellscope::Model<float>> model;
};

struct ExplorerWorker::Text {
  quint64 id = 0;
  cellscope::EncodedText encoded;
  std::unique_ptr<cellscope::Probe> probe;  // refers to `encoded` and the engine's model
};

namespace {

// Reads `path` as strict UTF-8; fills `text` or returns an error message naming the file.
QString readText(const QString& path, std::u32string* text) {
  QFile file(path);
  if (!file.exists()) return ExplorerWorker::tr("Cannot open %1: no such file.").arg(path);
  if (QFileInfo(path).isDir())
    return ExplorerWorker::tr("Cannot open %1: it is a folder.").arg(path);
  if (!file.open(QIODevice::ReadOnly))
    return ExplorerWorker::tr("Cannot open %1: %2").arg(path, file.errorString());
  const QByteArray bytes = file.readAll();
  if (bytes.isEmpty()) return ExplorerWorker::tr("Cannot open %1: the file is empty.").arg(path);
  QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
  const QString decoded = decoder.decode(bytes);
  if (decoder.hasError())
    return ExplorerWorker::tr("Cannot open %1: it is not valid UTF-8 text.").arg(path);
  const QList<uint> ucs4 = decoded.toUcs4();
  text->assign(ucs4.begin(), ucs4.end());
  if (!text->empty() && text->front() == U'\uFEFF') text->erase(0, 1);  // byte-order mark
  if (text->empty()) return ExplorerWorker::tr("Cannot open %1: the file is empty.").arg(path);
  return {};
}

}  // namespace

ExplorerWorker::ExplorerWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ExplorerText>();
  qRegisterMetaType<ExplorerTrack>();
  qRegisterMetaType<ExplorerHover>();
  qRegisterMetaType<ExplorerProbeSummary>();
}

ExplorerWorker::~ExplorerWorker() = default;

void ExplorerWorker::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  text_.reset();  // its probe refers to the old model
  engine_.reset();
  modelError_.clear();
  if (!file) return;
  try {
    auto engine = std::make_unique<Engine>();
    engine->vocabulary = cellscope::Vocabulary(file->vocabulary);
    engine->model = cellscope::model_from_file(*file, "the model");
    engine_ = std::move(engine);
  } catch (const std::exception& error) {
    modelError_ = QString::fromUtf8(error.what());
  }
}

bool ExplorerWorker::current(quint64 textId) const {
  return text_ && text_->id == textId && wanted() == textId && text_->probe &&
         text_->probe->complete();
}

void ExplorerWorker::openText(quint64 textId, const QString& path, const NeuronSelection& neuron) {
  using Clock = std::chrono::steady_clock;
  text_.reset();
  ExplorerText loaded;
  loaded.textId = textId;
  loaded.path = path;
  ExplorerProbeSummary summary;
  summary.textId = textId;
  if (wanted() != textId) {
    summary.cancelled = true;
    emit probed(summary);
    return;
  }
  if (!engine_) {
    loaded.error = modelError_.isEmpty() ? tr("Open a model before opening a text.") : modelError_;
    emit textLoaded(loaded);
    return;
  }
  loaded.error = readText(path, &loaded.text);
  if (!loaded.error.isEmpty()) {
    emit textLoaded(loaded);
    return;
  }
  const auto start = Clock::now();
  try {
    auto text = std::make_unique<Text>();
    text->id = textId;
    const cellscope::Vocabulary& vocab = engine_->vocabulary;
    text->encoded = cellscope::EncodedText(vocab.size(), loaded.text.size());
    for (std::size_t i = 0; i < loaded.text.size(); ++i) {
      int id = vocab.id_of(loaded.text[i]);
      if (id < 0) {
        id = vocab.fallback_id();
        ++loaded.unknown;
      }
      text->encoded.set(i, id);
    }
    text_ = std::move(text);
    const int64_t length = static_cast<int64_t>(loaded.text.size());
    emit textLoaded(loaded);

    text_->probe = std::make_unique<cellscope::Probe>(*engine_->model, text_->encoded);
    ExplorerTrack track;
    track.textId = textId;
    track.neuron = neuron;
    cellscope::check_neuron(engine_->model->config(), neuron.layer, neuron.neuron, neuron.quantity);
    auto lastEmit = Clock::now();
    const bool done =
        text_->probe->run(cellscope::track_recorder(neuron.layer, neuron.neuron, neuron.quantity,
                                                    length, &track.values),
                          [&](double fraction) {
                            if (Clock::now() - lastEmit >= std::chrono::milliseconds(30)) {
                              emit progress(textId, fraction);
                              lastEmit = Clock::now();
                            }
                            return wanted() == textId;
                          });
    if (done) {
      emit progress(textId, 1.0);
      emit trackReady(track);
    } else {
      summary.cancelled = true;
      text_.reset();
    }
  } catch (const std::exception& error) {
    summary.error = tr("Cannot probe %1: %2").arg(path, QString::fromUtf8(error.what()));
    text_.reset();
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  emit probed(summary);
}

void ExplorerWorker::track(quint64 textId, const NeuronSelection& neuron) {
  if (!current(textId)) return;
  ExplorerTrack track;
  track.textId = textId;
  track.neuron = neuron;
  try {
    cellscope::check_neuron(engine_->model->config(), neuron.layer, neuron.neuron, neuron.quantity);
    track.values = text_->probe->track(neuron.layer, neuron.neuron, neuron.quantity,
                                       [this, textId](double) { return wanted() == textId; });
    if (track.values.empty()) return;  // cancelled: a newer text is wanted
  } catch (const std::exception& error) {
    track.error = QString::fromUtf8(error.what());
  }
  emit trackReady(track);
}

void ExplorerWorker::hover(quint64 textId, int position, const NeuronSelection& neuron) {
  if (!current(textId)) return;
  ExplorerHover hover;
  hover.textId = textId;
  hover.position = position;
  hover.neuron = neuron;
  try {
    const cellscope::Window window = text_->probe->window(position, position + 1, kTopPredictions);
    hover.value = window.value(position, neuron.layer, neuron.neuron, neuron.quantity);
    const cellscope::Prediction* top = window.predictions(position);
    for (int k = 0; k < window.top_k; ++k)
      hover.top.push_back({engine_->vocabulary.code_point(top[k].id), top[k].probability});
  } catch (const std::exception& error) {
    hover.error = QString::fromUtf8(error.what());
  }
  emit hoverReady(hover);
}
