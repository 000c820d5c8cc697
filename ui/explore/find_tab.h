// FindTab: the finder's Find tab — ranks the neurons of every layer against a target (a
// detector, a regular expression, or 1 inside the selected span) by |r| and shows the best
// kTopNeurons. A row chosen by the user emits that neuron with the quantity it was ranked on.
#pragma once

#include <vector>

#include "common/neuron_selection.h"
#include "finder_tab.h"
#include "neuron_search.h"

class QComboBox;
class QLineEdit;
class QPushButton;
class QTableWidget;

class FindTab : public FinderTab {
  Q_OBJECT

 public:
  static constexpr int kTopNeurons = 100;
  // The target combo's entries after detector_list(): their item data.
  static constexpr const char* kSelectionTarget = "@selection";
  static constexpr const char* kRegexTarget = "@regex";

  explicit FindTab(FinderSession* session, QWidget* parent = nullptr);

  void setModel();  // the session's model changed: its quantities
  // The session's text changed: the target becomes the detector suited to it
  // (text_defaults::defaultDetector).
  void setText();
  void showNeuron(const NeuronSelection& neuron);  // highlights its row (see NeuronFinderPanel)
  void run();
  void onFound(const FindResult& result);
  const std::vector<cellscope::NeuronScore>& results() const { return scores_; }

 signals:
  void neuronChosen(const NeuronSelection& selection);

 private:
  void clearResults() override;
  void updateRegexVisibility();
  void emitRow(int row);

  std::vector<cellscope::NeuronScore> scores_;
  cellscope::Quantity quantity_ = cellscope::Quantity::kHidden;  // of scores_

  QComboBox* detectorCombo_ = nullptr;
  QLineEdit* regexEdit_ = nullptr;
  QComboBox* quantityCombo_ = nullptr;
  QPushButton* button_ = nullptr;
  QTableWidget* table_ = nullptr;
};
