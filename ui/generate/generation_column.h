// GenerationColumn: one output column of the generator — its own temperature slider (log
// scale 0.05–2.0, value shown), an ActivationTextView with the prime and the streamed text,
// and a GenerationWorker on its own QThread. Starting a run cancels the previous one; chunks
// of runs that are no longer current are dropped. The generator shows one or two of these.
// "Explore" hands the shown text (prime and generated) to whoever listens (the explorer).
#pragma once

#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

#include "common/color_map.h"
#include "generation_worker.h"

class ActivationTextView;
class QLabel;
class QPushButton;
class QSlider;
class QThread;

// The temperature slider's scale: position 0..kSteps ↔ kMin..kMax, logarithmic.
namespace temperature {
inline constexpr double kMin = 0.05;
inline constexpr double kMax = 2.0;
inline constexpr int kSteps = 1000;
double fromSlider(int position);
int toSlider(double temperature);  // clamped to [0, kSteps]
}  // namespace temperature

class GenerationColumn : public QWidget {
  Q_OBJECT

 public:
  explicit GenerationColumn(const QString& objectName, QWidget* parent = nullptr);
  ~GenerationColumn() override;  // cancels the run and joins the worker thread

  void setModel(std::shared_ptr<const cellscope::ModelFile> file);
  // Starts a run of `request` at this column's temperature under a fresh run id (returned),
  // cancelling the current run. The view restarts with the prime.
  quint64 start(GenerationRequest request);
  void cancel();

  double temperature() const;
  void setTemperature(double value);  // snaps to the slider's nearest position
  QSlider* temperatureSlider() const { return slider_; }
  // Enabled while the column shows text; clicking emits exploreRequested().
  QPushButton* exploreButton() const { return exploreButton_; }

  ActivationTextView* view() const { return view_; }
  quint64 currentRunId() const { return runId_; }
  bool isRunning() const { return running_; }
  const GenerationSummary& lastSummary() const { return summary_; }
  int primeLength() const { return primeLength_; }
  // The generated text without the prime; the prime and the generated text as shown.
  QString generatedText() const;
  QString shownText() const;
  // What view character `index` was drawn from (nullptr for the prime or out of range), and
  // the distribution of the character after the end.
  const CharDistribution* distributionAt(int index) const;
  const CharDistribution& nextDistribution() const { return next_; }

  // How activations are coloured; an unbounded range follows the largest |value| so far.
  void setColorMap(const colormap::ColorMap& map);

 signals:
  void temperatureChanged(double temperature);
  void runStarted(quint64 runId);
  void textGrew();
  // Every run's end, including runs cancelled before or while they ran.
  void runFinished(const GenerationSummary& summary);
  void characterHovered(int index);
  // "Explore": the prime and the generated text as shown, and the temperature it was drawn at.
  void exploreRequested(const QString& text, double temperature);

 private:
  void onChunk(const GenerationChunk& chunk);
  void onFinished(const GenerationSummary& summary);
  void updateTemperatureLabel();

  QSlider* slider_ = nullptr;
  QLabel* valueLabel_ = nullptr;
  QPushButton* exploreButton_ = nullptr;
  ActivationTextView* view_ = nullptr;
  QThread* thread_ = nullptr;
  GenerationWorker* worker_ = nullptr;
  quint64 runId_ = 0;
  bool running_ = false;
  int primeLength_ = 0;
  std::vector<CharDistribution> distributions_;
  CharDistribution next_;
  GenerationSummary summary_;
  colormap::ColorMap colorMap_;
  float largest_ = 0.0f;         // max |activation| of the current run, for unbounded ranges
  double runTemperature_ = 1.0;  // the temperature of the run shown
};
