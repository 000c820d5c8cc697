// ComparisonSummary: the model-against-model table beside the explorer's text — each model's
// mean loss over every character both scored, then on the characters each detector marks (from
// engine/compare.h's Comparison, in nats, shown in nats or bits per character), so "the LSTM
// wins inside long quotes" is a number. Hidden while no second model is open.
#pragma once

#include <QString>
#include <QWidget>

#include "compare.h"

class QLabel;
class QTableWidget;
class QToolButton;
class QAction;

class ComparisonSummary : public QWidget {
  Q_OBJECT

 public:
  explicit ComparisonSummary(QWidget* parent = nullptr);

  // `closeAction` becomes the panel's close button.
  void setCloseAction(QAction* closeAction);
  // A / B: "name (description)". `natsPerUnit` is 1 for nats, ln 2 for bits.
  void setModels(const QString& a, const QString& b);
  void setComparison(const cellscope::Comparison& comparison, double natsPerUnit,
                     const QString& unitName);
  void setStatus(const QString& status);  // "Scoring 40%…" while the table waits
  void clear();

  QTableWidget* table() const { return table_; }

  // Columns of table(): where, characters, A, B, A − B (the last three in the unit shown).
  enum Column { kWhere, kChars, kLossA, kLossB, kDifference };

 private:
  QLabel* models_ = nullptr;
  QLabel* unit_ = nullptr;
  QLabel* status_ = nullptr;
  QTableWidget* table_ = nullptr;
  QToolButton* close_ = nullptr;
};
