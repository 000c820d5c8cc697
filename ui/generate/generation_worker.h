// GenerationWorker: samples text on its own QThread. It owns a Model<float> built from a
// ModelFile and a Sampler; each run has an id, and a run stops at its next character once a
// newer id is wanted (a std::atomic, set from any thread). Results leave as value types,
// batched: at most one GenerationChunk every ~16 ms, then one GenerationSummary per run.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/neuron_selection.h"
#include "probe.h"
#include "sampler.h"

namespace cellscope {
struct ModelFile;
class Vocabulary;
}  // namespace cellscope

// The distribution one character was drawn from: the full distribution (ids empty, probs
// indexed by id) when V ≤ kFullDistributionMax, else the kTopEntries most likely, sorted.
struct CharDistribution {
  static constexpr int kFullDistributionMax = 256;
  static constexpr int kTopEntries = 32;

  std::vector<int32_t> ids;
  std::vector<float> probs;

  bool isFull() const { return ids.empty(); }
  int size() const { return static_cast<int>(probs.size()); }
  int id(int k) const { return ids.empty() ? k : ids[static_cast<std::size_t>(k)]; }
  float prob(int k) const { return probs[static_cast<std::size_t>(k)]; }
  double total() const;
  double entropyNats() const;  // over the stored entries (exact when full)

  static CharDistribution from(const cellscope::Vec<float>& probs);
};

struct GenerationRequest {
  quint64 runId = 0;
  std::string prime;  // UTF-8
  int length = 1000;
  cellscope::SampleOptions options;
  NeuronSelection neuron;
};

struct GenerationChunk {
  quint64 runId = 0;
  int first = 0;                                // index of text[0] in the generated text
  std::u32string text;                          // the characters, one code point each
  std::vector<float> activations;               // the selected neuron after each character
  std::vector<CharDistribution> distributions;  // what each character was drawn from
  CharDistribution next;                        // the distribution after the last character
  std::vector<float> primeActivations;  // first chunk only: the neuron after each prime character
};

struct GenerationSummary {
  quint64 runId = 0;
  bool cancelled = false;
  qint64 characters = 0;
  double seconds = 0.0;
  qint64 unknownPrime = 0;  // prime characters the model never saw
  QString error;            // non-empty when the run failed
  double charsPerSecond() const { return seconds > 0.0 ? characters / seconds : 0.0; }
};

Q_DECLARE_METATYPE(GenerationChunk)
Q_DECLARE_METATYPE(GenerationSummary)

class GenerationWorker : public QObject {
  Q_OBJECT

 public:
  explicit GenerationWorker(QObject* parent = nullptr);
  ~GenerationWorker() override;

  // Thread-safe. Runs other than `runId` stop at their next character (0 stops every run).
  void want(quint64 runId) { wanted_.store(runId, std::memory_order_relaxed); }
  quint64 wanted() const { return wanted_.load(std::memory_order_relaxed); }

  // Minimum time between two chunks.
  static constexpr int kChunkMilliseconds = 16;

 public slots:
  // Builds this worker's own model; an invalid file is reported by the next run.
  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  // Runs to the end, or until cancelled; a request that is no longer wanted ends at once.
  void generate(const GenerationRequest& request);

 signals:
  void chunkReady(const GenerationChunk& chunk);
  void finished(const GenerationSummary& summary);

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
  QString modelError_;
  std::atomic<quint64> wanted_{0};
};
