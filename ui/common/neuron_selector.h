// NeuronSelector: the layer / neuron / quantity controls shared by the explorer and the
// generator. setModel() fills the ranges and the cell type's quantities (default: the top
// layer, neuron 0, tanh(c) for an LSTM, else h) without emitting; a user edit emits changed()
// once, and so does setSelection() unless told not to.
#pragma once

#include <QString>
#include <QWidget>

#include "config.h"
#include "neuron_selection.h"

class QComboBox;
class QSpinBox;

class NeuronSelector : public QWidget {
  Q_OBJECT

 public:
  // `namePrefix` prefixes the child widgets' object names ("layerSpin", "neuronSpin",
  // "quantityCombo").
  explicit NeuronSelector(const QString& namePrefix = QString(), QWidget* parent = nullptr);

  void setModel(const cellscope::ModelConfig& config);
  NeuronSelection selection() const;
  void setSelection(const NeuronSelection& selection, bool notify = true);
  void stepNeuron(int delta);  // wraps around within the layer
  void stepLayer(int delta);   // clamps to the model's layers
  QString quantityText() const;

 signals:
  void changed();

 private:
  void edited();

  QSpinBox* layerSpin_ = nullptr;
  QSpinBox* neuronSpin_ = nullptr;
  QComboBox* quantityCombo_ = nullptr;
  bool updating_ = false;  // set while the controls are filled programmatically
};
