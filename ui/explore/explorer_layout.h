// ExplorerLayout: the explorer's widgets and where they sit — the top row (open button, text
// name, progress bar, neuron selector, legend), the text view (in a stack under the welcome
// shown while there is no text) over the activation plot and the heatmap, the neuron finder at
// the side and the hover line at the bottom. Arrangement only:
// ExplorerPane connects them to each other and to its worker.
#pragma once

#include <QString>

#include "common/color_map.h"
#include "common/neuron_selection.h"

class ActivationPlot;
class ActivationTextView;
class ExplorerWelcome;
class NeuronFinderPanel;
class NeuronHeatmap;
class NeuronSelector;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QWidget;

struct ExplorerLayout {
  QPushButton* openButton = nullptr;
  QLabel* pathLabel = nullptr;
  QProgressBar* progressBar = nullptr;
  NeuronSelector* selector = nullptr;
  QLabel* legendLabel = nullptr;
  ActivationTextView* view = nullptr;
  ExplorerWelcome* welcome = nullptr;
  QStackedWidget* textStack = nullptr;  // welcome first, view once a text is shown
  ActivationPlot* plot = nullptr;
  NeuronHeatmap* heatmap = nullptr;
  NeuronFinderPanel* finder = nullptr;
  QLabel* hoverLabel = nullptr;
};

// Creates the widgets as children of `pane` and lays them out in it (pane has no layout yet).
ExplorerLayout buildExplorerLayout(QWidget* pane);

// The legend's rich text for `quantity` coloured by `map`: swatches at its ends (and 0).
QString explorerLegend(cellscope::Quantity quantity, const colormap::ColorMap& map);
