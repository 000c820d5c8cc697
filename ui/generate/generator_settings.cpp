// Generator settings: one key per GeneratorSettings field, named after it (generator/prime,
// generator/length, ...); the prime is stored as typed (\n and \t as two characters each).
#include "generator_settings.h"

#include <QSettings>

namespace {

const char kPrimeKey[] = "generator/prime";
const char kLengthKey[] = "generator/length";
const char kSeedKey[] = "generator/seed";
const char kTemperatureKey[] = "generator/temperature";
const char kCompareTemperatureKey[] = "generator/compareTemperature";
const char kArgmaxKey[] = "generator/argmax";
const char kTopKKey[] = "generator/topK";
const char kCompareKey[] = "generator/compare";

}  // namespace

GeneratorSettings readGeneratorSettings(const QSettings& settings) {
  const GeneratorSettings defaults;
  GeneratorSettings generator;
  generator.prime = settings.value(kPrimeKey, defaults.prime).toString();
  generator.length = settings.value(kLengthKey, defaults.length).toInt();
  generator.seed = settings.value(kSeedKey, defaults.seed).toInt();
  generator.temperature = settings.value(kTemperatureKey, defaults.temperature).toDouble();
  generator.compareTemperature =
      settings.value(kCompareTemperatureKey, defaults.compareTemperature).toDouble();
  generator.argmax = settings.value(kArgmaxKey, defaults.argmax).toBool();
  generator.topK = settings.value(kTopKKey, defaults.topK).toInt();
  generator.compare = settings.value(kCompareKey, defaults.compare).toBool();
  return generator;
}

void writeGeneratorSettings(QSettings& settings, const GeneratorSettings& generator) {
  settings.setValue(kPrimeKey, generator.prime);
  settings.setValue(kLengthKey, generator.length);
  settings.setValue(kSeedKey, generator.seed);
  settings.setValue(kTemperatureKey, generator.temperature);
  settings.setValue(kCompareTemperatureKey, generator.compareTemperature);
  settings.setValue(kArgmaxKey, generator.argmax);
  settings.setValue(kTopKKey, generator.topK);
  settings.setValue(kCompareKey, generator.compare);
}
