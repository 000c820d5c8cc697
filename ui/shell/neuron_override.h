// NeuronOverride: the command line's --neuron L:N and --quantity Q (app/main_gui.cpp parses
// them), the explorer neuron remembered in QSettings (explorer/{layer,neuron,quantity}), and
// startupNeuron(), which combines them into the neuron the first loaded model opens on. No
// widgets; a neuron is only applied when the model has it.
#pragma once

#include <QString>
#include <optional>

#include "common/neuron_selection.h"

class QSettings;

namespace cellscope {
struct ModelConfig;
}

// The command line's --neuron L:N and --quantity Q; what is not given stays unset.
struct NeuronOverride {
  std::optional<int> layer;
  std::optional<int> neuron;
  std::optional<cellscope::Quantity> quantity;

  bool isEmpty() const { return !layer && !quantity; }
  NeuronSelection appliedTo(NeuronSelection selection) const;
};

// Parses `neuron` ("L:N", both from 0; empty: not given) and `quantity` (an engine quantity name
// such as "tanh-cell"; empty: not given). False with `error` set to a sentence naming the bad
// value.
bool parseNeuronOverride(const QString& neuron, const QString& quantity, NeuronOverride* out,
                         QString* error);

// The neuron saved by writeRememberedNeuron(); none when absent or its quantity is unknown.
std::optional<NeuronSelection> readRememberedNeuron(const QSettings& settings);
void writeRememberedNeuron(QSettings& settings, const NeuronSelection& neuron);

// The neuron the first model opens on: `remembered` when `config` has it (else `current`), with
// `override` over it. Empty, with `why` set to the engine's message, when `config` lacks it.
std::optional<NeuronSelection> startupNeuron(const cellscope::ModelConfig& config,
                                             const NeuronSelection& current,
                                             const std::optional<NeuronSelection>& remembered,
                                             const NeuronOverride& override, QString* why);
