// SaturationTab: the plot keeps the last result's statistics for every layer, so switching
// the layer redraws at once without a new pass.
#include "saturation_tab.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "saturation_plot.h"

SaturationTab::SaturationTab(FinderSession* session, QWidget* parent)
    : FinderTab(session, QStringLiteral("saturationProgress"), QStringLiteral("saturationStatus"),
                parent) {
  layerCombo_ = new QComboBox;
  layerCombo_->setObjectName(QStringLiteral("saturationLayerCombo"));
  button_ = new QPushButton(tr("Compute"));
  button_->setObjectName(QStringLiteral("saturationRunButton"));
  plot_ = new SaturationPlot;
  plot_->setObjectName(QStringLiteral("saturationPlot"));

  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Layer")));
  row->addWidget(layerCombo_, 1);
  row->addWidget(button_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(row);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(plot_, 1);

  connect(button_, &QPushButton::clicked, this, &SaturationTab::run);
  connect(layerCombo_, &QComboBox::currentIndexChanged, this, &SaturationTab::showLayer);
  connect(plot_, &SaturationPlot::pointClicked, this, &SaturationTab::neuronChosen);
}

void SaturationTab::setModel() {
  const QSignalBlocker block(layerCombo_);
  layerCombo_->clear();
  for (int l = 0; session_->model && l < session_->config.num_layers; ++l)
    layerCombo_->addItem(tr("Layer %1").arg(l), l);
  layerCombo_->setCurrentIndex(layerCombo_->count() - 1);
}

void SaturationTab::clearResults() {
  saturation_ = SaturationResult{};
  stale_ = true;
  plot_->clear();
}

void SaturationTab::run() {
  if (!checkReady()) return;
  startJob(SaturationRequest{}, &AnalysisWorker::saturation, AnalysisWorker::Kind::kSaturation);
}

void SaturationTab::runIfStale() {
  if (stale_ && !isBusy() && session_->model && !session_->text.empty()) run();
}

void SaturationTab::onSaturation(const SaturationResult& result) {
  if (!finishJob(result)) return;
  saturation_ = result;
  stale_ = false;
  status_->setText(tr("Over %1 characters. Hover a point for its neuron; click it to show it.")
                       .arg(session_->text.size()));
  showLayer();
}

void SaturationTab::showLayer() {
  if (saturation_.stats.empty()) return;
  plot_->setData(layerCombo_->currentData().toInt(), saturation_.gates, saturation_.stats);
}
