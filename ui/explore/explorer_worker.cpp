// ExplorerWorker: texts are decoded strictly (invalid UTF-8 names the file) and encoded through
// WorkerModel. Work goes block by block (the cache's blocks = the probe's checkpoint interval); a
// block is "filled" once the selected neuron's values over it are in `track`. The pass visits
// blocks in order, so the probe keeps its checkpoints and any other block or hover replays at
// most one block from them.
#include "explorer_worker.h"

#include <QFile>
#include <QFileInfo>
#include <chrono>
#include <exception>
#include <limits>

#include "activation_cache.h"
#include "checkpoint.h"
#include "probe.h"
#include "trainer.h"
#include "utf8.h"
#include "vocabulary.h"
#include "common/worker_model.h"
#include "text_defaults.h"

struct ExplorerWorker::Engine : WorkerModel {};

struct ExplorerWorker::Text {
  quint64 id = 0;
  QString path;
  cellscope::EncodedText encoded;
  std::unique_ptr<cellscope::Probe> probe;            // refers to `encoded` and the engine's model
  std::unique_ptr<cellscope::ActivationCache> cache;  // the selected layer and quantity
  int64_t passed = 0;                                 // blocks the pass has gone through, in order
  std::chrono::steady_clock::time_point started;
  bool summarized = false;  // probed() was emitted
  bool autoChecked = false;  // the automatic neuron was considered

  bool hasNeuron = false;
  NeuronSelection neuron;          // the neuron `track` holds
  quint64 rejected = ~quint64{0};  // the packed invalid selection last reported
  NeuronSelection errorNeuron;     // ... and as a selection
  std::vector<float> track;        // one per character, NaN where not filled
  std::vector<uint8_t> filled;     // per block
  int64_t unfilled = 0;
  bool resetPending = false;               // send the whole track (a new neuron)
  int64_t dirtyBegin = -1, dirtyEnd = -1;  // filled since the last emission
  bool completeSent = false;
  NeuronSelection matrixNeuron;  // what the last matrix showed
  qint64 matrixBegin = -1, matrixEnd = -1;
  bool matrixValid = false;
  QString neuronError;  // the selection is invalid for this model
};

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kSlice = std::chrono::milliseconds(40);
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

quint64 pack(const NeuronSelection& n) {
  return (static_cast<quint64>(static_cast<quint16>(n.layer)) << 40) |
         (static_cast<quint64>(static_cast<quint32>(n.neuron) & 0xFFFFFFu) << 8) |
         static_cast<quint64>(static_cast<quint8>(n.quantity));
}

NeuronSelection unpack(quint64 v) {
  NeuronSelection n;
  n.layer = static_cast<int>((v >> 40) & 0xFFFFu);
  n.neuron = static_cast<int>((v >> 8) & 0xFFFFFFu);
  n.quantity = static_cast<cellscope::Quantity>(v & 0xFFu);
  return n;
}

// Reads `path` as strict UTF-8 (the engine's decoder: an error names the file and the byte);
// fills `text` or returns an error message naming the file.
QString readText(const QString& path, std::u32string* text) {
  QFile file(path);
  if (!file.exists()) return ExplorerWorker::tr("Cannot open %1: no such file.").arg(path);
  if (QFileInfo(path).isDir())
    return ExplorerWorker::tr("Cannot open %1: it is a folder.").arg(path);
  if (!file.open(QIODevice::ReadOnly))
    return ExplorerWorker::tr("Cannot open %1: %2").arg(path, file.errorString());
  const QByteArray bytes = file.readAll();
  try {
    *text = cellscope::utf8_decode(std::string_view(bytes.constData(), bytes.size()));
  } catch (const cellscope::Utf8Error& error) {
    return ExplorerWorker::tr("Cannot open %1: it is not valid UTF-8 text (at byte %2).")
        .arg(path)
        .arg(static_cast<qulonglong>(error.offset()));
  }
  if (!text->empty() && text->front() == U'\uFEFF') text->erase(0, 1);  // byte-order mark
  if (text->empty()) return ExplorerWorker::tr("Cannot open %1: the file is empty.").arg(path);
  return {};
}

}  // namespace

