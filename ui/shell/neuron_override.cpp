// NeuronOverride: parsing accepts "L:N" with optional spaces around the colon; quantities are
// the engine's names (parse_quantity), and a bad one is reported with the full list of names.
#include "neuron_override.h"

#include <QRegularExpression>
#include <QSettings>
#include <exception>

#include "probe.h"

namespace {

const char kLayerKey[] = "explorer/layer";
const char kNeuronKey[] = "explorer/neuron";
const char kQuantityKey[] = "explorer/quantity";

// Whether `config` has neuron `s`; else false with `why` (when given) set to the engine's reason.
bool fits(const cellscope::ModelConfig& config, const NeuronSelection& s, QString* why) {
  try {
    cellscope::check_neuron(config, s.layer, s.neuron, s.quantity);
    return true;
  } catch (const std::exception& error) {
    if (why != nullptr) *why = QString::fromUtf8(error.what());
    return false;
  }
}

}  // namespace

NeuronSelection NeuronOverride::appliedTo(NeuronSelection selection) const {
  if (layer) selection.layer = *layer;
  if (neuron) selection.neuron = *neuron;
  if (quantity) selection.quantity = *quantity;
  return selection;
}

bool parseNeuronOverride(const QString& neuron, const QString& quantity, NeuronOverride* out,
                         QString* error) {
  NeuronOverride parsed;
  if (!neuron.isEmpty()) {
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d{1,6})\\s*:\\s*(\\d{1,9})\\s*$"));
    const QRegularExpressionMatch match = pattern.match(neuron);
    if (!match.hasMatch()) {
      if (error != nullptr)
        *error = QStringLiteral("bad --neuron '%1': expected LAYER:NEURON, both from 0 (e.g. 1:37)")
                     .arg(neuron);
      return false;
    }
    parsed.layer = match.captured(1).toInt();
    parsed.neuron = match.captured(2).toInt();
  }
  if (!quantity.isEmpty()) {
    try {
      parsed.quantity = cellscope::parse_quantity(quantity.trimmed().toStdString());
    } catch (const std::exception&) {
      if (error != nullptr)
        *error = QStringLiteral("bad --quantity '%1': expected one of %2")
                     .arg(quantity,
                          QString::fromStdString(cellscope::quantity_names()).replace('|', ", "));
      return false;
    }
  }
  if (out != nullptr) *out = parsed;
  return true;
}

std::optional<NeuronSelection> readRememberedNeuron(const QSettings& settings) {
  if (!settings.contains(kQuantityKey)) return std::nullopt;
  try {
    NeuronSelection neuron;
    neuron.layer = settings.value(kLayerKey).toInt();
    neuron.neuron = settings.value(kNeuronKey).toInt();
    neuron.quantity =
        cellscope::parse_quantity(settings.value(kQuantityKey).toString().toStdString());
    return neuron;
  } catch (const std::exception&) {
    return std::nullopt;  // an unknown quantity name: nothing to restore
  }
}

void writeRememberedNeuron(QSettings& settings, const NeuronSelection& neuron) {
  settings.setValue(kLayerKey, neuron.layer);
  settings.setValue(kNeuronKey, neuron.neuron);
  settings.setValue(kQuantityKey, QString::fromStdString(cellscope::to_string(neuron.quantity)));
}

std::optional<NeuronSelection> startupNeuron(const cellscope::ModelConfig& config,
                                             const NeuronSelection& current,
                                             const std::optional<NeuronSelection>& remembered,
                                             const NeuronOverride& override, QString* why) {
  NeuronSelection wanted = current;
  if (remembered && fits(config, *remembered, nullptr)) wanted = *remembered;
  wanted = override.appliedTo(wanted);
  if (!fits(config, wanted, why)) return std::nullopt;
  return wanted;
}
