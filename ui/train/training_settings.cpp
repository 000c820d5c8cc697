// TrainingSettings ⇄ QSettings, presets and the TrainingRequest. A value missing from QSettings
// keeps TrainingSettings' default, so an older settings file still loads.
#include "training_settings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

QStringList parseWatchList(const QString& text) {
  QStringList out;
  const QStringList parts = text.split(QLatin1Char(','));
  for (int i = 0; i < parts.size(); ++i) {
    const QString part = parts[i].trimmed();
    if (part.startsWith(QStringLiteral("regex:"))) {
      out << parts.mid(i).join(QLatin1Char(',')).trimmed();
      break;
    }
    if (!part.isEmpty()) out << part;
  }
  return out;
}

CorpusKind corpusKind(const QStringList& corpusPaths) {
  int code = 0, latex = 0, other = 0;
  for (const QString& path : corpusPaths) {
    const QString suffix = QFileInfo(path.trimmed()).suffix().toLower();
    if (QStringList{QStringLiteral("c"), QStringLiteral("h"), QStringLiteral("cc"),
                    QStringLiteral("cpp"), QStringLiteral("hpp")}
            .contains(suffix)) {
      ++code;
    } else if (suffix == QStringLiteral("tex")) {
      ++latex;
    } else {
      ++other;
    }
  }
  if (code > 0 && code >= latex && code >= other) return CorpusKind::kCode;
  if (latex > 0 && latex >= other) return CorpusKind::kLatex;
  return CorpusKind::kProse;
}

QStringList suggestedWatchDetectors(const QStringList& corpusPaths) {
  switch (corpusKind(corpusPaths)) {
    case CorpusKind::kCode:
      return {QStringLiteral("c-comment"), QStringLiteral("string-literal"),
              QStringLiteral("if-condition")};
    case CorpusKind::kLatex:
      return {QStringLiteral("latex-env"), QStringLiteral("latex-math"),
              QStringLiteral("brace-depth")};
    case CorpusKind::kProse:
      break;
  }
  return TrainingSettings().watchDetectors;
}

TrainingSettings readTrainingSettings(const QSettings& s) {
  const TrainingSettings d;
  TrainingSettings v;
  const auto get = [&s](const char* key, const QVariant& fallback) {
    return s.value(QStringLiteral("training/") + QLatin1String(key), fallback);
  };
  v.corpusPaths = get("corpusPaths", d.corpusPaths).toStringList();
  v.glob = get("glob", d.glob).toString();
  v.cell = get("cell", d.cell).toInt();
  v.layers = get("layers", d.layers).toInt();
  v.hiddenSize = get("hiddenSize", d.hiddenSize).toInt();
  v.seqLength = get("seqLength", d.seqLength).toInt();
  v.batchSize = get("batchSize", d.batchSize).toInt();
  v.optimizer = get("optimizer", d.optimizer).toInt();
  v.learningRate = get("learningRate", d.learningRate).toDouble();
  v.lrDecay = get("lrDecay", d.lrDecay).toDouble();
  v.lrDecayAfter = get("lrDecayAfter", d.lrDecayAfter).toInt();
  v.dropout = get("dropout", d.dropout).toDouble();
  v.clipMode = get("clipMode", d.clipMode).toInt();
  v.gradClip = get("gradClip", d.gradClip).toDouble();
  v.valFrac = get("valFrac", d.valFrac).toDouble();
  v.maxEpochs = get("maxEpochs", d.maxEpochs).toInt();
  v.evalEvery = get("evalEvery", d.evalEvery).toInt();
  v.sampleEvery = get("sampleEvery", d.sampleEvery).toInt();
  v.checkpointEvery = get("checkpointEvery", d.checkpointEvery).toInt();
  v.sampleTemperature = get("sampleTemperature", d.sampleTemperature).toDouble();
  v.outputPath = get("outputPath", d.outputPath).toString();
  v.watchDetectors = get("watchDetectors", d.watchDetectors).toStringList();
  v.watchEvery = get("watchEvery", d.watchEvery).toInt();
  return v;
}

