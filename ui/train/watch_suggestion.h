// Watch suggestion: which detectors to watch on a corpus, picked from what the probe text (the
// first 20,000 characters of its validation split, what the watch will measure on) actually
// holds — a detector that marks (almost) nothing or (almost) everything ranks neurons by noise.
// Candidates follow the corpus kind (C-like source, LaTeX, else prose); the first three that
// mark between kMinWatchShare and kMaxWatchShare of the probe are chosen, else line-position.
// suggestWatch() is pure; WatchSuggester runs it off the GUI thread.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <string>

struct WatchSuggestion {
  QStringList detectors;  // what to watch, never empty when the probe is not empty
  QString reason;         // one line: each candidate's share of the probe, for the form
};

constexpr double kMinWatchShare = 0.005;
constexpr double kMaxWatchShare = 0.60;
constexpr int kMaxSuggestedWatch = 3;

// The candidates for a corpus by its files' extensions, in order of preference: C-like source
// (.c .h .cc .cpp .hpp) → c-comment, if-condition, string-literal, brace-depth; LaTeX (.tex) →
// latex-env, latex-math, brace-depth; anything else (prose) → url, double-quote, if-condition,
// bracket-depth.
QStringList watchCandidates(const QStringList& corpusPaths);

// The candidates that mark between kMinWatchShare and kMaxWatchShare of `probe` (a character
// counts when its detector value is > 0), at most kMaxSuggestedWatch, in candidate order;
// line-position when none does. An empty probe keeps the candidates' first three.
WatchSuggestion suggestWatch(const std::u32string& probe, const QStringList& candidates);

// The probe the watch would use for this corpus: the first `chars` characters of the
// validation split (the last `valFrac` of the corpus; the corpus' start when that is empty),
// invalid UTF-8 replaced. Throws cellscope::Error as load_corpus does.
std::u32string watchProbeOfCorpus(const QStringList& corpusPaths, const QString& glob,
                                  double valFrac, std::size_t chars = 20000);

// Reads the corpus and suggests on a pool thread; suggested() arrives on the GUI thread for the
// latest request only (an older one still running is cancelled at its end, never shown).
class WatchSuggester : public QObject {
  Q_OBJECT

 public:
  explicit WatchSuggester(QObject* parent = nullptr) : QObject(parent) {}
  void request(const QStringList& corpusPaths, const QString& glob, double valFrac);
  bool busy() const { return busy_; }

 signals:
  // `error` is empty on success; on failure `suggestion` is empty.
  void suggested(const WatchSuggestion& suggestion, const QString& error);

 private:
  quint64 generation_ = 0;
  bool busy_ = false;
};
