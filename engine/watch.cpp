// NeuronWatch. Invariant: the probe text, its signals and the AUC thresholds are fixed at
// construction, so records taken at different iterations compare the same measurement.
#include "watch.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "detectors.h"
#include "error.h"
#include "neuron_search.h"

namespace cellscope {

std::vector<Quantity> default_watch_quantities(CellType cell) {
  if (cell == CellType::kLstm) return {Quantity::kTanhCell, Quantity::kHidden};
  return {Quantity::kHidden};
}

std::u32string decode_prefix(const EncodedText& text, const Vocabulary& vocab, int64_t chars) {
  const std::size_t n =
      std::min(text.size(), static_cast<std::size_t>(std::max<int64_t>(chars, 0)));
  std::u32string out(n, U' ');
  for (std::size_t i = 0; i < n; ++i) out[i] = vocab.code_point(text[i]);
  return out;
}

NeuronWatch::NeuronWatch(std::vector<std::string> detectors, const std::u32string& text,
                         const Vocabulary& vocab, std::vector<Quantity> quantities)
    : detectors_(std::move(detectors)), quantities_(std::move(quantities)) {
  if (detectors_.empty()) throw Error("no detector to watch");
  if (text.size() < 2) {
    throw Error("the watch text has " + std::to_string(text.size()) +
                " character(s); it needs at least 2");
  }
  for (const std::string& name : detectors_) {
    Signal s = detect(name, text);
    thresholds_.push_back(auc_threshold(s.values, s.binary));
    signals_.push_back(std::move(s.values));
  }
  ids_ = EncodedText(vocab.size(), text.size());
  const int fallback = vocab.fallback_id();
  for (std::size_t i = 0; i < text.size(); ++i) {
    int id = vocab.id_of(text[i]);
    if (id < 0) {
      id = fallback;
      ++unknown_;
    }
    ids_.set(i, id);
  }
}

std::vector<std::string> NeuronWatch::constant_detectors() const {
  std::vector<std::string> out;
  for (std::size_t d = 0; d < detectors_.size(); ++d) {
    const std::vector<float>& s = signals_[d];
    if (std::all_of(s.begin(), s.end(), [&](float v) { return v == s.front(); })) {
      out.push_back(detectors_[d]);
    }
  }
  return out;
}

std::vector<WatchRecord> NeuronWatch::measure(Model<float>& model, int64_t iteration) const {
  const ModelConfig& config = model.config();
  const std::vector<Quantity> quantities =
      quantities_.empty() ? default_watch_quantities(config.cell) : quantities_;
  for (Quantity q : quantities) require_quantity(config.cell, q);
  // searches[d * Q + q]: detector d against quantity q, every layer.
  std::vector<std::unique_ptr<NeuronSearch>> searches;
  for (std::size_t d = 0; d < detectors_.size(); ++d) {
    for (Quantity q : quantities) {
      searches.push_back(std::make_unique<NeuronSearch>(config.num_layers, config.hidden_size, q,
                                                        signals_[d], thresholds_[d]));
    }
  }
  Probe probe(model, ids_);
  // One search after the other: spreading them over the engine's threads per chunk measured
  // slower on a busy 2-core machine (a fork-join every 256 characters waits for a preempted
  // worker), and the batch-1 pass gains nothing from threads either.
  probe.run([&](const ChunkView& chunk) {
    for (auto& s : searches) s->add(chunk);
  });

  std::vector<WatchRecord> records;
  for (std::size_t d = 0; d < detectors_.size(); ++d) {
    WatchRecord best;
    best.iteration = iteration;
    best.detector = detectors_[d];
    for (std::size_t k = 0; k < quantities.size(); ++k) {
      const std::vector<NeuronScore> ranked = searches[d * quantities.size() + k]->results();
      if (ranked.empty() || !std::isfinite(ranked.front().correlation)) continue;
      const NeuronScore& top = ranked.front();
      if (!std::isfinite(best.correlation) ||
          std::fabs(top.correlation) > std::fabs(best.correlation)) {
        best.layer = top.layer;
        best.neuron = top.neuron;
        best.quantity = to_string(quantities[k]);
        best.correlation = top.correlation;
        best.auc = top.auc;
      }
    }
    records.push_back(std::move(best));
  }
  return records;
}

}  // namespace cellscope
