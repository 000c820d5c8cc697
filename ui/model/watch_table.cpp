// WatchTable: a record whose quantity name the engine does not know, or with no neuron (a
// detector constant on the probe text), is listed but cannot be chosen.
#include "watch_table.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <exception>

#include "watch_history_plot.h"
#include "watch_record.h"

WatchTable::WatchTable(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("watchTable"));
  table_ = new QTableWidget(0, 6);
  table_->setObjectName(QStringLiteral("watchRecords"));
  table_->setHorizontalHeaderLabels(
      {tr("Iteration"), tr("Detector"), tr("Best neuron"), tr("Quantity"), tr("r"), tr("AUC")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setToolTip(tr("Double-click or Enter: open the checkpoint nearest this iteration in Explore, coloured by this neuron"));
  connect(table_, &QAbstractItemView::activated, this,
          [this](const QModelIndex& index) { activate(index.row()); });
  emptyLabel_ = new QLabel(
      tr("No neuron watch recorded (train with --watch url,double-quote,… to record one)."));
  emptyLabel_->setForegroundRole(QPalette::PlaceholderText);
  plot_ = new WatchHistoryPlot;
  connect(plot_, &WatchHistoryPlot::pointChosen, this, [this](int index) {
    table_->selectRow(index);
    activate(index);
  });
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(plot_);
  split->addWidget(table_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(emptyLabel_);
  layout->addWidget(split, 1);
  setRecords({});
}

void WatchTable::setRecords(const std::vector<cellscope::WatchRecord>& records) {
  table_->clearContents();
  table_->setRowCount(static_cast<int>(records.size()));
  neurons_.clear();
  records_ = records;
  const auto number = [](double v, int decimals) {
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—");
  };
  for (int row = 0; row < static_cast<int>(records.size()); ++row) {
    const cellscope::WatchRecord& r = records[static_cast<std::size_t>(row)];
    NeuronSelection neuron;
    bool valid = r.layer >= 0 && r.neuron >= 0;
    try {
      if (valid) neuron.quantity = cellscope::parse_quantity(r.quantity);
    } catch (const std::exception&) {
      valid = false;
    }
    neuron.layer = r.layer;
    neuron.neuron = r.neuron;
    neurons_.emplace_back(valid, neuron);
    auto* iteration = new QTableWidgetItem;
    iteration->setData(Qt::DisplayRole, static_cast<qlonglong>(r.iteration));
    table_->setItem(row, 0, iteration);
    table_->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(r.detector)));
    table_->setItem(row, 2, new QTableWidgetItem(valid ? QStringLiteral("%1:%2").arg(r.layer).arg(r.neuron)
                                                       : QStringLiteral("—")));
    table_->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(r.quantity)));
    table_->setItem(row, 4, new QTableWidgetItem(number(r.correlation, 3)));
    table_->setItem(row, 5, new QTableWidgetItem(number(r.auc, 3)));
  }
  table_->resizeColumnsToContents();
  plot_->setRecords(records);
  emptyLabel_->setVisible(records.empty());
  table_->setVisible(!records.empty());
  plot_->setVisible(!records.empty());
}

void WatchTable::activate(int row) {
  if (row < 0 || row >= count() || !neurons_[static_cast<std::size_t>(row)].first) return;
  emit recordChosen(row, neurons_[static_cast<std::size_t>(row)].second);
  emit neuronChosen(neurons_[static_cast<std::size_t>(row)].second);
}
