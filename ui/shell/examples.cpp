// Examples: parsed with Qt's JSON reader (the shell already links Qt; the CLI test reads the same
// file with nlohmann-json). Quantities go through the engine's parse_quantity, so a catalogue
// can name exactly what `cellscope-cli find --quantity` takes.
#include "examples.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <exception>

#include "probe.h"

namespace {

const char kCatalogueName[] = "examples.json";

QString tr(const char* text) {
  return QCoreApplication::translate("Examples", text);
}

bool hasCatalogue(const QString& dir) {
  return !dir.isEmpty() && QFileInfo(QDir(dir).filePath(QLatin1String(kCatalogueName))).isFile();
}

}  // namespace

QString findDataDir(const QString& appDir, const QString& sourceResources) {
  const QString installed =
      QDir::cleanPath(QDir(appDir).filePath(QStringLiteral("../share/cellscope")));
  if (hasCatalogue(installed)) return installed;
  if (hasCatalogue(sourceResources)) return QDir::cleanPath(sourceResources);
  return QString();
}

QString defaultDataDir() {
  // Found on disk rather than compiled in as Qt resources: the bundled models are ~8 MB that
  // would bloat every binary (and the tests'), and the same files serve cellscope-cli, the
  // README's commands and the packages. The source-tree fallback lets a build run uninstalled.
  return findDataDir(QCoreApplication::applicationDirPath(),
                     QStringLiteral(CELLSCOPE_RESOURCES_DIR));
}

ExampleCatalogue loadExamples(const QString& dataDir) {
  ExampleCatalogue catalogue;
  if (dataDir.isEmpty()) {
    catalogue.error = tr("No examples: the bundled data folder (share/cellscope next to the "
                         "program, or the source tree's resources/) was not found.");
    return catalogue;
  }
  const QDir dir(dataDir);
  catalogue.path = dir.filePath(QLatin1String(kCatalogueName));
  const QString name = QDir::toNativeSeparators(catalogue.path);
  QFile file(catalogue.path);
  if (!file.open(QIODevice::ReadOnly)) {
    catalogue.error = tr("Cannot read %1: %2").arg(name, file.errorString());
    return catalogue;
  }
  QJsonParseError parseError;
  const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
  if (document.isNull()) {
    catalogue.error = tr("%1 is not valid JSON: %2 at byte %3")
                          .arg(name, parseError.errorString())
                          .arg(parseError.offset);
    return catalogue;
  }
  const QJsonArray entries = document.object().value(QStringLiteral("examples")).toArray();
  if (entries.isEmpty()) {
    catalogue.error = tr("%1 has no \"examples\" array.").arg(name);
    return catalogue;
  }
  for (int k = 0; k < entries.size(); ++k) {
    const QJsonObject entry = entries[k].toObject();
    const auto text = [&entry](const char* key) {
      return entry.value(QLatin1String(key)).toString();
    };
    QString missing;
    for (const char* key : {"id", "title", "model", "text", "quantity", "detector", "caption"}) {
      if (text(key).isEmpty()) missing = QLatin1String(key);
    }
    for (const char* key : {"layer", "neuron"}) {
      if (!entry.value(QLatin1String(key)).isDouble()) missing = QLatin1String(key);
    }
    if (!missing.isEmpty()) {
      catalogue.error = tr("%1: example %2 has no \"%3\".").arg(name).arg(k + 1).arg(missing);
      catalogue.examples.clear();
      return catalogue;
    }
    Example example;
    example.id = text("id");
    example.title = text("title");
    example.modelPath = QDir::cleanPath(dir.filePath(text("model")));
    example.textPath = QDir::cleanPath(dir.filePath(text("text")));
    example.neuron.layer = entry.value(QStringLiteral("layer")).toInt();
    example.neuron.neuron = entry.value(QStringLiteral("neuron")).toInt();
    try {
      example.neuron.quantity = cellscope::parse_quantity(text("quantity").toStdString());
    } catch (const std::exception& error) {
      catalogue.error = tr("%1: example \"%2\": %3").arg(name, example.id, error.what());
      catalogue.examples.clear();
      return catalogue;
    }
    example.detector = text("detector");
    example.caption = text("caption");
    example.focus = text("focus");
    catalogue.examples.append(example);
  }
  return catalogue;
}
