// SampleTimeline: the samples a .csm stores (one every --sample-every iterations while it
// trained), oldest first, as a table — iteration, validation loss then, temperature, the
// sample's beginning — with the selected sample in full below it. Double-click, Enter or
// "Explore" emits sampleActivated() so the shell opens it in the explorer, as the Train tab's
// sample list does.
#pragma once

#include <QString>
#include <QWidget>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace cellscope {
struct SampleRecord;
}

class SampleTimeline : public QWidget {
  Q_OBJECT

 public:
  explicit SampleTimeline(QWidget* parent = nullptr);

  void setSamples(const std::vector<cellscope::SampleRecord>& samples);
  void clear();
  int count() const;
  QTableWidget* table() const { return table_; }
  QPlainTextEdit* preview() const { return preview_; }
  QPushButton* exploreButton() const { return exploreButton_; }
  // Emits sampleActivated() for row `row` (no-op when out of range).
  void activate(int row);

 signals:
  void sampleActivated(qint64 iteration, const QString& text);

 private:
  void showSelected();

  QTableWidget* table_ = nullptr;
  QPlainTextEdit* preview_ = nullptr;
  QPushButton* exploreButton_ = nullptr;
  QLabel* emptyLabel_ = nullptr;
  std::vector<qint64> iterations_;
  std::vector<QString> texts_;
};
