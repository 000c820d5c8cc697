// Examples: Help → Examples' catalogue, read from examples.json in the data folder (bundled
// models, demo texts and the catalogue; see findDataDir()). Each entry names a model and a demo
// text (paths relative to that folder), the neuron to colour by and a one-paragraph caption;
// tests/cli/test_examples.cpp keeps every neuron find's top neuron for the entry's detector.
// No widgets; a missing or malformed catalogue is an error sentence naming the file.
#pragma once

#include <QList>
#include <QString>

#include "common/neuron_selection.h"

struct Example {
  QString id;         // stable name, e.g. "comment-neuron"
  QString title;      // "The comment neuron"
  QString modelPath;  // absolute
  QString textPath;   // absolute
  NeuronSelection neuron;
  QString detector;  // the `cellscope-cli find` detector whose top neuron it is
  QString caption;   // what to look at, one paragraph
  QString focus;     // optional: text scrolled into view (its first occurrence) once read
};

struct ExampleCatalogue {
  QString path;  // the examples.json read (empty when none was found)
  QList<Example> examples;
  QString error;  // empty on success
  bool ok() const { return error.isEmpty(); }
};

// The data folder: `appDir`/../share/cellscope when it holds examples.json (an installed app:
// cmake --install puts the models, demos and catalogue there), else `sourceResources` when it
// does (running from a build tree), else empty.
QString findDataDir(const QString& appDir, const QString& sourceResources);
// findDataDir() for this executable and the source tree it was built from.
QString defaultDataDir();

// Reads `dataDir`/examples.json. Every entry needs id, title, model, text, layer, neuron,
// quantity (an engine name), detector and caption (focus is optional); a bad entry makes the
// whole catalogue an error.
ExampleCatalogue loadExamples(const QString& dataDir);
