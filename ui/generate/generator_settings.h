// Generator settings in QSettings: GeneratorSettings (generator_pane.h) under generator/*, the
// counterpart of readTrainingSettings()/writeTrainingSettings() for the Generate tab. A missing
// key reads as the struct's default.
#pragma once

#include "generator_pane.h"  // GeneratorSettings

class QSettings;

GeneratorSettings readGeneratorSettings(const QSettings& settings);
void writeGeneratorSettings(QSettings& settings, const GeneratorSettings& generator);