ExplorerWorker::ExplorerWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ExplorerText>();
  qRegisterMetaType<ExplorerTrack>();
  qRegisterMetaType<ExplorerMatrix>();
  qRegisterMetaType<ExplorerHover>();
  qRegisterMetaType<ExplorerProbeSummary>();
}

ExplorerWorker::~ExplorerWorker() = default;

void ExplorerWorker::select(const NeuronSelection& neuron) {
  selection_.store(pack(neuron), std::memory_order_relaxed);
}

NeuronSelection ExplorerWorker::selection() const {
  return unpack(selection_.load(std::memory_order_relaxed));
}

void ExplorerWorker::setVisible(qint64 begin, qint64 end) {
  visibleBegin_.store(begin, std::memory_order_relaxed);
  visibleEnd_.store(end, std::memory_order_relaxed);
}

void ExplorerWorker::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  text_.reset();  // its probe refers to the old model
  modelError_ = reloadWorkerModel(engine_, file.get());
}

void ExplorerWorker::openText(quint64 textId, const QString& path) {
  ExplorerText loaded;
  loaded.textId = textId;
  loaded.path = path;
  if (wanted() == textId && engine_) loaded.error = readText(path, &loaded.text);
  start(std::move(loaded));
}

void ExplorerWorker::openContent(quint64 textId, const QString& title, const std::u32string& text) {
  ExplorerText loaded;
  loaded.textId = textId;
  loaded.path = title;
  loaded.text = text;
  if (text.empty()) loaded.error = tr("Cannot show %1: the text is empty.").arg(title);
  start(std::move(loaded));
}

void ExplorerWorker::start(ExplorerText loaded) {
  text_.reset();
  const quint64 textId = loaded.textId;
  if (wanted() != textId) {
    ExplorerProbeSummary summary;
    summary.textId = textId;
    summary.cancelled = true;
    emit probed(summary);
    return;
  }
  if (!engine_) {
    loaded.error = modelError_.isEmpty() ? tr("Open a model before opening a text.") : modelError_;
    emit textLoaded(loaded);
    return;
  }
  if (!loaded.error.isEmpty()) {
    emit textLoaded(loaded);
    return;
  }
  auto text = std::make_unique<Text>();
  text->id = textId;
  text->path = loaded.path;
  text->started = Clock::now();
  text->encoded = engine_->encode(loaded.text, &loaded.unknown);
  try {
    text->probe = std::make_unique<cellscope::Probe>(*engine_->model, text->encoded, kProbeOptions);
  } catch (const std::exception& error) {
    loaded.error = tr("Cannot probe %1: %2").arg(loaded.path, QString::fromUtf8(error.what()));
    emit textLoaded(loaded);
    return;
  }
  text_ = std::move(text);
  emit textLoaded(loaded);
  schedule();
}

void ExplorerWorker::wake(quint64 textId) {
  if (text_ && text_->id == textId) schedule();
}

void ExplorerWorker::schedule() {
  if (scheduled_) return;
  scheduled_ = true;
  QMetaObject::invokeMethod(this, &ExplorerWorker::step, Qt::QueuedConnection);
}

// A new neuron for `track`: everything the cache holds is copied at once; a new layer or
// quantity starts a new cache. Returns false (and records why) for an invalid selection.
bool ExplorerWorker::switchNeuron(const NeuronSelection& neuron) {
  Text& t = *text_;
  try {
    cellscope::check_neuron(engine_->model->config(), neuron.layer, neuron.neuron, neuron.quantity);
  } catch (const std::exception& error) {
    t.neuronError = QString::fromUtf8(error.what());
    t.errorNeuron = neuron;
    return false;
  }
  t.hasNeuron = true;
  t.neuron = neuron;
  t.neuronError.clear();
  if (!t.cache || t.cache->layer() != neuron.layer || t.cache->quantity() != neuron.quantity) {
    t.cache = std::make_unique<cellscope::ActivationCache>(*t.probe, neuron.layer, neuron.quantity,
                                                           budget_.load());
    t.matrixValid = false;
  }
  const int64_t n = t.probe->size();
  t.track.assign(static_cast<std::size_t>(n), kNaN);
  t.filled.assign(static_cast<std::size_t>(t.cache->block_count()), 0);
  t.unfilled = t.cache->block_count();
  for (int64_t i = 0; i < t.cache->block_count(); ++i) fillBlock(i, true);
  t.resetPending = true;
  t.completeSent = false;
  t.dirtyBegin = t.dirtyEnd = -1;
  return true;
}

