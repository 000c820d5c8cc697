// TrainingSettings: the training form's persistent state as plain values — what it saves under
// "training/" in QSettings, what a preset changes (model and optimisation only; corpus, output
// and intervals stay), and the TrainingRequest it becomes. Pure functions: no widgets.
#pragma once

#include <QString>
#include <QStringList>

#include "training_worker.h"

class QSettings;

struct TrainingSettings {
  QStringList corpusPaths;  // files or folders
  QString glob = QStringLiteral("*");
  int cell = 2;  // cellscope::CellType
  int layers = 2;
  int hiddenSize = 128;
  int seqLength = 50;
  int batchSize = 50;
  int optimizer = 0;  // cellscope::OptimizerType
  double learningRate = 4e-3;  // cellscope::TrainConfig's (docs/training.md, "Defaults")
  double lrDecay = 0.97;
  int lrDecayAfter = 10;
  double dropout = 0.0;
  int clipMode = 0;  // cellscope::ClipMode
  double gradClip = 5.0;
  double valFrac = 0.05;
  int maxEpochs = 50;  // 0: until stopped
  int evalEvery = 200;
  int sampleEvery = 200;
  int checkpointEvery = 500;
  double sampleTemperature = 0.8;
  QString outputPath;
  // Watch neurons emerge (engine/watch.h): detectors measured on the first 20,000 characters of
  // the validation split every watchEvery iterations; none: off.
  QStringList watchDetectors = {QStringLiteral("url"), QStringLiteral("double-quote"),
                                QStringLiteral("if-condition")};
  int watchEvery = 250;  // cellscope::kDefaultWatchEvery
};

// "url, double-quote, regex:a,b" → {"url", "double-quote", "regex:a,b"}: comma-separated, a
// regex: entry takes the rest of the text (commas included), as the CLI's --watch does.
QStringList parseWatchList(const QString& text);

// What a corpus is, by the majority of its files' extensions: C-like source (.c .h .cc .cpp
// .hpp), LaTeX (.tex), else prose.
enum class CorpusKind { kProse, kCode, kLatex };
CorpusKind corpusKind(const QStringList& corpusPaths);

// The detectors worth watching on this corpus, by its files' extensions: C-like source
// (.c .h .cc .cpp .hpp) → c-comment, string-literal, if-condition; LaTeX (.tex) → latex-env,
// latex-math, brace-depth; anything else (prose) → url, double-quote, if-condition.
QStringList suggestedWatchDetectors(const QStringList& corpusPaths);

// Under the "training/" group of `settings`.
TrainingSettings readTrainingSettings(const QSettings& settings);
void writeTrainingSettings(QSettings& settings, const TrainingSettings& values);

// The presets, in the preset combo's order.
constexpr int kPresetCharRnnDefaults = 0;  // 2x128 LSTM, seq 50: the CLI's defaults
constexpr int kPresetFastSmall = 1;        // 1x64 LSTM
constexpr int kPresetQuality = 2;          // 2x512 LSTM, dropout 0.5
// `current` with the model and optimisation settings of `preset`.
TrainingSettings withPreset(const TrainingSettings& current, int preset);

// The request for `settings` over a vocabulary of `vocabSize` (resumePath left empty).
TrainingRequest trainingRequest(const TrainingSettings& settings, int vocabSize);
