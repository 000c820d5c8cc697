// MatchTab: the finder's Match tab (LSTMVis) — from the user's selection, the neurons ranked by
// how cleanly they are on (≥ threshold) inside it and off around it, and the other places of the
// text where the chosen ones switch on together, ranked by score. After a match the text is
// coloured by the best neuron (neuronChosen); choosing a neuron emits it with the matched
// quantity; choosing a place emits its [begin, end).
#pragma once

#include <QPair>
#include <QVector>

#include "common/neuron_selection.h"
#include "finder_tab.h"

class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSpinBox;
class QTableWidget;

class MatchTab : public FinderTab {
  Q_OBJECT

 public:
  explicit MatchTab(FinderSession* session, QWidget* parent = nullptr);

  void setModel();  // the session's model changed: its quantities and layers
  // The explorer's quantity: the next match uses it (the user may still pick another).
  void setQuantity(cellscope::Quantity quantity);
  void updateSelectionLabel();                     // the session's selection changed
  void showNeuron(const NeuronSelection& neuron);  // highlights its row (see NeuronFinderPanel)
  void run();
  void onMatched(const MatchJobResult& result);
  const MatchJobResult& result() const { return match_; }

 signals:
  void neuronChosen(const NeuronSelection& selection);
  void rangeChosen(qint64 begin, qint64 end);
  void matchesFound(const QVector<QPair<qint64, qint64>>& ranges);

 private:
  void clearResults() override;
  void fillNeurons(const cellscope::MatchResult& result);
  void fillPlaces(const cellscope::MatchResult& result, QVector<QPair<qint64, qint64>>* ranges);
  QString summary(const MatchJobResult& result, int places) const;

  MatchJobResult match_;

  QLabel* selectionLabel_ = nullptr;
  QDoubleSpinBox* thresholdSpin_ = nullptr;
  QSpinBox* leadInSpin_ = nullptr;
  QSpinBox* offSpin_ = nullptr;
  QComboBox* quantityCombo_ = nullptr;
  QComboBox* layerCombo_ = nullptr;
  QPushButton* button_ = nullptr;
  QTableWidget* neurons_ = nullptr;
  QTableWidget* ranges_ = nullptr;
};
