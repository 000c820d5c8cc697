// MemoryPanel: "what it remembers". A click's saliency — the gradient of log p(that character),
// or of the chosen neuron's value there, with respect to each of the previous K inputs — as a
// plot of gradient norm against distance and as an underline for the text view (underlineChanged);
// and the memory horizon, that norm averaged over the text, one line per model (the explorer's
// plus any added .csm files). All engine work runs on a SaliencyWorker thread.
#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

#include "common/neuron_selection.h"
#include "saliency_worker.h"

class HorizonPlot;
class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThread;

namespace cellscope {
struct ModelFile;
}

class MemoryPanel : public QWidget {
  Q_OBJECT

 public:
  explicit MemoryPanel(QWidget* parent = nullptr);
  ~MemoryPanel() override;

  // The model the explorer shows (a copy is kept); `name` labels its horizon line.
  void setModel(const cellscope::ModelFile& model, const QString& name = QString());
  void setText(const std::u32string& text);
  // The neuron whose value a click explains when the target is "the neuron".
  void setNeuron(const NeuronSelection& neuron);
  // Adds a model (.csm) to the horizon; false with lastError() naming the file when it is bad.
  bool addModelFile(const QString& path);
  int horizonModelCount() const;  // the explorer's model (when set) plus the added ones

  void setWindow(int window);  // K, 1..1000
  int window() const;
  void setNeuronTarget(bool neuron);  // false: log p(character)
  bool neuronTarget() const;
  void setHorizonLimit(qint64 characters);  // the first N characters (0: all)

  QString lastError() const { return lastError_; }
  const SaliencyResult& lastSaliency() const { return lastSaliency_; }
  const HorizonResult& lastHorizon() const { return lastHorizon_; }
  bool isMeasuring() const { return horizonJob_ != 0; }
  HorizonPlot* saliencyPlot() const { return saliencyPlot_; }
  HorizonPlot* horizonPlot() const { return horizonPlot_; }

  // The underline for a saliency: weights for characters [first, position], the norm on a log
  // scale from kUnderlineDecades below the strongest (0) to the strongest (1); NaN: no input.
  static constexpr double kUnderlineDecades = 3.0;
  static std::vector<float> underlineWeights(const SaliencyResult& result, int* first);

 public slots:
  // Computes the saliency of `position` on the worker; the plot and the underline follow.
  void showSaliencyAt(int position);
  // From the text view: Ctrl+click (or any click with "every click" ticked) explains.
  void characterClicked(int index, Qt::KeyboardModifiers modifiers);
  void clearSaliency();
  void measureHorizon();
  void cancelHorizon();

 signals:
  // The underline for the text view (ActivationTextView::setUnderline); empty weights clear it.
  void underlineChanged(int first, const std::vector<float>& weights);
  void saliencyShown(const SaliencyResult& result);
  void horizonShown(const HorizonResult& result);
  void errorOccurred(const QString& message);

 private:
  void buildWidgets();
  void onSaliency(const SaliencyResult& result);
  void onHorizon(const HorizonResult& result);
  void onHorizonProgress(quint64 jobId, double fraction);
  void addModelDialog();
  void removeSelectedModel();
  void refreshModelList();
  void refreshTargetLabel();
  void reportError(const QString& message);
  HorizonRequest horizonRequest() const;

  SaliencyWorker* worker_ = nullptr;
  QThread* thread_ = nullptr;
  std::shared_ptr<const cellscope::ModelFile> model_;
  QString modelName_;
  std::vector<HorizonModel> extraModels_;
  std::u32string text_;
  NeuronSelection neuron_;
  quint64 nextJob_ = 0;
  quint64 saliencyJob_ = 0, horizonJob_ = 0;
  SaliencyResult lastSaliency_;
  HorizonResult lastHorizon_;
  QString lastError_;

  QComboBox* targetBox_ = nullptr;
  QSpinBox* windowBox_ = nullptr;
  QCheckBox* everyClick_ = nullptr;
  QLabel* saliencyLabel_ = nullptr;
  HorizonPlot* saliencyPlot_ = nullptr;
  QListWidget* modelList_ = nullptr;
  QPushButton* addButton_ = nullptr;
  QPushButton* removeButton_ = nullptr;
  QSpinBox* limitBox_ = nullptr;
  QPushButton* measureButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* horizonLabel_ = nullptr;
  QElapsedTimer horizonClock_;  // since Measure, for the label's time left
  int horizonModels_ = 0;
  HorizonPlot* horizonPlot_ = nullptr;
};