void writeTrainingSettings(QSettings& s, const TrainingSettings& v) {
  s.beginGroup(QStringLiteral("training"));
  s.setValue(QStringLiteral("corpusPaths"), v.corpusPaths);
  s.setValue(QStringLiteral("glob"), v.glob);
  s.setValue(QStringLiteral("cell"), v.cell);
  s.setValue(QStringLiteral("layers"), v.layers);
  s.setValue(QStringLiteral("hiddenSize"), v.hiddenSize);
  s.setValue(QStringLiteral("seqLength"), v.seqLength);
  s.setValue(QStringLiteral("batchSize"), v.batchSize);
  s.setValue(QStringLiteral("optimizer"), v.optimizer);
  s.setValue(QStringLiteral("learningRate"), v.learningRate);
  s.setValue(QStringLiteral("lrDecay"), v.lrDecay);
  s.setValue(QStringLiteral("lrDecayAfter"), v.lrDecayAfter);
  s.setValue(QStringLiteral("dropout"), v.dropout);
  s.setValue(QStringLiteral("clipMode"), v.clipMode);
  s.setValue(QStringLiteral("gradClip"), v.gradClip);
  s.setValue(QStringLiteral("valFrac"), v.valFrac);
  s.setValue(QStringLiteral("maxEpochs"), v.maxEpochs);
  s.setValue(QStringLiteral("evalEvery"), v.evalEvery);
  s.setValue(QStringLiteral("sampleEvery"), v.sampleEvery);
  s.setValue(QStringLiteral("checkpointEvery"), v.checkpointEvery);
  s.setValue(QStringLiteral("sampleTemperature"), v.sampleTemperature);
  s.setValue(QStringLiteral("outputPath"), v.outputPath);
  s.setValue(QStringLiteral("watchDetectors"), v.watchDetectors);
  s.setValue(QStringLiteral("watchEvery"), v.watchEvery);
  s.endGroup();
}

TrainingSettings withPreset(const TrainingSettings& current, int preset) {
  // Model and optimisation only: the corpus, output and intervals stay as they are.
  const TrainingSettings d;
  TrainingSettings v = current;
  v.cell = d.cell;
  v.layers = d.layers;
  v.hiddenSize = d.hiddenSize;
  v.seqLength = d.seqLength;
  v.batchSize = d.batchSize;
  v.optimizer = d.optimizer;
  v.learningRate = d.learningRate;
  v.lrDecay = d.lrDecay;
  v.lrDecayAfter = d.lrDecayAfter;
  v.dropout = d.dropout;
  v.clipMode = d.clipMode;
  v.gradClip = d.gradClip;
  if (preset == kPresetFastSmall) {
    v.layers = 1;
    v.hiddenSize = 64;
    v.batchSize = 32;
  } else if (preset == kPresetQuality) {
    v.hiddenSize = 512;
    v.seqLength = 100;
    v.batchSize = 64;
    v.dropout = 0.5;
  }
  return v;
}

TrainingRequest trainingRequest(const TrainingSettings& v, int vocabSize) {
  TrainingRequest r;
  for (const QString& path : v.corpusPaths)
    r.corpusPaths.push_back(QDir::toNativeSeparators(path).toStdString());
  r.glob = v.glob.toStdString();
  r.model.cell = static_cast<cellscope::CellType>(v.cell);
  r.model.num_layers = v.layers;
  r.model.hidden_size = v.hiddenSize;
  r.model.dropout = v.dropout;
  r.model.vocab_size = vocabSize;
  cellscope::TrainConfig& t = r.train;
  t.seq_length = v.seqLength;
  t.batch_size = v.batchSize;
  t.optimizer = static_cast<cellscope::OptimizerType>(v.optimizer);
  t.learning_rate = v.learningRate;
  t.lr_decay = v.lrDecay;
  t.lr_decay_after = v.lrDecayAfter;
  t.clip_mode = static_cast<cellscope::ClipMode>(v.clipMode);
  t.grad_clip = v.gradClip;
  t.val_frac = v.valFrac;
  t.max_epochs = v.maxEpochs;
  t.eval_every = v.evalEvery;
  t.sample_every = v.sampleEvery;
  t.checkpoint_every = v.checkpointEvery;
  t.sample_temperature = v.sampleTemperature;
  r.outputPath = v.outputPath.toStdString();
  for (const QString& detector : v.watchDetectors) {
    if (!detector.trimmed().isEmpty()) r.watchDetectors.push_back(detector.trimmed().toStdString());
  }
  r.watchEvery = v.watchEvery;
  return r;
}
