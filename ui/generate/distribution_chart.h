// DistributionChart: a next-character distribution as a QCustomPlot bar chart — the ~30 most
// likely characters, sorted by probability and labelled (↵ newline, ␣ space, → tab), on a fixed
// 0–1 axis so a lower temperature visibly makes it peakier — with the entropy in nats and bits.
// The character actually drawn, when known, gets its own bar colour. Follows the palette.
#pragma once

#include <QString>
#include <QWidget>
#include <vector>

#include "generation_worker.h"

class QCPBars;
class QCustomPlot;
class QLabel;

class DistributionChart : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kBars = 30;

  explicit DistributionChart(QWidget* parent = nullptr);

  // `vocabulary` maps ids to code points; `chosenId` (-1: none) is highlighted.
  void setDistribution(const CharDistribution& distribution,
                       const std::vector<char32_t>& vocabulary, int chosenId, const QString& title);
  void clear();

  const CharDistribution& distribution() const { return distribution_; }
  double entropyNats() const { return distribution_.entropyNats(); }
  QCustomPlot* plot() const { return plot_; }
  QCPBars* bars() const { return bars_; }
  QCPBars* chosenBar() const { return chosen_; }
  QLabel* entropyLabel() const { return entropyLabel_; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyPalette();

  QLabel* titleLabel_ = nullptr;
  QLabel* entropyLabel_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QCPBars* bars_ = nullptr;
  QCPBars* chosen_ = nullptr;
  CharDistribution distribution_;
};
