// ComparisonSummary: a read-only table; row 0 is every character both models scored, then one
// row per detector in the registry's order. Cells hold the numbers as text with 3 decimals and
// the exact mean (in the shown unit) under Qt::UserRole, for tests and sorting.
#include "comparison_summary.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "common/color_map.h"

namespace {

QTableWidgetItem* numberItem(double value, int decimals = 3, bool sign = false) {
  QString text = std::isnan(value) ? QStringLiteral("–") : QString::number(value, 'f', decimals);
  if (sign && value > 0.0) text.prepend(QLatin1Char('+'));
  auto* item = new QTableWidgetItem(text);
  item->setData(Qt::UserRole, value);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

}  // namespace

ComparisonSummary::ComparisonSummary(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("comparisonSummary"));
  auto* title = new QLabel(tr("<b>Model against model</b>"));
  close_ = new QToolButton;
  close_->setObjectName(QStringLiteral("closeComparisonButton"));
  close_->setAutoRaise(true);
  models_ = new QLabel;
  models_->setObjectName(QStringLiteral("comparisonModels"));
  models_->setWordWrap(true);
  models_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  unit_ = new QLabel;
  unit_->setObjectName(QStringLiteral("comparisonUnit"));
  status_ = new QLabel;
  status_->setObjectName(QStringLiteral("comparisonStatus"));
  table_ = new QTableWidget(0, 5);
  table_->setObjectName(QStringLiteral("comparisonTable"));
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setHorizontalHeaderLabels({tr("where"), tr("chars"), tr("A"), tr("B"), tr("A − B")});
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(kWhere, QHeaderView::Stretch);
  table_->setToolTip(tr("Mean loss per character of each model: over every character, then on "
                        "the characters each detector marks. Lower is better."));

  auto* head = new QHBoxLayout;
  head->addWidget(title, 1);
  head->addWidget(close_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(head);
  layout->addWidget(models_);
  layout->addWidget(unit_);
  layout->addWidget(status_);
  layout->addWidget(table_, 1);
  setVisible(false);
}

void ComparisonSummary::setCloseAction(QAction* closeAction) {
  close_->setDefaultAction(closeAction);
}

void ComparisonSummary::setModels(const QString& a, const QString& b) {
  models_->setText(tr("A: %1<br>B: %2").arg(a.toHtmlEscaped(), b.toHtmlEscaped()));
}

void ComparisonSummary::setStatus(const QString& status) {
  status_->setText(status);
  status_->setVisible(!status.isEmpty());
}

void ComparisonSummary::clear() {
  table_->setRowCount(0);
  unit_->clear();
  setStatus(QString());
}

void ComparisonSummary::setComparison(const cellscope::Comparison& comparison, double natsPerUnit,
                                      const QString& unitName) {
  setStatus(QString());
  unit_->setText(tr("Mean %1 per character; lower is better.").arg(unitName));
  table_->setRowCount(static_cast<int>(comparison.detectors.size()) + 1);
  const auto fill = [&](int row, const QString& where, qint64 chars, double a, double b) {
    table_->setItem(row, kWhere, new QTableWidgetItem(where));
    table_->setItem(row, kChars, numberItem(static_cast<double>(chars), 0));
    table_->setItem(row, kLossA, numberItem(a / natsPerUnit));
    table_->setItem(row, kLossB, numberItem(b / natsPerUnit));
    QTableWidgetItem* difference = numberItem((a - b) / natsPerUnit, 3, true);
    // The better model's colour, as in the text: blue where A is lower, red where B is.
    if (!std::isnan(a - b) && a != b)
      difference->setForeground(QColor(a < b ? colormap::kNegative : colormap::kPositive));
    table_->setItem(row, kDifference, difference);
  };
  fill(0, tr("all characters"), comparison.chars, comparison.loss_a, comparison.loss_b);
  int row = 1;
  for (const cellscope::DetectorLoss& d : comparison.detectors) {
    fill(row++, QString::fromStdString(d.detector), d.chars, d.loss_a, d.loss_b);
  }
}