// Fills block `index` of `track`: from the cache, or (unless fromCacheOnly) by a replay that
// also offers the block to the cache (recorded only while the budget allows).
bool ExplorerWorker::fillBlock(int64_t index, bool fromCacheOnly,
                               const cellscope::ProgressFn& keepGoing) {
  Text& t = *text_;
  if (t.filled[static_cast<std::size_t>(index)]) return true;
  cellscope::ActivationCache& cache = *t.cache;
  const int64_t b0 = index * cache.block_size();
  const int64_t b1 = std::min(t.probe->size(), b0 + cache.block_size());
  if (cache.has_block(index)) {
    cache.gather(t.neuron.neuron, b0, b1, t.track.data() + b0);
  } else {
    if (fromCacheOnly) return false;
    const int neuron = t.neuron.neuron;
    const bool whole = t.probe->replay(
        b0, b1,
        [&](const cellscope::ChunkView& chunk) {
          if (chunk.begin() < b0 || chunk.begin() >= b1) return;
          cache.record(chunk);
          const auto row = chunk.values(cache.layer(), cache.quantity()).row(neuron);
          for (int j = 0; j < chunk.steps(); ++j)
            t.track[static_cast<std::size_t>(chunk.begin() + j)] = row(j);
        },
        keepGoing);
    if (!whole) return false;  // interrupted between two chunks: the block stays unfilled
  }
  // One contiguous dirty range per emission: a block away from it sends what is pending first
  // (else filling outward from the view would resend the growing span every slice).
  if (t.dirtyBegin >= 0 && (b1 < t.dirtyBegin || b0 > t.dirtyEnd)) emitTrack(false);
  t.filled[static_cast<std::size_t>(index)] = 1;
  --t.unfilled;
  t.dirtyBegin = t.dirtyBegin < 0 ? b0 : std::min(t.dirtyBegin, b0);
  t.dirtyEnd = std::max(t.dirtyEnd, b1);
  return true;
}

void ExplorerWorker::emitTrack(bool force) {
  Text& t = *text_;
  ExplorerTrack track;
  track.textId = t.id;
  track.neuron = t.neuron;
  if (!t.neuronError.isEmpty()) {
    track.neuron = t.errorNeuron;  // the pane shows it while that neuron is selected
    track.error = t.neuronError;
    t.neuronError.clear();
    emit trackReady(track);
    return;
  }
  const bool complete = t.unfilled == 0;
  if (t.resetPending) {
    track.reset = true;
    track.values = t.track;
  } else if (t.dirtyBegin >= 0) {
    track.begin = t.dirtyBegin;
    track.values.assign(t.track.begin() + t.dirtyBegin, t.track.begin() + t.dirtyEnd);
  } else if (!(force || (complete && !t.completeSent))) {
    return;
  }
  track.complete = complete;
  const auto blocks = static_cast<double>(t.filled.size());
  track.filled = blocks > 0 ? 1.0 - static_cast<double>(t.unfilled) / blocks : 1.0;
  t.completeSent = complete;
  t.resetPending = false;
  t.dirtyBegin = t.dirtyEnd = -1;
  emit trackReady(track);
}

