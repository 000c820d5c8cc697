// SaturationTab: the finder's Saturation tab — the gate-saturation scatter of one layer over
// the whole text. One job computes every layer; the layer combo only changes what is drawn. A
// result is "stale" until computed for the current text; opening the tab then computes it.
#pragma once

#include "common/neuron_selection.h"
#include "finder_tab.h"

class QComboBox;
class QPushButton;
class SaturationPlot;

class SaturationTab : public FinderTab {
  Q_OBJECT

 public:
  explicit SaturationTab(FinderSession* session, QWidget* parent = nullptr);

  void setModel();  // the session's model changed: its layers
  void run();
  // Runs unless a result for the current text is shown or on its way, or nothing to read.
  void runIfStale();
  void onSaturation(const SaturationResult& result);

 signals:
  void neuronChosen(const NeuronSelection& selection);

 private:
  void clearResults() override;
  void showLayer();

  SaturationResult saturation_;
  bool stale_ = true;  // no saturation result for the current text yet

  QComboBox* layerCombo_ = nullptr;
  QPushButton* button_ = nullptr;
  SaturationPlot* plot_ = nullptr;
};
