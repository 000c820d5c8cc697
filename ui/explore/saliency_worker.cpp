// SaliencyWorker: states_[k] is the explorer model's state after reading the first
// k·kStateEvery characters (filled on demand, forgotten with the text or the model); a click
// forwards from the nearest one below its window's start. Every engine call is wrapped: an
// exception becomes the result's error.
#include "saliency_worker.h"

#include <QFileInfo>
#include <algorithm>
#include <chrono>
#include <exception>

#include "checkpoint.h"
#include "common/worker_model.h"
#include "error.h"
#include "saliency.h"

struct SaliencyWorker::Engine : WorkerModel {
  std::vector<int32_t> ids;                              // the text, encoded for this model
  std::vector<cellscope::ModelState<float>> states;      // after k·kStateEvery characters
  std::unique_ptr<cellscope::SaliencyComputer<float>> computer;

  // Reads ids[from, to) into `state`, in chunks.
  void forward(qint64 from, qint64 to, cellscope::ModelState<float>& state) {
    for (qint64 at = from; at < to;) {
      const int T = static_cast<int>(std::min<qint64>(256, to - at));
      model->forward(ids.data() + at, nullptr, cellscope::ChunkSpec{T, 1, 0, T}, state, false,
                     nullptr);
      at += T;
    }
  }

  // The state after reading ids[0, end).
  cellscope::ModelState<float> stateAfter(qint64 end) {
    if (states.empty()) states.push_back(model->zero_state(1));
    const auto wanted = static_cast<std::size_t>(end / kStateEvery);
    while (states.size() <= wanted) {
      cellscope::ModelState<float> next = states.back();
      const qint64 from = static_cast<qint64>(states.size() - 1) * kStateEvery;
      forward(from, from + kStateEvery, next);
      states.push_back(std::move(next));
    }
    cellscope::ModelState<float> state = states[wanted];
    forward(static_cast<qint64>(wanted) * kStateEvery, end, state);
    return state;
  }
};

namespace {

std::vector<int32_t> idsOf(const cellscope::EncodedText& text) {
  std::vector<int32_t> ids(text.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = text[i];
  return ids;
}

}  // namespace

SaliencyWorker::SaliencyWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<SaliencyRequest>();
  qRegisterMetaType<SaliencyResult>();
  qRegisterMetaType<HorizonRequest>();
  qRegisterMetaType<HorizonResult>();
  qRegisterMetaType<std::shared_ptr<const cellscope::ModelFile>>();
  qRegisterMetaType<std::u32string>();
}

SaliencyWorker::~SaliencyWorker() = default;

QString SaliencyWorker::describe(const QString& name, const cellscope::ModelFile& file) {
  return QStringLiteral("%1 \u2014 %2 %3\u00d7%4")
      .arg(name, QString::fromStdString(cellscope::to_string(file.model.cell)))
      .arg(file.model.num_layers)
      .arg(file.model.hidden_size);
}

void SaliencyWorker::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  modelError_ = reloadWorkerModel(engine_, file.get());
  encodeText();
}

void SaliencyWorker::setText(const std::u32string& text) {
  text_ = text;
  encodeText();
}

void SaliencyWorker::encodeText() {
  if (!engine_) return;
  engine_->computer.reset();
  engine_->states.clear();
  engine_->ids = idsOf(engine_->encode(text_));
  engine_->computer = std::make_unique<cellscope::SaliencyComputer<float>>(*engine_->model);
}

void SaliencyWorker::saliency(const SaliencyRequest& request) {
  if (wantedSaliency_.load(std::memory_order_relaxed) != request.jobId) return;  // superseded
  SaliencyResult result;
  result.jobId = request.jobId;
  result.position = request.position;
  result.window = request.window;
  result.neuronTarget = request.neuronTarget;
  try {
    if (!engine_) {
      throw cellscope::Error(modelError_.isEmpty() ? "no model is open"
                                                   : modelError_.toStdString());
    }
    cellscope::SaliencyOptions options;
    options.window = request.window;
    options.target = request.neuronTarget ? cellscope::SaliencyTarget::kNeuron
                                          : cellscope::SaliencyTarget::kLogProbability;
    options.layer = request.layer;
    options.neuron = request.neuron;
    options.quantity = request.quantity;
    const auto n = static_cast<qint64>(engine_->ids.size());
    cellscope::check_saliency(engine_->model->config(), n, request.position, options);
    const cellscope::ModelState<float> start =
        engine_->stateAfter(cellscope::saliency_window_begin(request.position, options));
    const cellscope::Saliency s =
        engine_->computer->compute(engine_->ids.data(), n, request.position, start, options);
    result.value = s.value;
    result.byDistance = s.by_distance;
  } catch (const std::exception& error) {
    result.error = QString::fromUtf8(error.what());
  }
  emit saliencyReady(result);
}

void SaliencyWorker::horizon(const HorizonRequest& request) {
  using Clock = std::chrono::steady_clock;
  HorizonResult result;
  result.jobId = request.jobId;
  result.window = request.window;
  const auto wanted = [&] {
    return wantedHorizon_.load(std::memory_order_relaxed) == request.jobId;
  };
  const qint64 length = static_cast<qint64>(text_.size());
  result.characters = request.limit > 0 ? std::min(request.limit, length) : length;
  const std::u32string text = text_.substr(0, static_cast<std::size_t>(result.characters));
  if (request.models.empty()) result.error = tr("no model to measure: open or add one");
  if (text.size() < 2) result.error = tr("the text is too short for a memory horizon");
  const auto count = static_cast<double>(request.models.size());
  auto last = Clock::now();
  for (std::size_t m = 0; m < request.models.size() && result.error.isEmpty(); ++m) {
    if (!wanted()) break;
    const HorizonModel& entry = request.models[m];
    HorizonLine line;
    line.name = entry.name;
    try {
      if (!entry.file) throw cellscope::Error("no model file");
      line.cellType = QString::fromStdString(cellscope::to_string(entry.file->model.cell));
      line.label = describe(entry.name, *entry.file);
      WorkerModel model;
      const QString error = model.load(*entry.file);
      if (!error.isEmpty()) throw cellscope::Error(error.toStdString());
      cellscope::SaliencyOptions options;
      options.window = request.window;
      const auto progress = [&](double fraction) {
        if (Clock::now() - last >= std::chrono::milliseconds(kProgressMilliseconds)) {
          emit horizonProgress(request.jobId, (static_cast<double>(m) + fraction) / count);
          last = Clock::now();
        }
        return wanted();
      };
      const cellscope::MemoryHorizon h = cellscope::memory_horizon(
          *model.model, model.encode(text), options, std::max<qint64>(1, request.stride), progress);
      if (h.mean.empty()) break;  // cancelled
      line.mean = h.mean;
      line.positions = h.positions;
    } catch (const std::exception& error) {
      line.error = QStringLiteral("%1: %2").arg(entry.name, QString::fromUtf8(error.what()));
    }
    result.lines.push_back(std::move(line));
  }
  result.cancelled = !wanted();
  if (!result.cancelled) emit horizonProgress(request.jobId, 1.0);
  emit horizonReady(result);
}
