// ExplorerLayout: widget creation and arrangement for ExplorerPane. Object names here are what
// tests and the screenshot tooling find the widgets by; keep them stable.
#include "explorer_layout.h"

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "activation_plot.h"
#include "common/activation_text_view.h"
#include "common/neuron_selector.h"
#include "comparison_summary.h"
#include "vocabulary.h"
#include "explorer_pane.h"
#include "explorer_welcome.h"
#include "memory_panel.h"
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
  w.colourByCombo = new QComboBox;
  w.colourByCombo->setObjectName(QStringLiteral("colourByCombo"));
  w.colourByCombo->addItems(
      {tr("Neuron"), tr("Surprisal"), tr("Entropy"), tr("Surprisal A − B")});
  w.colourByCombo->setToolTip(
      tr("Colour the text by the selected neuron, by the model's surprisal at each character "
         "(−log p), by the entropy of its prediction, or by the difference in surprisal against "
         "a second model (Compare…)"));
  w.bitsCheck = new QCheckBox(tr("bits"));
  w.bitsCheck->setObjectName(QStringLiteral("bitsCheck"));
  w.bitsCheck->setToolTip(tr("Surprisal and entropy in bits (unchecked: nats)"));
  w.compareButton = new QPushButton(tr("Compare…"));
  w.compareButton->setObjectName(QStringLiteral("compareButton"));
  w.compareButton->setToolTip(tr("Open a second model on this text (File → Compare With Model…)"));
  w.legendLabel = new QLabel;
  w.legendLabel->setObjectName(QStringLiteral("explorerLegend"));
  w.legendLabel->setTextFormat(Qt::RichText);

  auto* top = new QHBoxLayout;
  top->addWidget(w.openButton);
  top->addWidget(w.pathLabel, 1);
  top->addWidget(w.progressBar);
  top->addWidget(w.colourByCombo);
  top->addWidget(w.selector);
  top->addWidget(w.bitsCheck);
  top->addWidget(w.legendLabel);
  top->addWidget(w.compareButton);

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
  w.memory = new MemoryPanel;
  w.finder->tabs()->addTab(w.memory, QObject::tr("Memory"));
  w.summary = new ComparisonSummary;
  auto* side = new QSplitter(Qt::Vertical);
  side->addWidget(w.summary);
  side->addWidget(w.finder);
  side->setStretchFactor(0, 3);  // the summary's table, when shown, over the finder
  side->setStretchFactor(1, 2);
  auto* sides = new QSplitter(Qt::Horizontal);
  sides->addWidget(split);
  sides->addWidget(side);
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

QString explorerHoverText(const ExplorerHover& hover, char32_t character, const QString& value) {
  QStringList predictions;
  for (const ExplorerHover::Prediction& p : hover.top) {
    predictions << QStringLiteral("'%1' %2%")
                       .arg(QString::fromStdString(cellscope::Vocabulary::display(p.character)))
                       .arg(100.0 * p.probability, 0, 'f', 1);
  }
  const QString shown =
      !value.isEmpty() ? value
                       : QStringLiteral("%1 = %2").arg(
                             QString::fromStdString(cellscope::to_string(hover.neuron.quantity)),
                             QString::number(static_cast<double>(hover.value), 'f', 4));
  return tr("#%1 '%2': %3   next: %4")
      .arg(hover.position)
      .arg(QString::fromStdString(cellscope::Vocabulary::display(character)), shown,
           predictions.join(QStringLiteral("  ")));
}

void labelExplorerPlot(ActivationPlot* plot, const NeuronSelection& sel,
                       const colormap::ColorMap& map) {
  if (map.range == cellscope::QuantityRange::kUnit) {
    plot->setRange(0.0, 1.0);
  } else {
    plot->setRange(-map.upper(), map.upper());
  }
  const QString quantity = QString::fromStdString(cellscope::to_string(sel.quantity));
  plot->setYLabel(quantity);
  plot->setTitle(tr("layer %1 · neuron %2 · %3").arg(sel.layer).arg(sel.neuron).arg(quantity));
}

bool explorerKeyStep(int key, int* neuronStep, int* layerStep) {
  switch (key) {
    case Qt::Key_Right:
    case Qt::Key_BracketRight:
      *neuronStep = 1;
      return true;
    case Qt::Key_Left:
    case Qt::Key_BracketLeft:
      *neuronStep = -1;
      return true;
    case Qt::Key_Up:
      *layerStep = -1;
      return true;
    case Qt::Key_Down:
      *layerStep = 1;
      return true;
    default:
      return false;
  }
}
