// GenerationWorker's run loop: prime, then per character the distribution (copied before the
// draw), Sampler::next, the selected activation from model.layer_cache(layer) (read through the
// engine's ChunkView, batch 1, one step). Chunks go out when ~16 ms have passed. Set the logging
// rule "cellscope.generation.info=true" to log each run's rate in chars/s.
#include "generation_worker.h"

#include <QLoggingCategory>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <numeric>
#include <random>

#include "checkpoint.h"
#include "trainer.h"
#include "vocabulary.h"
#include "common/worker_model.h"

Q_LOGGING_CATEGORY(lcGeneration, "cellscope.generation", QtWarningMsg)

double CharDistribution::total() const {
  return std::accumulate(probs.begin(), probs.end(), 0.0);
}

double CharDistribution::entropyNats() const {
  double h = 0.0;
  for (float p : probs) {
    if (p > 0.0f) h -= static_cast<double>(p) * std::log(static_cast<double>(p));
  }
  return h;
}

CharDistribution CharDistribution::from(const cellscope::Vec<float>& probs) {
  CharDistribution out;
  const int V = static_cast<int>(probs.size());
  if (V <= kFullDistributionMax) {
    out.probs.assign(probs.data(), probs.data() + V);
    return out;
  }
  out.ids.resize(static_cast<std::size_t>(V));
  std::iota(out.ids.begin(), out.ids.end(), 0);
  const auto top = out.ids.begin() + kTopEntries;
  std::partial_sort(out.ids.begin(), top, out.ids.end(),
                    [&probs](int32_t a, int32_t b) { return probs(a) > probs(b); });
  out.ids.erase(top, out.ids.end());
  out.probs.reserve(kTopEntries);
  for (int32_t id : out.ids) out.probs.push_back(probs(id));
  return out;
}

struct GenerationWorker::Engine : WorkerModel {
  std::unique_ptr<cellscope::Sampler> sampler;
};

GenerationWorker::GenerationWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<GenerationChunk>();
  qRegisterMetaType<GenerationSummary>();
}

GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  modelError_ = reloadWorkerModel(engine_, file.get());
  if (engine_)
    engine_->sampler = std::make_unique<cellscope::Sampler>(*engine_->model, engine_->vocabulary);
}

void GenerationWorker::generate(const GenerationRequest& request) {
  using Clock = std::chrono::steady_clock;
  GenerationSummary summary;
  summary.runId = request.runId;
  const auto cancelled = [this, &request] { return wanted() != request.runId; };
  if (cancelled()) {
    summary.cancelled = true;
    emit finished(summary);
    return;
  }
  if (!engine_) {
    summary.error = modelError_.isEmpty() ? tr("No model loaded.") : modelError_;
    emit finished(summary);
    return;
  }

  const auto start = Clock::now();
  try {
    cellscope::Sampler& sampler = *engine_->sampler;
    const cellscope::Model<float>& model = *engine_->model;
    const NeuronSelection& sel = request.neuron;
    cellscope::check_neuron(model.config(), sel.layer, sel.neuron, sel.quantity);
    const cellscope::SampleOptions& options = request.options;
    const cellscope::ChunkView step(model, 0, 1);
    GenerationChunk chunk;
    chunk.runId = request.runId;
    summary.unknownPrime = sampler.prime(request.prime, [&] {
      chunk.primeActivations.push_back(step.values(sel.layer, sel.quantity)(sel.neuron, 0));
    });
    std::mt19937_64 rng(options.seed);

    auto lastEmit = Clock::now();
    const auto flush = [&] {
      chunk.next = CharDistribution::from(sampler.distribution(options.temperature, options.top_k));
      emit chunkReady(chunk);
      chunk.first += static_cast<int>(chunk.text.size());
      chunk.text.clear();
      chunk.activations.clear();
      chunk.distributions.clear();
      chunk.primeActivations.clear();
      lastEmit = Clock::now();
    };
    for (int i = 0; i < request.length; ++i) {
      if (cancelled()) {
        summary.cancelled = true;
        break;
      }
      chunk.distributions.push_back(
          CharDistribution::from(sampler.distribution(options.temperature, options.top_k)));
      const int id = sampler.next(options, rng);
      chunk.text.push_back(engine_->vocabulary.code_point(id));
      chunk.activations.push_back(step.values(sel.layer, sel.quantity)(sel.neuron, 0));
      if (Clock::now() - lastEmit >= std::chrono::milliseconds(kChunkMilliseconds)) flush();
    }
    if (!summary.cancelled) flush();
    summary.characters = chunk.first + static_cast<qint64>(chunk.text.size());
  } catch (const std::exception& error) {
    summary.error = QString::fromUtf8(error.what());
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  qCInfo(lcGeneration, "run %llu: %lld chars in %.1f ms = %.0f chars/s%s",
         static_cast<unsigned long long>(summary.runId), static_cast<long long>(summary.characters),
         summary.seconds * 1e3, summary.charsPerSecond(), summary.cancelled ? " (cancelled)" : "");
  emit finished(summary);
}
