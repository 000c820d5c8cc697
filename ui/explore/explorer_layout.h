// ExplorerLayout: the explorer's widgets and where they sit — the top row (open button, text
// name, progress bar, neuron selector, legend), the text view (in a stack under the welcome
// shown while there is no text) over the activation plot and the heatmap, the comparison
// summary and the neuron finder at the side and the hover line at the bottom. Arrangement only:
// ExplorerPane connects them to each other and to its worker.
#pragma once

#include <QString>
#include <QStringList>

#include "common/color_map.h"
#include "common/neuron_selection.h"
#include "explorer_worker.h"

class ActivationPlot;
class ComparisonSummary;
class QCheckBox;
class QComboBox;
class ActivationTextView;
class ExplorerWelcome;
class MemoryPanel;
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
  QComboBox* colourByCombo = nullptr;  // Neuron, Surprisal, Entropy, Surprisal A − B
  QCheckBox* bitsCheck = nullptr;      // surprisal in bits (else nats)
  QPushButton* compareButton = nullptr;
  QLabel* legendLabel = nullptr;
  ActivationTextView* view = nullptr;
  ExplorerWelcome* welcome = nullptr;
  QStackedWidget* textStack = nullptr;  // welcome first, view once a text is shown
  ActivationPlot* plot = nullptr;
  NeuronHeatmap* heatmap = nullptr;
  NeuronFinderPanel* finder = nullptr;
  ComparisonSummary* summary = nullptr;  // above the finder, while a second model is open
  MemoryPanel* memory = nullptr;          // the finder's Memory tab (saliency, horizon)
  QLabel* hoverLabel = nullptr;
};

// Creates the widgets as children of `pane` and lays them out in it (pane has no layout yet).
ExplorerLayout buildExplorerLayout(QWidget* pane);

// The hover line: "#12 'x': VALUE   next: 'a' 40.0%  …"; VALUE is "QUANTITY = value" unless
// `value` is given (surprisal etc.).
QString explorerHoverText(const ExplorerHover& hover, char32_t character, const QString& value);
// The step a key in the text asks for: →/] and ←/[ the neuron (±1), ↑/↓ the layer (∓1/±1);
// false for any other key.
bool explorerKeyStep(int key, int* neuronStep, int* layerStep);
// The plot's range, axis label and title for the neuron `sel` coloured by `map`.
void labelExplorerPlot(ActivationPlot* plot, const NeuronSelection& sel,
                       const colormap::ColorMap& map);

// The legend's rich text for `quantity` coloured by `map`: swatches at its ends (and 0).
QString explorerLegend(cellscope::Quantity quantity, const colormap::ColorMap& map);
