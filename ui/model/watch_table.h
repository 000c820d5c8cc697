// WatchTable: the neuron watch a .csm records when trained with --watch (ModelFile::watch): a
// WatchHistoryPlot (best |r| per detector against the iteration) above a table of every measurement —
// iteration, detector, the neuron that tracked it best then, its quantity, r and AUC — the
// moment a neuron starts to track structure. Activating a row or clicking a point emits
// recordChosen(row) and neuronChosen(); the Model tab opens the checkpoint nearest that record.
#pragma once

#include <QWidget>
#include <vector>

#include "common/neuron_selection.h"
#include "watch_record.h"

class QLabel;
class QTableWidget;
class WatchHistoryPlot;

class WatchTable : public QWidget {
  Q_OBJECT

 public:
  explicit WatchTable(QWidget* parent = nullptr);

  void setRecords(const std::vector<cellscope::WatchRecord>& records);
  int count() const { return static_cast<int>(neurons_.size()); }
  QTableWidget* table() const { return table_; }
  WatchHistoryPlot* plot() const { return plot_; }
  // The record shown in row `row` (0 <= row < count()).
  const cellscope::WatchRecord& record(int row) const {
    return records_[static_cast<std::size_t>(row)];
  }
  // Emits recordChosen() and neuronChosen() for row `row` when it names a neuron.
  void activate(int row);

 signals:
  void recordChosen(int row, const NeuronSelection& neuron);
  void neuronChosen(const NeuronSelection& neuron);

 private:
  QTableWidget* table_ = nullptr;
  WatchHistoryPlot* plot_ = nullptr;
  QLabel* emptyLabel_ = nullptr;
  std::vector<std::pair<bool, NeuronSelection>> neurons_;  // (names a neuron, which)
  std::vector<cellscope::WatchRecord> records_;
};
