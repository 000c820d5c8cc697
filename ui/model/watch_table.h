// WatchTable: the neuron watch a .csm records when trained with --watch (ModelFile::watch): a
// WatchHistoryPlot (best |r| per detector against the iteration) above a table of every measurement —
// iteration, detector, the neuron that tracked it best then, its quantity, r and AUC — the
// moment a neuron starts to track structure. Activating a row or clicking a point emits
// neuronChosen() so the shell colours the explorer's text by that neuron of this model.
#pragma once

#include <QWidget>
#include <vector>

#include "common/neuron_selection.h"

class QLabel;
class QTableWidget;
class WatchHistoryPlot;

namespace cellscope {
struct WatchRecord;
}

class WatchTable : public QWidget {
  Q_OBJECT

 public:
  explicit WatchTable(QWidget* parent = nullptr);

  void setRecords(const std::vector<cellscope::WatchRecord>& records);
  int count() const { return static_cast<int>(neurons_.size()); }
  QTableWidget* table() const { return table_; }
  WatchHistoryPlot* plot() const { return plot_; }
  // Emits neuronChosen() for row `row` when it names a neuron.
  void activate(int row);

 signals:
  void neuronChosen(const NeuronSelection& neuron);

 private:
  QTableWidget* table_ = nullptr;
  WatchHistoryPlot* plot_ = nullptr;
  QLabel* emptyLabel_ = nullptr;
  std::vector<std::pair<bool, NeuronSelection>> neurons_;  // (names a neuron, which)
};
