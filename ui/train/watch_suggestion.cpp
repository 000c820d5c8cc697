// Watch suggestion: shares come from cellscope::detect on the probe text; reading the corpus
// reuses load_corpus (the trainer's own split, so the probe is the watch's probe).
#include "watch_suggestion.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>
#include <algorithm>
#include <exception>
#include <memory>

#include "corpus.h"
#include "detectors.h"
#include "training_settings.h"

QStringList watchCandidates(const QStringList& corpusPaths) {
  switch (corpusKind(corpusPaths)) {
    case CorpusKind::kCode:
      return {QStringLiteral("c-comment"), QStringLiteral("if-condition"),
              QStringLiteral("string-literal"), QStringLiteral("brace-depth")};
    case CorpusKind::kLatex:
      return {QStringLiteral("latex-env"), QStringLiteral("latex-math"),
              QStringLiteral("brace-depth")};
    case CorpusKind::kProse:
      break;
  }
  // No single-quote: in prose its spans come from apostrophes ('tis, students'), not quotes.
  return {QStringLiteral("url"), QStringLiteral("double-quote"), QStringLiteral("if-condition"),
          QStringLiteral("bracket-depth")};
}

WatchSuggestion suggestWatch(const std::u32string& probe, const QStringList& candidates) {
  WatchSuggestion out;
  if (probe.empty()) {
    out.detectors = candidates.mid(0, kMaxSuggestedWatch);
    out.reason = QObject::tr("no text to measure: the corpus kind's first detectors");
    return out;
  }
  QStringList shares;
  for (const QString& name : candidates) {
    double share = 0.0;
    try {
      const cellscope::Signal signal = cellscope::detect(name.toStdString(), probe);
      std::size_t marked = 0;
      for (float v : signal.values) marked += v > 0.0f ? 1 : 0;
      share = static_cast<double>(marked) / static_cast<double>(probe.size());
    } catch (const std::exception&) {
      continue;  // a name this engine does not know is no candidate
    }
    const bool useful = share >= kMinWatchShare && share <= kMaxWatchShare;
    if (useful && out.detectors.size() < kMaxSuggestedWatch) out.detectors << name;
    shares << QStringLiteral("%1 %2%").arg(name).arg(100.0 * share, 0, 'f', 1);
  }
  if (out.detectors.isEmpty()) out.detectors << QStringLiteral("line-position");
  out.reason = QObject::tr("share of the probe text: %1 (watched: %2–%3%)")
                   .arg(shares.join(QStringLiteral(", ")))
                   .arg(100.0 * kMinWatchShare, 0, 'f', 1)
                   .arg(100.0 * kMaxWatchShare, 0, 'f', 0);
  return out;
}

std::u32string watchProbeOfCorpus(const QStringList& corpusPaths, const QString& glob,
                                  double valFrac, std::size_t chars) {
  cellscope::CorpusOptions options;
  for (const QString& path : corpusPaths) {
    if (!path.trimmed().isEmpty()) options.paths.push_back(path.trimmed().toStdString());
  }
  options.glob = glob.isEmpty() ? std::string("*") : glob.toStdString();
  options.replace_invalid = true;
  options.val_frac = valFrac;
  const cellscope::Corpus corpus = cellscope::load_corpus(options);
  const cellscope::EncodedText& source = corpus.val.empty() ? corpus.train : corpus.val;
  std::u32string probe;
  const std::size_t n = std::min(chars, source.size());
  probe.reserve(n);
  for (std::size_t i = 0; i < n; ++i) probe.push_back(corpus.vocab.code_point(source[i]));
  return probe;
}

void WatchSuggester::request(const QStringList& corpusPaths, const QString& glob,
                             double valFrac) {
  const quint64 generation = ++generation_;
  busy_ = true;
  struct Result {
    WatchSuggestion suggestion;
    QString error;
  };
  auto promise = std::make_shared<QPromise<Result>>();
  auto* watcher = new QFutureWatcher<Result>(this);  // dies with this: no late signal
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation != generation_ || watcher->future().resultCount() == 0) return;
    busy_ = false;
    const Result result = watcher->result();
    emit suggested(result.suggestion, result.error);
  });
  watcher->setFuture(promise->future());
  QThreadPool::globalInstance()->start([promise, corpusPaths, glob, valFrac] {
    promise->start();
    Result result;
    try {
      result.suggestion = suggestWatch(watchProbeOfCorpus(corpusPaths, glob, valFrac),
                                       watchCandidates(corpusPaths));
    } catch (const std::exception& e) {
      result.error = QString::fromUtf8(e.what());
    }
    promise->addResult(result);
    promise->finish();
  });
}
