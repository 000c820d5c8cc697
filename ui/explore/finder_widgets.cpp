// The finder's shared widget helpers. ItemChoice tells a press that only moves the current
// row (ignored) from the click that completes it (chosen), so one click emits one choice.
#include "finder_widgets.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QSignalBlocker>
#include <QTableWidget>
#include <cmath>

namespace finder {

NumberItem::NumberItem(const QString& text, double key) : QTableWidgetItem(text) {
  setData(Qt::UserRole, std::isnan(key) ? -1e300 : key);
  setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

bool NumberItem::operator<(const QTableWidgetItem& other) const {
  return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
}

ItemChoice::ItemChoice(QAbstractItemView* view, std::function<void(int)> choose)
    : QObject(view), choose_(std::move(choose)) {
  view->viewport()->installEventFilter(this);
  connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (!mouseDown_ && current.isValid()) choose_(current.row());
          });
  connect(view, &QAbstractItemView::clicked, this, [this](const QModelIndex& index) {
    clickedRow_ = index.row();
    choose_(index.row());
  });
  connect(view, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
    if (index.row() != clickedRow_) choose_(index.row());
  });
}

bool ItemChoice::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::MouseButtonPress) {
    mouseDown_ = true;
    clickedRow_ = -1;
  } else if (event->type() == QEvent::MouseButtonRelease) {
    mouseDown_ = false;
  }
  return QObject::eventFilter(watched, event);
}

QTableWidget* makeTable(const QString& name, const QStringList& headers) {
  auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
  table->setObjectName(name);
  table->setHorizontalHeaderLabels(headers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setSelectionMode(QAbstractItemView::SingleSelection);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->setVisible(false);
  table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table->horizontalHeader()->setStretchLastSection(true);
  return table;
}

QProgressBar* makeProgress(const QString& name) {
  auto* bar = new QProgressBar;
  bar->setObjectName(name);
  bar->setRange(0, kProgressSteps);
  bar->setVisible(false);
  return bar;
}

QLabel* makeStatus(const QString& name) {
  auto* label = new QLabel;
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

void fillQuantities(QComboBox* combo, bool haveModel, const cellscope::ModelConfig& config) {
  const QSignalBlocker block(combo);
  combo->clear();
  if (!haveModel) return;
  for (cellscope::Quantity q : cellscope::cell_quantities(config.cell))
    combo->addItem(quantityName(q), static_cast<int>(q));
  const auto preferred = config.cell == cellscope::CellType::kLstm ? cellscope::Quantity::kTanhCell
                                                                   : cellscope::Quantity::kHidden;
  combo->setCurrentIndex(combo->findData(static_cast<int>(preferred)));
}

void showNeuronRow(QTableWidget* table, int column, int layer, int neuron) {
  int found = -1;
  for (int row = 0; row < table->rowCount() && found < 0; ++row) {
    const QTableWidgetItem* item = table->item(row, column);
    if (item != nullptr && item->data(kLayerRole).toInt() == layer &&
        item->data(kNeuronRole).toInt() == neuron)
      found = row;
  }
  {
    // Blocked: no choice is emitted. The view repaints from those signals too, so it is told.
    const QSignalBlocker block(table->selectionModel());
    if (found >= 0) {
      table->setCurrentCell(found, column,
                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
      table->scrollToItem(table->item(found, column));
    } else {
      table->setCurrentCell(-1, -1);
      table->clearSelection();
    }
  }
  table->viewport()->update();
}

QString neuronName(int layer, int neuron) {
  return QStringLiteral("%1:%2").arg(layer).arg(neuron);
}

QString number(double v, int decimals) {
  return std::isnan(v) ? QStringLiteral("—") : QString::number(v, 'f', decimals);
}

QString quantityName(cellscope::Quantity q) {
  return QString::fromStdString(cellscope::to_string(q));
}

}  // namespace finder
