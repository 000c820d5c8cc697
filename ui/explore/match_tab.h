// MatchTab: the finder's Match tab (LSTMVis) — the neurons on (≥ threshold) through the user's
// selection, and the other places of the text where they switch on together. Choosing a neuron
// emits it with the matched quantity; choosing a place emits its [begin, end).
#pragma once

#include <QPair>
#include <QVector>

#include "common/neuron_selection.h"
#include "finder_tab.h"

class QComboBox;
class QDoubleSpinBox;
class QListWidget;
class QPushButton;
class QTableWidget;

class MatchTab : public FinderTab {
  Q_OBJECT

 public:
  explicit MatchTab(FinderSession* session, QWidget* parent = nullptr);

  void setModel();  // the session's model changed: its quantities and layers
  void updateSelectionLabel();  // the session's selection changed
  void run();
  void onMatched(const MatchJobResult& result);
  const MatchJobResult& result() const { return match_; }

 signals:
  void neuronChosen(const NeuronSelection& selection);
  void rangeChosen(qint64 begin, qint64 end);
  void matchesFound(const QVector<QPair<qint64, qint64>>& ranges);

 private:
  void clearResults() override;

  MatchJobResult match_;

  QLabel* selectionLabel_ = nullptr;
  QDoubleSpinBox* thresholdSpin_ = nullptr;
  QComboBox* quantityCombo_ = nullptr;
  QComboBox* layerCombo_ = nullptr;
  QPushButton* button_ = nullptr;
  QListWidget* neurons_ = nullptr;
  QTableWidget* ranges_ = nullptr;
};
