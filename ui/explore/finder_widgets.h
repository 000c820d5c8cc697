// Small pieces the finder's tabs share: a table cell that sorts by number, a once-per-user-
// action row chooser for item views, and factories for the tables, progress bars and status
// lines, so the three tabs look and behave alike. Pure widget helpers: no worker, no state.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTableWidgetItem>
#include <functional>

#include "config.h"
#include "probe.h"

class QAbstractItemView;
class QComboBox;
class QEvent;
class QLabel;
class QProgressBar;
class QTableWidget;

namespace finder {

constexpr int kProgressSteps = 1000;
// Item data roles: a neuron's (layer, neuron), a range's [begin, end).
constexpr int kLayerRole = Qt::UserRole + 1;
constexpr int kNeuronRole = Qt::UserRole + 2;
constexpr int kBeginRole = Qt::UserRole + 1;
constexpr int kEndRole = Qt::UserRole + 2;

// A table cell sorted by the number in Qt::UserRole (NaN first in ascending order).
class NumberItem : public QTableWidgetItem {
 public:
  NumberItem(const QString& text, double key);
  bool operator<(const QTableWidgetItem& other) const override;
};

// Calls `choose(row)` once per user choice in an item view: on a mouse click (not on the press
// that moves the current row), on a keyboard move of the current row, and on Enter.
class ItemChoice : public QObject {
 public:
  ItemChoice(QAbstractItemView* view, std::function<void(int)> choose);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  std::function<void(int)> choose_;
  bool mouseDown_ = false;
  int clickedRow_ = -1;
};

QTableWidget* makeTable(const QString& name, const QStringList& headers);
QProgressBar* makeProgress(const QString& name);  // range 0..kProgressSteps, hidden
QLabel* makeStatus(const QString& name);          // word-wrapped, selectable
// The model's quantities for its cell type, tanh-cell (LSTM) or hidden preselected; empty
// without a model. Emits no signal.
void fillQuantities(QComboBox* combo, bool haveModel, const cellscope::ModelConfig& config);

// Selects the row of `table` whose `column` item holds (layer, neuron) in kLayerRole /
// kNeuronRole and makes it current; clears the selection when none does. Emits nothing.
void showNeuronRow(QTableWidget* table, int column, int layer, int neuron);

QString neuronName(int layer, int neuron);  // "L:N"
QString number(double v, int decimals);     // "—" for NaN
QString quantityName(cellscope::Quantity q);

}  // namespace finder
