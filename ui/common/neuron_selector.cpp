// NeuronSelector: three controls and the rules for filling them from a model configuration.
// Invariant: the shown selection is always valid for the model (layer and neuron in range).
#include "neuron_selector.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <algorithm>

#include "probe.h"

NeuronSelector::NeuronSelector(const QString& namePrefix, QWidget* parent) : QWidget(parent) {
  const auto name = [&](const char* base) {
    if (namePrefix.isEmpty()) return QString::fromLatin1(base);
    QString n = QString::fromLatin1(base);
    n[0] = n[0].toUpper();
    return namePrefix + n;
  };
  layerSpin_ = new QSpinBox;
  layerSpin_->setObjectName(name("layerSpin"));
  layerSpin_->setRange(0, 0);
  neuronSpin_ = new QSpinBox;
  neuronSpin_->setObjectName(name("neuronSpin"));
  neuronSpin_->setRange(0, 0);
  neuronSpin_->setWrapping(true);
  quantityCombo_ = new QComboBox;
  quantityCombo_->setObjectName(name("quantityCombo"));
  for (QSpinBox* spin : {layerSpin_, neuronSpin_}) spin->setKeyboardTracking(false);

  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(new QLabel(tr("Layer")));
  row->addWidget(layerSpin_);
  row->addWidget(new QLabel(tr("Neuron")));
  row->addWidget(neuronSpin_);
  row->addWidget(quantityCombo_, 1);

  for (QSpinBox* spin : {layerSpin_, neuronSpin_})
    connect(spin, &QSpinBox::valueChanged, this, &NeuronSelector::edited);
  connect(quantityCombo_, &QComboBox::currentIndexChanged, this, &NeuronSelector::edited);
}

void NeuronSelector::setModel(const cellscope::ModelConfig& config) {
  updating_ = true;
  layerSpin_->setRange(0, std::max(0, config.num_layers - 1));
  layerSpin_->setValue(layerSpin_->maximum());
  neuronSpin_->setRange(0, std::max(0, config.hidden_size - 1));
  neuronSpin_->setValue(0);
  quantityCombo_->clear();
  for (cellscope::Quantity q : cellscope::cell_quantities(config.cell))
    quantityCombo_->addItem(QString::fromStdString(cellscope::to_string(q)), static_cast<int>(q));
  const auto preferred = config.cell == cellscope::CellType::kLstm ? cellscope::Quantity::kTanhCell
                                                                   : cellscope::Quantity::kHidden;
  quantityCombo_->setCurrentIndex(quantityCombo_->findData(static_cast<int>(preferred)));
  updating_ = false;
}

NeuronSelection NeuronSelector::selection() const {
  NeuronSelection selection;
  selection.layer = layerSpin_->value();
  selection.neuron = neuronSpin_->value();
  const QVariant q = quantityCombo_->currentData();
  if (q.isValid()) selection.quantity = static_cast<cellscope::Quantity>(q.toInt());
  return selection;
}

void NeuronSelector::setSelection(const NeuronSelection& selection, bool notify) {
  updating_ = true;
  layerSpin_->setValue(selection.layer);
  neuronSpin_->setValue(selection.neuron);
  const int index = quantityCombo_->findData(static_cast<int>(selection.quantity));
  if (index >= 0) quantityCombo_->setCurrentIndex(index);
  updating_ = false;
  if (notify) emit changed();
}

void NeuronSelector::stepNeuron(int delta) {
  const int count = neuronSpin_->maximum() + 1;
  neuronSpin_->setValue(((neuronSpin_->value() + delta) % count + count) % count);
}

void NeuronSelector::stepLayer(int delta) {
  layerSpin_->setValue(layerSpin_->value() + delta);  // the spin box clamps
}

QString NeuronSelector::quantityText() const {
  return quantityCombo_->currentText();
}

void NeuronSelector::edited() {
  if (!updating_) emit changed();
}
