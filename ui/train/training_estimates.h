// Training estimates shown before a run starts: the training memory of a configuration, and
// the text of sizes and durations. Pure functions of their arguments (the measured speed comes
// from measureTrainingThroughput in training_worker.h, run by TrainingForm off the GUI thread).
#pragma once

#include <QString>

#include "config.h"

// Training memory in bytes (docs/performance.md): 4·P floats for parameters, gradients and
// Adam's moments, activations for T·B characters, plus the encoded text (`corpusChars`).
double estimateTrainingBytes(const cellscope::ModelConfig& model,
                             const cellscope::TrainConfig& train, double corpusChars);

// "h:mm:ss", or "—" for a negative or non-finite time.
QString formatDuration(double seconds);

// A byte count in SI units with one decimal ("1.2 MB"), in the user's locale.
QString dataSizeText(double bytes);
