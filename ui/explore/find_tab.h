// FindTab: the finder's Find tab — ranks the neurons of every layer against a target (a
// detector, a regular expression, or 1 inside the selected span) by |r| and shows the best
// kTopNeurons. A row chosen by the user emits that neuron with the quantity it was ranked on.
// The target follows each new text (text_defaults) unless a preset (an Example's) names it.
#pragma once

#include <QString>
#include <optional>
#include <string>
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
  // (text_defaults::defaultDetector), or the preset's while there is one for it.
  void setText();
  // A target chosen for the next text (an Example's detector — a detector_list() name or
  // "regex:…" — and quantity): shown at once, taken instead of the automatic one when that text
  // arrives and kept while the same text comes back (a model reloaded); another text drops it.
  void setPresetTarget(const QString& detector, cellscope::Quantity quantity);
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
  void applyPreset();

  struct Preset {
    QString detector;
    cellscope::Quantity quantity;
  };
  std::optional<Preset> preset_;
  bool presetPending_ = false;  // not yet applied to a text
  std::u32string presetText_;   // the text it was applied to

  std::vector<cellscope::NeuronScore> scores_;
  cellscope::Quantity quantity_ = cellscope::Quantity::kHidden;  // of scores_

  QComboBox* detectorCombo_ = nullptr;
  QLineEdit* regexEdit_ = nullptr;
  QComboBox* quantityCombo_ = nullptr;
  QPushButton* button_ = nullptr;
  QTableWidget* table_ = nullptr;
};