void ExplorerWorker::emitMatrix() {
  Text& t = *text_;
  const int64_t n = t.probe->size();
  const qint64 begin = std::clamp<qint64>(visibleBegin_.load(std::memory_order_relaxed), 0, n);
  const qint64 end = std::clamp<qint64>(visibleEnd_.load(std::memory_order_relaxed), begin,
                                        std::min<qint64>(n, begin + kMaxVisible));
  if (begin >= end || !t.cache) return;
  if (t.matrixValid && t.matrixBegin == begin && t.matrixEnd == end &&
      t.matrixNeuron.layer == t.neuron.layer && t.matrixNeuron.quantity == t.neuron.quantity)
    return;
  if (!t.cache->has(begin, end)) return;  // the pass has not got there yet
  cellscope::Mat<float> all;
  t.cache->gather_all(begin, end, &all);
  ExplorerMatrix matrix;
  matrix.textId = t.id;
  matrix.layer = t.cache->layer();
  matrix.quantity = t.cache->quantity();
  matrix.begin = begin;
  matrix.rows = static_cast<int>(all.rows());
  matrix.columns = static_cast<int>(all.cols());
  matrix.values.resize(static_cast<std::size_t>(all.size()));
  Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      matrix.values.data(), all.rows(), all.cols()) = all;
  t.matrixValid = true;
  t.matrixBegin = begin;
  t.matrixEnd = end;
  t.matrixNeuron = t.neuron;
  emit matrixReady(matrix);
}

// One slice of work, most urgent first: the visible blocks of the selected neuron, then the
// pass, then the rest of the neuron's track. Re-queues itself while work remains.
void ExplorerWorker::step() {
  scheduled_ = false;
  if (!text_ || wanted() != text_->id) {
    text_.reset();
    return;
  }
  Text& t = *text_;
  const quint64 id = t.id;
  const auto deadline = Clock::now() + kSlice;
  try {
    const quint64 packed = selection_.load(std::memory_order_relaxed);
    const NeuronSelection wantedNeuron = unpack(packed);
    if ((!t.hasNeuron || wantedNeuron != t.neuron) && packed != t.rejected) {
      if (!switchNeuron(wantedNeuron)) {
        // An invalid selection is reported once; the work goes on with the last valid neuron
        // (or, before any, one the model surely has), so the pass never stalls.
        t.rejected = packed;
        emitTrack(true);
        if (!t.hasNeuron) {
          switchNeuron(NeuronSelection{
              0, 0, cellscope::cell_quantities(engine_->model->config().cell).front()});
        }
      }
    }
    if (!t.autoChecked) {
      t.autoChecked = true;
      if (autoNeuron_.load(std::memory_order_relaxed)) chooseAutoNeuron();
      if (wanted() != id) return;
    }
    cellscope::ActivationCache& cache = *t.cache;
    const int64_t n = t.probe->size(), blocks = cache.block_count();

    // 1. The visible blocks the pass has reached (the cache may evict older ones for them).
    const int64_t frontierBlock = t.passed;
    const qint64 vb = std::clamp<qint64>(visibleBegin_.load(std::memory_order_relaxed), 0, n);
    const qint64 ve = std::clamp<qint64>(visibleEnd_.load(std::memory_order_relaxed), vb,
                                         std::min<qint64>(n, vb + kMaxVisible));
    if (ve > vb) {
      const int64_t first = cache.block_of(vb);
      const int64_t last = std::min(cache.block_of(ve - 1), frontierBlock - 1);
      if (last >= first) {
        const int64_t lo = first * cache.block_size();
        const int64_t hi = std::min(n, (last + 1) * cache.block_size());
        if (!cache.ensure(lo, hi, [&](double) { return wanted() == id; })) return;
        for (int64_t i = first; i <= last; ++i) fillBlock(i, true);
        if (heatmap_.load(std::memory_order_relaxed)) emitMatrix();
      }
    }
    emitTrack(false);  // the visible part first, before the pass goes on

    // 2. The pass, block by block, in order; 3. the rest of the track, nearest the view first.
    // A new neuron or view ends the slice after the current block (~20 ms at 2x256), so the
    // next step serves it first.
    const quint64 selectionAtStart = selection_.load(std::memory_order_relaxed);
    const qint64 visibleAtStart = visibleBegin_.load(std::memory_order_relaxed);
    const auto interrupted = [&] {
      return selection_.load(std::memory_order_relaxed) != selectionAtStart ||
             visibleBegin_.load(std::memory_order_relaxed) != visibleAtStart;
    };
    // Checked between chunks too (256 steps, ~6 ms at 2x256): a block is left unfinished.
    const cellscope::ProgressFn keepGoing = [&](double) {
      return wanted() == id && !interrupted();
    };
    while (Clock::now() < deadline && wanted() == id && !interrupted()) {
      if (t.passed < blocks) {
        const int64_t index = t.passed;
        bool done = true;
        if (t.filled[static_cast<std::size_t>(index)]) {
          // Cached already: replay anyway so the probe keeps the checkpoint after it.
          const int64_t b0 = index * cache.block_size();
          done = t.probe->replay(b0, std::min(n, b0 + cache.block_size()), {}, keepGoing);
        } else {
          done = fillBlock(index, false, keepGoing);
        }
        if (!done) break;
        ++t.passed;
        continue;
      }
      if (t.unfilled == 0) break;
      int64_t best = -1, bestDistance = std::numeric_limits<int64_t>::max();
      const int64_t centre = cache.block_of(vb);
      for (int64_t i = 0; i < blocks; ++i) {
        if (t.filled[static_cast<std::size_t>(i)]) continue;
        const int64_t d = std::abs(i - centre);
        if (d < bestDistance) {
          bestDistance = d;
          best = i;
        }
      }
      if (!fillBlock(best, false, keepGoing)) break;
    }
    if (heatmap_.load(std::memory_order_relaxed)) emitMatrix();
    emitTrack(false);
    if (!t.summarized)
      emit progress(id, static_cast<double>(t.passed) / static_cast<double>(blocks));
    if (!t.summarized && t.passed == blocks) {
      t.summarized = true;
      ExplorerProbeSummary summary;
      summary.textId = id;
      summary.seconds = std::chrono::duration<double>(Clock::now() - t.started).count();
      emit probed(summary);
    }
    if (wanted() == id && (t.passed < blocks || t.unfilled > 0)) schedule();
  } catch (const std::exception& error) {
    ExplorerProbeSummary summary;
    summary.textId = id;
    summary.error = tr("Cannot probe %1: %2").arg(t.path, QString::fromUtf8(error.what()));
    text_.reset();
    emit probed(summary);
  }
}

