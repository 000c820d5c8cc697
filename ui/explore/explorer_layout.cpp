// ExplorerLayout: widget creation and arrangement for ExplorerPane. Object names here are what
// tests and the screenshot tooling find the widgets by; keep them stable.
#include "explorer_layout.h"

#include <QColor>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "activation_plot.h"
#include "common/activation_text_view.h"
#include "common/neuron_selector.h"
#include "explorer_pane.h"
#include "explorer_welcome.h"
#include "neuron_finder_panel.h"
#include "neuron_heatmap.h"

namespace {

QString tr(const char* text) {
  return ExplorerPane::tr(text);
}

QString swatch(QRgb rgb) {
  return QStringLiteral("<span style=\"background-color:%1\">&nbsp;&nbsp;&nbsp;</span>")
      .arg(QColor(rgb).name());
}

}  // namespace

ExplorerLayout buildExplorerLayout(QWidget* pane) {
  ExplorerLayout w;
  w.openButton = new QPushButton(tr("Open Text…"));
  w.openButton->setObjectName(QStringLiteral("openTextButton"));
  w.pathLabel = new QLabel(tr("No text"));
  w.pathLabel->setObjectName(QStringLiteral("textPathLabel"));
  w.progressBar = new QProgressBar;
  w.progressBar->setObjectName(QStringLiteral("probeProgress"));
  w.progressBar->setRange(0, 1000);
  w.progressBar->setTextVisible(true);
  w.progressBar->setFormat(tr("Probing %p%"));
  w.progressBar->setVisible(false);
  {
    // Showing or hiding the bar must not move the text view (a relayout of a long text).
    QSizePolicy policy = w.progressBar->sizePolicy();
    policy.setRetainSizeWhenHidden(true);
    w.progressBar->setSizePolicy(policy);
  }

  w.selector = new NeuronSelector(QStringLiteral("explorer"));
  w.legendLabel = new QLabel;
  w.legendLabel->setObjectName(QStringLiteral("explorerLegend"));
  w.legendLabel->setTextFormat(Qt::RichText);

  auto* top = new QHBoxLayout;
  top->addWidget(w.openButton);
  top->addWidget(w.pathLabel, 1);
  top->addWidget(w.progressBar);
  top->addWidget(w.selector);
  top->addWidget(w.legendLabel);

  w.view = new ActivationTextView;
  w.view->setObjectName(QStringLiteral("explorerView"));
  w.view->setFocusPolicy(Qt::StrongFocus);
  w.welcome = new ExplorerWelcome;
  w.textStack = new QStackedWidget;
  w.textStack->setObjectName(QStringLiteral("explorerTextStack"));
  w.textStack->addWidget(w.welcome);
  w.textStack->addWidget(w.view);
  w.hoverLabel = new QLabel;
  w.hoverLabel->setObjectName(QStringLiteral("explorerHoverLabel"));
  w.hoverLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

  w.plot = new ActivationPlot;
  w.plot->setObjectName(QStringLiteral("explorerPlot"));
  w.heatmap = new NeuronHeatmap;
  w.heatmap->setObjectName(QStringLiteral("explorerHeatmap"));
  w.heatmap->setToolTip(
      tr("Every neuron of the layer over the visible text; click one to select it, Ctrl+wheel "
         "or +/- to zoom"));
  // The rows keep a readable height: the strip scrolls vertically instead of squeezing them.
  auto* heatmapScroll = new QScrollArea;
  heatmapScroll->setObjectName(QStringLiteral("explorerHeatmapScroll"));
  heatmapScroll->setWidget(w.heatmap);
  heatmapScroll->setWidgetResizable(true);
  heatmapScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  heatmapScroll->setFrameShape(QFrame::NoFrame);
  heatmapScroll->setMinimumHeight(60);
  auto* split = new QSplitter(Qt::Vertical);
  split->setObjectName(QStringLiteral("explorerSplitter"));
  split->addWidget(w.textStack);
  split->addWidget(w.plot);
  split->addWidget(heatmapScroll);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  split->setStretchFactor(2, 1);
  split->setSizes({440, 150, 180});

  w.finder = new NeuronFinderPanel;
  w.finder->setObjectName(QStringLiteral("neuronFinder"));
  auto* sides = new QSplitter(Qt::Horizontal);
  sides->addWidget(split);
  sides->addWidget(w.finder);
  sides->setStretchFactor(0, 3);
  sides->setStretchFactor(1, 1);
  sides->setSizes({900, 340});
  w.finder->setMinimumWidth(280);

  auto* layout = new QVBoxLayout(pane);
  layout->addLayout(top);
  layout->addWidget(sides, 1);
  layout->addWidget(w.hoverLabel);
  return w;
}

QString explorerLegend(cellscope::Quantity quantity, const colormap::ColorMap& map) {
  const QString what = QString::fromStdString(cellscope::to_string(quantity));
  if (map.range == cellscope::QuantityRange::kUnit)
    return tr("%1: %2 0 … %3 1").arg(what, swatch(colormap::kNeutral), swatch(colormap::kDark));
  const QString limit = QString::number(map.upper(), 'g', 3);
  return tr("%1: %2 −%3 … %4 0 … %5 +%3")
      .arg(what, swatch(colormap::kNegative), limit, swatch(colormap::kNeutral),
           swatch(colormap::kPositive));
}
