// GeneratorPane: generate text from the loaded model — prime, length, seed, sample or argmax,
// optional top-k, and a temperature slider per output column (a second column at another
// temperature with "Compare"). Any change restarts generation at once and the text streams in,
// coloured by the selected neuron; a bar chart shows the next-character distribution. Copy, Save
// (atomic), and a column's "Explore" (exploreRequested). All sampling runs on worker threads.
#pragma once

#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

#include "generation_column.h"

class DistributionChart;
class QCheckBox;
class NeuronSelector;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace cellscope {
struct ModelFile;
}

// The pane's persistent state (MainWindow reads and writes it with its other settings).
struct GeneratorSettings {
  QString prime;  // as typed: \n and \t stand for newline and tab
  int length = 1000;
  int seed = 1;
  double temperature = 0.8;
  double compareTemperature = 0.3;
  bool argmax = false;
  int topK = 0;  // 0: off
  bool compare = false;
};

class GeneratorPane : public QWidget {
  Q_OBJECT

 public:
  explicit GeneratorPane(QWidget* parent = nullptr);
  ~GeneratorPane() override;

  // Keeps its own copy of what sampling needs (configuration, vocabulary, parameters) and
  // starts generating.
  void setModel(const cellscope::ModelFile& model);
  bool hasModel() const { return model_ != nullptr; }

  GeneratorSettings settings() const;
  void applySettings(const GeneratorSettings& settings);  // regenerates when a model is set

  // The neuron that colours the text (the explorer drives the same selection).
  NeuronSelection neuronSelection() const;
  void setNeuronSelection(const NeuronSelection& selection);

  // Starts new runs in every visible column (cancelling the current ones).
  void regenerate();

  // Saves the generated text (UTF-8) through QSaveFile; false with `error` set on failure.
  bool saveText(const QString& path, QString* error = nullptr) const;
  // What Copy and Save take: the primary text, or both columns under headers when comparing.
  QString exportText() const;

  GenerationColumn* primaryColumn() const { return columns_[0]; }
  GenerationColumn* compareColumn() const { return columns_[1]; }
  DistributionChart* distributionChart() const { return chart_; }
  QSlider* temperatureSlider() const { return primaryColumn()->temperatureSlider(); }
  double temperature() const { return primaryColumn()->temperature(); }
  QCheckBox* compareCheck() const { return compareCheck_; }
  QComboBox* modeCombo() const { return modeCombo_; }
  QLineEdit* primeEdit() const { return primeEdit_; }
  QSpinBox* seedSpin() const { return seedSpin_; }
  QSpinBox* lengthSpin() const { return lengthSpin_; }
  QSpinBox* topKSpin() const { return topKSpin_; }

 signals:
  void neuronSelectionChanged(const NeuronSelection& selection);
  // A column's "Explore": its prime and generated text, and its temperature.
  void exploreRequested(const QString& text, double temperature);

 private:
  QWidget* createControls();
  QWidget* createNeuronControls();
  GenerationRequest baseRequest() const;
  void restart(GenerationColumn* column);
  void updateColorMap();
  void showDistribution();
  void onHovered(int column, int index);
  void onFinished(const GenerationSummary& summary);
  void copyText();
  void chooseSaveFile();

  std::shared_ptr<const cellscope::ModelFile> model_;
  std::vector<char32_t> vocabulary_;
  GenerationColumn* columns_[2] = {nullptr, nullptr};
  DistributionChart* chart_ = nullptr;
  QLineEdit* primeEdit_ = nullptr;
  QSpinBox* lengthSpin_ = nullptr;
  QSpinBox* seedSpin_ = nullptr;
  QComboBox* modeCombo_ = nullptr;
  QSpinBox* topKSpin_ = nullptr;
  QCheckBox* compareCheck_ = nullptr;
  NeuronSelector* selector_ = nullptr;
  QLabel* legendLabel_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QPushButton* copyButton_ = nullptr;
  QPushButton* saveButton_ = nullptr;
  int hoveredColumn_ = 0;
  int hoveredIndex_ = -1;
  bool updating_ = false;  // set while controls are filled programmatically
};