// The text's start for every neuron of the selected layer (the cache holds it afterwards, and it
// is usually what is visible first), then the most variable unsaturated neuron. The selection is
// swapped only if it is still the one this started from, so a choice made meanwhile wins.
void ExplorerWorker::chooseAutoNeuron() {
  Text& t = *text_;
  const quint64 id = t.id;
  cellscope::ActivationCache& cache = *t.cache;
  const int64_t end = std::min<int64_t>(t.probe->size(), text_defaults::kNeuronPrefix);
  if (end <= 0 || !cache.ensure(0, end, [&](double) { return wanted() == id; })) return;
  cellscope::Mat<float> prefix;
  cache.gather_all(0, end, &prefix);
  const text_defaults::NeuronChoice choice =
      text_defaults::mostVariableNeuron(prefix, cellscope::quantity_range(cache.quantity()));
  if (choice.neuron < 0) return;
  const NeuronSelection neuron{cache.layer(), choice.neuron, cache.quantity()};
  quint64 expected = pack(t.neuron);
  if (!selection_.compare_exchange_strong(expected, pack(neuron))) return;
  switchNeuron(neuron);
  emit autoNeuron(id, neuron.layer, neuron.neuron, static_cast<int>(neuron.quantity),
                  choice.variance);
}

void ExplorerWorker::hover(quint64 textId, int position, const NeuronSelection& neuron) {
  if (!text_ || text_->id != textId || wanted() != textId) return;
  ExplorerHover hover;
  hover.textId = textId;
  hover.position = position;
  hover.neuron = neuron;
  try {
    if (position >= text_->probe->frontier() && !text_->probe->complete()) {
      hover.error = tr("#%1: not probed yet").arg(position);
    } else {
      const cellscope::Window window =
          text_->probe->window(position, position + 1, kTopPredictions);
      hover.value = window.value(position, neuron.layer, neuron.neuron, neuron.quantity);
      const cellscope::Prediction* top = window.predictions(position);
      for (int k = 0; k < window.top_k; ++k)
        hover.top.push_back({engine_->vocabulary.code_point(top[k].id), top[k].probability});
    }
  } catch (const std::exception& error) {
    hover.error = QString::fromUtf8(error.what());
  }
  emit hoverReady(hover);
}
